"""The run: batches, order across worker processes, the error policy, the progress bar."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import main
from kg.readers import Skipped
from kg.records import Article

TEXTS = [
    "Iranian President Ebrahim Raisi met Russian President Vladimir Putin in Moscow on Tuesday.",
    "Hamas chief Ismail Haniyeh arrived in Tehran for talks with Iranian officials.",
    "The United Nations said at least 12 people were killed in Gaza on Monday.",
    "German Chancellor Olaf Scholz visited Paris. He met French President Emmanuel Macron.",
    "Microsoft chief executive Satya Nadella said the company would open an office in Nairobi.",
    "Prime Minister Benjamin Netanyahu rejected the ceasefire call, his office said.",
    "Turkish Foreign Minister Hakan Fidan travelled to Cairo to meet Egyptian officials.",
]


def articles(texts=TEXTS) -> list[Article]:
    return [Article(id=f"a{i}", text=t, date=date(2024, 3, 26)) for i, t in enumerate(texts)]


def test_batches_cut_a_stream_in_order():
    assert list(pipeline.batches(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(pipeline.batches([], 3)) == []


def test_ordered_window_keeps_order_and_bounds_tasks_in_flight():
    submitted = []
    in_flight = []

    def tasks():
        for i in range(10):
            submitted.append(i)
            yield i

    def result(task):
        in_flight.append(len(submitted) - task)
        return [task * 10, task * 10 + 1]

    out = list(pipeline.ordered_window(tasks(), 3, result))
    assert out == [x for i in range(10) for x in (i * 10, i * 10 + 1)]
    assert max(in_flight) <= 3


class FailsOn:
    """A stand-in extractor that fails on one article."""

    def __init__(self, bad: str):
        self.bad = bad

    def extract_many(self, batch):
        for a in batch:
            yield self.extract(a)

    def extract(self, article):
        if article.id == self.bad:
            raise ValueError("boom")
        return article.id


def test_one_article_failing_is_skipped_and_the_batch_goes_on():
    out = pipeline.extract_batch(FailsOn("a1"), articles()[:3])
    assert out[0] == "a0" and out[2] == "a2"
    assert isinstance(out[1], Skipped)
    assert out[1].reason == "extraction failed: ValueError: boom"


def test_progress_is_quiet_off_a_terminal_or_when_asked(monkeypatch):
    items = [1, 2, 3]
    assert pipeline.progress(items, 3, quiet=True) is items
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    assert pipeline.progress(items, 3, quiet=False) is items


def test_progress_bar_shows_rate_and_eta_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    bar = pipeline.progress(range(3), 3, quiet=False)
    bar.delay = 0  # show at once instead of after 2 s
    assert list(bar) == [0, 1, 2]
    bar.close()
    assert "3/3" in err.getvalue() and "articles/s" in err.getvalue()


def test_count_articles_counts_files_and_jsonl_lines(tmp_path):
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text("x")
    (tmp_path / "corpus" / "sub" / "b.md").write_text("x")
    (tmp_path / "corpus" / ".hidden.txt").write_text("x")
    (tmp_path / "more.jsonl").write_text('{"id": 1}\n\n{"id": 2}\n')
    assert pipeline.count_articles([str(tmp_path / "corpus"), str(tmp_path / "more.jsonl")]) == 4
    assert pipeline.count_articles(["-"]) is None


@pytest.mark.model
def test_two_workers_give_what_one_gives_in_the_same_order():
    one = list(pipeline.extract_stream(articles(), jobs=1, batch_size=2))
    two = list(pipeline.extract_stream(articles(), jobs=2, batch_size=2))
    assert [ex.article.id for ex in two] == [a.id for a in articles()]
    assert two == one
    assert any(ex.entities for ex in one)


def test_nothing_to_extract_loads_no_model(monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("loaded a model")

    monkeypatch.setattr("kg.extract.Extractor.__init__", no_model)
    assert list(pipeline.extract_stream([], jobs=2)) == []


@pytest.mark.model
def test_cli_extract_jobs_2_writes_what_jobs_1_writes(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": a.id, "text": a.text, "date": "2024-03-26"}) + "\n"
                              for a in articles()))
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["extract", str(corpus), "-o", str(tmp_path / f"j{jobs}.jsonl"),
                                      "--jobs", jobs, "-q"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "j1.jsonl").read_text() == (tmp_path / "j2.jsonl").read_text()
    assert len((tmp_path / "j1.jsonl").read_text().splitlines()) == len(TEXTS)


def test_min_confidence_changes_the_cache_fingerprint():
    from kg.cache import extractor_fingerprint

    assert extractor_fingerprint() != extractor_fingerprint(min_confidence=0.5)
    assert extractor_fingerprint(min_confidence=0.5) == extractor_fingerprint(min_confidence=0.5)


@pytest.mark.model
def test_cli_min_confidence_moves_the_line_between_asserted_and_kept_claims(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Brad Adams, from the UK's Human Rights Watch, said it was a political signal. "
                    "Hamas chief Ismail Haniyeh arrived in Tehran.\n", encoding="utf-8")
    runner = CliRunner()
    records = []
    for floor in (["--min-confidence", "0"], ["--min-confidence", "1"]):
        out = tmp_path / f"x{floor[1]}.jsonl"
        result = runner.invoke(main, ["extract", str(text), "-o", str(out), "-j", "1", *floor])
        assert result.exit_code == 0, result.output
        (obj,) = [json.loads(line) for line in out.read_text().splitlines()]
        records.append(obj["relations"])
    # the same relations either way: the floor only decides which are asserted
    assert [r["predicate"] for r in records[0]] == [r["predicate"] for r in records[1]]
    assert any(r["asserted"] for r in records[0]) and not any(r["asserted"] for r in records[1])
    graph = tmp_path / "g.ttl"
    result = runner.invoke(main, ["build", str(text), "-o", str(graph), "--min-confidence", "1"])
    assert result.exit_code == 0, result.output
    from rdflib import Graph, Literal

    from kg.namespaces import NEWS

    g = Graph().parse(graph)
    claims = set(g.subjects(NEWS.asserted, Literal(False)))
    assert claims and not set(g.subjects(NEWS.asserted, Literal(True)))
    assert not any(p == NEWS.leaderOf for _s, p, _o in g)  # the claim stays, its triple does not
    result = runner.invoke(main, ["build", str(text), "-o", str(tmp_path / "g.ttl"),
                                  "--min-confidence", "2"])
    assert result.exit_code == 2 and "0<=x<=1" in result.output
