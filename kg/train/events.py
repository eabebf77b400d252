"""Train corroboration's pair model (:class:`kg.corroborate.EventModel`) on ECB+ train topics.

``kg train DATA --only events`` (or ``python -m kg.train.events DATA``):

1. extract the ECB+ *train* documents of ``DATA/ecbplus/train_dev.jsonl`` with kg, load them
   into one corpus graph and settle it with no events joined (the entities resolved as in a
   build), and read its event reports (:meth:`kg.rdf.CorpusGraph.event_reports`);
2. label the candidate pairs (reports of one class sharing a participant or a trigger word, that
   :func:`kg.corroborate.comparable` allows) from the gold event chains: a report's gold event
   is the chain of the ACTION_* mention its trigger matches (as ``kg eval ecbplus`` matches
   them); a report matching none is left out. Pairs across topics are different events;
3. fit a logistic model by topic folds, choose the join threshold on the out-of-fold
   probabilities (grouped as :func:`kg.corroborate.corroborate` groups them, scored as ``kg
   eval ecbplus`` scores the event mentions kg found: the middle of the thresholds within
   :data:`PLATEAU` of the best CoNLL F1 among those of pairwise precision at least
   ``--min-precision``), and fit the shipped weights on all train topics.

It prints the cross-validated figures (beside the head-lemma baseline on the same mentions) and
writes ``kg/data/event_model.json``. Dev topics are never read. Deterministic: the same data
gives the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "event_model.json"
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))

PRIOR = {"story": 4.0, "participant": 1.0, "other_participants": -1.0, "place": 1.0, "trigger": 1.5, "dated": 0.5,
         "same_article": 2.0}
"""What each feature is believed to weigh before the data is seen: ECB+ has no dates, so "dated"
(one day) keeps its prior, weak evidence alone, since many things happen on one day."""
PRIOR_BIAS = -3.0
L2 = 0.05
PLATEAU = 0.005
"""CoNLL F1 this close to the best is as good: the thresholds the grouping's rules leave
nearly alike on ECB+ (0.05 to 0.30) differ on a corpus without those rules' help, and the
middle of them is the choice least moved by noise."""


class EventData:
    """The event reports of a corpus, their candidate pairs with features, gold labels and topics."""

    def __init__(self, docs, extractions):
        from kg import iri
        from kg.corroborate import EventModel, candidate_pairs, pair_features
        from kg.eval.ecbplus import _match_events, graph_predictions
        from kg.train.resolver import corpus_of

        self.docs = list(docs)
        self.extractions = list(extractions)
        corpus = corpus_of(self.extractions)
        never = EventModel(tuple(PRIOR.values()), PRIOR_BIAS, 2.0, tuple(PRIOR))
        corpus.settle(event_model=never)
        self.reports = corpus.event_reports()
        _names, self.events = graph_predictions(self.extractions, corpus)
        topic_of = {d.article.id: d.topic for d in self.docs}
        article_topic = {}
        votes: dict[str, Counter] = defaultdict(Counter)
        for d in self.docs:
            for g, node in _match_events(d, self.events.get(d.article.id, [])).items():
                votes[node][g.cluster] += 1
        self.gold = {n: max(sorted(c), key=lambda k: c[k]) for n, c in votes.items()}
        for ex in self.extractions:
            article_topic[str(iri.article_iri(ex.article.id))] = topic_of.get(ex.article.id, "")
        self.topic = {r.node: article_topic.get(r.article, "") for r in self.reports}
        self.pairs = candidate_pairs(self.reports)
        self.features = [pair_features(self.reports[i], self.reports[j]) for i, j in self.pairs]
        self.labels: list[int | None] = []
        for i, j in self.pairs:
            gi, gj = self.gold.get(self.reports[i].node), self.gold.get(self.reports[j].node)
            self.labels.append(None if gi is None or gj is None else int(gi == gj))

    def fold_of(self, node: str, folds: int) -> int:
        from kg.train.resolver import topic_fold

        return topic_fold(self.topic.get(node, ""), folds)

    def score(self, groups, topics=None):
        """Event coreference (kg and head-lemma rows, on all key event mentions and on those kg
        found) of report groups, on the documents of ``topics``."""
        from kg.eval.ecbplus import Predicted, score_ecbplus

        root = {n: members[0] for members in groups for n in members}
        events = {aid: [Predicted(p.start, p.end, root.get(p.node, p.node)) for p in preds]
                  for aid, preds in self.events.items()}
        docs = [d for d in self.docs if topics is None or d.topic in topics]
        return score_ecbplus(docs, {}, events, self.lemmas)

    lemmas: dict = {}


def cross_validate(data: EventData, folds: int = 5, min_precision: float = 0.9):
    """Out-of-fold models (each fitted without one fold of topics, asked about the pairs of that
    fold), the reports grouped by them per threshold; returns (chosen threshold: the middle of
    the best CoNLL F1 plateau among the thresholds of pairwise precision at least
    ``min_precision``, {threshold: EcbScores})."""
    from kg.corroborate import EVENT_FEATURES, EventModel, corroborate, pair_features
    from kg.train.resolver import plateau_threshold

    models = []
    for k in range(folds):
        train = [n for n, (i, j) in enumerate(data.pairs) if data.labels[n] is not None
                 and k not in (data.fold_of(data.reports[i].node, folds),
                               data.fold_of(data.reports[j].node, folds))]
        w, b = fit([data.features[n] for n in train], [data.labels[n] for n in train])
        models.append(EventModel(tuple(w), b, 0.5, EVENT_FEATURES))

    def probability(a, b):
        k = min(data.fold_of(a.node, folds), data.fold_of(b.node, folds))
        return models[k].probability(pair_features(a, b))

    results = {}
    for t in THRESHOLDS:
        model = EventModel(models[0].weights, models[0].bias, t, EVENT_FEATURES)
        results[t] = data.score(corroborate(data.reports, model, probability))
    chosen = plateau_threshold(results, lambda s: s.events_found[0].pairs.precision,
                               lambda s: s.events_found[0].conll_f1, min_precision, PLATEAU)
    return chosen, results


def fit(x, y) -> tuple[list[float], float]:
    from kg.train.resolver import fit_logistic

    return fit_logistic(x, y, list(PRIOR.values()), l2=L2, prior_bias=PRIOR_BIAS)


def train(docs, extractions, lemmas=None, folds: int = 5, min_precision: float = 0.9,
          echo=print) -> dict:
    """The event model (as JSON) trained on ``docs`` and their ``extractions``; ``lemmas`` are
    the head lemmas of the baseline (:func:`kg.eval.ecbplus.head_lemmas`), for the figures."""
    from kg.corroborate import EVENT_FEATURES, EventModel

    data = EventData(docs, extractions)
    data.lemmas = lemmas or {}
    labelled = [n for n, y in enumerate(data.labels) if y is not None]
    echo(f"{len(data.reports)} reports, {len(data.gold)} matched, {len(data.pairs)} candidate "
         f"pairs, {len(labelled)} labelled ({sum(data.labels[n] for n in labelled)} one event)")
    chosen, results = cross_validate(data, folds, min_precision)
    echo("threshold  pair P  pair R  pair F1  CoNLL F1  (kg found; all key)  "
         "(cross-validated by topic)")
    for t, s in results.items():
        f, a = s.events_found[0], s.events[0]
        echo(f"{t:>9.2f}  {f.pairs.precision:.3f}   {f.pairs.recall:.3f}   {f.pairs.f1:.3f}"
             f"    {f.conll_f1:.3f}   {a.conll_f1:.3f}{'   <- chosen' if t == chosen else ''}")
    lemma_found, lemma_all = results[chosen].events_found[1], results[chosen].events[1]
    echo(f"head lemma, same mentions: pair P {lemma_found.pairs.precision:.3f} R "
         f"{lemma_found.pairs.recall:.3f} F1 {lemma_found.pairs.f1:.3f} CoNLL "
         f"{lemma_found.conll_f1:.3f} (all key: CoNLL {lemma_all.conll_f1:.3f})")
    w, b = fit([data.features[n] for n in labelled], [data.labels[n] for n in labelled])
    best = results[chosen].events_found[0]
    model = EventModel(tuple(w), b, chosen, EVENT_FEATURES, {
        "trained on": "ECB+ train topics", "folds": folds, "min pairwise precision": min_precision,
        "cv, on the event mentions kg found": {
            "pairwise precision": round(best.pairs.precision, 4),
            "pairwise recall": round(best.pairs.recall, 4),
            "pairwise f1": round(best.pairs.f1, 4), "conll f1": round(best.conll_f1, 4),
            "head lemma conll f1": round(lemma_found.conll_f1, 4)}})
    return model.to_json()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train events", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="the shared data folder (holding ecbplus/)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-precision", type=float, default=0.9,
                    help="the least cross-validated pairwise precision a threshold may have")
    ap.add_argument("--extractions", type=Path, default=None,
                    help="a pickle of kg extractions of the documents (skips extraction)")
    args = ap.parse_args(argv)
    from kg.eval.ecbplus import head_lemmas
    from kg.train.resolver import train_documents

    docs, extractions, extractor = train_documents(args.data, args.extractions)
    model = train(docs, extractions, head_lemmas(docs, extractor.nlp), args.folds,
                  args.min_precision)
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
