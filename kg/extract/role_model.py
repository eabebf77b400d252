"""The learned role classifier: which entity of a trigger's sentence fills which role of its event.

The parse rules of :mod:`kg.extract.events` propose arguments (the subject acts, the object
undergoes, "in" gives the place, ...). This model reads further: for each named entity of the
sentence near the trigger, each common noun near it ("three soldiers", "the army", "a convoy",
"drones") and each filler a rule proposed, a multinomial logistic regression over sparse
features (the event class, the dependency path from the trigger and from its light verb to the
candidate, with its prepositions; the candidate's class, side and, for a common noun, its lemma;
the rule's proposal) chooses a role or ``none``. It adds the fillers the rules miss; the rules'
own keep their roles, and the class constraints of the rules hold (an actor is a person,
organisation, country or group; a place is a place), with one more for things no name names:
they are instruments, or what an attack or damage hit (:func:`thing_fits`).

Weights ship as plain JSON in ``kg/data/role_model.json`` and are trained by
``kg train DATA --only roles`` (:mod:`kg.train.roles`) on WikiEvents and RAMS; without the file
the rules' roles stand.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from kg.extract.events import UNNAMED_FILLER_EVENTS, _clean_args, described_patients

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "role_model.json"
NONE = "none"
MAX_PATH = 4  # dependency arcs between trigger and candidate beyond which a path is "far"


def _lemma(tok) -> str:
    return "<num>" if tok.like_num else (tok.lemma_ or tok.text).lower()


def dependency_path(a, b) -> str:
    """The arcs from token ``a`` up to the lowest common head and down to ``b``, with the words
    of prepositions on the way ("^nsubj", "vprep:in vpobj"); "far" beyond :data:`MAX_PATH`."""
    if a.i == b.i:
        return "self"
    up, node = [a], a
    while node.head.i != node.i:
        node = node.head
        up.append(node)
    ups = {t.i: n for n, t in enumerate(up)}
    down, node = [b], b
    while node.i not in ups:
        if node.head.i == node.i:
            return "far"
        node = node.head
        down.append(node)
    common = ups[node.i]
    if common + len(down) - 1 > MAX_PATH:
        return "far"
    arcs = [f"^{t.dep_}" for t in up[:common]]
    for t in reversed(down[:-1]):
        arcs.append(f"v{t.dep_}" + (f":{t.lower_}" if t.dep_ == "prep" else ""))
    return " ".join(arcs)


def role_features(trigger, governor, cand, event: str, cand_type: str, rule_role: str | None,
                  named: bool) -> list[str]:
    """Sparse string features of one (trigger, candidate) pair."""
    path = dependency_path(trigger, cand)
    rule = rule_role or NONE
    f = [f"ev={event}", f"rule={rule}", f"ev|rule={event}|{rule}", f"ct={cand_type}",
         f"ev|ct={event}|{cand_type}", f"path={path}", f"ev|path={event}|{path}",
         f"ct|path={cand_type}|{path}", f"rule|path={rule}|{path}", f"named={named}",
         f"tpos={trigger.pos_}", f"cdep={cand.dep_}", f"ev|cdep={event}|{cand.dep_}",
         f"side={'before' if cand.i < trigger.i else 'after'}",
         f"ev|side|ct={event}|{'before' if cand.i < trigger.i else 'after'}|{cand_type}"]
    distance = abs(cand.i - trigger.i)
    f.append(f"dist={min(distance, 6) if distance < 6 else 'far' if distance > 12 else 'mid'}")
    if governor.i != trigger.i:
        gpath = dependency_path(governor, cand)
        f += [f"gpath={gpath}", f"ev|gpath={event}|{gpath}", f"glemma={_lemma(governor)}"]
    if cand.dep_ == "pobj":
        prep = cand.head.lower_
        f += [f"prep={prep}", f"ev|prep={event}|{prep}", f"ct|prep={cand_type}|{prep}"]
        if cand.head.head.i == trigger.i:
            f.append(f"tprep={prep}")
    f.append(f"lem|rule={_lemma(trigger)}|{rule}")
    if not named:  # a common noun says what it is: "drones" are used, "a convoy" is hit
        f += [f"clem={_lemma(cand)}", f"ev|clem={event}|{_lemma(cand)}"]
    return f


class RoleModel:
    """A linear role classifier: ``classes`` (``none`` first), per-feature weight vectors, bias,
    and the event classes it has seen enough of to decide their roles."""

    def __init__(self, classes: Sequence[str], weights: dict[str, Sequence[float]],
                 bias: Sequence[float], meta: dict | None = None, events: Iterable[str] | None = None):
        self.classes = list(classes)
        self.weights = {k: list(v) for k, v in weights.items()}
        self.bias = list(bias)
        self.meta = dict(meta or {})
        # the event classes whose roles it decides (None: all); the rules keep the others'
        self.events = None if events is None else frozenset(events)

    def decides(self, event: str) -> bool:
        return self.events is None or event in self.events

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RoleModel":
        data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
        return cls(data["classes"], data["weights"], data["bias"], data.get("meta"), data.get("events"))

    def save(self, path: str | Path) -> None:
        data = {"classes": self.classes, "bias": [round(b, 5) for b in self.bias], "meta": self.meta,
                "events": None if self.events is None else sorted(self.events),
                "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())}}
        Path(path).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    def scores(self, features: Iterable[str]) -> list[float]:
        """Class probabilities (softmax) for one feature list."""
        from kg.extract.trigger_model import softmax_scores

        return softmax_scores(self.weights, self.bias, features)

    def role(self, features: Iterable[str]) -> str | None:
        """The most probable role, None when it is ``none``."""
        probs = self.scores(features)
        j = max(range(len(probs)), key=probs.__getitem__)
        return None if self.classes[j] == NONE else self.classes[j]


def _near(trigger, governor, tok) -> bool:
    """Whether ``tok`` is within :data:`MAX_PATH` arcs of the trigger or of its light verb."""
    return dependency_path(trigger, tok) != "far" or (
        governor.i != trigger.i and dependency_path(governor, tok) != "far")


def candidates(draft, index) -> list[tuple[str, object, object, str | None, bool]]:
    """``(key, span, root token, rule role, named)`` of each entity the model decides on: the
    named entities of the trigger's sentence within :data:`MAX_PATH` arcs of the trigger or its
    light verb, for the events unnamed fillers may fill every common noun as near, as
    :meth:`~kg.extract.index.EntityIndex.noun_filler` reads it ("three soldiers", "the bakery",
    "the army", "a convoy"), and every filler the rules proposed (with their role)."""
    trigger, governor = draft.trigger, draft.governor
    rule_roles: dict[str, str] = {}
    for role, key, _span in draft.args:
        rule_roles.setdefault(key, role)
    out, seen = [], set()
    for tok in trigger.sent:
        key = index.key_at.get(tok.i)
        if key is None or key in seen:
            continue
        span = index.span_at[tok.i]
        root = index.mention_root(tok)
        if key in rule_roles or _near(trigger, governor, root):
            seen.add(key)
            out.append((key, span, root, rule_roles.get(key), True))
    if draft.type in UNNAMED_FILLER_EVENTS:
        for tok in trigger.sent:
            if tok.i in index.key_at or tok.pos_ not in ("NOUN", "NUM") or tok.i == trigger.i:
                continue
            if not _near(trigger, governor, tok):
                continue
            filler = index.noun_filler(tok)
            if filler is not None:
                key, span = filler
                if key not in seen and key not in rule_roles:
                    seen.add(key)
                    out.append((key, span, tok, None, False))
    doc = trigger.doc
    for role, key, span in draft.args:
        if key in seen:
            continue
        seen.add(key)
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        root = chars.root if chars is not None and len(chars) else trigger
        out.append((key, span, root, role, False))
    return out


THING_TARGET_EVENTS = frozenset({"Attack", "Damage"})
"""The classes whose target may be a thing no name names ("attacked the convoy", "damaged two
cars"); the victims, detainees and recipients of the others are people."""


def thing_fits(role: str, event: str, type_: str, named: bool) -> bool:
    """Whether the model may give ``role`` to a candidate: an unnamed thing (``Other``: "the
    device", "an urgent report") is only an instrument, or the target of
    :data:`THING_TARGET_EVENTS` ("ordered an urgent report" has no recipient in it)."""
    if named or type_ != "Other":
        return True
    return role == "instrument" or (role == "target" and event in THING_TARGET_EVENTS)


def assign_roles(drafts: list, index, model: RoleModel | None) -> list:
    """The drafts with the rules' arguments and the ones the model adds: the candidates the rules
    gave no role get the model's, under the class constraints (dropping or relabelling the
    rules' cost more than it gained: "his arrest" lost its patient, "held talks with" its
    participant, "Police arrested a suspect" became the suspect's arrest). Statements and the
    classes the model has too few examples of keep the rules' alone; unchanged without a model."""
    if model is None:
        return drafts
    for d in drafts:
        if d.type == "Statement" or not model.decides(d.type):
            continue
        added = []
        for key, span, root, rule_role, named in candidates(d, index):
            if rule_role is not None:
                continue  # the rules' fillers keep the rules' roles
            type_ = index.type_of.get(key) or "Other"
            role = model.role(role_features(d.trigger, d.governor, root, d.type, type_, None, named))
            if role is not None and thing_fits(role, d.type, type_, named):
                added.append((role, key, span))  # _clean_args drops a role the class cannot fill
        d.args = _clean_args(list(d.args) + added, index)
        described_patients([d], index)  # a target it added may be a name describing people
    return drafts


@lru_cache(maxsize=1)
def shipped() -> RoleModel | None:
    """The shipped model, None when ``kg/data/role_model.json`` is absent."""
    return RoleModel.load(DEFAULT_PATH) if DEFAULT_PATH.exists() else None


_UNSET = object()
_override: list = [_UNSET]


def active() -> RoleModel | None:
    """The model the events component uses: the shipped one, or the one of :class:`use_role_model`."""
    return shipped() if _override[-1] is _UNSET else _override[-1]


class use_role_model:
    """``with use_role_model(model):`` the events component decides roles with ``model`` (None:
    the rules alone), as training and its cross-validation need."""

    def __init__(self, model: RoleModel | None):
        self.model = model

    def __enter__(self):
        _override.append(self.model)
        return self

    def __exit__(self, *exc):
        _override.pop()
