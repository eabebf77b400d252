"""The property-graph projection: labels and types from the ontology, folded provenance."""

from __future__ import annotations

import io
from datetime import date

import networkx as nx
from rdflib import RDF, RDFS, Literal

from kg.namespaces import NEWS, RES
from kg.ontology import load_ontology, upper_snake
from kg.property_graph import LABELS, to_property_graph, write_graphml

HANIYEH = str(RES["entity/person/ismail-haniyeh"])
TEHRAN = str(RES["entity/place/tehran"])
IRAN = str(RES["entity/place/iran"])
ISRAEL = str(RES["entity/place/israel"])


def test_ontology_hierarchy_gives_labels_and_types():
    onto = load_ontology()
    assert onto.labels_of(NEWS.City) == {"City", "Place", "Entity"}
    assert onto.labels_of(NEWS.Country) == {"Country", "Place", "Actor", "Entity"}
    assert onto.labels_of(NEWS.Visit) == {"Visit", "Travel", "MovementEvent", "Event"}
    assert onto.labels_of(NEWS.Claim) == frozenset()
    assert onto.relationship_type(NEWS.leaderOf) == "LEADER_OF"
    assert onto.relationship_type(NEWS.actor) == "ACTOR"
    assert onto.relationship_type(NEWS.evidence) is None
    assert upper_snake("spokespersonFor") == "SPOKESPERSON_FOR"


def test_nodes_are_entities_events_reports_and_articles_with_superclass_labels(small_graph):
    pg = to_property_graph(small_graph)
    assert pg.nodes[TEHRAN][LABELS] == {"City", "Place", "Entity"}
    assert pg.nodes[IRAN][LABELS] == {"Country", "Place", "Actor", "Entity"}
    assert pg.nodes[HANIYEH][LABELS] == {"Person", "Actor", "Entity"}
    kinds = {frozenset(d[LABELS]) & {"Entity", "Event", "EventReport", "NewsArticle"}
             for _, d in pg.nodes(data=True)}
    assert kinds == {frozenset({"Entity"}), frozenset({"Event"}), frozenset({"EventReport"}),
                     frozenset({"NewsArticle"})}
    assert not any(label in d[LABELS] for _, d in pg.nodes(data=True)
                   for label in ("Claim", "Evidence", "Mention", "Extractor"))


def test_node_properties_are_typed(small_graph):
    pg = to_property_graph(small_graph)
    haniyeh = pg.nodes[HANIYEH]
    assert haniyeh["uri"] == HANIYEH
    assert haniyeh["label"] == "Ismail Haniyeh"
    assert haniyeh["altLabel"] == ["Haniyeh"]
    report = next(d for _, d in pg.nodes(data=True) if "CasualtyReport" in d[LABELS])
    assert report["deathCount"] == 32414 and isinstance(report["deathCount"], int)
    assert report["injuryCount"] == 74787
    assert report["atLeast"] is True
    assert report["date"] == date(2024, 3, 26)
    assert report["factuality"] == "Asserted"
    # an event carries its evidence
    assert report["article"] == str(RES["article/a1"])
    assert report["sentence"].startswith("At least 32,414")
    assert report["confidence"] == 0.8


def test_direct_relations_carry_their_evidence_and_only_asserted_ones_are_edges(small_graph):
    pg = to_property_graph(small_graph)
    visited = pg.get_edge_data(HANIYEH, TEHRAN)["VISITED"]
    assert visited[LABELS] == {"VISITED"}
    assert visited["sentence"] == "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday for talks."
    assert visited["article"] == str(RES["article/a1"])
    assert visited["confidence"] == 0.9
    assert (visited["start"], visited["end"]) == (15, 81)
    assert visited["claim"].startswith(str(RES["claim/"]))
    # "Israel reportedly killed Haniyeh" is a Reported claim: no edge
    assert not pg.has_edge(ISRAEL, HANIYEH)
    types = {k for _, _, k in pg.edges(keys=True)}
    assert {"VISITED", "LEADER_OF", "MET_WITH", "ACTOR", "DESTINATION", "PARTICIPANT",
            "AFFECTED_GROUP", "CONTENT_LOCATION"} <= types
    assert types <= load_ontology().relationship_types


def test_labels_never_come_from_the_data(graph_builder):
    b = graph_builder()
    odd = b.entity(NEWS.Person, "person/x", "Robert`) DETACH DELETE n //")
    b.graph.add((odd, RDF.type, RES["class/Evil` {x: 1}"]))
    b.graph.add((odd, RDFS.label, Literal("MATCH (n) RETURN n")))
    pg = to_property_graph(b.graph)
    assert pg.nodes[str(odd)][LABELS] == {"Person", "Actor", "Entity"}
    assert pg.nodes[str(odd)]["label"] == ["MATCH (n) RETURN n", "Robert`) DETACH DELETE n //"]


def test_projection_is_pure_and_deterministic(small_graph):
    before = len(small_graph)
    first, second = to_property_graph(small_graph), to_property_graph(small_graph)
    assert len(small_graph) == before
    assert nx.utils.graphs_equal(first, second)
    assert first.number_of_nodes() == 18 and first.number_of_edges() == 31
    mentions = [(a, b) for a, b, key in first.edges(keys=True) if key == "MENTIONS"]
    assert len(mentions) == 8 and {a for a, _ in mentions} == {str(RES["article/a1"])}


def test_evidence_choice_is_stable_when_a_fact_has_two_sources(graph_builder, small_graph):
    b = graph_builder(article_key="a0")
    haniyeh = b.entity(NEWS.Person, "person/ismail-haniyeh", "Ismail Haniyeh")
    tehran = b.entity(NEWS.City, "place/tehran", "Tehran")
    b.relation(haniyeh, NEWS.visited, tehran, "Haniyeh is in Tehran.", start=3)
    merged = small_graph + b.graph
    edges = to_property_graph(merged).get_edge_data(HANIYEH, TEHRAN)
    assert list(edges) == ["VISITED"]
    assert edges["VISITED"]["article"] == str(RES["article/a0"])  # first by article, then offset


def test_graphml_export_reads_back(small_graph):
    buffer = io.BytesIO()
    write_graphml(small_graph, buffer)
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()), force_multigraph=True)
    assert back.number_of_nodes() == 18 and back.number_of_edges() == 31
    assert back.nodes[TEHRAN]["labels"] == ":City:Entity:Place"
    assert back.nodes[HANIYEH]["altLabel"] == "Haniyeh"
    report = next(d for _, d in back.nodes(data=True) if "CasualtyReport" in d["labels"])
    assert report["date"] == "2024-03-26" and report["deathCount"] == 32414
    edge_types = {d["type"] for _, _, d in back.edges(data=True)}
    assert "VISITED" in edge_types


def test_the_store_reads_literals_as_rdflib_does():
    """The projection reads a pyoxigraph store; each literal must come out as rdflib's
    ``toPython`` gave it when the projection read an rdflib graph (ill-typed values as text)."""
    import pyoxigraph as ox
    from rdflib import XSD

    from kg.property_graph import literal_value, term_value

    cases = [("2024-03-26", XSD.date), ("2024-02-30", XSD.date), ("2024-03", XSD.gYearMonth),
             ("2024", XSD.gYear), ("2024-03-26T10:00:00Z", XSD.dateTime), ("12", XSD.integer),
             ("abc", XSD.integer), ("0.5", XSD.decimal), ("1.0E3", XSD.double), ("true", XSD.boolean),
             ("1", XSD.boolean), ("TRUE", XSD.boolean), ("plain", XSD.string), ("-7", XSD.long)]
    for text, datatype in cases:
        expected = literal_value(Literal(text, datatype=datatype))
        got = term_value(ox.Literal(text, datatype=ox.NamedNode(str(datatype))))
        assert (got, type(got)) == (expected, type(expected)), (text, datatype)
    assert term_value(ox.Literal("Téhéran", language="fr")) == "Téhéran"


def test_an_iri_pyoxigraph_refuses_keeps_its_node(graph_builder):
    """rdflib holds IRIs with a backtick or braces (with a warning); the projection reads through
    pyoxigraph, which refuses them, yet the node keeps its IRI and its edges."""
    b = graph_builder(article_key="hostile`{'}")
    org = b.entity(NEWS.Organization, "organization/h0", "Back`tick`) DETACH DELETE n //")
    pg = to_property_graph(b.graph)
    article = str(RES["article/hostile`{'}"])
    assert pg.nodes[article]["uri"] == article
    assert pg.has_edge(article, str(org), key="MENTIONS")
    assert pg.nodes[str(org)]["label"] == "Back`tick`) DETACH DELETE n //"
