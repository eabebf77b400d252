"""kg against a real Neo4j (started by scripts/with-neo4j.sh; never mocked).

Every test starts from an empty database: run these only against a Neo4j you can wipe.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.namespaces import NEWS, RES
from kg.neo4j_store import Neo4jConnectionError, Neo4jStore
from kg.property_graph import to_property_graph
from kg.query import EmbeddedGraph, QueryResult, QuerySyntaxError, read_query

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
PAIRS = sorted(p.stem for p in QUERIES.glob("*.rq"))


@pytest.fixture
def store(neo4j_settings):
    with Neo4jStore(neo4j_settings["uri"], neo4j_settings["user"],
                    neo4j_settings["password"]) as store:
        store.clear()
        yield store


def test_load_is_idempotent(store, small_graph):
    first = store.load(small_graph, batch_size=3)
    assert (first.nodes, first.relationships) == (18, 31)
    assert (first.nodes_created, first.relationships_created) == (18, 31)
    assert first.batches > 10  # batch_size really batches
    assert store.counts() == (18, 31)
    second = store.load(small_graph)
    assert (second.nodes_created, second.relationships_created, second.labels_added) == (0, 0, 0)
    assert store.counts() == (18, 31)


def test_parallel_batches_load_the_same_graph_as_one_at_a_time(store, small_graph):
    one = store.load(small_graph, batch_size=2, workers=1)
    rows = store.query("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, "
                       "r.sentence AS s ORDER BY a, t, b").rows
    store.clear()
    many = store.load(small_graph, batch_size=2, workers=4)
    assert (many.nodes_created, many.relationships_created) == (one.nodes_created,
                                                                one.relationships_created)
    assert store.query("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, "
                       "r.sentence AS s ORDER BY a, t, b").rows == rows
    assert many.node_seconds > 0 and many.relationship_seconds > 0


def test_a_load_in_small_chunks_writes_what_one_chunk_writes(store, small_graph):
    """kg load streams: nodes a chunk at a time, relationships spooled and written after; three
    nodes a chunk (seven chunks, edges crossing them) gives the database one chunk gives."""
    from kg.property_graph import property_graph_records
    from kg.serialize import store_of

    whole = store.load(small_graph)
    rows = store.query(EDGES).rows
    dated = store.query("MATCH (e:Event) WHERE e.date IS NOT NULL RETURN e.uri AS u, e.date AS d "
                        "ORDER BY u").rows
    store.clear()
    chunked = store.load_records(property_graph_records(store_of(small_graph)), batch_size=2,
                                 chunk=3)
    assert (chunked.nodes, chunked.relationships) == (whole.nodes, whole.relationships) == (18, 31)
    assert chunked.nodes_created == 18 and chunked.relationships_created == 31
    assert store.query(EDGES).rows == rows
    assert store.query("MATCH (e:Event) WHERE e.date IS NOT NULL RETURN e.uri AS u, e.date AS d "
                       "ORDER BY u").rows == dated


def test_uri_is_unique_per_key_label(store, small_graph):
    store.load(small_graph)
    rows = store.query("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                       "WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0] AS label, properties")
    assert {(label, tuple(props)) for label, props in rows.rows} >= {
        ("Entity", ("uri",)), ("Event", ("uri",)), ("NewsArticle", ("uri",))}


def test_labels_types_and_typed_properties(store, small_graph):
    store.load(small_graph)
    tehran = str(RES["entity/place/tehran"])
    labels = store.query("MATCH (n {uri: $uri}) RETURN labels(n) AS labels", uri=tehran).rows[0][0]
    assert sorted(labels) == ["City", "Entity", "Place"]
    row = store.query("MATCH (r:CasualtyReport) RETURN r.deathCount AS d, r.atLeast AS a, "
                      "r.date AS day, r.date.year AS year, r.confidence AS c").rows
    assert row == [(32414, True, "2024-03-26", 2024, 0.8)]
    edge = store.query("MATCH (:Person)-[r:VISITED]->(:City) RETURN r.sentence AS s, r.start AS st").rows
    assert edge == [("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday for talks.", 15)]


def test_second_article_merges_on_shared_entities(store, small_graph, graph_builder):
    store.load(small_graph)
    b = graph_builder(article_key="a2", headline="Haniyeh meets Khamenei")
    haniyeh = b.entity(NEWS.Person, "person/ismail-haniyeh", "Ismail Haniyeh")
    tehran = b.entity(NEWS.City, "place/tehran", "Tehran")
    khamenei = b.entity(NEWS.Person, "person/ali-khamenei", "Ali Khamenei")
    b.relation(haniyeh, NEWS.metWith, khamenei, "Haniyeh met Khamenei in Tehran.", start=0)
    b.event(NEWS.Meeting, 0, "Meeting: Ismail Haniyeh, Ali Khamenei", "Haniyeh met Khamenei.",
            "2024-03-27", participant=[haniyeh, khamenei], place=tehran)
    report = store.load(b.graph)
    # new: article a2, Khamenei, the meeting; Haniyeh and Tehran are shared
    assert report.nodes_created == 3
    assert store.counts() == (21, 31 + 7)  # MET_WITH, PARTICIPANT x2, PLACE, MENTIONS x3
    met = store.query("MATCH (:Person {label: 'Ismail Haniyeh'})-[:MET_WITH]->(p) "
                      "RETURN p.label AS who ORDER BY who").rows
    assert met == [("Ali Khamenei",), ("Hossein Amir-Abdollahian",)]


EDGES = ("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, r.sentence AS s "
         "ORDER BY a, t, b")


def test_half_the_nodes_already_there(store, small_graph):
    """New nodes are created, the others merged, and their relationships end up as in one load."""
    pg = to_property_graph(small_graph)
    store.load_property_graph(pg)
    whole = store.query(EDGES).rows
    store.clear()
    half = pg.subgraph(sorted(pg.nodes)[::2]).copy()
    first = store.load_property_graph(half)
    assert store.counts() == (half.number_of_nodes(), half.number_of_edges())
    tehran = str(RES["entity/place/tehran"])
    pg.nodes[tehran]["label"] = "Tehran, Iran"  # a node already there gets the new value
    second = store.load_property_graph(pg, batch_size=2)
    assert second.nodes_created == 18 - first.nodes_created
    assert second.relationships_created == 31 - first.relationships_created
    assert store.counts() == (18, 31)
    assert store.query(EDGES).rows == whole
    assert store.query("MATCH (n {uri: $uri}) RETURN n.label AS l", uri=tehran).rows == [
        ("Tehran, Iran",)]


def test_nodes_a_concurrent_writer_created_first_are_merged(store, small_graph, monkeypatch):
    store.load(small_graph)
    # As if another client created every node between the look-up and the CREATE.
    monkeypatch.setattr(Neo4jStore, "_existing_uris", lambda self, *args: set())
    again = store.load(small_graph, batch_size=4)
    assert (again.nodes_created, again.relationships_created, again.labels_added) == (0, 0, 0)
    assert store.counts() == (18, 31)


def test_stale_element_ids_fall_back_to_uris(store, small_graph, monkeypatch):
    store.load(small_graph)
    whole = store.query(EDGES).rows
    store.clear()
    write_nodes = Neo4jStore._write_nodes

    def shuffled(self, *args):  # every uri gets another node's element id
        element_ids, created = write_nodes(self, *args)
        uris = sorted(element_ids)
        return dict(zip(uris, [element_ids[u] for u in uris[1:] + uris[:1]])), created

    monkeypatch.setattr(Neo4jStore, "_write_nodes", shuffled)
    report = store.load(small_graph)
    assert (report.nodes_created, report.relationships_created) == (18, 31)
    assert store.counts() == (18, 31)
    assert store.query(EDGES).rows == whole


HOSTILE = [
    "O'Brien \"the Quote\"",
    "Back`tick`) DETACH DELETE n //",
    "{braces: $rows} }) RETURN 1",
    "MATCH (n) DETACH DELETE n",
    "\\u0027; CREATE (x:Pwned)",
]


def test_hostile_names_round_trip_unchanged(store, graph_builder):
    b = graph_builder(article_key="hostile`{'}")
    iris = [b.entity(NEWS.Organization, f"organization/h{i}", name, name + " alias")
            for i, name in enumerate(HOSTILE)]
    b.relation(iris[0], NEWS.condemned, iris[1], HOSTILE[2] + " said " + HOSTILE[3])
    store.load(b.graph)
    rows = store.query("MATCH (o:Organization) RETURN o.uri AS uri, o.label AS label, "
                       "o.altLabel AS alt ORDER BY uri").rows
    assert rows == [(str(iri), name, [name + " alias"]) for iri, name in zip(iris, HOSTILE)]
    assert store.query("MATCH (x:Pwned) RETURN count(x) AS n").rows == [(0,)]
    sentence = store.query("MATCH ()-[r:CONDEMNED]->() RETURN r.sentence AS s").rows
    assert sentence == [(HOSTILE[2] + " said " + HOSTILE[3],)]
    assert store.counts()[0] == len(HOSTILE) + 1


def test_cypher_syntax_error_has_a_position(store):
    with pytest.raises(QuerySyntaxError, match=r"line 1, column 17"):
        store.query("MATCH (p:Person RETURN p")


def test_wrong_password_and_unreachable_server(neo4j_settings):
    with pytest.raises(Neo4jConnectionError, match="refused the login"):
        Neo4jStore(neo4j_settings["uri"], neo4j_settings["user"], "not-the-password")
    with pytest.raises(Neo4jConnectionError, match="cannot reach Neo4j"):
        Neo4jStore("bolt://127.0.0.1:9", "neo4j", "x")


def test_cli_load_and_query(store, small_graph, tmp_path, neo4j_settings):
    path = tmp_path / "g.ttl"
    small_graph.serialize(path, format="turtle")
    env = {"NEO4J_URI": neo4j_settings["uri"], "NEO4J_USER": neo4j_settings["user"],
           "NEO4J_PASSWORD": neo4j_settings["password"]}
    runner = CliRunner(env=env)
    result = runner.invoke(main, ["load", str(path), "--batch-size", "5"])
    assert result.exit_code == 0, result.output
    assert "loaded 18 nodes and 31 relationships" in result.output
    assert "database now holds 18 nodes and 31 relationships" in result.output
    result = runner.invoke(main, ["query", "--neo4j", neo4j_settings["uri"], "--cypher",
                                  str(QUERIES / "visits.cypher"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["actor,place,date", "Ismail Haniyeh,Tehran,2024-03-26"]
    result = runner.invoke(main, ["query", "--neo4j", neo4j_settings["uri"], "--cypher", "MATCH (n RETURN n"])
    assert result.exit_code == 2 and "Cypher syntax error" in result.output


@pytest.mark.parametrize("args", [
    ["--password", "wrong"],
    ["--neo4j", "bolt://127.0.0.1:9"],
])
def test_cli_connection_errors_are_one_line_exit_1(neo4j_settings, args):
    argv = ["query", "--neo4j", neo4j_settings["uri"], "--user", neo4j_settings["user"],
            "--password", neo4j_settings["password"], "--cypher", "RETURN 1 AS x", *args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")


def same_rows(a: QueryResult, b: QueryResult) -> bool:
    """Same columns and the same rows; the order of rows that tie on ORDER BY is free."""
    return a.columns == b.columns and sorted(a.rows, key=repr) == sorted(b.rows, key=repr)


@pytest.fixture(scope="module")
def built_seed_graph(tmp_path_factory):
    """The seed article built by the real pipeline: ``kg build seeds/ --date 2024-03-26``."""
    from kg.serialize import read_graph

    out = tmp_path_factory.mktemp("seed") / "tmp.ttl"
    build = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build",
                            str(ROOT / "seeds"), "--date", "2024-03-26", "-o", str(out), "-q"],
                           capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stderr
    return read_graph(out)


def test_query_pairs_agree_on_the_seed_graph_embedded_and_on_neo4j(store, built_seed_graph):
    store.load(built_seed_graph)
    embedded = EmbeddedGraph(built_seed_graph)
    found = 0
    for name in PAIRS:
        sparql = embedded.sparql(read_query(str(QUERIES / f"{name}.rq")))
        cypher_text = read_query(str(QUERIES / f"{name}.cypher"))
        for backend in (embedded, store):
            assert backend.supports_cypher
            assert same_rows(backend.cypher(cypher_text), sparql), (name, type(backend).__name__)
        found += bool(sparql.rows)
    assert found >= len(PAIRS) // 2, "most pairs should find something in the seed article"


def test_with_neo4j_runs_the_command_and_always_stops(neo4j_settings, tmp_path):
    script = ROOT / "scripts" / "with-neo4j.sh"
    probe = ("import os, sys; from neo4j import GraphDatabase; "
             "d = GraphDatabase.driver(os.environ['NEO4J_URI'], "
             "auth=(os.environ['NEO4J_USER'], os.environ['NEO4J_PASSWORD'])); "
             "d.verify_connectivity(); open(sys.argv[1], 'w').write(os.environ['NEO4J_URI']); "
             "sys.exit(3)")
    marker = tmp_path / "uri"
    run = subprocess.run(["bash", str(script), sys.executable, "-c", probe, str(marker)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 3, run.stderr
    uri = marker.read_text()
    assert uri.startswith("bolt://127.0.0.1:") and uri != neo4j_settings["uri"]
    assert "stopped" in run.stderr
    with pytest.raises(Neo4jConnectionError):
        Neo4jStore(uri, "neo4j", "x")


def test_a_relation_read_in_two_articles_keeps_each_report(store, records):
    """Loading article by article adds each article's evidence to the relationship instead of
    overwriting the first one's; metWith answers both ways."""
    import kg

    for record in records:
        store.load(kg.KnowledgeGraph.from_extractions([record]).to_rdflib())
    store.load(kg.KnowledgeGraph.from_extractions(records[:1]).to_rdflib())  # again: no change
    query = ("MATCH (a:Person)-[r:MET_WITH]->(b:Person) WHERE a.label = $who "
             "RETURN b.label AS other, r.reports AS reports, r.articles AS articles, "
             "r.sentences AS sentences, r.confidences AS confidences, r.sentence AS first")
    for who, other in (("Tony Blair", "George Bush"), ("George Bush", "Tony Blair")):
        (row,) = store.cypher(query, {"who": who}).records()
        assert row["other"] == other and row["reports"] == 2
        assert len(set(row["articles"])) == 2 and len(row["sentences"]) == len(row["confidences"]) == 2
        assert set(row["sentences"]) == {"Tony Blair met George Bush in Washington on Monday.",
                                         "George Bush visited London and met Tony Blair."}
        assert row["first"] == row["sentences"][0]
    # the embedded projection of the whole corpus holds the same reports
    whole = kg.KnowledgeGraph.from_extractions(records)
    (embedded,) = whole.cypher(query, {"who": "Tony Blair"}).records()
    (loaded,) = store.cypher(query, {"who": "Tony Blair"}).records()
    assert embedded == loaded
    # a relationship with one report keeps the single-report shape
    (visit,) = store.cypher("MATCH (a)-[r:VISITED]->(c) WHERE c.label = 'London' "
                            "RETURN r.reports AS n, r.articles AS articles").rows
    assert visit[0] == 1 and len(visit[1]) == 1


# ---------------------------------------------------------------- loads at the same time

def _shared_graph(graph_builder, n_people=120, n_links=600):
    """Many relationships between a few shared nodes: what two concurrent loads race on."""
    import random

    rng = random.Random(7)
    gb = graph_builder()
    people = [gb.entity(NEWS.Person, f"person/p{i}", f"Person {i}") for i in range(n_people)]
    for j in range(n_links):
        a, b = rng.sample(people, 2)
        gb.relation(a, NEWS.metWith, b, f"Person {a} met person {b} ({j}).", start=j)
    return gb.graph


def test_two_loads_at_once_write_each_relationship_once(store, graph_builder, neo4j_settings,
                                                        tmp_path):
    graph = tmp_path / "shared.ttl"
    _shared_graph(graph_builder).serialize(graph, format="turtle")
    env = {**__import__("os").environ, "NEO4J_URI": neo4j_settings["uri"],
           "NEO4J_USER": neo4j_settings["user"], "NEO4J_PASSWORD": neo4j_settings["password"]}
    kg_bin = str(Path(sys.executable).with_name("kg"))
    expected = None
    for attempt in range(5):
        store.clear()
        loads = [subprocess.Popen([kg_bin, "load", str(graph), "--batch-size", "40"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for _ in range(2)]
        outputs = [p.communicate(timeout=300)[0] for p in loads]
        assert [p.returncode for p in loads] == [0, 0], outputs
        counts = store.counts()
        duplicates = store.query("MATCH (a)-[r]->(b) WITH a, type(r) AS t, b, count(r) AS n "
                                 "WHERE n > 1 RETURN count(*) AS pairs").rows[0][0]
        assert duplicates == 0, (attempt, outputs)
        expected = expected or counts
        assert counts == expected
    single = Neo4jStore(neo4j_settings["uri"], neo4j_settings["user"], neo4j_settings["password"])
    with single:
        single.clear()
        from kg.serialize import read_graph

        single.load(read_graph(graph))
        assert single.counts() == expected
    assert store.query("MATCH (l:KgLoadLock) RETURN count(l) AS n").rows == [(0,)]


def test_a_load_waits_for_the_lock_and_takes_a_dead_loaders_lock(store, small_graph):
    import threading
    import time as clock

    from kg import neo4j_store

    done = threading.Event()
    with store.load_lock():
        worker = threading.Thread(target=lambda: (store.load(small_graph), done.set()))
        worker.start()
        assert not done.wait(1.5)          # the second load waits while the lock is held
    worker.join(60)
    assert done.is_set() and store.counts() == (18, 31)
    # a loader killed mid-load leaves its lock; once its heartbeat is stale it is taken over
    store.query("CREATE (:KgLoadLock {name: 'kg load', owner: 'dead', "
                "heartbeat: timestamp() - $old})", old=int(neo4j_store.LOCK_STALE_SECONDS * 1000) + 1)
    started = clock.perf_counter()
    report = store.load(small_graph)
    assert clock.perf_counter() - started < 30 and report.lock_wait_seconds < 5
    assert store.query("MATCH (l:KgLoadLock) RETURN count(l) AS n").rows == [(0,)]


def test_the_api_loads_into_neo4j_and_the_cli_passes_parameters(store, records, neo4j_settings):
    import json
    from datetime import date

    import kg

    graph = kg.KnowledgeGraph.from_extractions(records)
    report = graph.to_neo4j(neo4j_settings["uri"],
                            auth=(neo4j_settings["user"], neo4j_settings["password"]))
    assert report.nodes_created == graph.to_networkx().number_of_nodes()
    env = {"NEO4J_USER": neo4j_settings["user"], "NEO4J_PASSWORD": neo4j_settings["password"]}
    statements = str(QUERIES / "events_in_range.cypher")
    result = CliRunner(env=env).invoke(main, ["query", "--neo4j", neo4j_settings["uri"], "--cypher",
                                              statements, "--param", "from=2005-02-01",
                                              "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(r["date"] >= "2005-02-01" for r in rows)
    everything = CliRunner(env=env).invoke(main, ["query", "--neo4j", neo4j_settings["uri"],
                                                  "--cypher", statements, "--format", "json"])
    assert len(json.loads(everything.output)) > len(rows)  # no parameter: all dates
    embedded = graph.cypher(read_query(statements), {"from": date(2005, 2, 1)})
    assert sorted(map(tuple, (r.values() for r in rows))) == sorted(embedded.rows)
