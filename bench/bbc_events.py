"""kg's events on the whole BBC corpus: counts by class and a seeded sample for judging by hand.

    .venv/bin/kg extract ../shared/data/bbc -j 1 -o bbc.jsonl
    .venv/bin/python bench/bbc_events.py bbc.jsonl ../shared/data/bbc [--sample 50] [--seed 11]
        [--half odd|even|all] [--lemmas CLASS]

Prints the number of events of each class, how many Injury and Attack events were read from
"beat", and, as tab-separated lines, a seeded sample of asserted events other than statements and
casualty counts (article, class, trigger, confidence, sentence around the trigger), from the
odd- or even-numbered files only with ``--half`` (so errors can be read on one half and the other
judged), or with ``--lemmas`` the trigger words of one class by frequency. The judgments
made from it are written down in docs/eval.md and docs/judgments/bbc_events.tsv; nothing here is
a test.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

SKIPPED = ("Statement", "CasualtyReport")


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def in_half(article: str, half: str) -> bool:
    """Whether an article id (``sport/396``, ``politics/350~2``) is of the ``half`` of the files."""
    if half == "all":
        return True
    number = int("".join(ch for ch in article.rsplit("/", 1)[-1].split("~")[0] if ch.isdigit()) or 0)
    return (number % 2 == 1) == (half == "odd")


def sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    s = text[left:start] + "[[" + text[start:end] + "]]" + text[end:right]
    return " ".join(s.split())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("extraction", type=Path, help="kg extract JSON Lines of the BBC corpus")
    ap.add_argument("data", type=Path, help="the BBC folder (DATA/bbc), for the sentences")
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--beat", action="store_true", help="list the events read from 'beat' instead")
    ap.add_argument("--half", choices=["odd", "even", "all"], default="all",
                    help="only the odd- or even-numbered files (sport/396 is even)")
    ap.add_argument("--lemmas", metavar="CLASS", help="print the trigger words of CLASS by frequency")
    args = ap.parse_args(argv)
    records = [json.loads(line) for line in args.extraction.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    by_class, beat = Counter(), Counter()
    beat_examples = []
    pool = []
    records = [r for r in records if not r["id"].upper().startswith("README")
               and in_half(r["id"], args.half)]
    for rec in records:
        for ev in rec.get("events", ()):
            cls = local(ev["type"])
            by_class[cls] += 1
            if ev["trigger"]["text"].lower().startswith("beat"):
                beat[cls] += 1
                beat_examples.append((rec["id"], cls, ev))
            if cls not in SKIPPED and ev.get("factuality") == "Asserted":
                pool.append((rec["id"], cls, ev))
    print(f"# {len(records)} articles, {sum(by_class.values())} events")
    print("# by class:", ", ".join(f"{c} {n}" for c, n in by_class.most_common()))
    print("# read from 'beat':", dict(beat))
    if args.lemmas:
        words = Counter(ev["trigger"]["text"].lower() for _a, cls, ev in pool if cls == args.lemmas)
        for word, n in words.most_common():
            print(f"{n}\t{word}")
        return 0
    random.Random(args.seed).shuffle(pool)
    if args.beat:
        pool = beat_examples
    texts: dict[str, str] = {}
    print("article\tclass\ttrigger\tconfidence\tsentence")
    for article, cls, ev in pool[:None if args.beat else args.sample]:
        if article not in texts:
            path = args.data / f"{article}.txt"
            texts[article] = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        t = ev["trigger"]
        text = texts[article]
        sentence = sentence_around(text, t["start"], t["end"]) if text[t["start"]:t["end"]] == t["text"] else ""
        print(f"{article}\t{cls}\t{t['text']}\t{ev['confidence']}\t{sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
