"""Atomic writes: an interrupted write never replaces the previous graph."""

from __future__ import annotations

import os

import pytest
from rdflib import Graph, Literal, URIRef

from kg.serialize import UnknownFormat, atomic_write, format_for, read_graph, write_graph


def _graph(n: int) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"http://example.org/s{i}"), URIRef("http://example.org/p"), Literal(i)))
    return g


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "graph.ttl"
    write_graph(_graph(3), target)
    before = target.read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write(b"@prefix broken")
            raise RuntimeError("killed mid-write")
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["graph.ttl"]


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".trig"])
def test_interrupted_serialisation_keeps_previous_graph(tmp_path, monkeypatch, suffix):
    import kg.serialize

    target = tmp_path / f"graph{suffix}"
    write_graph(_graph(5), target)
    before = target.read_bytes()
    real = kg.serialize.to_oxigraph

    def killed_halfway(graph, quads, ordered=True, invalid_iri=None):
        for i, item in enumerate(real(graph, quads, ordered, invalid_iri)):
            if i == 25:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(kg.serialize, "to_oxigraph", killed_halfway)
    with pytest.raises(KeyboardInterrupt):
        write_graph(_graph(50), target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert len(read_graph(target)) == 5
    assert os.listdir(tmp_path) == [target.name]


def test_format_follows_extension():
    assert format_for("a.ttl") == "turtle"
    assert format_for("a.JSONLD") == "json-ld"
    with pytest.raises(UnknownFormat):
        format_for("a.rdf.zip")


def test_written_file_gets_the_usual_mode(tmp_path):
    target = tmp_path / "graph.ttl"
    old = os.umask(0o022)
    try:
        write_graph(_graph(2), target)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    write_graph(_graph(3), target)
    assert target.stat().st_mode & 0o777 == 0o600
