"""The Python API (kg.build and the graph it returns) and the commands that wrap it."""

from __future__ import annotations

import json

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

import kg
from kg.cli import main
from kg.serialize import read_graph

TEXT = "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday for talks with Iranian officials."


def test_graph_from_records_answers_sparql_and_cypher_alike(records):
    graph = kg.KnowledgeGraph.from_extractions(records)
    sparql = graph.sparql("SELECT ?who ?place WHERE { ?v a news:Visit ; news:actor/rdfs:label ?who ;"
                          " news:destination/rdfs:label ?place }")
    cypher = graph.cypher("MATCH (v:Visit)-[:ACTOR]->(a) MATCH (v)-[:DESTINATION]->(p) "
                          "RETURN a.label AS who, p.label AS place")
    assert sparql.rows == cypher.rows == [("George Bush", "London")]
    assert sparql.records() == [{"who": "George Bush", "place": "London"}]


def test_views_of_one_graph(records, tmp_path):
    graph = kg.KnowledgeGraph.from_extractions(records)
    rdf = graph.to_rdflib()
    assert isinstance(rdf, rdflib.Graph) and len(rdf) == len(graph)
    pg = graph.to_networkx()
    assert isinstance(pg, nx.MultiDiGraph)
    assert pg.has_edge("https://w3id.org/kg-news/resource/entity/person/george-bush",
                       "https://w3id.org/kg-news/resource/entity/place/london", key="VISITED")
    assert graph.validate().conforms
    report = graph.viz(tmp_path / "actors.html")
    assert report.nodes >= 4 and (tmp_path / "actors.html").read_text().startswith("<!DOCTYPE html>")
    assert kg.KnowledgeGraph.from_rdflib(rdf).sparql("ASK { ?p a news:Person }").rows == [(True,)]


def test_serialize_writes_a_file_or_returns_text(records, tmp_path):
    graph = kg.KnowledgeGraph.from_extractions(records)
    graph.serialize(tmp_path / "g.nt")
    assert isomorphic(read_graph(tmp_path / "g.nt"), graph.to_rdflib())
    text = graph.serialize()
    assert text.startswith("@prefix") and "res:entity\\/person\\/tony-blair" in text
    assert json.loads(graph.serialize(format="jsonld"))["@graph"]
    assert graph.serialize(format="turtle") == graph.serialize(format="ttl") == text
    assert graph.serialize(format="nquads") == graph.serialize(format=".nq")
    with pytest.raises(ValueError, match="cannot tell the graph format"):
        graph.serialize(tmp_path / "g.xyz")


def test_construct_gives_a_graph(records):
    graph = kg.KnowledgeGraph.from_extractions(records)
    visits = graph.construct("CONSTRUCT { ?a news:visited ?b } WHERE { ?a news:visited ?b }")
    assert len(visits) == 2
    assert "news:visited" in visits.serialize()


@pytest.mark.model
def test_build_takes_texts_dicts_and_paths_and_gives_what_kg_build_writes(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.txt").write_text(TEXT + "\n", encoding="utf-8")
    dicts = [{"id": "d1", "text": "Israeli Foreign Minister Israel Katz visited Paris.",
              "date": "2024-03-01", "url": "https://example.org/d1"}]
    graph = kg.build([str(folder), *dicts, "Egypt condemned the attack on Rafah."],
                     date="2024-03-26")
    assert graph.report.articles == 3 and not graph.report.skipped
    ids = {r[0] for r in graph.sparql("SELECT ?id WHERE { ?a schema:identifier ?id }").rows}
    assert ids == {"one", "d1", "text-3"}
    visits = graph.sparql("SELECT ?p WHERE { ?v a news:Visit ; news:destination/rdfs:label ?p }")
    assert ("Tehran",) in visits.rows
    # the command writes the same graph
    out = tmp_path / "cli.ttl"
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(json.dumps(dicts[0]) + "\n" + json.dumps(
        {"id": "text-3", "text": "Egypt condemned the attack on Rafah."}) + "\n")
    result = CliRunner().invoke(main, ["build", str(folder), str(jsonl), "--date", "2024-03-26",
                                       "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert isomorphic(read_graph(out), graph.to_rdflib())


def test_build_refuses_a_path_that_names_nothing():
    with pytest.raises(FileNotFoundError, match="input not found: corpus/"):
        kg.build(["corpus/"])


@pytest.mark.model
def test_cli_build_to_stdout_and_quiet(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", "-", "-o", "-", "--date", "2024-03-26", "-j", "1"],
                           input=TEXT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("@prefix")
    assert len(read_graph_text(result.stdout)) > 20
    assert "articles read: 1" in result.stderr and "standard output" in result.stderr
    result = runner.invoke(main, ["build", "-", "-o", "-", "--format", "nt", "-q", "-j", "1"],
                           input=TEXT)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("<https://w3id.org/kg-news/")


@pytest.mark.model
def test_each_skip_is_named_once_and_quiet_silences_the_summary(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl"), "-j", "1"])
    assert result.exit_code == 1
    assert result.output.count("empty.txt") == 1
    assert "skipped inputs: 1 (named above)" in result.output
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl"), "-j", "1",
                                  "-q"])
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr.count("empty.txt") == 1


def read_graph_text(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("command", [["validate"], ["viz", "-o", "x.html"], ["export", "-o", "x.ttl"],
                                     ["query", "--sparql", "ASK {}"], ["load", "--neo4j", "bolt://x:1"]])
def test_an_unknown_graph_format_is_a_usage_error_everywhere(tmp_path, command):
    path = tmp_path / "graph.xyz"
    path.write_text("not rdf")
    result = CliRunner().invoke(main, [command[0], str(path), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "cannot tell the graph format" in result.output or "cannot tell the format" in result.output


def test_exit_codes_are_written_in_help():
    for command in ([], ["build"], ["query"], ["validate"], ["viz"]):
        result = CliRunner().invoke(main, [*command, "--help"])
        assert "Exit status: 0 done; 1" in result.output and "2 usage error" in result.output, command


def test_validate_refuses_a_jsonld_file_with_no_kg_graph_in_it(tmp_path):
    path = tmp_path / "g.jsonld"
    path.write_text('{"a": 1}')
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "conforms" not in result.output.replace("does not conform", "")
    assert "no triples" in result.output
