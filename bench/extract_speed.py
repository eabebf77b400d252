"""Extraction speed and memory: bare spaCy ``nlp.pipe`` vs ``kg extract --jobs 1`` and ``--jobs 2``.

    .venv/bin/python bench/extract_speed.py DATA/bbc [--limit N] [--repeat R]

All three run as subprocesses on the same texts (the first 150 BBC articles by default), in one
run of this script, each timed from start to exit (model loading included for all) with the peak
RSS of its whole process tree (workers included) sampled every 50 ms. Bare spaCy is
``en_core_web_sm``'s own pipeline, given the batch size kg's extraction gives it in effect (16
articles: ``kg.pipeline`` hands the extractor batches of 16, which it pipes whole); kg runs that
pipeline plus its names NER, merge and rules. All run with the same OpenBLAS threads (one, as kg
sets by default, unless ``OPENBLAS_NUM_THREADS`` says otherwise) and the same matrix products
(numpy's, :func:`kg.nlp.numpy_matmul`, unless ``KG_BLAS=blis``). With ``--repeat`` the runs interleave and the best time
of each is kept, which damps noise from other work on the machine. Prints figures, tests nothing.
The articles are copied to a JSON Lines file in a temporary folder, never into the repository;
files named README* are not articles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

PYTHON = sys.executable
KG = str(Path(sys.executable).with_name("kg"))

# kg hands nlp.pipe batches of kg.pipeline.BATCH_SIZE articles (16), which it pipes with
# batch_size Extractor.BATCH_SIZE (32): spaCy's batches are the smaller of the two
BARE_SPACY = """
import json, sys, spacy
from kg.nlp import numpy_matmul, resolve_model_name
from kg.extract import Extractor
from kg.pipeline import BATCH_SIZE
nlp = spacy.load(resolve_model_name())
numpy_matmul(nlp)  # kg's matrix products (kg.nlp), so the two differ by kg's work alone
texts = (json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8"))
n = sum(1 for _ in nlp.pipe(texts, batch_size=min(BATCH_SIZE, Extractor.BATCH_SIZE)))
print(n, file=sys.stderr)
"""


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc] + proc.children(recursive=True):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


# kg runs with one OpenBLAS thread unless told otherwise (kg/__init__.py); bare spaCy gets the
# same setting, so the two differ by kg's work alone
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak process-tree RSS in bytes of ``cmd``."""
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return seconds, peak


def write_corpus(data: Path, limit: int | None, out: Path) -> tuple[int, int]:
    from kg.readers import iter_articles
    from kg.records import Article

    n = words = 0
    with open(out, "w", encoding="utf-8") as handle:
        for item in iter_articles([str(data)]):
            if not isinstance(item, Article) or Path(item.path or "").name.upper().startswith("README"):
                continue
            obj = {"id": item.id, "text": item.text, "title": item.title,
                   "date": item.date.isoformat() if item.date else None}
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
            words += len(item.text.split())
            if limit and n >= limit:
                break
    return n, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="folder of articles, e.g. ../shared/data/bbc")
    parser.add_argument("--limit", type=int, default=150, help="first N articles only (0: all)")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved repetitions; best kept")
    parser.add_argument("--skip-jobs2", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        n, words = write_corpus(args.data, args.limit, corpus)
        print(f"{n} articles, {words} words ({words / n:.0f} words/article), "
              f"{psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        runs = {
            "bare spaCy nlp.pipe": [PYTHON, "-c", BARE_SPACY, str(corpus)],
            "kg extract --jobs 1": [KG, "extract", str(corpus), "-o", f"{tmp}/j1.jsonl", "-q", "--jobs", "1"],
        }
        if not args.skip_jobs2:
            runs["kg extract --jobs 2"] = [KG, "extract", str(corpus), "-o", f"{tmp}/j2.jsonl", "-q", "--jobs", "2"]
        best: dict[str, tuple[float, int]] = {}
        for r in range(args.repeat):
            for name, cmd in runs.items():
                seconds, peak = run(cmd)
                print(f"  round {r + 1}: {name:<22} {seconds:7.1f} s  peak RSS {peak / 2**20:6.0f} MiB",
                      flush=True)
                old = best.get(name)
                best[name] = (min(seconds, old[0]) if old else seconds, max(peak, old[1]) if old else peak)
        if not args.skip_jobs2:
            same = Path(f"{tmp}/j1.jsonl").read_bytes() == Path(f"{tmp}/j2.jsonl").read_bytes()
            print(f"--jobs 2 output identical to --jobs 1: {same}")

    print()
    print(f"| run | seconds | articles/s | words/s | peak RSS (tree) |")
    print(f"|---|---|---|---|---|")
    for name, (seconds, peak) in best.items():
        print(f"| {name} | {seconds:.1f} | {n / seconds:.1f} | {words / seconds:.0f} | {peak / 2**20:.0f} MiB |")
    bare, j1 = best["bare spaCy nlp.pipe"][0], best["kg extract --jobs 1"][0]
    print(f"\nkg --jobs 1 / bare spaCy throughput: {bare / j1:.2f} (target >= 0.5)")
    if "kg extract --jobs 2" in best:
        print(f"--jobs 2 speed-up over --jobs 1: {j1 / best['kg extract --jobs 2'][0]:.2f}x (target >= 1.7)")
    print(f"peak RSS of kg extract --jobs 1 (one worker): {best['kg extract --jobs 1'][1] / 2**20:.0f} MiB "
          f"(target <= 1536)")


if __name__ == "__main__":
    main()
