"""The property-graph view of the RDF graph: one projection for embedded Cypher (Ladybug), networkx,
Neo4j and GraphML, so Cypher sees the same facts as SPARQL. It is read from a pyoxigraph store
with SPARQL, a chunk of nodes at a time (:func:`property_graph_records`), never through rdflib.

Nodes are entities, events and articles, keyed by their IRI:

- labels (in the ``__labels__`` set of a networkx node): the local names of the node's
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
from functools import lru_cache
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterator

import networkx as nx
import pyoxigraph as ox
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


_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING_TYPES = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte",
                                      "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                      "nonPositiveInteger", "unsignedInt", "unsignedLong",
                                      "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {_XSD + "double", _XSD + "float", _XSD + "decimal"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def term_value(literal: ox.Literal) -> Any:
    """A pyoxigraph literal as :func:`literal_value` gives the same literal read by rdflib: date,
    datetime, int, float, bool or str (the text, for a value of no Python type)."""
    datatype = literal.datatype.value
    text = literal.value
    if datatype in _STRING_TYPES:
        return text
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype in _FLOAT_TYPES:
            return float(text)
    except ValueError:
        pass
    if datatype == _XSD + "boolean" and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    if datatype == _XSD + "date" and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # "2024-02-30": ill-typed, kept as text as rdflib keeps it
            return text
    return literal_value(Literal(text, datatype=URIRef(datatype)))  # rare types: rdflib's reading


_INVALID_IRI = "urn:kg:invalid-iri:"
"""An IRI an rdflib graph holds that pyoxigraph refuses (``article/hostile`{'}``) is carried
through the store under this prefix, percent-encoded, and given back as it was."""


def _carried(iri: str) -> str:
    from urllib.parse import quote

    return _INVALID_IRI + quote(iri, safe="")


def _iri(value: str) -> str:
    """An IRI of the store as the graph had it (see :data:`_INVALID_IRI`)."""
    if value.startswith(_INVALID_IRI):
        from urllib.parse import unquote

        return unquote(value[len(_INVALID_IRI):])
    return value


def _restored(props: dict[str, Any]) -> dict[str, Any]:
    def one(value):
        if isinstance(value, str):
            return _iri(value)
        return [one(v) for v in value] if isinstance(value, list) else value

    return {name: one(value) for name, value in props.items()}


def _store_of(graph: Graph | ox.Store) -> ox.Store:
    """``graph`` itself, or an rdflib graph copied into a store."""
    if isinstance(graph, ox.Store):
        return graph
    from kg.serialize import store_of

    return store_of(graph, invalid_iri=_carried)


_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = str(RDFS.label)
_FACTUALITY = str(NEWS.factuality)
_EVIDENCE_FIELDS = {str(NEWS.article): "article", str(NEWS.sentence): "sentence",
                    str(NEWS.confidence): "confidence", str(NEWS.startOffset): "start",
                    str(NEWS.endOffset): "end"}
_PREFIXES = {"rdf": str(RDF), "news": str(NEWS)}
_CHUNK = 2000
"""Nodes read per SPARQL query: pyoxigraph answers in Rust, and Python sees only the rows of
the projection (a store read quad by quad costs about 5 us a quad in Python)."""


def _values(terms) -> str:
    """A SPARQL ``VALUES`` body of IRIs, each written by pyoxigraph (never text pasted in)."""
    return " ".join(str(ox.NamedNode(t)) for t in terms)


def _evidence_of(store: ox.Store, holders: str) -> dict[str, dict[str, Any]]:
    """The first evidence (by article, then offset) of each holder that the ``VALUES`` body or
    graph pattern ``holders`` binds to ``?h``, as properties."""
    names = list(_EVIDENCE_FIELDS.values())
    optional = " ".join(f"OPTIONAL {{ ?ev <{iri}> ?{name} }}"
                        for iri, name in _EVIDENCE_FIELDS.items())
    query = (f"SELECT ?h ?ev ?{' ?'.join(names)} WHERE {{ {holders} ?h news:evidence ?ev . "
             f"{optional} }}")
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for h, ev, *terms in store.query(query, prefixes=_PREFIXES):
        key = str(ev)
        if key in found[h.value]:
            continue  # a second value of a field: the first is kept
        props = {}
        for name, term in zip(names, terms):
            if term is None:
                continue
            if name == "article":
                props[name] = term.value
            elif isinstance(term, ox.Literal):
                props[name] = term_value(term)
        found[h.value][key] = props
    return {holder: min(reports.values(),
                        key=lambda p: (p.get("article", ""), p.get("start", -1), str(p)))
            for holder, reports in found.items()}


def _asserted_claims(store: ox.Store, symmetric: frozenset[str] = frozenset()
                     ) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Evidence properties of each asserted direct relation, keyed by its triple (as IRIs): those
    of its first report (by article and offset) as ``article``, ``sentence``, ``confidence``,
    ``start``, ``end``, ``claim``, and every report's in step as the lists ``claims``,
    ``articles``, ``sentences``, ``confidences``, with their number as ``reports``. A claim of a
    symmetric relation is a report of both directions."""
    parts: dict[str, dict[str, Any]] = {}
    query = ("SELECT ?claim ?flag ?s ?p ?o WHERE { ?claim a news:Claim . "
             "OPTIONAL { ?claim news:asserted ?flag } OPTIONAL { ?claim rdf:subject ?s } "
             "OPTIONAL { ?claim rdf:predicate ?p } OPTIONAL { ?claim rdf:object ?o } }")
    for claim, flag, s, p, o in store.query(query, prefixes=_PREFIXES):
        parts.setdefault(claim.value, {"flag": flag, "s": s, "p": p, "o": o})
    evidence = _evidence_of(store, "?h a news:Claim .")
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for claim, part in parts.items():
        flag, s, p, o = part["flag"], part["s"], part["p"], part["o"]
        if not (term_value(flag) if isinstance(flag, ox.Literal) else flag is not None):
            continue
        if s is None or p is None or not isinstance(o, ox.NamedNode):
            continue  # no relation between two nodes: nothing to attach
        s, p, o = s.value, p.value, o.value
        props = {**evidence.get(claim, {}), "claim": claim}
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


PropertyGraphNode = tuple[str, frozenset[str], dict[str, Any], list[tuple[str, str, dict[str, Any]]]]
"""``(iri, labels, properties, [(relationship type, target iri, properties), ...])``."""


def property_graph_records(graph: Graph | ox.Store, ontology: Ontology | None = None
                           ) -> Iterator[PropertyGraphNode]:
    """The projection of docs/graph-layout.md, streamed: each node in IRI order with its labels,
    its properties and the relationships that leave it.

    Reads a pyoxigraph store (an rdflib graph is copied into one) with SPARQL, a chunk of nodes
    at a time: memory holds the node IRIs, the evidence of asserted relations and one chunk,
    never the RDF graph (whose mentions and evidence are most of its triples).
    """
    onto = ontology or load_ontology()
    store = _store_of(graph)
    restore = not isinstance(graph, ox.Store)  # IRIs rdflib held that pyoxigraph refuses
    classes = " ".join(f"<{c}>" for c in sorted(onto.node_classes))
    labels: dict[str, set[str]] = defaultdict(set)
    by_class: dict[str, frozenset[str]] = {}
    for s, c in store.query(f"SELECT ?s ?c WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c "
                            f"FILTER(isIRI(?s)) }}"):
        if c.value not in by_class:
            by_class[c.value] = onto.labels_of(URIRef(c.value))
        labels[s.value] |= by_class[c.value]
    nodes = sorted(s for s, ls in labels.items() if ls)
    known = set(nodes)
    relations = {str(p): onto.relationship_type(p) for p in onto.relations}
    claims = _asserted_claims(store, frozenset(str(p) for p in onto.symmetric))
    names = lru_cache(maxsize=None)(lambda iri: "label" if iri == _LABEL else local_name(iri))
    skipped = " && ".join(f"?p != <{p}>" for p in sorted([str(RDF.type), *map(str, _FOLDED)]))
    for begin in range(0, len(nodes), _CHUNK):
        chunk = nodes[begin:begin + _CHUNK]
        values = _values(chunk)
        pairs: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for s, p, o in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
                                   f"?s ?p ?o FILTER({skipped}) }}"):
            pairs[s.value].append((p.value, o))
        events = [n for n in chunk if "Event" in labels[n] or "EventReport" in labels[n]]
        evidence = _evidence_of(store, f"VALUES ?h {{ {_values(events)} }}") if events else {}
        for node in chunk:
            props: dict[str, list[Any]] = defaultdict(list)
            edges = []
            for iri, obj in pairs.get(node, ()):
                if isinstance(obj, ox.Literal):
                    props[names(iri)].append(term_value(obj))
                elif (rel := relations.get(iri)) is not None:
                    if isinstance(obj, ox.NamedNode) and obj.value in known:
                        edges.append((rel, iri, obj.value))
                elif isinstance(obj, ox.NamedNode):
                    value = local_name(obj.value) if iri == _FACTUALITY else obj.value
                    props[names(iri)].append(value)
            attrs: dict[str, Any] = {}
            for name, values_ in props.items():
                values_ = sorted(set(values_), key=_sort_key)
                if len({type(v) for v in values_}) > 1:  # Neo4j lists must be of one type
                    values_ = sorted({str(v) for v in values_})
                attrs[name] = (values_ if name in _LIST_PROPERTIES or len(values_) > 1
                               else values_[0])
            node_labels = frozenset(labels[node])
            attrs.update(evidence.get(node, {}))
            attrs["uri"] = node
            out: dict[tuple[str, str], dict[str, Any]] = {}
            for rel, iri, obj in sorted(edges):  # one edge of a type between two nodes
                out.setdefault((rel, obj), {}).update(claims.get((node, iri, obj), {}))
            if restore:
                yield (_iri(node), node_labels, _restored(attrs),
                       [(rel, _iri(obj), _restored(props)) for (rel, obj), props in out.items()])
            else:
                yield node, node_labels, attrs, [(rel, obj, props)
                                                 for (rel, obj), props in out.items()]


def to_property_graph(graph: Graph | ox.Store, ontology: Ontology | None = None
                      ) -> nx.MultiDiGraph:
    """Project an RDF graph laid out as in docs/graph-layout.md onto a property graph.

    Pure: reads ``graph`` (a pyoxigraph store, or an rdflib graph), returns a new
    ``networkx.MultiDiGraph`` whose node ids are IRIs. Labels and relationship types come only
    from ``ontology`` (default: ontology/news.ttl). :func:`property_graph_records` gives the
    same nodes and edges as a stream.
    """
    pg = nx.MultiDiGraph()
    pending = []
    for node, labels, attrs, edges in property_graph_records(graph, ontology):
        pg.add_node(node, **{LABELS: set(labels)}, **attrs)
        pending.extend((node, target, rel, props) for rel, target, props in edges)
    for node, target, rel, props in pending:
        pg.add_edge(node, target, key=rel, **{LABELS: {rel}}, **props)
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


def write_graphml(graph: Graph | ox.Store, path: str | Path | IO[bytes]) -> nx.MultiDiGraph:
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
