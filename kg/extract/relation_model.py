"""The learned classifier for the five CoNLL04 relation types between two entity mentions.

The extractor calls it for entity pairs its rules did not cover. It is a multinomial logistic
regression over sparse string features of the parsed sentence: the dependency path between the
two mention heads, the words between them, the words around them, their order and distance.
Its score goes through a Platt map fitted on cross-validated predictions, so the confidence it
gives is a calibrated probability of being right. Weights ship as plain JSON in
``kg/data/relation_model.json`` (no pickle, no scikit-learn at run time), with the measured
confidence of each rule family and the assertion floor, and are trained by::

    python -m kg.train.relations DATA -o kg/data/relation_model.json

Each entity type pair allows at most one relation (the ontology's domain and range), so the
model only decides between that relation and none::

    >>> model = RelationModel.load()
    >>> doc = nlp("John Wilkes Booth , who assassinated President Lincoln , was an actor .")
    >>> model.predict(doc[:], doc[0:3], doc[6:8], "Person", "Person")
    ('killed', 0.93)
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "relation_model.json"

# Ontology class local name -> coarse type the model was trained on (CoNLL04 entity types).
COARSE_TYPES = {
    "Person": "PER",
    "Organization": "ORG",
    "Country": "LOC", "City": "LOC", "Region": "LOC", "Place": "LOC",
}

# (head coarse type, tail coarse type) -> the one predicate that pair may have.
SIGNATURES = {
    ("PER", "ORG"): "worksFor",
    ("PER", "PER"): "killed",
    ("ORG", "LOC"): "basedIn",
    ("PER", "LOC"): "livesIn",
    ("LOC", "LOC"): "locatedIn",
}
PREDICATES = ("worksFor", "killed", "basedIn", "livesIn", "locatedIn")
NONE = "NONE"
MODEL_FAMILY = "model"


def rule_family(rule: str) -> str:
    """The family a rule name belongs to: ``title:chief`` -> ``title``; the classifier's
    ``model:conll04-relations`` -> ``model``."""
    return rule.split(":", 1)[0]


def model_scored(rule: str) -> bool:
    """The confidence of a relation with this rule name is the model's: the classifier read it
    (``model:...``), or scored a rule's reading (``title:chief+model``)."""
    return rule_family(rule) == MODEL_FAMILY or rule.endswith("+model")


def same_class(predicate: str, model_predicate: str) -> bool:
    """``predicate`` is the relation ``model_predicate`` or a sub-property of it (``leaderOf`` is
    a ``worksFor``; ``visited`` is no ``livesIn``)."""
    from kg.eval.mapping import conll04_relation_map

    classes = conll04_relation_map()
    return predicate in classes and classes[predicate] == classes.get(model_predicate)


def rule_feature(rule: str, predicate: str) -> str:
    """The model's feature for a rule's reading: ``title:chief`` reading ``leaderOf`` ->
    ``title:leaderOf``."""
    return f"{rule_family(rule)}:{predicate}"


def coarse_type(cls: str) -> str:
    return COARSE_TYPES.get(cls, "OTH")


def _bucket(n: int) -> str:
    if n <= 4:
        return str(n)
    if n <= 6:
        return "5-6"
    if n <= 9:
        return "7-9"
    if n <= 14:
        return "10-14"
    return "15+"


def _word(tok) -> str:
    if tok.like_num:
        return "<num>"
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _path(a, b):
    """Tokens up from ``a`` to the lowest common ancestor, the tokens below it down to ``b``,
    and the ancestor itself; None when the two are not in one tree."""
    up = [a] + list(a.ancestors)
    up_idx = {t.i: n for n, t in enumerate(up)}
    down, t = [], b
    while t.i not in up_idx:
        down.append(t)
        if t.head.i == t.i:
            return None
        t = t.head
    return up[: up_idx[t.i] + 1], list(reversed(down)), t


def pair_features(sent, head, tail, head_type: str, tail_type: str,
                  rule: str | None = None) -> list[str]:
    """Sparse string features of one ordered pair of mentions in a parsed sentence.

    ``head`` and ``tail`` are spaCy spans inside ``sent``; types are ontology class local names;
    ``rule`` is the ``family:predicate`` of a rule that read a relation between the two, if any
    ("title:leaderOf"), so the model learns how far each rule can be trusted in its context.
    """
    hc, tc = coarse_type(head_type), coarse_type(tail_type)
    feats = [f"tp={hc}>{tc}"]
    if rule:
        feats += [f"rule={rule}", f"rulefam={rule.split(':', 1)[0]}"]
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    order = "ht" if first is head else "th"
    feats.append(f"ord={order}")
    doc = sent.doc
    between = doc[first.end: second.start] if first.end <= second.start else doc[0:0]
    feats.append(f"dist={_bucket(len(between))}")
    words = [_word(t) for t in between]
    if len(words) <= 12:
        feats.extend(f"bw={w}" for w in set(words))
        if words:
            feats.append(f"bw0={words[0]}")
            feats.append(f"bwN={words[-1]}")
        if len(words) <= 4:
            feats.append(f"bwseq={order}:{' '.join(words)}")
            feats.append(f"bwpos={order}:{' '.join(t.pos_ for t in between)}")
        for w1, w2 in zip(words, words[1:]):
            feats.append(f"bw2={w1}_{w2}")
    else:
        feats.append("bw=<long>")
        feats.extend(f"bwfar={w}" for w in set(words[:3] + words[-3:]))
    if any(t.ent_type_ for t in between):
        feats.append("bw_has_ent")
        labels = [t.ent_type_ for t in between if t.ent_iob_ == "B"]
        feats.append(f"bw_nents={_bucket(len(labels))}")
        feats.extend(f"bw_ent={lab}" for lab in set(labels))
    s0, s1 = sent.start, sent.end
    feats.append(f"before={_word(doc[first.start - 1]) if first.start - 1 >= s0 else '<s>'}")
    feats.append(f"before2={_word(doc[first.start - 2]) if first.start - 2 >= s0 else '<s>'}")
    feats.append(f"after={_word(doc[second.end]) if second.end < s1 else '</s>'}")
    feats.append(f"after2={_word(doc[second.end + 1]) if second.end + 1 < s1 else '</s>'}")
    feats.extend(f"hw={t.lower_}" for t in head)
    feats.extend(f"tw={t.lower_}" for t in tail)
    hr, tr = head.root, tail.root
    feats.append(f"hdep={hr.dep_}")
    feats.append(f"tdep={tr.dep_}")
    feats.append(f"hgov={_word(hr.head)}")
    feats.append(f"tgov={_word(tr.head)}")
    p = _path(hr, tr)
    if p is None:
        feats.append("path=<none>")
    else:
        up, down, lca = p
        deps = [f"{t.dep_}^" for t in up[:-1]] + [f"{t.dep_}v" for t in down]
        feats.append(f"plen={_bucket(len(deps))}")
        feats.append(f"lca={_word(lca)}")
        feats.append(f"lcapos={lca.pos_}")
        if len(deps) <= 6:
            feats.append("path=" + " ".join(deps))
            inner = [t for t in up[1:-1]] + [lca] + [t for t in down[:-1]]
            inner = [t for t in inner if t.i != hr.i and t.i != tr.i]
            feats.append("lpath=" + " ".join(deps) + "|" + " ".join(_word(t) for t in inner))
            feats.extend(f"pw={_word(t)}" for t in inner)
            feats.extend(f"pv={_word(t)}" for t in inner if t.pos_ in ("VERB", "AUX"))
        else:
            feats.append("path=<long>")
    if any(t.lower_ == "," for t in between):
        feats.append("comma_between")
    if len(between) and between[0].tag_ == "POS":
        feats.append("possessive")
    return feats


class RelationModel:
    """Logistic regression over :func:`pair_features`, loaded from a JSON file of weights."""

    def __init__(self, classes: Sequence[str], weights: dict[str, Sequence[float]],
                 bias: Sequence[float], threshold: float = 0.5, meta: dict | None = None,
                 calibration: tuple[float, float] = (1.0, 0.0), rule_confidence: dict | None = None,
                 floor: float = 0.5):
        self.classes = list(classes)
        self.weights = {k: list(v) for k, v in weights.items()}
        self.bias = list(bias)
        self.threshold = threshold  # on the calibrated probability: below it, no relation
        self.meta = meta or {}
        self.calibration = tuple(calibration)  # Platt (a, b) on the logit of the raw score
        # rule family -> {"right", "n", "confidence"}, measured on CoNLL04 train
        self.rule_confidence = rule_confidence or {}
        self.floor = floor  # the default confidence a relation needs to be asserted
        self._index = {c: i for i, c in enumerate(self.classes)}

    @classmethod
    @lru_cache(maxsize=1)
    def shipped(cls) -> "RelationModel":
        """The artifact shipped in ``kg/data/``, read once per process (do not modify it)."""
        return cls.load()

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RelationModel":
        """Load weights from ``path``; by default the artifact shipped in ``kg/data/``."""
        with open(path or DEFAULT_PATH, encoding="utf-8") as f:
            data = json.load(f)
        return cls(data["classes"], data["weights"], data["bias"], data.get("threshold", 0.5),
                   data.get("meta"), tuple(data.get("calibration", (1.0, 0.0))),
                   data.get("rule_confidence"), data.get("floor", 0.5))

    def to_json(self) -> dict:
        return {"classes": self.classes, "bias": [round(b, 5) for b in self.bias],
                "threshold": self.threshold, "calibration": [round(x, 5) for x in self.calibration],
                "floor": self.floor, "rule_confidence": self.rule_confidence, "meta": self.meta,
                "weights": {k: [round(x, 5) for x in v] for k, v in sorted(self.weights.items())}}

    def calibrated(self, p: float) -> float:
        """The probability of being right of a raw score ``p`` (the Platt map)."""
        a, b = self.calibration
        p = min(max(p, 1e-6), 1 - 1e-6)
        z = a * math.log(p / (1 - p)) + b
        return 1.0 / (1.0 + math.exp(max(-60.0, min(60.0, -z))))

    def rule_probability(self, rule: str, predicate: str) -> float | None:
        """The measured confidence of a relation a rule read: the share of right relations of
        its family ("title:chief" -> "title") and predicate class on CoNLL04 train (CoNLL04's
        type: ``leaderOf`` -> ``Work_For``), else the pooled share of all the rules (``*``); for
        a predicate CoNLL04 has no type for (``visited``, ``metWith``), the share judged right by
        hand on BBC news, by family and predicate, family, or all; None when nothing was
        measured."""
        from kg.eval.mapping import conll04_relation_map

        family, kind = rule_family(rule), conll04_relation_map().get(predicate)
        if kind is not None:
            keys = (f"{family} {kind}", "*")
        else:  # measured by hand on BBC news (kg/data/judged_relations.tsv)
            keys = (f"{family} {predicate}", f"{family} *", "judged *")
        row = next((self.rule_confidence[k] for k in keys if k in self.rule_confidence), None)
        return None if row is None else row["confidence"]

    def calibrate(self, relations: Sequence) -> list:
        """``relations`` (:class:`~kg.records.Relation`) with each rule-made confidence replaced
        by its measured one (:meth:`rule_probability`); those the model made or scored are
        calibrated already."""
        from dataclasses import replace

        out = []
        for r in relations:
            p = None if model_scored(r.evidence.rule) else self.rule_probability(r.evidence.rule,
                                                                                  r.predicate)
            out.append(r if p is None else replace(r, evidence=replace(r.evidence, confidence=p)))
        return out

    def score_rules(self, doc, relations: Sequence, mentions: Sequence[tuple[int, int, str, str]]
                    ) -> tuple[list, list]:
        """The rule-made ``relations`` between two name ``mentions`` of one sentence whose classes
        the model knows, scored by the model with the rule as a feature: ``(kept, overruled)``.
        A kept relation takes the model's calibrated probability as its confidence and the rule
        name ``RULE+model``; one below the threshold is overruled. Relations the model cannot
        score are kept unchanged."""
        from dataclasses import replace

        at = {(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])): (s, e, c) for s, e, _k, c in mentions}
        kept, overruled = [], []
        for r in relations:
            h = at.get((r.subject_span.start, r.subject_span.end))
            t = at.get((r.object_span.start, r.object_span.end))
            if h is None or t is None or model_scored(r.evidence.rule) \
                    or doc[h[0]].sent.start != doc[t[0]].sent.start:
                kept.append(r)
                continue
            predicate = SIGNATURES.get((coarse_type(h[2]), coarse_type(t[2])))
            if predicate is None or not same_class(r.predicate, predicate):
                kept.append(r)  # "visited" is no reading of the person-place relation it scores
                continue
            rule = rule_feature(r.evidence.rule, r.predicate)
            sent = doc[h[0]].sent
            p = self.calibrated(self.probabilities(
                pair_features(sent, doc[h[0]:h[1]], doc[t[0]:t[1]], h[2], t[2], rule), predicate))
            scored = replace(r, evidence=replace(r.evidence, confidence=round(p, 3),
                                                 rule=f"{r.evidence.rule}+model"))
            (kept if p >= self.threshold else overruled).append(scored)
        return kept, overruled

    def save(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, separators=(",", ":"))
            f.write("\n")

    def probabilities(self, feats: Iterable[str], predicate: str) -> float:
        """P(predicate) against P(no relation), the only two outcomes the type pair allows."""
        i, n = self._index[predicate], self._index[NONE]
        si, sn = self.bias[i], self.bias[n]
        w = self.weights
        for f in feats:
            v = w.get(f)
            if v is not None:
                si += v[i]
                sn += v[n]
        return 1.0 / (1.0 + math.exp(max(-60.0, min(60.0, sn - si))))

    def predict(self, sent, head, tail, head_type: str, tail_type: str) -> tuple[str | None, float]:
        """The relation from ``head`` to ``tail`` and its probability, or ``(None, P(none))``.

        ``sent``, ``head`` and ``tail`` are spaCy spans (head and tail inside sent); the types are
        ontology class local names. Pairs whose types allow no CoNLL04 relation cost nothing.
        """
        predicate = SIGNATURES.get((coarse_type(head_type), coarse_type(tail_type)))
        if predicate is None or head.start < tail.end and tail.start < head.end:
            return None, 1.0
        p = self.calibrated(self.probabilities(pair_features(sent, head, tail, head_type, tail_type),
                                               predicate))
        if p >= self.threshold:
            return predicate, p
        return None, 1.0 - p

    def relations(self, doc, mentions: Sequence[tuple[int, int, str, str]],
                  known: Iterable[tuple[str, str]] = ()) -> list:
        """:class:`~kg.records.Relation` records the model reads between named mentions of ``doc``.

        ``mentions`` are ``(token start, token end, entity key, class)`` of name mentions (not
        pronouns or descriptions); pairs in the same sentence whose types allow a relation are
        classified, except pairs of one entity and ``(subject key, object key)`` pairs in
        ``known`` (those the rules already read). Spans are the mentions' own, so each relation
        points at the words it was read from; factuality is left Asserted for the caller to set.
        """
        from kg.extract.text import doc_text
        from kg.records import Evidence, Relation, Span

        known = set(known)
        by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
        for m in mentions:
            by_sentence.setdefault(doc[m[0]].sent.start, []).append(m)
        out = []
        for group in by_sentence.values():
            sent = doc[group[0][0]].sent
            spans = [doc[s:e] for s, e, _k, _c in group]
            for i, j, predicate, p in self.predict_sentence(sent, [(sp, m[3]) for sp, m in zip(spans, group)]):
                hk, tk = group[i][2], group[j][2]
                if hk == tk or (hk, tk) in known:
                    continue
                h, t = spans[i], spans[j]
                lo, hi = min(h.start_char, t.start_char), max(h.end_char, t.end_char)
                out.append(Relation(
                    subject=hk, predicate=predicate, object=tk,
                    subject_span=Span(h.start_char, h.end_char, h.text),
                    object_span=Span(t.start_char, t.end_char, t.text),
                    evidence=Evidence(sentence=Span(sent.start_char, sent.end_char, sent.text),
                                      span=Span(lo, hi, doc_text(doc)[lo:hi]), confidence=round(p, 3),
                                      rule="model:conll04-relations")))
        return out

    def predict_sentence(self, sent, mentions: Sequence[tuple[object, str]]
                         ) -> list[tuple[int, int, str, float]]:
        """All relations among ``mentions`` ((span, class) pairs) of one sentence.

        Returns ``(head index, tail index, predicate, probability)`` for each ordered pair the
        model accepts; the cheap type check runs before any feature is built.
        """
        out = []
        for i, (h, ht) in enumerate(mentions):
            for j, (t, tt) in enumerate(mentions):
                if i == j or (coarse_type(ht), coarse_type(tt)) not in SIGNATURES:
                    continue
                pred, p = self.predict(sent, h, t, ht, tt)
                if pred is not None:
                    out.append((i, j, pred, p))
        return out
