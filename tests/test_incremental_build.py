"""``kg build --cache``: only new or changed articles are read, the graph is the one a build from
scratch gives, and a run killed at any point loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kg.cache import CACHE_FILE, ExtractionCache
from kg.pipeline import run_build
from kg.records import Article, ArticleExtraction
from kg.serialize import read_graph

pytestmark = pytest.mark.model

ARTICLES = {
    "a": "Iranian President Ebrahim Raisi met Russian President Vladimir Putin in Moscow on Tuesday.",
    "b": "Hamas chief Ismail Haniyeh arrived in Tehran for talks with Iranian officials.",
    "c": "German Chancellor Olaf Scholz visited Paris. He met French President Emmanuel Macron.",
    "d": "Turkish Foreign Minister Hakan Fidan travelled to Cairo to meet Egyptian officials.",
}


def write_corpus(folder: Path, articles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text)


def build(corpus: Path, out: Path, cache: Path | None):
    return run_build([str(corpus)], str(out), default_date=date(2024, 3, 26), jobs=1, quiet=True,
                     cache_dir=str(cache) if cache else None)


def test_incremental_builds_equal_builds_from_scratch(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    write_corpus(corpus, {k: ARTICLES[k] for k in "abc"})
    first = build(corpus, tmp_path / "inc.ttl", cache)
    assert first.cached == 0 and first.articles == 3

    # b changes, c goes away, d is new
    changed = {"a": ARTICLES["a"], "b": ARTICLES["b"].replace("Tehran", "Beirut"), "d": ARTICLES["d"]}
    write_corpus(corpus, changed)
    second = build(corpus, tmp_path / "inc.ttl", cache)
    assert second.cached == 1 and second.articles == 3  # only a came from the cache

    build(corpus, tmp_path / "scratch.ttl", None)
    incremental, scratch = read_graph(tmp_path / "inc.ttl"), read_graph(tmp_path / "scratch.ttl")
    assert isomorphic(incremental, scratch)
    text = (tmp_path / "inc.ttl").read_text()
    assert "Scholz" not in text  # c left the corpus, and the graph
    assert "Beirut" in text and "Cairo" in text

    third = build(corpus, tmp_path / "inc.ttl", cache)
    assert third.cached == 3
    assert isomorphic(read_graph(tmp_path / "inc.ttl"), scratch)


def test_cache_round_trips_and_keeps_fingerprints_apart(tmp_path):
    ex = ArticleExtraction(article=Article(id="x", text="Hello.", date=date(2024, 1, 2)),
                           entities=(), relations=(), events=())
    with ExtractionCache(tmp_path, "v1") as cache:
        cache.put(ex)
    with ExtractionCache(tmp_path, "v1") as cache:
        assert ex.article.content_hash in cache and cache.get(ex.article.content_hash) == ex
    with ExtractionCache(tmp_path, "v2") as cache:
        assert cache.get(ex.article.content_hash) is None and len(cache) == 0


def cached_rows(cache: Path) -> int:
    try:
        with sqlite3.connect(cache / CACHE_FILE, timeout=5) as db:
            return db.execute("SELECT count(*) FROM extraction").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_build_killed_in_the_middle_loses_nothing(tmp_path):
    corpus, cache, out = tmp_path / "corpus", tmp_path / "cache", tmp_path / "graph.ttl"
    many = {f"n{i:03d}": f"{text} Story {i}." for i in range(120) for text in [ARTICLES["abcd"[i % 4]]]}
    write_corpus(corpus, dict(list(many.items())[:4]))
    build(corpus, out, cache)
    previous = out.read_bytes()

    write_corpus(corpus, many)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    kg = str(Path(sys.executable).with_name("kg"))
    proc = subprocess.Popen([kg, "build", str(corpus), "-o", str(out),
                             "--cache", str(cache), "--date", "2024-03-26", "--jobs", "1", "-q"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while cached_rows(cache) <= 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = cached_rows(cache)
    assert 4 < done < len(many)
    assert out.read_bytes() == previous  # the previous graph is untouched and usable
    read_graph(out)

    resumed = build(corpus, out, cache)
    assert resumed.cached >= done and resumed.articles == len(many)
    build(corpus, tmp_path / "scratch.ttl", None)
    assert isomorphic(read_graph(out), read_graph(tmp_path / "scratch.ttl"))
