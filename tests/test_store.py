"""The graph of record on disk: kg build --store DIR, and every GRAPH reader opening DIR."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.store import MARKER, StoreBuild, describe, is_store, open_store

pytestmark = pytest.mark.model

ONE = "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.\n"
TWO = "Israeli Foreign Minister Israel Katz visited Paris on Monday.\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLACES = "SELECT ?p WHERE { ?v a news:Visit ; news:destination/rdfs:label ?p } ORDER BY ?p"


def _corpus(tmp_path, *texts):
    d = tmp_path / "corpus"
    d.mkdir(exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    for n, text in enumerate(texts):
        (d / f"a{n}.txt").write_text(text, encoding="utf-8")
    return str(d)


def _build(tmp_path, *args):
    result = CliRunner().invoke(main, ["build", *args, "--date", "2024-03-26", "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    return result


def _ntriples(path) -> set[str]:
    return {line for line in open(path, encoding="utf-8") if line.strip()}


def test_a_store_holds_the_graph_the_file_holds_and_every_reader_opens_it(tmp_path):
    corpus = _corpus(tmp_path, ONE, TWO)
    store, ttl = tmp_path / "graph.kg", tmp_path / "graph.ttl"
    _build(tmp_path, corpus, "--store", str(store), "-o", str(ttl))
    assert is_store(store) and describe(store)["triples"] == len(open_store(store))
    runner = CliRunner()
    for source, out in ((store, tmp_path / "from-store.nt"), (ttl, tmp_path / "from-file.nt")):
        result = runner.invoke(main, ["export", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert _ntriples(tmp_path / "from-store.nt") == _ntriples(tmp_path / "from-file.nt")
    assert kg.read(store).sparql(PLACES).rows == [("Paris",), ("Tehran",)]
    assert runner.invoke(main, ["validate", str(store)]).exit_code == 0
    result = runner.invoke(main, ["query", str(store), "--sparql", COUNT])
    assert result.exit_code == 0 and str(describe(store)["triples"]) in result.output
    result = runner.invoke(main, ["query", str(store), "--cypher",
                                  "MATCH (p:Person)-[:VISITED]->(c) RETURN p.label AS who, c.label AS place"])
    assert result.exit_code == 0 and "Tehran" in result.output, result.output
    result = runner.invoke(main, ["viz", str(store), "-o", str(tmp_path / "actors.html")])
    assert result.exit_code == 0 and (tmp_path / "actors.html").stat().st_size > 0


def test_a_store_alone_needs_no_graph_file_and_a_rebuild_replaces_it(tmp_path):
    store = tmp_path / "graph.kg"
    _build(tmp_path, _corpus(tmp_path, ONE), "--store", str(store))
    assert kg.read(store).sparql(PLACES).rows == [("Tehran",)]
    _build(tmp_path, _corpus(tmp_path, TWO), "--store", str(store))
    assert kg.read(store).sparql(PLACES).rows == [("Paris",)]  # the old graph is gone
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_killed_build_leaves_the_store_it_had_and_the_next_build_clears_its_leftover(tmp_path):
    store = tmp_path / "graph.kg"
    _build(tmp_path, _corpus(tmp_path, ONE), "--store", str(store))
    # a build that died half way: its partial store is left beside the old one, uncommitted
    dead = StoreBuild(store)
    dead.store.load(b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                    __import__("pyoxigraph").RdfFormat.N_TRIPLES)
    dead.store.flush()
    leftover = dead.partial
    del dead
    assert leftover.exists()
    assert kg.read(store).sparql(PLACES).rows == [("Tehran",)]  # untouched
    _build(tmp_path, _corpus(tmp_path, TWO), "--store", str(store))
    assert not leftover.exists()
    assert kg.read(store).sparql(PLACES).rows == [("Paris",)]


def test_a_build_never_replaces_a_directory_or_file_that_is_no_store(tmp_path):
    corpus = _corpus(tmp_path, ONE)
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = CliRunner().invoke(main, ["build", corpus, "--store", str(other), "-q", "-j", "1"])
    assert result.exit_code == 2 and "not a kg store" in result.output
    assert (other / "holiday.jpg").exists() and not (other / MARKER).exists()
    result = CliRunner().invoke(main, ["build", corpus, "-q", "-j", "1"])
    assert result.exit_code == 2 and "--store" in result.output  # neither -o nor --store


def test_an_input_with_no_article_leaves_the_store_as_it_was(tmp_path):
    store = tmp_path / "graph.kg"
    _build(tmp_path, _corpus(tmp_path, ONE), "--store", str(store))
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("", encoding="utf-8")
    CliRunner().invoke(main, ["build", str(empty), "--store", str(store), "-q", "-j", "1"])
    assert kg.read(store).sparql(PLACES).rows == [("Tehran",)]
    # and in Python the graph returned is the one kept there
    assert kg.build([str(empty)], store=store).sparql(PLACES).rows == [("Tehran",)]
    assert not list(tmp_path.glob(".graph.kg.partial-*"))


def test_a_store_is_brought_up_to_date_and_left_alone_when_nothing_is_new(tmp_path):
    store, scratch = tmp_path / "graph.kg", tmp_path / "scratch.kg"
    three = "Turkish Foreign Minister Hakan Fidan met Ismail Haniyeh in Doha.\n"
    first = kg.build([_corpus(tmp_path, ONE, TWO)], date="2024-03-26", store=store)
    assert first.report.unchanged == 0 and first.report.articles == 2
    del first
    stamp = (store / MARKER).stat().st_mtime_ns
    again = kg.build([_corpus(tmp_path, ONE, TWO)], date="2024-03-26", store=store)
    assert again.report.unchanged == 2 and again.report.articles == 2
    assert (store / MARKER).stat().st_mtime_ns == stamp  # nothing new: the store is untouched
    del again
    # one article changed, one new: only those two are read
    changed = _corpus(tmp_path, ONE, TWO.replace("Paris", "Rome"), three)
    update = kg.build([changed], date="2024-03-26", store=store)
    assert update.report.unchanged == 1 and update.report.removed == 1
    assert update.sparql(PLACES).rows == [("Rome",), ("Tehran",)]
    del update
    kg.build([changed], date="2024-03-26", store=scratch)
    runner = CliRunner()
    for source in (store, scratch):
        assert runner.invoke(main, ["export", str(source), "-o", f"{source}.nt"]).exit_code == 0
    assert _ntriples(f"{store}.nt") == _ntriples(f"{scratch}.nt")
