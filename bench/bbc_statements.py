"""A seeded sample of the asserted Statement events kg reads on BBC news, for judging by hand.

    python bench/bbc_statements.py DATA/bbc [--files 40] [--statements 25] [--seed 7]

Odd-numbered files only (the even ones calibrate); prints file, confidence, trigger, arguments
and the sentence, one statement a line (docs/judgments/bbc_statements.tsv holds the verdicts).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.extract import Extractor
from kg.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the BBC folder (DATA/bbc)")
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--statements", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = sorted(p for p in args.data.glob("*/*.txt") if int(p.stem) % 2 == 1)
    random.Random(args.seed).shuffle(files)
    extractor = Extractor()
    found = []
    for path in files[:args.files]:
        name = str(path.relative_to(args.data))
        ex = extractor.extract(Article(name, path.read_text(encoding="latin-1")))
        found += [(name, ev) for ev in ex.events if ev.type == "Statement" and ev.factuality == "Asserted"]
    random.Random(args.seed + 1).shuffle(found)
    for name, ev in found[:args.statements]:
        roles = "; ".join(f"{a.role}={a.span.text}" for a in ev.arguments)
        print(f"{name}\t{ev.evidence.confidence}\t{ev.trigger.text}\t{roles}\t{ev.evidence.sentence.text[:220]}")


if __name__ == "__main__":
    main()
