"""``kg build --store`` on synthetic corpora made from BBC texts: a cold build, a re-run with
nothing new and a re-run with 10 new articles, at each size; SPARQL on the last store.

    .venv/bin/python bench/build_scale.py DATA/bbc --sizes 5000 20000 100000 [--kind short]
        [--jobs 2] [--keep DIR] [--param name="Tony Blair" ...]

Article ``i`` is BBC text ``i mod 2225`` (files in name order, README* left out), marked
``(Report k.)`` where ``k`` counts the passes over the corpus, so every article has its own
content hash and id. ``--kind short``: the headline and the first paragraph (about 40 words);
``--kind bbc``: the whole text (about 380 words). The 10 new articles are the first 10 texts
marked ``(New report.)``, given as a second input. Each run is a ``kg build`` subprocess, timed
from start to exit, with the peak RSS of its process tree (workers included) and the load
average before it; the corpus steps' own times come from the build's summary. With ``--keep``
the last store is kept there; every ``queries/*.rq`` is timed on it (median of 5 after a
warm-up), the way ``kg query STORE --sparql`` runs them. Corpora are written to a temporary
folder, never into the repository. Prints figures, tests nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_speed import KG, tree_rss  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def texts(data: Path) -> list[list[str]]:
    """The BBC texts as lists of non-empty lines (headline first), in file name order."""
    files = sorted(p for p in data.rglob("*.txt") if not p.name.upper().startswith("README"))
    return [[line.strip() for line in f.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()] for f in files]


def article(lines: list[str], kind: str, ident: str, mark: str) -> dict:
    title, paragraphs = lines[0], lines[1:] or [lines[0]]
    body = paragraphs[:1] if kind == "short" else paragraphs
    return {"id": ident, "title": title, "text": title + "\n\n" + "\n\n".join(body) + f" {mark}"}


def write_corpus(source: list[list[str]], n: int, kind: str, path: Path) -> int:
    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            a = article(source[i % len(source)], kind, f"syn-{i:07d}",
                        f"(Report {i // len(source) + 1}.)")
            words += len(a["text"].split())
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return words


def run(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user and system, workers included), peak process-tree RSS in
    bytes and output of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    err = tempfile.TemporaryFile()
    proc = psutil.Popen(cmd, stdout=err, stderr=subprocess.STDOUT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):  # 1: some input was skipped
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {text[-2000:]}")
    return seconds, cpu, peak, text


def corpus_steps(summary: str) -> str:
    m = re.search(r"^corpus steps: (.*)$", summary, re.MULTILINE)
    return m.group(1) if m else ""


def sparql_latency(store_dir: Path, params: dict) -> list[tuple[str, int, float, float]]:
    from kg.query import query_parameters, read_query, run_sparql
    from kg.store import open_store

    store = open_store(store_dir)
    out = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        query = read_query(str(path))
        bound = {k: v for k, v in params.items() if k in query_parameters(query)}
        rows = len(run_sparql(store, query, bound).rows)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            run_sparql(store, query, bound)
            times.append((time.perf_counter() - t) * 1000)
        name = path.name + (" (" + " ".join(f"{k}={v}" for k, v in bound.items()) + ")"
                            if bound else "")
        out.append((name, rows, statistics.median(times), max(times)))
    return out


def main() -> None:
    from kg.query import parse_parameter

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="folder of BBC texts, e.g. ../shared/data/bbc")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 100000])
    parser.add_argument("--kind", choices=("short", "bbc"), default="short")
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the last store in")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    source = texts(args.data)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        tmp = Path(tmp)
        extra = tmp / "new.jsonl"
        with open(extra, "w", encoding="utf-8") as f:
            for i in range(10):
                f.write(json.dumps(article(source[i], args.kind, f"new-{i:02d}", "(New report.)"))
                        + "\n")
        for n in args.sizes:
            corpus, store = tmp / f"corpus-{n}.jsonl", tmp / f"store-{n}.kg"
            words = write_corpus(source, n, args.kind, corpus)
            base = [KG, "build", str(corpus), "--store", str(store), "--jobs", args.jobs]
            print(f"{n} {args.kind} articles, {words / n:.0f} words each, "
                  f"{psutil.cpu_count()} cores", flush=True)
            for name, cmd in (("cold build", base), ("re-run, nothing new", base),
                              ("re-run, 10 new articles", base[:3] + [str(extra)] + base[3:])):
                load = os.getloadavg()[0]
                seconds, cpu, peak, err = run(cmd)
                steps = corpus_steps(err)
                size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
                rows.append((n, name, seconds, cpu, peak, load, size, steps))
                print(f"  {name:<24} {seconds:8.1f} s  {1000 * seconds / n:6.1f} ms/article  "
                      f"CPU {cpu:8.1f} s  peak RSS {peak / 2**20:6.0f} MiB  load {load:.1f}  "
                      f"store {size / 2**30:.2f} GiB  {steps}", flush=True)
            corpus.unlink()
            if n != args.sizes[-1]:
                shutil.rmtree(store)
        last = tmp / f"store-{args.sizes[-1]}.kg"
        latency = sparql_latency(last, dict(parse_parameter(p) for p in args.param))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            target = args.keep / last.name
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(str(last), str(target))
    print()
    print(f"| {args.kind} articles | run | seconds | ms/article | CPU ms/article | peak RSS (tree) "
          "| load | store |")
    print("|---|---|---|---|---|---|---|---|")
    for n, name, seconds, cpu, peak, load, size, _steps in rows:
        print(f"| {n:,} | {name} | {seconds:.1f} | {1000 * seconds / n:.1f} | "
              f"{1000 * cpu / n:.1f} | {peak / 2**20:.0f} MiB | {load:.1f} | "
              f"{size / 2**30:.2f} GiB |")
    print(f"\n| query on the {args.sizes[-1]:,}-article store | rows | median ms | worst ms |")
    print("|---|---|---|---|")
    for name, count, median, worst in latency:
        print(f"| {name} | {count} | {median:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
