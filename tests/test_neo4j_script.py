"""scripts/neo4j.sh: the development Neo4j starts, stops and starts again on the same data.

Uses a private state folder (KG_NEO4J_DIR), so the Neo4j of scripts/with-neo4j.sh is untouched.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kg.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j.sh"


def _neo4j(command: str, state: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KG_NEO4J_DIR": str(state), "KG_NEO4J_START_TIMEOUT": "120"}
    env.pop("NEO4J_PASSWORD", None)
    return subprocess.run(["bash", str(SCRIPT), command], env=env, capture_output=True, text=True,
                          timeout=300)


def _settings(started: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(line.split("=", 1) for line in started.stdout.split())


def test_up_down_up_keeps_the_data(tmp_path):
    state = tmp_path / "neo4j"
    try:
        first = _neo4j("start", state)
        assert first.returncode == 0, first.stderr
        env = _settings(first)
        with Neo4jStore(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"]) as store:
            store.query("CREATE (:Marker {name: 'kept'})")
        assert _neo4j("stop", state).returncode == 0
        assert _neo4j("status", state).returncode == 1
        second = _neo4j("start", state)   # failed after 180 s: ALTER USER to the same password
        assert second.returncode == 0, second.stderr
        env = _settings(second)
        with Neo4jStore(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"]) as store:
            assert store.query("MATCH (m:Marker) RETURN m.name AS name").rows == [("kept",)]
    finally:
        _neo4j("stop", state)


def test_a_neo4j_stopped_during_a_load_is_one_line_soon(tmp_path):
    """The driver retried each batch in flight for 30 s with a warning a retry: 87 s, 16 warnings."""
    import sys
    import time

    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from kg.namespaces import NEWS, RES

    graph = Graph()
    people = [RES[f"entity/person/p{i}"] for i in range(3000)]
    for i, person in enumerate(people):
        graph.add((person, RDF.type, NEWS.Person))
        graph.add((person, RDFS.label, Literal(f"Person {i}")))
    for i in range(30000):
        graph.add((people[i % 3000], NEWS.metWith, people[(i * 7 + 1) % 3000]))
    path = tmp_path / "big.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    state = tmp_path / "neo4j"
    try:
        started = _neo4j("start", state)
        assert started.returncode == 0, started.stderr
        env = {**os.environ, **_settings(started)}
        load = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "load", str(path),
                                 "--batch-size", "200"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        with Neo4jStore(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"]) as store:
            deadline = time.monotonic() + 60
            while not store.query("MATCH (l:KgLoadLock) RETURN count(l) AS n").rows[0][0]:
                assert load.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        assert _neo4j("stop", state).returncode == 0
        stopped = time.monotonic()
        out, err = load.communicate(timeout=120)
        after = time.monotonic() - stopped
    finally:
        _neo4j("stop", state)
    assert load.returncode == 1
    assert after < 20, after
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: lost Neo4j at bolt://"), err
    assert "load again once Neo4j is back" in lines[0]
