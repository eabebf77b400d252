"""The graph of record on disk: a directory holding a pyoxigraph (RocksDB) store.

``kg build CORPUS --store graph.kg`` writes the settled graph into ``graph.kg/``; ``kg query``,
``kg serve``, ``kg export``, ``kg viz``, ``kg load`` and ``kg validate`` open that directory as
they open a graph file, without parsing anything. Layout::

    graph.kg/
        kg-store.json    what the directory is (format, kg version, triple count)
        oxigraph/        the pyoxigraph store

A build fills a new store beside the old one (``.graph.kg.partial-PID``) and swaps it in only
when it is complete, so a killed build leaves the previous store as it was; the next build
removes the leftover and does the work again (with ``--cache``, only the extraction it had not
committed).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

MARKER = "kg-store.json"
FORMAT = "kg pyoxigraph store"


class NotAStore(ValueError):
    """A path that should be a kg store directory but is something else."""


def is_store(path: str | os.PathLike) -> bool:
    """``path`` is a directory a kg build wrote its store into."""
    p = Path(path)
    return p.is_dir() and (p / MARKER).is_file()


def open_store(path: str | os.PathLike) -> ox.Store:
    """The store in the kg store directory ``path``, opened read-only (any number of readers
    may open it at once)."""
    p = Path(path)
    if not is_store(p):
        raise NotAStore(f"{path} is not a kg store (no {MARKER})")
    return ox.Store.read_only(str(p / "oxigraph"))


def describe(path: str | os.PathLike) -> dict:
    """What ``kg-store.json`` says of the store at ``path``."""
    with open(Path(path) / MARKER, encoding="utf-8") as f:
        return json.load(f)


class StoreBuild:
    """A new store for ``target``, filled aside and swapped in by :meth:`commit`::

        build = StoreBuild("graph.kg")
        corpus = CorpusGraph(build.store)
        ...
        build.commit()      # graph.kg/ now holds the new graph; the old one is gone

    ``target`` must be absent, empty, or a kg store (never a file or another directory).
    """

    def __init__(self, target: str | os.PathLike):
        self.target = Path(target)
        if self.target.exists() and not is_store(self.target) and not (
                self.target.is_dir() and not any(self.target.iterdir())):
            raise NotAStore(f"{target} exists and is not a kg store: not replacing it")
        parent = self.target.absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
        for leftover in parent.glob(f".{self.target.name}.partial-*"):  # of a killed build
            shutil.rmtree(leftover, ignore_errors=True)
        self.partial = parent / f".{self.target.name}.partial-{os.getpid()}"
        self.partial.mkdir()
        self.store = ox.Store(str(self.partial / "oxigraph"))

    def commit(self) -> Path:
        """Flush the new store and put it where ``target`` was; returns ``target``."""
        from kg import __version__

        self.store.flush()
        count = len(self.store)
        del self.store  # close the RocksDB files before the directory moves
        with open(self.partial / MARKER, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "kg": __version__, "triples": count}, f)
            f.write("\n")
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
        os.replace(self.partial, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def abandon(self) -> None:
        """Remove the new store (a build that failed or read nothing)."""
        self.__dict__.pop("store", None)
        shutil.rmtree(self.partial, ignore_errors=True)
