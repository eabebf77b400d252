"""``kg build --cache``: a cold build, a re-run with nothing new, and a re-run with 10 new articles.

    .venv/bin/python bench/build_incremental.py ../shared/data/bbc [--jobs 2] [--keep DIR]

Each run is a ``kg build`` subprocess, timed from start to exit, with the peak RSS of its
process tree. The 10 new articles are edited copies of 10 articles of the corpus, written to a
temporary folder (never into the repository or the data folder) and given as a second input.
The graph of the last run is kept (``--keep``) for bench/sparql_speed.py. Prints figures only.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_speed import KG, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep graph.ttl in")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        tmp = Path(tmp)
        extra = tmp / "extra"
        extra.mkdir()
        sources = sorted(p for p in args.data.rglob("*.txt") if not p.name.upper().startswith("README"))
        for i, src in enumerate(sources[:10]):
            text = src.read_text(encoding="utf-8", errors="replace")
            (extra / f"new{i:02d}.txt").write_text(text.replace(".", ". Officials agreed.", 1))
        graph, cache = tmp / "graph.ttl", tmp / "cache"
        base = [KG, "build", str(args.data), "-o", str(graph), "--cache", str(cache),
                "--jobs", args.jobs, "-q"]
        rows = []
        for name, cmd in (("cold build, empty cache", base),
                          ("re-run, nothing new", base),
                          ("re-run, 10 new articles", base[:3] + [str(extra)] + base[3:])):
            seconds, peak = run(cmd)
            rows.append((name, seconds, peak))
            print(f"  {name:<26} {seconds:7.1f} s  peak RSS {peak / 2**20:6.0f} MiB", flush=True)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(graph, args.keep / "graph.ttl")
    print()
    print(f"| kg build --cache --jobs {args.jobs} | seconds | peak RSS (tree) |")
    print("|---|---|---|")
    for name, seconds, peak in rows:
        print(f"| {name} | {seconds:.1f} | {peak / 2**20:.0f} MiB |")
    print(f"\n10 new articles cost {rows[2][1] - rows[1][1]:.1f} s over a re-run with nothing new")


if __name__ == "__main__":
    main()
