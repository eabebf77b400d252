"""Reading and writing graphs in the format their file name asks for, atomically.

A write goes to a temporary file beside the target and is renamed over it only once complete,
so an interrupted build never leaves a truncated graph where the previous one was.
"""

from __future__ import annotations

import glob
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.namespaces import PREFIXES, bind_prefixes

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
           ".json-ld": "json-ld", ".rdf": "xml", ".owl": "xml"}
_QUAD_FORMATS = {"trig", "nquads"}


class UnknownFormat(ValueError):
    pass


class UnreadableGraph(ValueError):
    """A graph file that cannot be read: truncated, not in its format, or not readable."""


def format_for(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = " ".join(sorted(FORMATS))
        raise UnknownFormat(f"cannot tell the graph format of {str(path)!r}: use one of {known}") from None


def _mode_for(target: Path) -> int:
    """The mode the file would get from a plain open(): the old file's, else 0o666 less umask."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class WriteFailed(OSError):
    """An output kg could not write (disk full, no permission); the previous file is intact.
    ``str()`` is the whole message, ``errno`` that of the cause."""

    def __init__(self, path: str | os.PathLike, cause: OSError):
        super().__init__(cause.errno, f"cannot write {path}: {cause.strerror or cause}")

    def __str__(self) -> str:
        return self.strerror


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    Every file kg writes goes through here, so a full disk or a kill never leaves a truncated
    file where the previous one was. The temporary file is named ``.NAME.PID.XXXX.tmp``: it is
    removed on failure, and one left by a killed run (its process gone) is removed by the next
    write to the same path. Errors are :class:`WriteFailed`, naming the path.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise WriteFailed(target, exc) from exc
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, WriteFailed):
            raise WriteFailed(target, exc) from exc
        raise


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of writes to ``target`` whose process is gone (killed)."""
    prefix = f".{target.name}."
    removed = []
    for tmp in target.parent.glob(glob.escape(prefix) + "*.tmp"):
        pid = tmp.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


_OX_FORMATS = {"turtle": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "nquads": "N_QUADS",
               "xml": "RDF_XML"}
_TEXT_WRITERS = {"turtle", "trig", "json-ld"}  # written by kg.rdf_text, the rest by pyoxigraph


def to_oxigraph(graph: Graph, quads: bool, ordered: bool = True, invalid_iri=None):
    """The triples of ``graph`` as pyoxigraph terms (quads in the default graph if asked),
    ``ordered`` by subject with the type first, as a person writes Turtle. ``invalid_iri``, if
    given, maps an IRI pyoxigraph refuses (one with a space or a backtick, which rdflib holds
    with a warning) to one it takes; otherwise such an IRI raises ValueError."""
    import pyoxigraph as ox

    named: dict = {}

    def term(t):
        if isinstance(t, URIRef):
            node = named.get(t)
            if node is None:
                try:
                    node = ox.NamedNode(str(t))
                except ValueError:
                    if invalid_iri is None:
                        raise
                    node = ox.NamedNode(invalid_iri(str(t)))
                named[t] = node
            return node
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=term(t.datatype))
        return ox.Literal(str(t))

    default = ox.DefaultGraph()
    triples = sorted(graph, key=lambda t: (t[0], t[1] != RDF.type, t[1], t[2].n3())) \
        if ordered else graph
    for s, p, o in triples:
        terms = term(s), term(p), term(o)
        yield ox.Quad(*terms, default) if quads else ox.Triple(*terms)


def from_oxigraph(items, graph: Graph) -> None:
    """Add pyoxigraph triples or quads (graph names dropped) to an rdflib ``graph``."""
    import pyoxigraph as ox

    cache: dict = {}
    xsd_string = str(XSD.string)

    def term(t):
        if isinstance(t, ox.NamedNode):
            node = cache.get(t.value)
            if node is None:
                node = cache[t.value] = URIRef(t.value)
            return node
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        if datatype == xsd_string:
            return Literal(t.value)
        return Literal(t.value, datatype=term(t.datatype))

    add = graph.add
    for item in items:
        add((term(item.subject), term(item.predicate), term(item.object)))


def graph_of_store(store) -> Graph:
    """The default graph of a pyoxigraph ``store`` as an rdflib graph, kg's prefixes bound."""
    import pyoxigraph as ox

    graph = Graph()
    bind_prefixes(graph)
    from_oxigraph(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), graph)
    return graph


def store_of(graph: Graph, invalid_iri=None):
    """A pyoxigraph store holding the triples of an rdflib ``graph`` in its default graph
    (``invalid_iri`` as in :func:`to_oxigraph`)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(to_oxigraph(graph, quads=True, ordered=False, invalid_iri=invalid_iri))
    return store


def write_graph(graph: Graph, target, fmt: str | None = None) -> None:
    """Serialise an rdflib ``graph`` like :func:`write_store`."""
    write_store(store_of(graph), target, fmt)


def subject_blocks(store, named_graphs: bool = False) -> Iterator[tuple]:
    """The default graph of ``store`` as ``(graph, subject, [(predicate, object), ...])``, sorted
    by subject with each subject's type first.

    With ``named_graphs``, each article-bound subject (:func:`kg.iri.article_graph_of`) gets its
    article's graph and the rest ``None`` (the default graph); the blocks then come sorted by
    graph, default graph first. Only the subjects are sorted in Python, and each one's triples are
    read from the store as it is written, so memory stays about that of the store.
    """
    import pyoxigraph as ox

    from kg.iri import article_graph_of

    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode(str(RDF.type))
    subjects = {q.subject.value: q.subject
                for q in store.quads_for_pattern(None, None, None, default)}
    keyed = []
    for key, subject in subjects.items():
        graph = None
        if named_graphs and isinstance(subject, ox.NamedNode):
            name = article_graph_of(key)
            if name is not None and str(name) in subjects:  # an article of this graph
                graph = ox.NamedNode(str(name))
        keyed.append(((graph is not None, graph.value if graph is not None else "", key),
                      graph, subject))
    keyed.sort(key=lambda item: item[0])
    for _, graph, subject in keyed:
        pairs = sorted(((q.predicate, q.object)
                        for q in store.quads_for_pattern(subject, None, None, default)),
                       key=lambda po: (po[0] != rdf_type, po[0].value, str(po[1])))
        yield graph, subject, pairs


def generate_rdf(store, fmt: str) -> Iterator[bytes]:
    """The default graph of ``store`` in format ``fmt`` (a value of :data:`FORMATS`), as chunks of
    UTF-8 text. TriG and N-Quads put each article's nodes in a graph of its own."""
    import pyoxigraph as ox

    from kg import rdf_text

    quads = fmt in _QUAD_FORMATS
    blocks = subject_blocks(store, named_graphs=quads)
    if fmt == "json-ld":
        for piece in rdf_text.generate_jsonld(blocks):
            yield piece.encode("utf-8")
        return
    if fmt in ("turtle", "trig"):
        # the prefixes used are known at the end: spool the body, then write header and body
        terms = rdf_text.TermWriter()
        generate = rdf_text.generate_trig if quads else rdf_text.generate_turtle
        with tempfile.SpooledTemporaryFile(max_size=64 << 20) as body:
            for piece in generate(blocks, terms):
                body.write(piece.encode("utf-8"))
            yield terms.header().encode("utf-8")
            body.seek(0)
            while chunk := body.read(1 << 20):
                yield chunk
        return

    def items():
        for graph, subject, pairs in blocks:
            for p, o in pairs:
                yield ox.Quad(subject, p, o, graph or ox.DefaultGraph()) if quads \
                    else ox.Triple(subject, p, o)

    prefixes = PREFIXES if fmt == "xml" else None
    yield ox.serialize(items(), format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]), prefixes=prefixes)


def write_store(store, target, fmt: str | None = None) -> None:
    """Serialise the default graph of a pyoxigraph ``store`` to ``target``: a path (written
    atomically; the format follows the extension unless ``fmt`` names one) or a binary file.

    Turtle and TriG are laid out by :mod:`kg.rdf_text` (prefixes, one block per subject), JSON-LD
    is compact with the shipped context, N-Triples, N-Quads and RDF/XML come from pyoxigraph.
    """
    if fmt is None:
        fmt = format_for(target)
    elif fmt not in _OX_FORMATS and fmt not in _TEXT_WRITERS:
        fmt = format_for(f"x.{fmt}")
    if hasattr(target, "write"):
        for chunk in generate_rdf(store, fmt):
            target.write(chunk)
        return
    with atomic_write(target) as handle:
        for chunk in generate_rdf(store, fmt):
            handle.write(chunk)


def read_store(path: str | os.PathLike):
    """A pyoxigraph store holding the graph at ``path``, every quad in the default graph (the
    layout of named graphs follows from the IRIs, so nothing is lost)."""
    import pyoxigraph as ox

    from kg.store import is_store, open_store

    if is_store(path):  # the graph of record of kg build --store: opened, not read
        return open_store(path)
    fmt = format_for(path)
    store = ox.Store()
    if fmt in _OX_FORMATS:
        with unreadable_as_error(path):
            store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]),
                            to_graph=None if fmt in _QUAD_FORMATS else ox.DefaultGraph())
    else:
        store.extend(to_oxigraph(read_graph(path), quads=True, ordered=False))
    if fmt in _QUAD_FORMATS:  # named graphs into the default graph
        default = ox.DefaultGraph()
        named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
        store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in named)
        for q in named:
            store.remove(q)
    return store


def convert_graph(source: str | os.PathLike, target: str | os.PathLike) -> int:
    """Rewrite the graph at ``source`` in the format of ``target``; returns the triple count."""
    format_for(target)
    store = read_store(source)
    write_store(store, target)
    return len(store)


def read_graph(path: str | os.PathLike) -> Graph:
    """Parse the graph at ``path``; quads are merged into one graph.

    Raises :class:`UnreadableGraph` for a file that does not parse (JSON-LD contexts named by
    IRI are never fetched: see :mod:`kg.jsonld`)."""
    from kg.jsonld import parse_jsonld
    from kg.store import is_store, open_store

    if is_store(path):
        return graph_of_store(open_store(path))
    fmt = format_for(path)
    graph = Graph()
    with unreadable_as_error(path):
        if fmt in _OX_FORMATS:
            import pyoxigraph as ox

            rdf_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
            with open(path, "rb") as handle:
                from_oxigraph(ox.parse(handle, rdf_format), graph)
        else:
            parse_jsonld(Path(path).read_bytes(), graph, base=Path(path).absolute().as_uri())
    bind_prefixes(graph)
    return graph


@contextmanager
def unreadable_as_error(path: str | os.PathLike) -> Iterator[None]:
    """Turn the errors of reading the graph file ``path`` into :class:`UnreadableGraph`."""
    from kg.jsonld import JsonLdError

    try:
        yield
    except SyntaxError as exc:  # pyoxigraph's parse errors
        raise UnreadableGraph(f"cannot read {path}: {exc.msg}") from exc
    except (JsonLdError, UnicodeDecodeError) as exc:
        raise UnreadableGraph(f"cannot read {path}: {exc}") from exc
    except OSError as exc:
        raise UnreadableGraph(f"cannot read {path}: {exc.strerror or exc}") from exc
