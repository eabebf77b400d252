"""Train the cross-document entity resolver (:mod:`kg.resolve_corpus`) on ECB+ train topics.

``kg train DATA --only resolver`` (or ``python -m kg.train.resolver DATA``):

1. extract the ECB+ *train* documents of ``DATA/ecbplus/train_dev.jsonl`` with kg and load them
   into one corpus graph, settled up to the resolver (:meth:`kg.rdf.CorpusGraph.settle_names`);
2. label the candidate pairs (:func:`kg.resolve_corpus.candidate_pairs`) from the gold chains:
   a node's gold entity is the chain most of its matched mentions belong to; pairs of nodes in
   no chain, or of no common topic, are left out;
3. fit a logistic model by topic folds, choose the join threshold on the out-of-fold
   probabilities (the middle of the thresholds of best CoNLL F1, to three decimals, among those
   whose pairwise precision is at least ``--min-precision``), and fit the shipped weights on
   all train topics.

It prints the cross-validated figures the threshold was chosen by and writes
``kg/data/resolver.json``. Dev topics are never read. Deterministic: the same data gives the same
file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "resolver.json"
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(2, 20))


PRIOR = {"exact": 4.0, "plural": 3.0, "acronym": 4.0, "alias": 5.0, "tail": 3.0,
         "tail_multi": 3.0, "head": 1.5, "inner": 2.0, "initials": 3.0, "middle": 2.5,
         "bigram": 2.0, "fuzzy": 1.0, "same_bucket": 1.0, "person_other": -1.0, "org_place": -1.0,
         "cooccur": 2.0, "same_article": -3.0, "title_match": 0.5}
"""What each feature is believed to weigh before the data is seen: the weights shrink towards
these, not towards zero, so a feature the train topics hardly show (acronyms, aliases) keeps a
sensible weight instead of none."""
PRIOR_BIAS = -3.0


def fit_logistic(x: list[list[float]], y: list[int], prior: list[float] | None = None,
                 l2: float = 0.05, steps: int = 1500, rate: float = 0.5) -> tuple[list[float], float]:
    """Weights and bias of a logistic regression with an L2 pull towards ``prior`` (full-batch
    gradient descent from the prior, classes balanced: deterministic)."""
    import numpy as np

    a = np.asarray(x, dtype=float).reshape(len(x), -1)
    t = np.asarray(y, dtype=float)
    w0 = np.asarray(prior if prior is not None else np.zeros(a.shape[1]), dtype=float)
    w, b = w0.copy(), PRIOR_BIAS if prior is not None else 0.0
    if not len(t):
        return [float(v) for v in w], float(b)
    pos = max(t.mean(), 1e-6)
    weight = np.where(t > 0, 0.5 / pos, 0.5 / max(1 - pos, 1e-6))  # balanced classes
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w + b)))
        g = (p - t) * weight
        w -= rate * (a.T @ g / len(t) + l2 * (w - w0))
        b -= rate * g.mean()
    return [float(v) for v in w], float(b)


class ResolverData:
    """The candidate pairs of a corpus with their features, gold labels and topics."""

    def __init__(self, docs, extractions):
        from kg.eval.ecbplus import graph_predictions
        from kg.rdf import CorpusGraph
        from kg.resolve_corpus import candidate_pairs, pair_features

        self.docs = list(docs)
        self.extractions = list(extractions)
        corpus = CorpusGraph()
        for ex in self.extractions:
            corpus.add(ex)
        corpus.settle_names()
        self.entities = sorted(corpus.corpus_entities(), key=lambda e: e.node)
        self.names, _events = graph_predictions(self.extractions, corpus)
        topic_of = {d.article.id: d.topic for d in self.docs}
        self.gold = _node_chains(self.docs, self.names)
        index = {e.node: i for i, e in enumerate(self.entities)}
        home = Counter()
        self.topic: dict[int, str] = {}
        for aid, preds in self.names.items():
            for p in preds:
                i = index.get(p.node)
                if i is not None:
                    home[(i, topic_of.get(aid, ""))] += 1
        for (i, topic), _n in sorted(home.items(), key=lambda kv: (-kv[1], kv[0])):
            self.topic.setdefault(i, topic)
        self.pairs = candidate_pairs(self.entities)
        self.features = [pair_features(self.entities[i], self.entities[j]) for i, j in self.pairs]
        self.labels: list[int | None] = []
        for i, j in self.pairs:
            gi, gj = self.gold.get(self.entities[i].node), self.gold.get(self.entities[j].node)
            self.labels.append(None if gi is None or gj is None else int(gi == gj))

    def fold_of(self, i: int, folds: int) -> int:
        topic = self.topic.get(i, "")
        return int(topic) % folds if topic.isdigit() else 0

    def score(self, groups, topics=None):
        """Entity coreference (kg row) of node groups, on the documents of ``topics``."""
        from kg.eval.ecbplus import Predicted, score_ecbplus

        root = {}
        for members in groups:
            for i in members:
                root[self.entities[i].node] = self.entities[members[0]].node
        names = {aid: [Predicted(p.start, p.end, root.get(p.node, p.node)) for p in preds]
                 for aid, preds in self.names.items()}
        docs = [d for d in self.docs if topics is None or d.topic in topics]
        return score_ecbplus(docs, names, {}).entities[0]


def _node_chains(docs, names) -> dict[str, str]:
    """node -> the gold chain most of its matched mentions belong to (None-chains left out)."""
    from kg.eval.ecbplus import _match_entities

    votes: dict[str, Counter] = defaultdict(Counter)
    for d in docs:
        preds = names.get(d.article.id, [])
        for g, node in _match_entities(d, preds).items():
            if ":single:" not in g.cluster and ":intra:" not in g.cluster:
                votes[node][g.cluster] += 1
    return {node: max(sorted(c), key=lambda k: c[k]) for node, c in votes.items()}


def cross_validate(data: ResolverData, folds: int = 5, min_precision: float = 0.95):
    """Out-of-fold probabilities for every pair, then per threshold the pooled CV scores;
    returns (chosen threshold, {threshold: CorefScores})."""
    from kg.resolve_corpus import FEATURES, PairModel, cluster, name_evidence

    probs = [0.0] * len(data.pairs)
    for k in range(folds):
        train = [n for n, (i, _j) in enumerate(data.pairs)
                 if data.labels[n] is not None and data.fold_of(i, folds) != k]
        w, b = fit_logistic([data.features[n] for n in train], [data.labels[n] for n in train],
                            [PRIOR[f] for f in FEATURES])
        model = PairModel(tuple(w), b, 0.5, FEATURES)
        for n, (i, _j) in enumerate(data.pairs):
            if data.fold_of(i, folds) == k and name_evidence(data.features[n]):
                probs[n] = model.probability(data.features[n])
    scored = sorted(((p, i, j) for p, (i, j) in zip(probs, data.pairs)),
                    key=lambda t: (-t[0], t[1], t[2]))
    results = {}
    for t in THRESHOLDS:
        results[t] = data.score(cluster(data.entities, scored, t))
    ok = [t for t in THRESHOLDS if results[t].pairs.precision >= min_precision] or list(THRESHOLDS)
    best = max(round(results[t].conll_f1, 3) for t in ok)
    # the scores are flat over a range of thresholds; its middle is the choice least moved by noise
    plateau = [t for t in ok if round(results[t].conll_f1, 3) == best]
    chosen = plateau[(len(plateau) - 1) // 2]
    return chosen, results


def train(docs, extractions, folds: int = 5, min_precision: float = 0.95, echo=print) -> dict:
    """The resolver model (as JSON) trained on ``docs`` and their ``extractions``."""
    from kg.resolve_corpus import FEATURES, PairModel

    data = ResolverData(docs, extractions)
    labelled = [n for n, y in enumerate(data.labels) if y is not None]
    echo(f"{len(data.entities)} nodes, {len(data.pairs)} candidate pairs, {len(labelled)} labelled "
         f"({sum(data.labels[n] for n in labelled)} same entity)")
    chosen, results = cross_validate(data, folds, min_precision)
    echo("threshold  pair P  pair R  pair F1  CoNLL F1   (cross-validated by topic)")
    for t, s in results.items():
        echo(f"{t:>9.2f}  {s.pairs.precision:.3f}   {s.pairs.recall:.3f}   {s.pairs.f1:.3f}"
             f"    {s.conll_f1:.3f}{'   <- chosen' if t == chosen else ''}")
    w, b = fit_logistic([data.features[n] for n in labelled], [data.labels[n] for n in labelled],
                        [PRIOR[f] for f in FEATURES])
    best = results[chosen]
    model = PairModel(tuple(w), b, chosen, FEATURES, {
        "trained on": "ECB+ train topics", "folds": folds, "min pairwise precision": min_precision,
        "cv": {"pairwise precision": round(best.pairs.precision, 4),
               "pairwise recall": round(best.pairs.recall, 4),
               "pairwise f1": round(best.pairs.f1, 4), "conll f1": round(best.conll_f1, 4)}})
    return model.to_json()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train resolver", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the shared data folder (holding ecbplus/)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-precision", type=float, default=0.95)
    ap.add_argument("--extractions", type=Path, default=None,
                    help="a pickle of kg extractions of the documents (skips extraction)")
    args = ap.parse_args(argv)
    from kg.eval.ecbplus import read_ecbplus

    folder = args.data / "ecbplus" if (args.data / "ecbplus").is_dir() else args.data
    docs = read_ecbplus(folder, split="train")
    ids = {d.article.id for d in docs}
    if args.extractions:
        import pickle

        with open(args.extractions, "rb") as f:
            extractions = [e for e in pickle.load(f) if e.article.id in ids]
    else:
        from kg.extract import Extractor
        from kg.pipeline import confident

        extractions = [confident(e, None)
                       for e in Extractor().extract_many(d.article for d in docs)]
    model = train(docs, extractions, args.folds, args.min_precision)
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
