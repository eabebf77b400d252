"""The learned event trigger classifier: which word is an event, and of which class.

Every noun, verb or adjective whose lemma the model knows as a trigger (from its training data
and the lexicon ``kg/data/event_triggers.tsv``) is a candidate; a multinomial logistic regression
over sparse features of the word in its parse (its lemma, part of speech and dependency, its
head, its subject and object, its children, the words beside it, the entity types around it and
the lexicon's reading) decides between the event classes and ``O``, no event. So the lexicon
proposes and the model decides: "Arsenal beat Chelsea" and "shares shot up" are no attacks,
"an earthquake struck" is a natural disaster. Its score goes through a Platt map fitted on
predictions for documents the model did not see, so an event's confidence is a calibrated
probability that its trigger and class are right.

Weights ship as plain JSON in ``kg/data/trigger_model.json`` and are trained by
``kg train DATA --only triggers`` (:mod:`kg.train.triggers`)::

    >>> model = TriggerModel.shipped()
    >>> doc = nlp("A suicide bomber attacked the market.")
    >>> model.predict(doc[3])
    ('Attack', 0.9...)
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "trigger_model.json"
NONE = "O"
CANDIDATE_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN"})
# entity types whose words are never triggers ("March" the month, "Strike" a name)
NOT_TRIGGER_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERSON", "ORG", "GPE",
                              "NORP", "MONEY", "PERCENT", "QUANTITY", "LOC", "FAC"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "compound", "amod", "prt", "poss", "agent",
                       "attr", "acomp", "xcomp", "advmod", "nummod", "pobj"})


def _word(tok) -> str:
    if tok.like_num:
        return "<num>"
    return (tok.lemma_ or tok.text).lower()


def _pos(tok) -> str:
    return "NOUN" if tok.pos_ == "PROPN" else tok.pos_


def candidate_key(tok) -> str:
    """``lemma/POS`` of a token, the key the candidate list holds (``strike/VERB``)."""
    return f"{_word(tok)}/{_pos(tok)}"


def _kind(tok) -> str:
    """What an argument word is: its entity type, else its meaning class (``MONEY``, ``SPORT``,
    ...), else its coarse part of speech."""
    return tok.ent_type_ or word_classes().get(tok.lower_) or tok.pos_


def _document_topic(doc) -> str | None:
    """The meaning class most words of the document have (SPORT in a match report), once per Doc."""
    key = "kg_topic"
    if key not in doc.user_data:
        classes = word_classes()
        counts: dict[str, int] = {}
        for t in doc:
            cls = classes.get(t.lower_)
            if cls:
                counts[cls] = counts.get(cls, 0) + 1
        doc.user_data[key] = max(sorted(counts), key=counts.get) if counts else None
    return doc.user_data[key]


@lru_cache(maxsize=1)
def word_classes() -> dict[str, str]:
    """Word -> coarse meaning class, from ``kg/data/word_classes.tsv``."""
    from kg.extract.lexicon import _rows

    return {row[0]: row[1].strip() for row in _rows("word_classes.tsv")}


def trigger_features(tok, lexicon: dict[str, Sequence[str]] | None = None) -> list[str]:
    """Sparse string features of one candidate token in its parsed sentence; ``lexicon`` maps
    lemmas to the event classes the word list gives them."""
    lemma, pos = _word(tok), _pos(tok)
    doc = tok.doc
    head = tok.head
    f = [f"l={lemma}", f"p={pos}", f"lp={lemma}/{pos}", f"w={tok.lower_}", f"t={tok.tag_}",
         f"d={tok.dep_}", f"ld={lemma}/{tok.dep_}", f"h={_word(head)}", f"lh={lemma}>{_word(head)}",
         f"hp={head.pos_}/{tok.dep_}", f"suf={tok.lower_[-3:]}"]
    if tok.is_title and tok.i > tok.sent.start:
        f.append("title-case")
    for name, j in (("w-1", tok.i - 1), ("w+1", tok.i + 1), ("w-2", tok.i - 2), ("w+2", tok.i + 2)):
        if tok.sent.start <= j < tok.sent.end:
            f.append(f"{name}={_word(doc[j])}")
            if name in ("w-1", "w+1"):
                f.append(f"l{name}={lemma}|{_word(doc[j])}")
                f.append(f"k{name}={_kind(doc[j])}")
    for c in tok.children:
        if c.dep_ not in _ARG_DEPS and c.dep_ != "prep":
            continue
        if c.dep_ == "prep":
            f.append(f"prep={c.lower_}")
            f.append(f"lprep={lemma}|{c.lower_}")
            for p in c.children:
                if p.dep_ == "pobj":
                    f.append(f"pobj={c.lower_}:{_word(p)}")
                    f.append(f"lpobj={lemma}|{c.lower_}:{_kind(p)}")
            continue
        f.append(f"c={c.dep_}:{_word(c)}")
        f.append(f"lc={lemma}|{c.dep_}:{_word(c)}")
        f.append(f"ck={c.dep_}:{_kind(c)}")
        f.append(f"lck={lemma}|{c.dep_}:{_kind(c)}")
    if tok.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "compound", "conj"):
        f.append(f"hd={tok.dep_}<{_word(head)}")
    classes = word_classes()
    for cls in sorted({classes[t.lower_] for t in tok.sent if t.lower_ in classes and t.i != tok.i}):
        f.append(f"sc={cls}")
        f.append(f"lsc={lemma}|{cls}")
    top = _document_topic(doc)
    if top:
        f.append(f"dtop={top}")
        f.append(f"ldtop={lemma}|{top}")
    for c in tok.children:
        if c.dep_ in ("ccomp", "advcl", "xcomp"):
            mark = next((m.lower_ for m in c.children if m.dep_ in ("mark", "aux") and m.lower_ in
                         ("if", "whether", "to", "why", "how", "what", "when")), None)
            if mark:
                f.append(f"lmark={lemma}|{c.dep_}:{mark}")
    det = next((c for c in tok.children if c.dep_ in ("det", "poss")), None)
    if det is not None:
        f.append(f"det={det.lower_ if det.dep_ == 'det' else 'poss'}")
        f.append(f"ldet={lemma}|{det.lower_ if det.dep_ == 'det' else 'poss'}")
    for cls in (lexicon or {}).get(lemma, ()):
        f.append(f"lex={cls}")
        f.append(f"lexp={cls}/{pos}")
    return f


def softmax_scores(weights: dict[str, Sequence[float]], bias: Sequence[float],
                   features: Iterable[str]) -> list[float]:
    """Class probabilities of a linear model over sparse string features: the softmax of the
    bias plus the weight vectors of the features it knows (the trigger and role classifiers)."""
    z = list(bias)
    for feat in features:
        w = weights.get(feat)
        if w is not None:
            for j, x in enumerate(w):
                z[j] += x
    top = max(z)
    e = [math.exp(x - top) for x in z]
    total = sum(e)
    return [x / total for x in e]


class TriggerModel:
    """A linear trigger classifier: ``classes`` (``O`` first), per-feature weight vectors, bias,
    the candidate ``lemma/POS`` keys, the Platt map ``(a, b)`` and the threshold on the
    calibrated probability at which a trigger is kept."""

    def __init__(self, classes: Sequence[str], weights: dict[str, Sequence[float]],
                 bias: Sequence[float], candidates: Iterable[str], platt: tuple[float, float] = (1.0, 0.0),
                 threshold: float = 0.5, meta: dict | None = None):
        self.classes = list(classes)
        self.weights = {k: list(v) for k, v in weights.items()}
        self.bias = list(bias)
        self.candidates = frozenset(candidates)
        self.platt = tuple(platt)
        self.threshold = threshold
        self.meta = dict(meta or {})

    @classmethod
    def shipped(cls) -> "TriggerModel":
        return _shipped()

    @classmethod
    def load(cls, path: str | Path | None = None) -> "TriggerModel":
        data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
        return cls(data["classes"], data["weights"], data["bias"], data["candidates"],
                   tuple(data["platt"]), data["threshold"], data.get("meta"))

    def to_json(self) -> dict:
        return {"classes": self.classes, "bias": [round(b, 5) for b in self.bias],
                "candidates": sorted(self.candidates), "platt": list(self.platt),
                "threshold": self.threshold, "meta": self.meta,
                "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())}}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")

    def is_candidate(self, tok) -> bool:
        return (tok.pos_ in CANDIDATE_POS and tok.ent_type_ not in NOT_TRIGGER_ENTS
                and candidate_key(tok) in self.candidates)

    def scores(self, features: Iterable[str]) -> list[float]:
        """Class probabilities (softmax) for one feature list."""
        return softmax_scores(self.weights, self.bias, features)

    def calibrated(self, p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        a, b = self.platt
        z = a * math.log(p / (1 - p)) + b
        return 1.0 / (1.0 + math.exp(max(-60.0, min(60.0, -z))))  # as the relation model does

    def best(self, features: Iterable[str]) -> tuple[str, float]:
        """The most probable event class (never ``O``) and its raw probability."""
        probs = self.scores(features)
        j = max(range(1, len(probs)), key=probs.__getitem__)
        return self.classes[j], probs[j]

    def predict(self, tok, lexicon: dict[str, Sequence[str]] | None = None) -> tuple[str | None, float]:
        """``(class, calibrated confidence)`` of a token, ``(None, p)`` when it is no trigger
        (not a candidate, or below the threshold)."""
        if not self.is_candidate(tok):
            return None, 0.0
        cls, p = self.best(trigger_features(tok, lexicon if lexicon is not None else lexicon_classes()))
        conf = self.calibrated(p)
        return (cls, conf) if conf >= self.threshold else (None, conf)

    def triggers(self, doc) -> dict[int, tuple[str, float]]:
        """Token index -> (class, calibrated confidence) of every trigger in ``doc``."""
        lexicon = lexicon_classes()
        out = {}
        for tok in doc:
            cls, conf = self.predict(tok, lexicon)
            if cls is not None:
                out[tok.i] = (cls, conf)
        return out


@lru_cache(maxsize=1)
def _shipped() -> TriggerModel:
    return TriggerModel.load(DEFAULT_PATH)


@lru_cache(maxsize=1)
def lexicon_classes() -> dict[str, tuple[str, ...]]:
    """Lemma -> the event classes the trigger lexicon gives it (a model feature)."""
    from kg.extract.lexicon import triggers

    return {lemma: tuple(dict.fromkeys(r.event for r in readings))
            for lemma, readings in triggers().items()}
