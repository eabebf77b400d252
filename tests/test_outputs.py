"""What consumers of kg's files expect: named graphs per article in TriG and N-Quads, compact
JSON-LD with the shipped context, Turtle a person can read, RDF/XML."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

import kg
from kg.namespaces import CONTEXT_FILE
from kg.serialize import read_graph


@pytest.fixture
def graph(records) -> kg.KnowledgeGraph:
    return kg.KnowledgeGraph.from_extractions(records)


def _article(graph, article_id: str) -> str:
    query = "SELECT ?a WHERE { VALUES ?id { UNDEF } ?a schema:identifier ?id }"
    ((iri,),) = graph.sparql(query, {"id": article_id}).rows
    return iri


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_quads_put_each_articles_claims_and_evidence_in_its_own_graph(graph, tmp_path, suffix):
    path = tmp_path / f"g{suffix}"
    graph.serialize(path)
    ds = Dataset()
    ds.parse(path, format="trig" if suffix == ".trig" else "nquads")
    names = {str(c.identifier) for c in ds.graphs() if len(c)}
    one, two = _article(graph, "wire-1"), _article(graph, "wire-2")
    assert {one, two} <= names
    default = ds.default_graph
    # the settled entities are in the default graph, with no article's claims
    assert any(str(s).endswith("entity/person/tony-blair") for s in default.subjects())
    assert not any("/claim/" in str(s) or "/evidence/" in str(s) for s in default.subjects())
    # each article graph holds its own claims, events and evidence, and no other article's
    for name, key in ((one, one.rsplit("/", 1)[1]), (two, two.rsplit("/", 1)[1])):
        g = ds.graph(URIRef(name))
        kinds = {str(s).split("/resource/")[1].split("/")[0] for s in g.subjects()}
        assert {"article", "claim", "evidence", "event", "mention"} <= kinds
        assert all(key in str(s) for s in g.subjects())
    # read back as one graph, it is the graph that was written
    assert isomorphic(read_graph(path), graph.to_rdflib())
    assert graph.serialize(format="trig") != graph.serialize(format="ttl")


def test_jsonld_is_compact_with_the_shipped_context(graph, tmp_path):
    path = tmp_path / "g.jsonld"
    graph.serialize(path)
    doc = json.loads(path.read_text())
    assert isinstance(doc, dict) and set(doc) == {"@context", "@graph"}
    assert doc["@context"] == json.loads(CONTEXT_FILE.read_text())["@context"]
    blair = next(n for n in doc["@graph"] if n["@id"] == "res:entity/person/tony-blair")
    assert blair["@type"] == "news:Person" and blair["rdfs:label"] == "Tony Blair"
    assert blair["news:visited"] == "res:entity/place/washington"  # an IRI, as the context says
    evidence = next(n for n in doc["@graph"] if n["@id"].startswith("res:evidence/"))
    assert evidence["news:startOffset"] == 0 and evidence["news:confidence"] in ("0.9", "0.8")
    # rdflib reads it back, offline (the context is embedded), as the same graph
    assert isomorphic(Graph().parse(path, format="json-ld"), graph.to_rdflib())


def test_turtle_is_readable(graph, tmp_path):
    text = graph.serialize(format="ttl")
    prefixes = re.findall(r"^@prefix (\w+):", text, re.M)
    body = text.split("\n\n", 1)[1]
    assert {"res", "news"} <= set(prefixes)
    assert all(f"{p}:" in body for p in prefixes)          # no unused prefix
    assert "prov" not in prefixes and "skos" not in prefixes
    assert "<https://w3id.org/kg-news/" not in body          # names, not whole IRIs
    blocks = body.strip().split("\n\n")
    subjects = {line.split()[0] for line in body.splitlines() if line and not line[0].isspace()}
    assert len(blocks) == len(subjects) == len(set(subjects))  # a blank line between subjects
    for line in text.splitlines():                           # lines stay short, bar one literal
        assert len(line) <= 100 or line.count('"') == 2, line
    path = tmp_path / "g.ttl"
    graph.serialize(path)
    assert isomorphic(read_graph(path), graph.to_rdflib())


def test_long_lists_of_objects_go_one_per_line(graph):
    lines = graph.serialize(format="ttl").splitlines()
    i = next(i for i, l in enumerate(lines) if l.strip().startswith("schema:mentions"))
    assert lines[i].endswith(",") and lines[i + 1].startswith("        res:")


def test_rdfxml_for_protege(graph, tmp_path):
    path = tmp_path / "g.rdf"
    graph.serialize(path)
    assert path.read_text().startswith("<?xml")
    assert isomorphic(Graph().parse(path, format="xml"), graph.to_rdflib())


@pytest.mark.parametrize("suffix", [".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf"])
def test_every_format_reads_back_as_the_same_graph_and_converts(graph, tmp_path, suffix):
    from kg.serialize import convert_graph

    path = tmp_path / f"g{suffix}"
    graph.serialize(path)
    again = kg.read(path)
    assert len(again) == len(graph)
    assert isomorphic(again.to_rdflib(), graph.to_rdflib())
    assert convert_graph(path, tmp_path / "back.ttl") == len(graph)


def test_turtle_and_jsonld_round_trip_awkward_terms(tmp_path):
    from rdflib import BNode, Literal, Namespace
    from rdflib.namespace import RDFS, XSD

    from kg.serialize import write_graph

    res = Namespace("https://w3id.org/kg-news/resource/")
    news = Namespace("https://w3id.org/kg-news/ontology#")
    g = Graph()
    odd = URIRef("https://w3id.org/kg-news/resource/entity/person/a~b%20c.")  # not a res: name
    node = BNode()
    g.add((res["entity/person/x"], RDFS.label, Literal('He said "no"\nand\tleft \\ there')))
    g.add((res["entity/person/x"], RDFS.label, Literal("Blair", lang="en")))
    g.add((res["entity/person/x"], news.relatedTo, odd))
    g.add((odd, news.relatedTo, node))
    g.add((node, news.date, Literal("2023-11", datatype=XSD.gYearMonth)))
    g.add((node, news.confidence, Literal("0.5", datatype=XSD.decimal)))
    g.add((node, news.deathCount, Literal("-3", datatype=XSD.integer)))
    g.add((node, news.atLeast, Literal("true", datatype=XSD.boolean)))
    for suffix in (".ttl", ".trig", ".jsonld", ".rdf"):
        path = tmp_path / f"odd{suffix}"
        write_graph(g, path)
        assert isomorphic(read_graph(path), g), suffix
    text = (tmp_path / "odd.ttl").read_text()
    assert "<https://w3id.org/kg-news/resource/entity/person/a~b%20c.>" in text
    assert '"Blair"@en' in text and "news:confidence 0.5" in text and '"2023-11"^^xsd:gYearMonth' in text
