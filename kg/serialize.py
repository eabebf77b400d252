"""Reading and writing graphs in the format their file name asks for, atomically.

A write goes to a temporary file beside the target and is renamed over it only once complete,
so an interrupted build never leaves a truncated graph where the previous one was.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from rdflib import Dataset, Graph

from kg.namespaces import bind_prefixes

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
           ".json-ld": "json-ld"}
_QUAD_FORMATS = {"trig", "nquads"}


class UnknownFormat(ValueError):
    pass


def format_for(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = " ".join(sorted(FORMATS))
        raise UnknownFormat(f"cannot tell the graph format of {str(path)!r}: use one of {known}") from None


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_graph(graph: Graph, path: str | os.PathLike) -> None:
    """Serialise ``graph`` to ``path`` in the format of its extension, atomically."""
    fmt = format_for(path)
    bind_prefixes(graph)
    if fmt in _QUAD_FORMATS:
        ds = Dataset()
        bind_prefixes(ds)
        default = ds.default_graph
        for triple in graph:
            default.add(triple)
        data = ds.serialize(format=fmt, encoding="utf-8")
    else:
        data = graph.serialize(format=fmt, encoding="utf-8")
    with atomic_write(path) as handle:
        handle.write(data)


def read_graph(path: str | os.PathLike) -> Graph:
    """Parse the graph at ``path``; quads are merged into one graph."""
    fmt = format_for(path)
    if fmt in _QUAD_FORMATS:
        ds = Dataset()
        ds.parse(str(path), format=fmt)
        graph = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph = Graph()
        graph.parse(str(path), format=fmt)
    bind_prefixes(graph)
    return graph
