"""``python -m kg.train DATA [-o DIR]``: rebuild every trained part of kg (see :mod:`kg.train`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train", description=__doc__)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                    help="folder for truecase.tsv, names_ner/, relation_model.json, resolver.json, "
                         "trigger_model.json and role_model.json (default: kg/data)")
    ap.add_argument("--only", choices=["truecase", "ner", "relations", "resolver", "triggers", "roles"],
                    default=None)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    from kg.train import ner, relations, resolver, roles, triggers, truecase

    names = args.output / "names_ner"
    if args.only in (None, "truecase"):
        # first: every later part reads its text through the headline casing it gives
        truecase.main([str(args.data), "-o", str(args.output / "truecase.tsv")])
    if args.only in (None, "ner"):
        ner.main([str(args.data), "-o", str(names), "--seed", str(args.seed)])
    if args.only in (None, "relations"):
        relations.main([str(args.data), "-o", str(args.output / "relation_model.json"),
                        "--seed", str(args.seed), "--names-ner", str(names)])
    if args.only in (None, "resolver"):
        resolver.main([str(args.data), "-o", str(args.output / "resolver.json")])
    if args.only in (None, "triggers"):
        # the trigger classifier reads the parse and the names NER the shipped pipeline has
        triggers.main([str(args.data), "-o", str(args.output / "trigger_model.json")])
    if args.only in (None, "roles"):
        # after the triggers: the role classifier learns on the events they find
        roles.main([str(args.data), "-o", str(args.output / "role_model.json")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
