"""The kg command line: inputs, exit codes, error text, formats, atomic writes."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.namespaces import NEWS
from kg.serialize import read_graph

SEEDS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds")

pytestmark = pytest.mark.model


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def mixed_folder(tmp_path):
    d = tmp_path / "corpus"
    (d / "nested").mkdir(parents=True)
    (d / "good.txt").write_text("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.\n", encoding="utf-8")
    (d / "nested" / "story.md").write_text(
        "---\ntitle: Talks in Doha\ndate: 2024-03-20\nsource: Wire\n---\n"
        "Qatari Prime Minister Mohammed bin Abdulrahman Al Thani met Antony Blinken in Doha.\n",
        encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (d / "latin.txt").write_bytes("The café owner in Paris said Fran\xe7ois Hollande visited Berlin.\n"
                                  .replace("é", "\xe9").encode("latin-1"))
    lines = [json.dumps({"id": "j1", "text": "Israeli Foreign Minister Israel Katz visited Paris.",
                         "date": "2024-03-01", "url": "https://example.org/j1", "source": "Example"}),
             '{"id": "j2", "text": "broken',
             json.dumps({"id": "j3", "text": "Egypt condemned the attack on Rafah."})]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def test_build_seed_prints_summary_and_writes_turtle(runner, tmp_path):
    out = tmp_path / "graph.ttl"
    result = runner.invoke(main, ["build", SEEDS, "--date", "2024-03-26", "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "articles read: 1" in result.output
    assert "Person" in result.output and "visited" in result.output and "Visit" in result.output
    assert "skipped inputs: 0" in result.output
    assert len(read_graph(out)) > 200


def test_mixed_folder_reads_every_readable_article_and_names_each_skip(runner, mixed_folder, tmp_path):
    out = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", str(mixed_folder), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    err = result.stderr
    assert "Traceback" not in result.output + err
    assert f"skipped {mixed_folder / 'empty.txt'}: empty file" in err
    assert f"skipped {mixed_folder / 'blob.txt'}: binary file" in err
    assert f"skipped {mixed_folder / 'feed.jsonl'}:2: invalid JSON" in err
    assert f"warning {mixed_folder / 'latin.txt'}: not valid UTF-8" in err and "cp1252" in err
    assert "articles read: 5" in result.output
    g = read_graph(out)
    ids = {str(o) for o in g.objects(None, __import__("kg.namespaces").namespaces.SCHEMA.identifier)}
    assert ids == {"good", "nested/story", "latin", "j1", "j3"}
    labels = {str(o) for o in g.objects(None, __import__("rdflib").RDFS.label)}
    assert "François Hollande" in labels  # cp1252 decoded, not mangled


def test_clean_inputs_exit_zero_and_stdin_is_read(runner, tmp_path):
    out = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", "-", "--date", "2024-01-02", "-o", str(out), "-j", "1"],
                           input="Iranian officials met Hamas leaders in Tehran on Monday.\n")
    assert result.exit_code == 0, result.output
    assert "articles read: 1" in result.output


def test_missing_input_is_a_one_line_error_with_status_2(runner, tmp_path):
    result = runner.invoke(main, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 2
    assert f"input not found: {tmp_path / 'nope'}" in result.output
    assert "Traceback" not in result.output


def test_unknown_output_format_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["build", SEEDS, "-o", str(tmp_path / "g.xyz")])
    assert result.exit_code == 2
    assert "cannot tell the graph format" in result.output


def test_extract_writes_the_jsonl_contract(runner, tmp_path):
    out = tmp_path / "x.jsonl"
    result = runner.invoke(main, ["extract", SEEDS, "--date", "2024-03-26", "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    (obj,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(obj) == {"id", "entities", "relations", "events"}
    text = open(os.path.join(SEEDS, os.listdir(SEEDS)[0]), encoding="utf-8").read()
    for e in obj["entities"]:
        # an unnamed role filler ("officials") also says so
        assert set(e) - {"unnamed"} == {"id", "type", "label", "mentions"} and e.get("unnamed", True)
        for m in e["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    for r in obj["relations"]:
        assert {"subject", "predicate", "object", "subject_span", "object_span", "confidence"} <= set(r)
        assert 0 <= r["confidence"] <= 1
    visit = next(e for e in obj["events"] if e["type"].endswith("#Visit") and e.get("date") == "2024-03-26")
    assert text[visit["trigger"]["start"]:visit["trigger"]["end"]] == visit["trigger"]["text"] == "arrived"
    assert {a["role"] for a in visit["arguments"]} == {"actor", "destination"}


def test_extract_to_stdout_pipes_stdin_through(tmp_path, monkeypatch):
    """``kg extract - -o -``: JSONL on stdout (click >= 8.2 keeps stderr apart), the report on
    stderr."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["extract", "-", "-o", "-", "-j", "1"],
                                input="Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.\n")
    assert result.exit_code == 0, result.stderr
    (obj,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert {e["label"] for e in obj["entities"]} >= {"Ismail Haniyeh", "Tehran", "Hamas"}
    assert "articles read: 1" in result.stderr
    assert not (tmp_path / "-").exists()  # "-" is standard output, not a file named "-"


@pytest.mark.parametrize("suffix", [".ttl", ".trig", ".nt", ".nq", ".jsonld"])
def test_export_round_trips_every_format(runner, tmp_path, suffix):
    src = tmp_path / "g.ttl"
    assert runner.invoke(main, ["build", SEEDS, "--date", "2024-03-26", "-o", str(src), "-j", "1"]).exit_code == 0
    out = tmp_path / f"g{suffix}"
    result = runner.invoke(main, ["export", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert isomorphic(read_graph(src), read_graph(out))
    back = tmp_path / "back.ttl"
    assert runner.invoke(main, ["export", str(out), "-o", str(back)]).exit_code == 0
    assert isomorphic(read_graph(src), read_graph(back))


def test_validate_reports_violations_and_exits_1(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("""
@prefix news: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kg-news/resource/entity/person/x> a news:Person ;
    news:visited <https://w3id.org/kg-news/resource/entity/place/y> .
<https://w3id.org/kg-news/resource/entity/place/y> a news:City ; rdfs:label "Y" .
""", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "does not conform" in result.output
    assert "exactly one canonical name" in result.output
    assert "has no claim with evidence" in result.output


def test_validate_rejects_a_relation_with_an_unnamed_entity(runner, tmp_path):
    built = tmp_path / "g.ttl"
    text = "Hamas chief Ismail Haniyeh arrived in Tehran. Three soldiers were killed in Gaza.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["build", str(tmp_path / "a.txt"), "-o", str(built), "-j", "1"]).exit_code == 0
    assert runner.invoke(main, ["validate", str(built)]).exit_code == 0
    graph = read_graph(built)
    soldiers = next(graph.subjects(NEWS.unnamed, Literal(True)))
    haniyeh = next(s for s, o in graph.subject_objects(NEWS.visited))
    graph.add((haniyeh, NEWS.killed, soldiers))  # as if a claim had been written for it
    claim = next(graph.subjects(RDF.predicate, NEWS.visited))
    for p, o in list(graph.predicate_objects(claim)):
        if p == RDF.object:
            o = soldiers
        elif p == RDF.predicate:
            o = NEWS.killed
        graph.add((URIRef(str(claim) + "-k"), p, o))
    bad = tmp_path / "bad.ttl"
    graph.serialize(bad, format="turtle")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "unnamed entity takes part in direct relation" in result.output
    assert "has no claim with evidence" not in result.output


def test_validate_accepts_a_built_graph(runner, tmp_path):
    src = tmp_path / "g.ttl"
    runner.invoke(main, ["build", SEEDS, "--date", "2024-03-26", "-o", str(src), "-j", "1"])
    result = runner.invoke(main, ["validate", str(src)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_same_entity_is_one_node_across_articles(runner, tmp_path):
    from rdflib import RDF, RDFS

    from kg.namespaces import NEWS, RES

    d = tmp_path / "two"
    d.mkdir()
    (d / "a.txt").write_text("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.\n", encoding="utf-8")
    (d / "b.txt").write_text("Haniyeh thanked Iran. The UNSC met on Monday.\n", encoding="utf-8")
    (d / "c.txt").write_text("The UN Security Council passed a resolution.\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", str(d), "--date", "2024-03-26", "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    g = read_graph(out)
    haniyeh = RES["entity/person/ismail-haniyeh"]
    people = set(g.subjects(RDF.type, NEWS.Person))
    assert people == {haniyeh}
    assert (haniyeh, NEWS.thanked, RES["entity/place/iran"]) in g
    assert len(list(g.objects(haniyeh, NEWS.mention))) == 2
    councils = [s for s in g.subjects(RDF.type, NEWS.Organization)
                if "Security Council" in str(g.value(s, RDFS.label))]
    assert councils == [RES["entity/organization/united-nations-security-council"]]
    assert len(list(g.objects(councils[0], NEWS.mention))) == 2


def test_article_ids_stay_unique(runner, tmp_path):
    from kg.namespaces import SCHEMA

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text(f"Tony Blair visited {folder.upper()}ldershot.\n",
                                                   encoding="utf-8")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "001.txt").write_text("Tony Blair visited Aldershot.\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", str(tmp_path / "a" / "001.txt"), str(tmp_path / "b" / "001.txt"),
                                  str(tmp_path / "c" / "001.txt"), "-o", str(out), "-j", "1"])
    assert "article id '001' is already used by" in result.stderr and "read as 001~2" in result.stderr
    assert f"skipped {tmp_path / 'c' / '001.txt'}: same article as {tmp_path / 'a' / '001.txt'}" in result.stderr
    assert result.exit_code == 1
    ids = sorted(str(o) for o in read_graph(out).objects(None, SCHEMA.identifier))
    assert ids == ["001", "001~2"]


def test_a_varied_corpus_conforms_to_the_shapes(runner, tmp_path):
    from kg.validate import validate_graph

    d = tmp_path / "varied"
    d.mkdir()
    articles = {
        "a.txt": "GAZA CITY, March 2, 2024 (AP) - Israeli jets struck Rafah on Monday. At least 12 people "
                 "were killed and 30 wounded, the health ministry said. In a statement, the army "
                 "announced new strikes.\nAlso Read: Talks Resume In Cairo\n",
        "b.md": "---\ntitle: Talks\ndate: 2024-03-05\nsource: Wire\n---\nEgyptian Foreign Minister Sameh "
                "Shoukry met Antony Blinken in Cairo. Shoukry said the talks were “useful”. Hamas denied "
                "visiting Cairo. Protesters rallied in Gaza and police arrested dozens.\n",
        "c.txt": "Blinken visited Gaza City last Tuesday. The UN Security Council may vote on a "
                 "resolution. The UNSC condemned the attack, which destroyed a hospital.\n",
    }
    for name, text in articles.items():
        (d / name).write_text(text, encoding="utf-8")
    out = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", str(d), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    report = validate_graph(read_graph(out))
    assert report.conforms, report.text()


def test_the_same_input_gives_the_same_bytes(runner, tmp_path):
    outs = [tmp_path / "one.ttl", tmp_path / "two.ttl"]
    for out in outs:
        assert runner.invoke(main, ["build", SEEDS, "--date", "2024-03-26", "-o", str(out), "-j", "1"]).exit_code == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
