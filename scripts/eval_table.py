#!/usr/bin/env python3
"""Print the README table of dev-split scores per type, as Markdown.

    .venv/bin/python scripts/eval_table.py DATA [--extractor kg|reference]

DATA holds conll03/eng.testa, conll04/conll04_dev.json and wikievents/dev.jsonl (only the dev
splits are read).
With ``--extractor reference`` the scores are those of spaCy NER, the relation model and the
trigger lexicon alone; the default is kg's full extractor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.eval.datasets import read_conll03, read_conll04, read_wikievents  # noqa: E402
from kg.eval.scoring import (Scores, relation_confidences, reliability_table, score_conll03,  # noqa: E402
                             score_conll04, score_wikievents)


def markdown(scores: Scores, title: str) -> str:
    lines = [f"**{title}**", "", "| type | gold | predicted | P | R | F1 |", "|---|---:|---:|---:|---:|---:|"]
    for t, g, p, pr, rc, f in scores.rows():
        name = f"**{t}**" if t == "micro" else t
        lines.append(f"| {name} | {g} | {p} | {pr:.3f} | {rc:.3f} | {f:.3f} |")
    return "\n".join(lines)


def records_for(articles, extractor: str) -> dict:
    if extractor == "reference":
        from kg.eval.runner import reference_records as run
    else:
        from kg.eval.runner import extract_records as run
    return {r["id"]: r for r in run(articles)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--extractor", choices=["kg", "reference"], default="kg")
    args = ap.parse_args(argv)

    conll03 = read_conll03(args.data / "conll03" / "eng.testa")
    (ner,) = score_conll03(conll03, records_for([d.article for d in conll03], args.extractor),
                           keep_errors=False)
    conll = read_conll04(args.data / "conll04" / "conll04_dev.json")
    records = records_for([d.article for d in conll], args.extractor)
    rel, ent = score_conll04(conll, records, keep_errors=False)
    wiki = read_wikievents(args.data / "wikievents" / "dev.jsonl")
    trig, arg = score_wikievents(wiki, records_for([d.article for d in wiki], args.extractor), keep_errors=False)
    print(f"Dev-split scores ({'kg extractor' if args.extractor == 'kg' else 'reference: spaCy NER + relation model + trigger lexicon'}), "
          "made by `scripts/eval_table.py`.\n")
    print(markdown(ner, "CoNLL-2003 dev (eng.testa), names (strict PER/ORG/LOC)"), end="\n\n")
    print(markdown(rel, "CoNLL04 dev, relations (strict)"), end="\n\n")
    print("```\n" + reliability_table(relation_confidences(conll, records)) + "\n```", end="\n\n")
    print(markdown(ent, "CoNLL04 dev, entities (strict)"), end="\n\n")
    print(markdown(trig, "WikiEvents dev, triggers (overlap, two-level KAIROS type)"), end="\n\n")
    print(markdown(arg, "WikiEvents dev, arguments (overlap, mapped role)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
