"""Taking an article's facts back out of a graph, so that a changed article can be re-read.

Everything an article contributed hangs off nodes that name it (mentions, evidence) or off the
claims and events those evidence nodes belong to. An entity left with no mention anywhere goes
too; a direct edge stays while another article's claim still supports it.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.namespaces import NEWS


def retract_article(graph: Graph, article: URIRef) -> None:
    """Remove from ``graph`` every triple that only ``article`` supports."""
    touched_entities = set()
    for mention in list(graph.subjects(NEWS.article, article)):
        if (mention, RDF.type, NEWS.Mention) in graph:
            for entity in list(graph.subjects(NEWS.mention, mention)):
                touched_entities.add(entity)
                graph.remove((entity, NEWS.mention, mention))
            graph.remove((mention, None, None))
    for evidence in list(graph.subjects(NEWS.article, article)):
        for owner in list(graph.subjects(NEWS.evidence, evidence)):
            if (owner, RDF.type, NEWS.Claim) in graph:
                s, p, o = (graph.value(owner, RDF.subject), graph.value(owner, RDF.predicate),
                           graph.value(owner, RDF.object))
                graph.remove((owner, None, None))
                still_supported = any(
                    (c, NEWS.factuality, NEWS.Asserted) in graph
                    for c in graph.subjects(RDF.subject, s)
                    if (c, RDF.predicate, p) in graph and (c, RDF.object, o) in graph)
                if not still_supported:
                    graph.remove((s, p, o))
            else:
                graph.remove((owner, None, None))
        graph.remove((evidence, None, None))
    graph.remove((article, None, None))
    for entity in touched_entities:
        if graph.value(entity, NEWS.mention) is None:
            graph.remove((entity, None, None))
            for s, p in list(graph.subject_predicates(entity)):
                graph.remove((s, p, entity))
