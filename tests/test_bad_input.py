"""Broken input is a clear line and the rest of the run goes on; no traceback, no wrong value."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.readers import Skipped, Warning_, iter_articles

DATA = Path(__file__).resolve().parent / "data"


def kg(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def _read(*inputs, stdin: bytes | None = None):
    import io

    items = list(iter_articles([str(i) for i in inputs],
                               stdin=io.BytesIO(stdin) if stdin is not None else None))
    articles = [i for i in items if not isinstance(i, (Skipped, Warning_))]
    skipped = {i.source: i.reason for i in items if isinstance(i, Skipped)}
    return articles, skipped


def _jsonl(path: Path, *lines) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


# ---------------------------------------------------------------- inputs that aborted the run

@pytest.mark.parametrize("value", ["2024-02-30", "yesterday", "2024-13-01"])
def test_markdown_with_a_date_that_is_no_date_is_skipped_and_the_folder_goes_on(tmp_path, value):
    (tmp_path / "bad.md").write_text(f"---\ndate: {value}\n---\nMinisters met in London.\n")
    (tmp_path / "good.md").write_text("---\ndate: 2024-03-26\n---\nMinisters met in Paris.\n")
    articles, skipped = _read(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert skipped == {str(tmp_path / "bad.md"): f"cannot read date '{value}' (expected YYYY-MM-DD)"}


def test_a_lone_surrogate_and_deep_nesting_are_skipped_lines(tmp_path):
    feed = _jsonl(tmp_path / "feed.jsonl",
                  '{"id": "s", "text": "abc \\ud800 def"}',
                  "[" * 100_000 + "]" * 100_000,
                  '{"id": "deep", "text": "x", "title": ' + "[" * 50_000 + "]" * 50_000 + "}",
                  {"id": "ok", "text": "Ministers met in Paris."})
    articles, skipped = _read(feed)
    assert [a.id for a in articles] == ["ok"]
    assert skipped == {f"{feed}:1": "'text' is not valid Unicode (a lone surrogate such as \\ud800)",
                       f"{feed}:2": "invalid JSON (nested too deeply)",
                       f"{feed}:3": "invalid JSON (nested too deeply)"}
    assert all(len(a.content_hash) == 64 for a in articles)


@pytest.mark.model
def test_a_run_over_broken_inputs_reads_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.md").write_text("---\ndate: yesterday\n---\nMinisters met in London.\n")
    _jsonl(folder / "feed.jsonl", '{"id": "s", "text": "abc \\ud800"}', "[" * 100_000,
           {"id": "ok", "text": "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday."})
    out = tmp_path / "x.jsonl"
    result = kg("extract", str(folder), "-j", "1", "-q", "-o", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]
    assert result.output.count("skipped ") == 3


def _truncated(seed_graph, tmp_path) -> Path:
    whole = tmp_path / "whole.ttl"
    seed_graph.serialize(whole, format="turtle")
    cut = tmp_path / "cut.ttl"
    cut.write_bytes(whole.read_bytes()[:len(whole.read_bytes()) // 2])
    return cut


@pytest.mark.model
@pytest.mark.parametrize("command", [
    ["validate"], ["export", "-o", "{tmp}/x.jsonld"], ["export", "-o", "{tmp}/x.graphml"],
    ["viz", "-o", "{tmp}/x.html"], ["query", "--cypher", "MATCH (n:Person) RETURN n.label AS l"],
    ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }"], ["load", "--neo4j", "bolt://127.0.0.1:9"]])
def test_a_truncated_graph_is_one_line(seed_graph, tmp_path, command):
    cut = _truncated(seed_graph, tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = kg(args[0], str(cut), *args[1:])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: cannot read {cut}: ") and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["query", "--cypher", "MATCH (n) RETURN n"],
                                     ["load", "{graph}"]])
def test_an_http_address_for_neo4j_is_a_usage_error(tmp_path, small_graph, command):
    graph = tmp_path / "g.ttl"
    small_graph.serialize(graph, format="turtle")
    args = [a.replace("{graph}", str(graph)) for a in command]
    result = kg(*args, "--neo4j", "http://127.0.0.1:7474")
    assert result.exit_code == 2
    assert "is no Bolt address" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("dataset", ["conll04", "wikievents"])
def test_kg_eval_on_a_binary_file_is_one_line(tmp_path, dataset):
    binary = tmp_path / "split.json"
    binary.write_bytes(bytes(range(256)) * 8)
    result = kg("eval", dataset, str(binary))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot read {binary}: not UTF-8 text (byte 128)"
    predictions = tmp_path / "pred.jsonl"
    predictions.write_bytes(bytes(range(256)) * 8)
    split = DATA / ("eval_conll04.json" if dataset == "conll04" else "eval_wikievents.jsonl")
    result = kg("eval", dataset, str(split), "--predictions", str(predictions))
    assert result.exit_code == 1 and f"cannot read {predictions}: not UTF-8" in result.output


def test_kg_eval_on_an_empty_split_is_an_error_not_zero_scores(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    result = kg("eval", "wikievents", str(empty))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {empty} holds no wikievents documents"


# ---------------------------------------------------------------- values read as they are

def test_jsonl_values_are_not_python_reprs(tmp_path):
    feed = _jsonl(tmp_path / "feed.jsonl",
                  {"id": None, "text": "a b"}, {"id": ["a"], "text": "a b"}, {"id": "", "text": "a b"},
                  {"id": " ", "text": "a b"}, {"id": True, "text": "a b"},
                  {"id": "d", "text": "a b", "date": "2024-03-26junk"},
                  {"id": "t", "text": "a b", "title": ["a"]}, {"id": "u", "text": "a b", "url": 5},
                  {"id": 7, "text": "a b", "date": "2024-03-26T10:00:00Z"},
                  {"id": "iso", "text": "a b", "date": "2024-03-26", "title": None})
    articles, skipped = _read(feed)
    assert [(a.id, a.date.isoformat()) for a in articles] == [("7", "2024-03-26"), ("iso", "2024-03-26")]
    assert skipped == {
        f"{feed}:1": "'id' must be a non-empty string or an integer, not null",
        f"{feed}:2": "'id' must be a non-empty string or an integer, not [\"a\"]",
        f"{feed}:3": "'id' must be a non-empty string or an integer, not \"\"",
        f"{feed}:4": "'id' must be a non-empty string or an integer, not \" \"",
        f"{feed}:5": "'id' must be a non-empty string or an integer, not true",
        f"{feed}:6": "cannot read date '2024-03-26junk' (expected YYYY-MM-DD)",
        f"{feed}:7": "'title' must be a string",
        f"{feed}:8": "'url' must be a string"}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, encoding):
    text = "Ministers met in Zürich on Tuesday."
    (tmp_path / "a.txt").write_bytes(("\ufeff" + text).encode(encoding))
    articles, skipped = _read(tmp_path / "a.txt")
    assert skipped == {} and [a.text for a in articles] == [text]


def test_stdin_text_that_starts_with_a_brace_is_an_article():
    articles, skipped = _read("-", stdin=b"{Breaking} Ministers met in Paris on Tuesday.\n")
    assert skipped == {} and [a.text for a in articles] == ["{Breaking} Ministers met in Paris on Tuesday.\n"]
    articles, _ = _read("-", stdin=b'{"id": "j", "text": "From JSON Lines."}\n')
    assert [(a.id, a.text) for a in articles] == [("j", "From JSON Lines.")]


def test_broken_links_and_fifos_in_a_folder_are_named(tmp_path):
    (tmp_path / "good.txt").write_text("Ministers met in Paris.")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    articles, skipped = _read(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert skipped == {str(tmp_path / "dangling.txt"): "broken symbolic link",
                       str(tmp_path / "pipe.txt"): "a named pipe (FIFO), not a file"}


# ---------------------------------------------------------------- hangs

@pytest.mark.parametrize("command", ["extract", "build"])
def test_a_model_typo_with_two_jobs_fails_fast_with_exit_2(tmp_path, command):
    """The pool respawned workers whose initializer failed, forever, with 122 tracebacks a minute."""
    import subprocess
    import sys

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    kg_bin = str(Path(sys.executable).with_name("kg"))
    run = subprocess.run([kg_bin, command, str(seeds), "--jobs", "2", "--model", "en_core_web_typo",
                          "-o", str(tmp_path / ("x.jsonl" if command == "extract" else "x.ttl"))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "Error: cannot load spaCy pipeline 'en_core_web_typo': [E050] Can't find model "
        "'en_core_web_typo'. It doesn't seem to be a Python package or a valid path to a data "
        "directory."]


def test_json_lines_are_read_a_line_at_a_time_split_at_line_feeds_and_decoded_each(tmp_path):
    """A JSON Lines file is streamed: each line decoded on its own (one cp1252 line warns with its
    line number and leaves the UTF-8 lines as they are), split at line feeds alone (U+2028 is a
    character of a JSON string, not a line break), CRLF and a UTF-8 BOM allowed."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "Fran\u00e7ois met Merkel."},
                                                    ensure_ascii=False).encode() + b"\r\n"
                     + b'{"id": "b", "text": "Fran\xe7ois Hollande visited Paris."}\n'
                     + '{"id": "c", "text": "One\u2028two."}\n'.encode())
    import io

    items = list(iter_articles([str(path)], stdin=io.BytesIO(b"")))
    warnings = [i for i in items if isinstance(i, Warning_)]
    articles = [i for i in items if not isinstance(i, (Skipped, Warning_))]
    assert [a.id for a in articles] == ["a", "b", "c"]
    assert [a.text for a in articles] == ["François met Merkel.", "François Hollande visited Paris.",
                                          "One\u2028two."]
    assert [w.source for w in warnings] == [f"{path}:2"] and "cp1252" in warnings[0].message


def test_a_json_lines_file_is_not_read_ahead(tmp_path):
    """The first article comes before the rest of the file is read: a build forks its workers
    while reading, and a file read whole would sit in every worker."""
    path = _jsonl(tmp_path / "big.jsonl", *({"id": str(n), "text": "Ministers met in Paris. " * 40}
                                           for n in range(3000)))
    from kg.readers import _read_file

    items = _read_file(path, "big")
    next(items)
    frame = items.gi_frame
    while frame is not None and "f" not in frame.f_locals:  # down the chain of delegating generators
        inner = frame.f_locals.get("__sub")
        frame = getattr(items.gi_yieldfrom, "gi_frame", None) if inner is None else None
        break
    handle = items.gi_yieldfrom.gi_frame.f_locals["f"]
    assert handle.tell() < path.stat().st_size / 10
