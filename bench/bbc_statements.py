"""A seeded sample of the asserted Statement events (or casualty reports) kg reads on BBC news,
for judging by hand.

    python bench/bbc_statements.py DATA/bbc [--files 40] [--statements 25] [--seed 7] [--part odd]
    python bench/bbc_statements.py DATA/bbc --type CasualtyReport --files 0 --statements 0

Odd-numbered files by default, to check the confidence; the even-numbered ones (``--part even``)
calibrate it. Prints file, confidence, trigger, arguments and the sentence, one statement a line
(docs/judgments/bbc_statements.tsv and bbc_statements_calibration.tsv hold the verdicts). The
rule column tells the speech-verb rule's statements (``statement:say``), whose confidence the
even part measures, from the trigger model's (``model:statement:...``). ``--files 0`` and
``--statements 0`` take every file and every event.
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
    parser.add_argument("--files", type=int, default=40, help="files to read (0: all)")
    parser.add_argument("--statements", type=int, default=25, help="events to print (0: all)")
    parser.add_argument("--type", default="Statement", help="event class (Statement, CasualtyReport)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--part", choices=["odd", "even"], default="odd",
                        help="odd-numbered files check the confidence, even-numbered ones calibrate it")
    args = parser.parse_args()
    parity = 1 if args.part == "odd" else 0
    files = sorted(p for p in args.data.glob("*/*.txt") if int(p.stem) % 2 == parity)
    random.Random(args.seed).shuffle(files)
    extractor = Extractor()
    found = []
    for path in files[:args.files or None]:
        name = str(path.relative_to(args.data))
        ex = extractor.extract(Article(name, path.read_text(encoding="latin-1")))
        found += [(name, ev) for ev in ex.events if ev.type == args.type and ev.factuality == "Asserted"]
    random.Random(args.seed + 1).shuffle(found)
    for name, ev in found[:args.statements or None]:
        roles = "; ".join(f"{a.role}={a.span.text}" for a in ev.arguments)
        if ev.type == "CasualtyReport":
            roles = "; ".join(x for x in (f"deaths={ev.death_count}" if ev.death_count is not None else "",
                                          f"injuries={ev.injury_count}" if ev.injury_count is not None else "",
                                          "at least" if ev.at_least else "", roles) if x)
        print(f"{name}\t{ev.evidence.confidence}\t{ev.evidence.rule}\t{ev.trigger.text}\t{roles}\t"
              f"{ev.evidence.sentence.text[:220]}")


if __name__ == "__main__":
    main()
