"""The kg ontology (``ontology/news.ttl``) loaded once, with the class hierarchy and the
vocabulary that property-graph views may use.

Node labels and relationship types of every property-graph view (networkx, Neo4j, GraphML) come
from here and never from article text, so a Cypher statement can splice them in safely.

Example::

    >>> from kg.ontology import load_ontology
    >>> onto = load_ontology()
    >>> sorted(onto.labels_of(NEWS.City))
    ['City', 'Entity', 'Place']
    >>> onto.relationship_type(NEWS.leaderOf)
    'LEADER_OF'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespaces import NEWS, ONTOLOGY_FILE, SCHEMA

# Classes and properties the graph layout (docs/graph-layout.md) uses from schema.org; the
# ontology refers to them but does not declare them.
_SCHEMA_CLASSES = (SCHEMA.NewsArticle,)
_SCHEMA_RELATIONS = (SCHEMA.contentLocation, SCHEMA.mentions)


def local_name(iri: str) -> str:
    """The part of ``iri`` after its last ``#`` or ``/``."""
    return re.split(r"[#/]", str(iri))[-1]


def upper_snake(name: str) -> str:
    """``leaderOf`` -> ``LEADER_OF``; ``contentLocation`` -> ``CONTENT_LOCATION``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


@dataclass(frozen=True)
class Ontology:
    """The parsed ontology plus what the property-graph views need from it.

    ``superclasses`` maps each class to all its superclasses in the news and schema namespaces
    (transitively, without the class itself). ``relations`` are the object properties whose
    values become relationships; ``node_classes`` are the classes whose instances become nodes.
    """

    graph: Graph
    superclasses: dict[URIRef, frozenset[URIRef]]
    node_classes: frozenset[URIRef]
    relations: frozenset[URIRef]
    symmetric: frozenset[URIRef] = frozenset()
    """The relations declared ``owl:SymmetricProperty`` (``news:metWith``)."""

    def labels_of(self, cls: URIRef) -> frozenset[str]:
        """Node labels for an instance of ``cls``: its local name and its superclasses'."""
        if cls not in self.node_classes:
            return frozenset()
        return frozenset(local_name(c) for c in (cls, *self.superclasses.get(cls, ())))

    def relationship_type(self, predicate: URIRef) -> str | None:
        """The relationship type for ``predicate``, or None if it is not an ontology relation."""
        if predicate not in self.relations:
            return None
        return upper_snake(local_name(predicate))

    @property
    def node_labels(self) -> frozenset[str]:
        """Every label a node may carry."""
        return frozenset(label for cls in self.node_classes for label in self.labels_of(cls))

    @property
    def relationship_types(self) -> frozenset[str]:
        """Every relationship type an edge may carry."""
        return frozenset(upper_snake(local_name(p)) for p in self.relations)


def _in_vocabulary(iri: URIRef) -> bool:
    return str(iri).startswith((str(NEWS._NS), str(SCHEMA)))


def build_ontology(graph: Graph) -> Ontology:
    """Derive the class hierarchy and the relation vocabulary from a parsed ontology graph."""
    direct: dict[URIRef, set[URIRef]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and _in_vocabulary(cls):
            direct[cls] = {s for s in graph.objects(cls, RDFS.subClassOf)
                           if isinstance(s, URIRef) and _in_vocabulary(s)}
    for cls in _SCHEMA_CLASSES:
        direct.setdefault(cls, set())

    def closure(cls: URIRef, seen: frozenset[URIRef] = frozenset()) -> set[URIRef]:
        out: set[URIRef] = set()
        for parent in direct.get(cls, ()):
            if parent not in seen:
                out |= {parent} | closure(parent, seen | {cls})
        return out

    superclasses = {cls: frozenset(closure(cls)) for cls in direct}
    roots = {NEWS.Entity, NEWS.Event, NEWS.EventReport, *_SCHEMA_CLASSES}
    node_classes = frozenset(cls for cls, ups in superclasses.items() if cls in roots or ups & roots)
    relations = frozenset(
        p for p in graph.subjects(RDF.type, OWL.ObjectProperty)
        if isinstance(p, URIRef) and _in_vocabulary(p)
        # provenance links are folded into properties, not drawn as edges
        and p not in (NEWS.evidence, NEWS.mention, NEWS.article, NEWS.extractor, NEWS.factuality)
    ) | frozenset(_SCHEMA_RELATIONS)
    symmetric = frozenset(p for p in graph.subjects(RDF.type, OWL.SymmetricProperty)
                          if p in relations)
    return Ontology(graph=graph, superclasses=superclasses, node_classes=node_classes,
                    relations=relations, symmetric=symmetric)


@lru_cache(maxsize=None)
def _load(path: Path) -> Ontology:
    return build_ontology(Graph().parse(path, format="turtle"))


def load_ontology(path: str | Path | None = None) -> Ontology:
    """Parse ``ontology/news.ttl`` (or ``path``) once and return it with its class hierarchy."""
    return _load(Path(path or ONTOLOGY_FILE).resolve())
