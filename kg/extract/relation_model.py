"""A small learned classifier for the five CoNLL04 relation types between two entity mentions.

The rule-based extractor calls it for entity pairs its rules did not cover. It is a multinomial
logistic regression over sparse string features of the parsed sentence: the dependency path
between the two mention heads, the words between them, the words around them, their order and
distance. Weights ship as plain JSON in ``kg/data/relation_model.json`` (no pickle, no
scikit-learn at run time) and are trained by::

    python -m kg.eval.train_relations /path/to/conll04 -o kg/data/relation_model.json

Each entity type pair allows at most one relation (the ontology's domain and range), so the
model only decides between that relation and none::

    >>> model = RelationModel.load()
    >>> doc = nlp("John Wilkes Booth , who assassinated President Lincoln , was an actor .")
    >>> model.predict(doc[:], doc[0:3], doc[6:8], "Person", "Person")
    ('killed', 0.93)

The same artifact holds :class:`EntityTypeModel`, a second small classifier that re-types a
spaCy entity as Person, Organization, Place or Other from its words and context; spaCy's small
model often calls a town or a person an ORG, and a wrong type makes a wrong relation.
"""

from __future__ import annotations

import json
import math
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
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
RETYPABLE = frozenset({"Person", "Organization", "Place", "City", "Country", "Region", "Other"})
PREDICATES = ("worksFor", "killed", "basedIn", "livesIn", "locatedIn")
NONE = "NONE"


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


def pair_features(sent, head, tail, head_type: str, tail_type: str) -> list[str]:
    """Sparse string features of one ordered pair of mentions in a parsed sentence.

    ``head`` and ``tail`` are spaCy spans inside ``sent``; types are ontology class local names.
    """
    hc, tc = coarse_type(head_type), coarse_type(tail_type)
    feats = [f"tp={hc}>{tc}"]
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


class LinearModel:
    """A multinomial logistic regression over sparse string features, as plain lists."""

    def __init__(self, classes: Sequence[str], weights: dict[str, Sequence[float]],
                 bias: Sequence[float]):
        self.classes = list(classes)
        self.weights = {k: list(v) for k, v in weights.items()}
        self.bias = list(bias)

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        return cls(data["classes"], data["weights"], data["bias"])

    def to_json(self) -> dict:
        return {"classes": self.classes, "bias": [round(b, 5) for b in self.bias],
                "weights": {k: [round(x, 5) for x in v] for k, v in sorted(self.weights.items())}}

    def probabilities(self, feats: Iterable[str]) -> list[float]:
        scores = list(self.bias)
        for f in feats:
            v = self.weights.get(f)
            if v is not None:
                scores = [a + b for a, b in zip(scores, v)]
        top = max(scores)
        exps = [math.exp(x - top) for x in scores]
        total = sum(exps)
        return [e / total for e in exps]


def _shape(tok) -> str:
    return tok.shape_ if len(tok.shape_) <= 5 else tok.shape_[:2] + tok.shape_[-3:]


def mention_features(span, label: str) -> list[str]:
    """Sparse features of an entity mention for :class:`EntityTypeModel`: spaCy's label, its
    words and their shapes, and the two words on each side."""
    doc = span.doc
    feats = [f"lab={label}", f"n={_bucket(len(span))}", f"first={span[0].lower_}",
             f"last={span[-1].lower_}", f"suf={span[-1].lower_[-3:]}",
             "shape=" + " ".join(_shape(t) for t in span[:4])]
    feats.extend(f"w={t.lower_}" for t in span)
    feats.extend(f"lab|w={label}|{t.lower_}" for t in span)
    for k, name in ((1, "prev"), (2, "prev2")):
        i = span.start - k
        feats.append(f"{name}={doc[i].lower_ if i >= 0 else '<s>'}")
    for k, name in ((0, "next"), (1, "next2")):
        i = span.end + k
        feats.append(f"{name}={doc[i].lower_ if i < len(doc) else '</s>'}")
    if span.text.isupper() and len(span.text) > 3:
        feats.append("allcaps")
    return feats


class EntityTypeModel(LinearModel):
    """Re-types a spaCy entity as Person, Organization, Place or Other.

    >>> typer = EntityTypeModel.load()
    >>> typer.predict(doc[5:6], "ORG")      # "... of Millinocket hooked the men ..."
    ('Place', 0.81)
    """

    @classmethod
    def load(cls, path: str | Path | None = None) -> "EntityTypeModel":
        """Load the ``entity_types`` part of the artifact (default: the one in ``kg/data/``)."""
        with open(path or DEFAULT_PATH, encoding="utf-8") as f:
            return cls.from_json(json.load(f)["entity_types"])

    def predict(self, span, label: str) -> tuple[str, float]:
        """(class, probability) for ``span``, a spaCy span whose NER label is ``label``."""
        probs = self.probabilities(mention_features(span, label))
        best = max(range(len(probs)), key=probs.__getitem__)
        return self.classes[best], probs[best]

    def retype(self, span, label: str, current: str) -> str:
        """The class to give a name mention that the rules typed ``current``.

        Only names (PERSON, ORG, GPE, LOC, FAC, NORP) are re-typed, only between Person,
        Organization and Place, and a finer place class (City, Country, Region) is kept.
        """
        if label not in NAME_LABELS or current not in RETYPABLE:
            return current
        guess, _p = self.predict(span, label)
        if guess == "Other" or (guess == "Place" and COARSE_TYPES.get(current) == "LOC"):
            return current
        return guess


class RelationModel:
    """Logistic regression over :func:`pair_features`, loaded from a JSON file of weights."""

    def __init__(self, classes: Sequence[str], weights: dict[str, Sequence[float]],
                 bias: Sequence[float], threshold: float = 0.5, meta: dict | None = None,
                 entity_types: EntityTypeModel | None = None):
        self.classes = list(classes)
        self.weights = {k: list(v) for k, v in weights.items()}
        self.bias = list(bias)
        self.threshold = threshold
        self.meta = meta or {}
        self.entity_types = entity_types
        self._index = {c: i for i, c in enumerate(self.classes)}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RelationModel":
        """Load weights from ``path``; by default the artifact shipped in ``kg/data/``."""
        with open(path or DEFAULT_PATH, encoding="utf-8") as f:
            data = json.load(f)
        typer = EntityTypeModel.from_json(data["entity_types"]) if "entity_types" in data else None
        return cls(data["classes"], data["weights"], data["bias"], data.get("threshold", 0.5),
                   data.get("meta"), typer)

    def to_json(self) -> dict:
        out = {"classes": self.classes, "bias": [round(b, 5) for b in self.bias],
               "threshold": self.threshold, "meta": self.meta,
               "weights": {k: [round(x, 5) for x in v] for k, v in sorted(self.weights.items())}}
        if self.entity_types is not None:
            out["entity_types"] = self.entity_types.to_json()
        return out

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
        p = self.probabilities(pair_features(sent, head, tail, head_type, tail_type), predicate)
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
