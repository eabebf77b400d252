"""``kg viz`` on the command line: options in, one library call, clear errors out."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph


@pytest.fixture
def graph_file(small_graph, tmp_path):
    path = tmp_path / "graph.ttl"
    small_graph.serialize(path, format="turtle")
    return path


def _kg(*args):
    from kg.cli import main

    return CliRunner().invoke(main, ["viz", *map(str, args)])


def test_cli_writes_the_page(graph_file, tmp_path):
    out = tmp_path / "actors.html"
    result = _kg(graph_file, "-o", out, "--events", "show")
    assert result.exit_code == 0, result.output
    assert "15 nodes, 18 edges" in result.output
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_cli_focus_not_in_graph_exits_2_with_close_matches(graph_file, tmp_path):
    result = _kg(graph_file, "-o", tmp_path / "a.png", "--focus", "Ismail Hanieh")
    assert result.exit_code == 2
    assert "no actor named 'Ismail Hanieh'" in result.output
    assert "Close matches: 'Ismail Haniyeh'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "a.png").exists()


def test_cli_unknown_extension_is_a_usage_error(graph_file, tmp_path):
    result = _kg(graph_file, "-o", tmp_path / "a.gif")
    assert result.exit_code == 2 and ".html, .png, .svg or .pdf" in result.output


def test_cli_empty_graph_writes_a_page_that_says_so(tmp_path):
    path = tmp_path / "empty.ttl"
    Graph().serialize(path, format="turtle")
    result = _kg(path, "-o", tmp_path / "a.html")
    assert result.exit_code == 0, result.output
    assert "No actors to draw" in (tmp_path / "a.html").read_text()


def test_cli_unreadable_graph_and_unwritable_output_are_clear_errors(graph_file, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("garbage <<\n")
    result = _kg(bad, "-o", tmp_path / "a.html")
    assert result.exit_code == 1 and f"cannot read {bad}" in result.output
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("")
    result = _kg(graph_file, "-o", not_a_folder / "a.html")
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "Traceback" not in result.output
    # like every output, a page goes into a folder made for it (as kg build -o out/graph.ttl)
    assert _kg(graph_file, "-o", tmp_path / "new" / "a.html").exit_code == 0


def test_cli_focus_picture(graph_file, tmp_path):
    out = tmp_path / "haniyeh.png"
    result = _kg(graph_file, "-o", out, "--focus", "Ismail Haniyeh", "--hops", "1")
    assert result.exit_code == 0, result.output
    assert "entities outside the focus not drawn" in result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
