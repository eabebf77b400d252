"""The property-graph view of the RDF graph: one projection for networkx/grand-cypher, Neo4j and
GraphML, so Cypher sees the same facts as SPARQL.

Nodes are entities, events and articles, keyed by their IRI:

- labels (in the ``__labels__`` set, as grand-cypher expects): the local names of the node's
  classes and of all their superclasses in ``ontology/news.ttl`` (a City is also Place, Entity);
- properties: ``uri``, ``label`` (rdfs:label), ``altLabel`` (a list) and every other literal
  under its predicate's local name, with dates as ``datetime.date``, counts as ``int``,
  decimals as ``float``; IRIs that are not nodes (``schema:url``, ``news:factuality``) become
  strings (the factuality as its local name, ``"Asserted"``);
- an event also carries its evidence: ``article`` (IRI), ``sentence``, ``confidence``,
  ``start``, ``end``.

Edges are the ontology's relations between nodes, typed by the predicate's local name in
UPPER_SNAKE_CASE (``VISITED``, ``LEADER_OF``, ``ACTOR``, ``CONTENT_LOCATION``, ``MENTIONS`` from
an article to each entity it names), keyed by that type. A direct relation carries the evidence
of every asserted claim of it (every article that reported it): the first by (article, start
offset) as ``article``, ``sentence``, ``confidence``, ``start``, ``end`` and ``claim`` (the claim
IRI), all of them as the lists ``claims``, ``articles``, ``sentences``, ``confidences``, and their
number as ``reports``. A symmetric relation (``MET_WITH``) is an edge each way, with the same
reports. Claims, evidence, mentions and extractors are folded away.

Example::

    >>> pg = to_property_graph(rdf_graph)
    >>> pg.nodes["https://w3id.org/kg-news/resource/entity/place/tehran"]["__labels__"]
    {'City', 'Place', 'Entity'}
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.namespaces import NEWS
from kg.ontology import Ontology, load_ontology, local_name

LABELS = "__labels__"
"""The node/edge attribute holding the label set (node) or the one-type set (edge)."""

_LIST_PROPERTIES = {"altLabel"}
_FOLDED = {NEWS.evidence, NEWS.mention, NEWS.extractor}


def literal_value(literal: Literal) -> Any:
    """A literal as a plain Python value: date, datetime, int, float, bool or str."""
    value = literal.toPython()
    if isinstance(value, Literal):  # no Python type (xsd:gYearMonth, ill-formed): keep the text
        return str(literal)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bool, int, float, date, datetime, str)):
        return value
    return str(literal)


def _sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def _evidence(graph: Graph, holder: URIRef) -> dict[str, Any]:
    """The first evidence of ``holder`` (a claim or an event), as edge/node properties."""
    found = []
    for ev in graph.objects(holder, NEWS.evidence):
        props: dict[str, Any] = {}
        article = graph.value(ev, NEWS.article)
        if article is not None:
            props["article"] = str(article)
        for prop, name in ((NEWS.sentence, "sentence"), (NEWS.confidence, "confidence"),
                           (NEWS.startOffset, "start"), (NEWS.endOffset, "end")):
            value = graph.value(ev, prop)
            if isinstance(value, Literal):
                props[name] = literal_value(value)
        found.append(props)
    if not found:
        return {}
    return min(found, key=lambda p: (p.get("article", ""), p.get("start", -1), str(p)))


def _asserted_claims(graph: Graph, symmetric=frozenset()
                     ) -> dict[tuple[URIRef, URIRef, URIRef], dict[str, Any]]:
    """Evidence properties of each asserted direct relation, keyed by its triple: those of its
    first report (by article and offset) as ``article``, ``sentence``, ``confidence``, ``start``,
    ``end``, ``claim``, and every report's in step as the lists ``claims``, ``articles``,
    ``sentences``, ``confidences``, with their number as ``reports``. A claim of a symmetric
    relation is a report of both directions."""
    found: dict[tuple[URIRef, URIRef, URIRef], list[dict[str, Any]]] = defaultdict(list)
    for claim in graph.subjects(RDF.type, NEWS.Claim):
        if not graph.value(claim, NEWS.asserted, default=Literal(False)).toPython():
            continue
        s, p, o = (graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate),
                   graph.value(claim, RDF.object))
        props = {**_evidence(graph, claim), "claim": str(claim)}
        found[(s, p, o)].append(props)
        if p in symmetric and s != o:
            found[(o, p, s)].append(props)
    out = {}
    for triple, reports in found.items():
        reports.sort(key=lambda r: (r.get("article", ""), r.get("start", -1), r["claim"]))
        first = dict(reports[0])
        first.update(claims=[r["claim"] for r in reports],
                     articles=[r.get("article", "") for r in reports],
                     sentences=[r.get("sentence", "") for r in reports],
                     confidences=[float(r.get("confidence", 0.0)) for r in reports],
                     reports=len(reports))
        out[triple] = first
    return out


def to_property_graph(graph: Graph, ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """Project an RDF graph laid out as in docs/graph-layout.md onto a property graph.

    Pure: reads ``graph``, returns a new ``networkx.MultiDiGraph`` whose node ids are IRIs.
    Labels and relationship types come only from ``ontology`` (default: ontology/news.ttl).
    """
    onto = ontology or load_ontology()
    labels: dict[URIRef, set[str]] = defaultdict(set)
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and isinstance(cls, URIRef):
            labels[subject] |= onto.labels_of(cls)
    nodes = {s for s, ls in labels.items() if ls}

    pg = nx.MultiDiGraph()
    claims = _asserted_claims(graph, onto.symmetric)
    for node in sorted(nodes):
        props: dict[str, list[Any]] = defaultdict(list)
        edges = []
        for predicate, obj in graph.predicate_objects(node):
            if predicate == RDF.type or predicate in _FOLDED:
                continue
            if isinstance(obj, Literal):
                name = "label" if predicate == RDFS.label else local_name(predicate)
                props[name].append(literal_value(obj))
            elif (rel := onto.relationship_type(predicate)) is not None:
                if obj in nodes:
                    edges.append((rel, predicate, obj))
            elif isinstance(obj, URIRef):
                value = local_name(obj) if predicate == NEWS.factuality else str(obj)
                props[local_name(predicate)].append(value)
        attrs: dict[str, Any] = {}
        for name, values in props.items():
            values = sorted(set(values), key=_sort_key)
            if len({type(v) for v in values}) > 1:  # Neo4j lists must be of one type
                values = sorted({str(v) for v in values})
            attrs[name] = values if name in _LIST_PROPERTIES or len(values) > 1 else values[0]
        if "Event" in labels[node] or "EventReport" in labels[node]:
            attrs.update(_evidence(graph, node))
        attrs["uri"] = str(node)
        pg.add_node(str(node), **{LABELS: set(labels[node])}, **attrs)
        for rel, predicate, obj in edges:
            edge_props = claims.get((node, predicate, obj), {})
            pg.add_edge(str(node), str(obj), key=rel, **{LABELS: {rel}}, **edge_props)
    return pg


# what XML 1.0 cannot hold at all, even escaped: C0 controls but tab and line breaks,
# surrogates, U+FFFE and U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
INT64 = (-2**63, 2**63 - 1)
"""The integers Neo4j and GraphML's ``long`` hold; a larger count is written as text."""


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot carry written as ``\\xNN`` (a NUL in a name
    made the GraphML file invalid)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                        else f"\\u{ord(m.group()):04x}", text)


def bounded(value: Any) -> Any:
    """``value``, or its decimal text when it is an integer outside 64 bits (``10**23``)."""
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        return str(value)
    return value


def _graphml_value(value: Any) -> Any:
    if isinstance(value, (list, set, tuple)):
        return xml_text("; ".join(str(v) for v in sorted(value, key=_sort_key)))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return xml_text(value)
    return bounded(value)


def to_graphml_graph(pg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The projection with GraphML-friendly values: node ``labels`` as ``:City:Place``, edge
    ``type``, lists joined by ``"; "``, dates as ISO strings."""
    out = nx.MultiDiGraph()
    for node, data in pg.nodes(data=True):
        attrs = {k: _graphml_value(v) for k, v in data.items() if k != LABELS}
        attrs["labels"] = "".join(f":{label}" for label in sorted(data.get(LABELS, ())))
        out.add_node(node, **attrs)
    for u, v, key, data in pg.edges(keys=True, data=True):
        attrs = {k: _graphml_value(v) for k, v in data.items() if k != LABELS}
        out.add_edge(u, v, key=key, type=key, **attrs)
    return out


def write_graphml(graph: Graph, path: str | Path | IO[bytes]) -> nx.MultiDiGraph:
    """Write the property-graph projection of ``graph`` as GraphML (for Gephi or Cytoscape),
    atomically when ``path`` is a path."""
    from kg.serialize import atomic_write

    pg = to_graphml_graph(to_property_graph(graph))
    if hasattr(path, "write"):
        nx.write_graphml(pg, path)
    else:
        with atomic_write(path) as handle:
            nx.write_graphml(pg, handle)
    return pg
