"""Extraction time of one long article, at 50k, 100k and 200k characters.

    .venv/bin/python bench/long_article.py [DATA/bbc] [--sizes 50000 100000 200000]

The article is the texts of the given folder (recursive, ``*.txt``, files named README* left
out) joined with blank lines, or the seed article repeated when no folder is given, cut to each
size. Each size runs once in this process after a warm-up on a short text, with the model
loaded; the ratio to the smallest size is printed next to the times, and extraction is linear
when it stays near the ratio of the sizes (the issue's target: 200k costs at most 5x 50k).
Prints figures, tests nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.extract import Extractor
from kg.records import Article

ROOT = Path(__file__).resolve().parent.parent


def long_text(folder: Path | None, size: int) -> str:
    if folder is None:
        paths = sorted((ROOT / "seeds").glob("*.txt"))
    else:
        paths = sorted(p for p in folder.rglob("*.txt") if not p.name.upper().startswith("README"))
    parts, total = [], 0
    while total < size:
        for path in paths:
            text = path.read_text(encoding="utf-8", errors="replace").strip() + "\n\n"
            parts.append(text)
            total += len(text)
            if total >= size:
                break
    return "".join(parts)[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    args = parser.parse_args()
    extractor = Extractor()
    extractor.extract(Article("warm-up", long_text(args.folder, 2_000)))
    text = long_text(args.folder, max(args.sizes))
    first = None
    print(f"{'characters':>10}  {'seconds':>8}  {'x smallest':>10}")
    for size in args.sizes:
        started = time.perf_counter()
        extractor.extract(Article(f"long-{size}", text[:size]))
        seconds = time.perf_counter() - started
        first = first or seconds
        print(f"{size:>10}  {seconds:>8.2f}  {seconds / first:>10.2f}")


if __name__ == "__main__":
    main()
