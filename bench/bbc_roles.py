"""The arguments kg's role classifier adds to the parse rules' on BBC news, for judging by hand.

    .venv/bin/python bench/bbc_roles.py DATA/bbc [--files 120] [--seed 7] [--sample 40]
    .venv/bin/python bench/bbc_roles.py DATA/bbc --things --part odd --files 0

Extracts a seeded sample of the even-numbered BBC files twice, with the rules' roles alone and
with the shipped role model (``kg/data/role_model.json``), and prints the counts and, as
tab-separated lines, a seeded sample of the arguments the model added or relabelled (article,
class, trigger, old -> new role, entity, sentence). The judgments made from it are in
docs/judgments/bbc_roles.tsv; nothing here is a test. With ``--things`` it prints instead every
argument the shipped model gives a thing no name names (an unnamed ``Other`` filler: "the
convoy", "two cars"), on the files of ``--part`` (``--files 0``: all of them), for
docs/judgments/bbc_noun_roles.tsv.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path


def arguments(articles, model) -> dict:
    from kg.extract import Extractor
    from kg.extract.role_model import use_role_model

    out = {}
    with use_role_model(model):
        for a, r in zip(articles, Extractor().extract_many(articles)):
            labels = {e.key: e.label for e in r.entities}
            for e in r.events:
                for g in e.arguments:
                    out[(a.id, e.type, e.trigger.start, g.entity)] = (
                        g.role, labels.get(g.entity, g.entity), e.trigger.text, a.text, e.trigger.start)
    return out


def _sentence(text: str, start: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    right = text.find(".", start)
    return " ".join(text[left:len(text) if right < 0 else right + 1].split())


def things(articles) -> list[str]:
    """Tab-separated lines, one per argument filled by an unnamed thing."""
    from kg.extract import Extractor

    out = []
    for a, r in zip(articles, Extractor().extract_many(articles)):
        labels = {e.key: e.label for e in r.entities if e.type == "Other" and not e.named}
        for e in r.events:
            out.extend(f"{a.id}\t{e.type}\t{e.trigger.text}\t{g.role}\t{labels[g.entity]}\t"
                       f"{_sentence(a.text, e.trigger.start)}"
                       for g in e.arguments if g.entity in labels)
    return out


def main(argv: list[str] | None = None) -> int:
    from kg.extract.role_model import shipped
    from kg.readers import iter_articles

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the BBC folder (DATA/bbc)")
    ap.add_argument("--files", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--part", choices=("even", "odd"), default="even")
    ap.add_argument("--things", action="store_true",
                    help="list the arguments unnamed things fill instead")
    args = ap.parse_args(argv)
    if shipped() is None:
        print("no role model ships (kg/data/role_model.json): nothing to compare", file=sys.stderr)
        return 1
    files = sorted(str(p) for p in args.data.glob("*/*.txt")
                   if int(p.stem) % 2 == (args.part == "odd"))
    random.Random(args.seed).shuffle(files)
    articles = []
    for path in files[:args.files or None]:  # one article a file, named by its folder and number
        for a in iter_articles([path]):
            if hasattr(a, "text"):
                articles.append(replace(a, id=f"{Path(path).parent.name}/{Path(path).stem}"))
    if args.things:
        found = things(articles)
        print(f"# {len(articles)} articles: {len(found)} arguments filled by unnamed things")
        print("\n".join(found))
        return 0
    rules, model = arguments(articles, None), arguments(articles, shipped())
    added = [(k, v) for k, v in model.items() if k not in rules or rules[k][0] != v[0]]
    removed = [k for k in rules if k not in model]
    print(f"# {len(articles)} articles: {len(rules)} arguments from the rules, {len(model)} with the "
          f"model; {len(added)} added or relabelled, {len(removed)} removed")
    random.Random(3).shuffle(added)
    for (article, cls, _start, _entity), (role, label, trigger, text, start) in added[:args.sample]:
        old = rules.get((article, cls, _start, _entity), ("-",))[0]
        print(f"{article}\t{cls}\t{trigger}\t{old}->{role}\t{label}\t{_sentence(text, start)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
