"""A seeded sample of kg's output on BBC news, for judging by hand.

    .venv/bin/python bench/bbc_sample.py DATA/bbc [--articles 61] [--relations 100] [--entities 80]

Extracts a seeded random sample of articles and prints, as tab-separated lines, a sample of the
asserted relations (confidence, predicate, subject, object, rule, sentence) and of the named
entities (class, label, first mention's sentence). The judgments made from it are written down in
docs/eval.md; nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the BBC folder (DATA/bbc)")
    ap.add_argument("--articles", type=int, default=61)
    ap.add_argument("--relations", type=int, default=100)
    ap.add_argument("--entities", type=int, default=80)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--half", choices=["odd", "even", "all"], default="odd",
                    help="sample from the odd- or even-numbered files only, so that a sample for "
                    "calibration (even) and one for judging the result (odd) never share an article")
    ap.add_argument("--non-conll", action="store_true",
                    help="relations whose predicate CoNLL04 has no type for (visited, metWith, ...), "
                    "asserted or not")
    args = ap.parse_args(argv)
    from kg.extract import Extractor
    from kg.pipeline import confident
    from kg.readers import iter_articles
    from kg.records import Article

    files = sorted(p for p in args.data.rglob("*.txt") if not p.name.upper().startswith("README"))
    if args.half != "all":
        files = [p for p in files if (int(p.stem) % 2 == 1) == (args.half == "odd")]
    from kg.eval.mapping import conll04_relation_map

    conll = conll04_relation_map()
    rng = random.Random(args.seed)
    chosen = sorted(rng.sample(files, args.articles))
    articles = [a for a in iter_articles([str(p) for p in chosen]) if isinstance(a, Article)]
    relations, entities = [], []
    for ex in Extractor().extract_many(articles):
        ex = confident(ex, None)
        name = Path(ex.article.path or ex.article.id)
        where = f"{name.parent.name}/{name.name}"
        labels = {e.key: e.label for e in ex.entities}
        for r in ex.relations:
            if (r.predicate not in conll and r.factuality == "Asserted") if args.non_conll else r.asserted:
                relations.append((where, f"{r.evidence.confidence:.2f}", r.predicate,
                                  labels.get(r.subject, r.subject), labels.get(r.object, r.object),
                                  r.evidence.rule, r.evidence.sentence.text.replace("\n", " ")))
        for e in ex.entities:
            if e.named and e.mentions:
                entities.append((where, e.type, e.label, e.mentions[0].sentence.text.replace("\n", " ")))
    rng.shuffle(relations)
    rng.shuffle(entities)
    print(f"# {len(articles)} articles, {len(relations)} asserted relations, {len(entities)} entities")
    print("# relations: article, confidence, predicate, subject, object, rule, sentence")
    for row in sorted(relations[:args.relations], key=lambda r: r[1], reverse=True):
        print("\t".join(row))
    print("# entities: article, class, label, sentence")
    for row in entities[:args.entities]:
        print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
