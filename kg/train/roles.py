"""Train the role classifier (:mod:`kg.extract.role_model`).

    python -m kg.train.roles DATA [-o kg/data/role_model.json]

Training data: the events kg's own pipeline finds (its parse, names and trigger classifier, with
the rules' roles) in WikiEvents dev (``DATA/wikievents/dev.jsonl``) and RAMS dev
(``DATA/rams/dev.jsonlines``). Each event whose trigger a gold event shares gives one example per
candidate entity (:func:`kg.extract.role_model.candidates`): the kg role its gold argument maps
onto (:data:`kg.eval.mapping.ROLE_MAP`) when the candidate overlaps one, else ``none``.

Measured as the trigger classifier is: the fixed fifth of WikiEvents dev that the trigger model
sets aside is never trained on; the other documents are cross-validated by document (each fold's
model sees RAMS and the other folds), the whole extractor runs on the held-out documents with it,
and ``kg eval``'s scorer gives the argument F1, beside the rules' alone on the same documents. The
L2 strength is the one with the best cross-validated argument F1, and the model is written only
when that figure beats the rules' (else the output is removed and the rules decide; ``--force``
writes it anyway). Full-batch optimisation and folds by file order: deterministic without a
seed.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Sequence

from kg.extract.role_model import DEFAULT_PATH, NONE, RoleModel, candidates, role_features, use_role_model
from kg.train.relations import Labelled

ROLE_ORDER = ("actor", "target", "participant", "place", "destination", "origin", "instrument",
              "employer")
_RAMS_ROLE = re.compile(r"arg\d+(?P<role>[a-z]+)$")
MIN_EXAMPLES = 40  # training examples an event class needs before the model decides its roles


def kg_role(gold_role: str, rule_role: str | None) -> str | None:
    """The kg role a gold KAIROS role maps onto: the rule's when it is one of them."""
    from kg.eval.mapping import ROLE_MAP

    roles = [r for r in ROLE_ORDER if gold_role in ROLE_MAP.get(r, ())]
    if not roles:
        return None
    return rule_role if rule_role in roles else roles[0]


def rams_role(link_role: str) -> str:
    """``evt089arg01victim`` -> ``Victim``."""
    m = _RAMS_ROLE.search(link_role)
    return (m.group("role") if m else link_role).capitalize()


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _examples_of(doc, gold: list[tuple[tuple[int, int], list[tuple[tuple[int, int], str]]]]
                 ) -> list[Labelled]:
    """``Labelled(features, label)`` for each candidate of each event of ``doc`` (parsed up to
    ``kg_events``) whose trigger overlaps a gold trigger; spans are character offsets."""
    state = doc._.kg_state
    if state is None:
        return []
    index = state.names.index
    out = []
    for d in state.drafts:
        if d.type == "Statement":
            continue
        t = (d.trigger.idx, d.trigger.idx + len(d.trigger))
        args = next((a for span, a in gold if _overlaps(span, t)), None)
        if args is None:
            continue
        for key, span, root, rule_role, named in candidates(d, index):
            label = NONE
            for arg_span, role in args:
                if _overlaps((span.start, span.end), arg_span):
                    label = kg_role(role, rule_role) or NONE
                    if label != NONE:
                        break
            type_ = index.type_of.get(key) or "Other"
            out.append(Labelled(tuple(role_features(d.trigger, d.governor, root, d.type, type_,
                                                    rule_role, named)), label))
    return out


def _pipeline(model: str | None):
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model)
    return nlp, [p for p in ("kg_relation_model", "kg_assemble") if p in nlp.pipe_names]


def wikievents_examples(docs, nlp, disable) -> list[list]:
    out = []
    with nlp.select_pipes(disable=disable), use_role_model(None):
        for d, doc in zip(docs, nlp.pipe(d.article.text for d in docs)):
            gold = [(g.trigger, [(a.span, a.role) for a in g.arguments]) for g in d.events]
            out.append(_examples_of(doc, gold))
    return out


def rams_examples(path: Path, nlp, disable, limit: int | None = None) -> list:
    from spacy.tokens import Doc

    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            items.append(json.loads(line))
    items = items[:limit]
    out = []
    docs = (Doc(nlp.vocab, words=[t for s in d["sentences"] for t in s]) for d in items)
    with nlp.select_pipes(disable=disable), use_role_model(None):
        for d, doc in zip(items, nlp.pipe(docs, batch_size=32)):
            def chars(s: int, e: int) -> tuple[int, int]:
                return doc[s].idx, doc[e].idx + len(doc[e])
            gold = []
            for s, e, _types in d["evt_triggers"]:
                args = [(chars(*arg), rams_role(role)) for trig, arg, role in d["gold_evt_links"]
                        if trig == [s, e]]
                gold.append((chars(s, e), args))
            out.extend(_examples_of(doc, gold))
    return out


def event_counts(examples: Sequence[tuple]) -> Counter:
    """Training examples by event class (the ``ev=`` feature)."""
    return Counter(next(f[3:] for f in feats if f.startswith("ev=")) for feats, _y in examples)


def fit_model(examples: Sequence[Labelled], classes: Sequence[str], l2: float, epochs: int,
              meta: dict | None = None, min_examples: int = MIN_EXAMPLES) -> RoleModel:
    """The model fitted on ``examples``; it decides the roles of the event classes with at least
    ``min_examples`` of them, and the rules keep the others'."""
    from kg.train.relations import fit

    fitted = fit(examples, classes, l2=l2, epochs=epochs)
    events = sorted(e for e, n in event_counts(examples).items() if n >= min_examples)
    return RoleModel(classes, fitted.weights, fitted.bias, meta, events)


def train(data: Path, output: Path, folds: int = 4, l2s: Sequence[float] = (1e-3, 3e-3, 1e-2, 3e-2),
          epochs: int = 200, model: str | None = None, force: bool = False) -> dict:
    """Cross-validate; when the model's cross-validated argument F1 beats the rules' alone (or
    ``force``), fit the shipped model and write it to ``output``, else remove ``output``, so
    the rules decide. Returns the figures."""
    from kg.eval.datasets import read_wikievents
    from kg.eval.runner import extract_records
    from kg.eval.scoring import score_wikievents_all
    from kg.train.triggers import aside_ids

    nlp, disable = _pipeline(model)
    docs = read_wikievents(data / "wikievents" / "dev.jsonl")
    aside = set(aside_ids(docs))
    cv_docs = [d for d in docs if d.article.id not in aside]
    wiki = wikievents_examples(cv_docs, nlp, disable)
    rams = rams_examples(data / "rams" / "dev.jsonlines", nlp, disable)
    classes = [NONE] + sorted(({y for ex in wiki for _f, y in ex} | {y for _f, y in rams}) - {NONE})
    fold_of = {d.article.id: n % folds for n, d in enumerate(cv_docs)}
    with use_role_model(None):
        rules = {r["id"]: r for r in extract_records([d.article for d in cv_docs], model)}
    by_l2 = {}
    for l2 in l2s:
        records = {}
        for f in range(folds):
            train_ex = rams + [x for ex, d in zip(wiki, cv_docs) if fold_of[d.article.id] != f for x in ex]
            m = fit_model(train_ex, classes, l2, epochs)
            held = [d.article for d in cv_docs if fold_of[d.article.id] == f]
            with use_role_model(m):
                records.update({r["id"]: r for r in extract_records(held, model)})
        by_l2[l2] = score_wikievents_all(cv_docs, records)["argument_f1"]
    best = max(l2s, key=lambda x: (by_l2[x], -x))
    baseline = score_wikievents_all(cv_docs, rules)["argument_f1"]
    all_ex = rams + [x for ex in wiki for x in ex]
    report = {"cv_argument_f1_by_l2": by_l2, "l2": best, "cv_argument_f1_rules": baseline,
              "examples": len(all_ex), "labels": dict(Counter(y for _f, y in all_ex).most_common()),
              "events": dict(event_counts(all_ex).most_common())}
    # the rules' roles are a candidate of the model selection too: the model ships only where
    # the cross-validation says it reads roles better than they do
    report["shipped"] = by_l2[best] > baseline or force
    if not report["shipped"]:
        output.unlink(missing_ok=True)
        return report
    final = fit_model(all_ex, classes, best, epochs,
                      meta={"aside": sorted(aside), "folds": folds, "l2": best, "epochs": epochs,
                            "examples": len(all_ex), "cv_argument_f1": by_l2[best],
                            "cv_argument_f1_rules": baseline})
    output.parent.mkdir(parents=True, exist_ok=True)
    final.save(output)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train --only roles", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--l2", type=float, nargs="+", default=[1e-3, 3e-3, 1e-2, 3e-2])
    ap.add_argument("--force", action="store_true",
                    help="write the model even where the rules' roles score better")
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--model", default=None, help="spaCy pipeline to parse with")
    args = ap.parse_args(argv)
    print(json.dumps(train(args.data, args.output, args.folds, args.l2, args.epochs, args.model,
                           args.force), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
