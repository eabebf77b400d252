"""Pure scorers: gold documents and extraction records in, scores out. No I/O, no model.

Extraction records are the JSON objects ``kg extract`` writes, one per article (issue 2)::

    {"id", "entities": [{"id", "type", "label", "mentions": [{"start", "end", "text"}]}],
     "relations": [{"subject", "predicate", "object", "subject_span", "object_span", "confidence"}],
     "events": [{"id", "type", "trigger": {"start", "end", "text"},
                 "arguments": [{"role", "entity", "start", "end", "text"}], "confidence"}]}

Types and predicates are matched by local name, so IRIs and bare names both work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from kg.eval.datasets import CharSpan, Conll03Doc, Conll04Doc, WikiEventsDoc
from kg.eval.mapping import (ORIGINAL_KAIROS_TYPES, kairos_types, MOVEMENT_PLACE_ROLES, ROLE_MAP, SCORED_ROLES,
                             conll04_class_map, conll04_entity_type, conll04_relation_map,
                             local_name)

Record = Mapping


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass(frozen=True)
class ErrorCase:
    """A miss (gold not found) or a false alarm (predicted, not in gold), with its sentence."""

    kind: str  # "miss" or "false alarm"
    doc_id: str
    type: str
    description: str
    context: str


@dataclass
class Scores:
    """Counts per type for one task (relations, entities, triggers, arguments)."""

    task: str
    per_type: dict[str, Counts] = field(default_factory=dict)
    errors: list[ErrorCase] = field(default_factory=list)

    def counts(self, type_: str) -> Counts:
        return self.per_type.setdefault(type_, Counts())

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_type.values():
            total.add(c)
        return total

    def rows(self) -> list[tuple[str, int, int, float, float, float]]:
        """(type, gold, predicted, P, R, F1) per type, then ``micro``."""
        out = []
        for t in sorted(self.per_type):
            c = self.per_type[t]
            out.append((t, c.tp + c.fn, c.tp + c.fp, c.precision, c.recall, c.f1))
        m = self.micro
        out.append(("micro", m.tp + m.fn, m.tp + m.fp, m.precision, m.recall, m.f1))
        return out

    def table(self) -> str:
        lines = [f"{self.task}", f"{'type':<48}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}"]
        for t, g, p, pr, rc, f in self.rows():
            lines.append(f"{t:<48}{g:>6}{p:>6}{pr:>8.3f}{rc:>8.3f}{f:>8.3f}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"task": self.task,
                "types": {t: {"gold": g, "predicted": p, "precision": round(pr, 4),
                              "recall": round(rc, 4), "f1": round(f, 4)}
                          for t, g, p, pr, rc, f in self.rows()}}


def _overlaps(a: CharSpan, b: CharSpan) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sentence_around(text: str, span: CharSpan, width: int = 200) -> str:
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    end = len(text) if end < 0 else end
    if end - start > width:
        start, end = max(start, span[0] - width // 2), min(end, span[1] + width // 2)
    return text[start:end].replace("\n", " ")


def _mark(text: str, *spans: CharSpan) -> str:
    return " / ".join(repr(text[s:e]) for s, e in spans)


# --------------------------------------------------------------------------- CoNLL04

def _span(value) -> CharSpan:
    if isinstance(value, Mapping):
        return int(value["start"]), int(value["end"])
    return int(value[0]), int(value[1])


def _entity_types(record: Record, class_map: dict[str, str]) -> dict[str, str]:
    return {e["id"]: conll04_entity_type(e["type"], class_map) for e in record.get("entities", ())}


def to_tokens(span: CharSpan, text: str | None) -> CharSpan:
    """``span`` widened to the whitespace-separated tokens it touches in ``text``.

    CoNLL04 annotates token spans of pre-tokenised text, and its tokens keep some punctuation
    ("Ethiopia." ends a sentence as one token); kg's mention of the name in that token is
    "Ethiopia". Token-level scoring reads any mention inside a token as that token.
    """
    if text is None:
        return span
    start, end = span
    start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(" ", end), text.find("\n", end)) if i != -1]
    return start, max(min(stops), end) if stops else len(text)


def predicted_conll04_relations(record: Record, relation_map: dict[str, str],
                                class_map: dict[str, str], text: str | None = None) -> set[tuple]:
    """The strict-scoring keys ``(head span, head type, tail span, tail type, relation type)``,
    spans widened to whole tokens of ``text`` when it is given."""
    types = _entity_types(record, class_map)
    out = set()
    for r in record.get("relations", ()):
        rtype = relation_map.get(local_name(r["predicate"]))
        if rtype is None:
            continue
        out.add((to_tokens(_span(r["subject_span"]), text), types.get(r["subject"], "Other"),
                 to_tokens(_span(r["object_span"]), text), types.get(r["object"], "Other"), rtype))
    return out


def predicted_conll04_entities(record: Record, class_map: dict[str, str],
                               text: str | None = None) -> set[tuple]:
    out = set()
    for e in record.get("entities", ()):
        if e.get("unnamed"):
            continue  # "13 people" fills an event role; CoNLL04 annotates names
        t = conll04_entity_type(e["type"], class_map)
        for m in e.get("mentions", ()):
            if m.get("kind", "name") in NAME_KINDS:
                out.add((to_tokens(_span(m), text), t))
    return out


# mention kinds scored as names: "he" (pronoun), "the Hamas leader" (nominal) and the "Iranian"
# of "Iranian officials" (demonym, a mention of Iran) refer to an entity without naming it
NAME_KINDS = frozenset({"name"})


def score_conll04(docs: Iterable[Conll04Doc], records: Mapping[str, Record], *,
                  relation_map: dict[str, str] | None = None,
                  class_map: dict[str, str] | None = None,
                  keep_errors: bool = True) -> tuple[Scores, Scores]:
    """Strict CoNLL04 scoring: (relation scores, entity scores).

    A relation is right when both mention spans, both mapped entity types and the relation type
    equal a gold relation. Entities are scored strictly by span and type. An article with no
    record counts as extracting nothing.
    """
    relation_map = conll04_relation_map() if relation_map is None else relation_map
    class_map = conll04_class_map() if class_map is None else class_map
    rel_scores, ent_scores = Scores("CoNLL04 relations (strict)"), Scores("CoNLL04 entities (strict)")
    for t in ("Kill", "Live_In", "Located_In", "OrgBased_In", "Work_For"):
        rel_scores.counts(t)
    for doc in docs:
        text = doc.article.text
        record = records.get(doc.article.id, {})
        gold = {(r.head, r.head_type, r.tail, r.tail_type, r.type) for r in doc.relations}
        pred = predicted_conll04_relations(record, relation_map, class_map, text)
        for key in gold | pred:
            c = rel_scores.counts(key[4])
            if key in gold and key in pred:
                c.tp += 1
                continue
            if key in gold:
                c.fn += 1
                kind = "miss"
            else:
                c.fp += 1
                kind = "false alarm"
            if keep_errors:
                desc = (f"{key[4]}({text[key[0][0]:key[0][1]]!r}:{key[1]}, "
                        f"{text[key[2][0]:key[2][1]]!r}:{key[3]})")
                rel_scores.errors.append(ErrorCase(kind, doc.article.id, key[4], desc, text))
        gold_e = {(e.span, e.type) for e in doc.entities}
        pred_e = predicted_conll04_entities(record, class_map, text)
        for key in gold_e | pred_e:
            c = ent_scores.counts(key[1])
            if key in gold_e and key in pred_e:
                c.tp += 1
            elif key in gold_e:
                c.fn += 1
                if keep_errors:
                    ent_scores.errors.append(ErrorCase("miss", doc.article.id, key[1],
                                                       f"{text[key[0][0]:key[0][1]]!r}:{key[1]}", text))
            else:
                c.fp += 1
                if keep_errors:
                    ent_scores.errors.append(ErrorCase("false alarm", doc.article.id, key[1],
                                                       f"{text[key[0][0]:key[0][1]]!r}:{key[1]}", text))
    return rel_scores, ent_scores


# --------------------------------------------------------------------------- calibration

def reliability(probs: Sequence[float], right: Sequence[bool], bins: int = 10):
    """``[(low, high, count, mean confidence, observed precision)]`` and the expected calibration
    error (the count-weighted mean gap between confidence and precision)."""
    rows, ece, n = [], 0.0, len(probs)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not idx:
            continue
        conf = sum(probs[i] for i in idx) / len(idx)
        prec = sum(1 for i in idx if right[i]) / len(idx)
        rows.append((lo, hi, len(idx), conf, prec))
        ece += len(idx) / n * abs(conf - prec)
    return rows, ece


def calibration_noise(probs: Sequence[float], trials: int = 2000, seed: int = 0,
                      bins: int = 10) -> float:
    """The expected calibration error a perfectly calibrated predictor would show on ``probs``
    by chance alone: each prediction is drawn right with its own probability, ``trials`` times
    (seeded), and the mean ECE is returned. With a few hundred predictions this is far from 0,
    and an observed ECE is read against it."""
    import random

    rng = random.Random(seed)
    total = 0.0
    for _ in range(trials):
        total += reliability(probs, [rng.random() < p for p in probs], bins)[1]
    return total / trials if probs else 0.0


def relation_confidences(docs: Iterable[Conll04Doc], records: Mapping[str, Record], *,
                         relation_map: dict[str, str] | None = None,
                         class_map: dict[str, str] | None = None) -> list[tuple[float, bool, bool]]:
    """``(confidence, right, asserted)`` of every predicted relation that maps onto a CoNLL04
    type; right as the strict scorer judges it."""
    relation_map = conll04_relation_map() if relation_map is None else relation_map
    class_map = conll04_class_map() if class_map is None else class_map
    out = []
    for doc in docs:
        text = doc.article.text
        record = records.get(doc.article.id, {})
        gold = {(r.head, r.head_type, r.tail, r.tail_type, r.type) for r in doc.relations}
        types = _entity_types(record, class_map)
        for r in record.get("relations", ()):
            rtype = relation_map.get(local_name(r["predicate"]))
            if rtype is None:
                continue
            key = (to_tokens(_span(r["subject_span"]), text), types.get(r["subject"], "Other"),
                   to_tokens(_span(r["object_span"]), text), types.get(r["object"], "Other"), rtype)
            out.append((float(r.get("confidence", 1.0)), key in gold, bool(r.get("asserted", True))))
    return out


def reliability_table(points: list[tuple[float, bool, bool]], noise: float | None = None) -> str:
    """The reliability table of :func:`relation_confidences`: confidence band, count, mean
    confidence, observed precision; then the expected calibration error and the precision of
    the asserted relations."""
    rows, ece = reliability([p for p, _r, _a in points], [r for _p, r, _a in points])
    if noise is None:  # the caller may have it already: it costs 500 draws
        noise = calibration_noise([p for p, _r, _a in points], trials=500)
    lines = ["relation confidence: reliability", f"{'band':<12}{'n':>6}{'confidence':>12}{'precision':>11}"]
    for lo, hi, n, conf, prec in rows:
        lines.append(f"{lo:.1f}-{hi:.1f}{'':<5}{n:>6}{conf:>12.3f}{prec:>11.3f}")
    asserted = [r for _p, r, a in points if a]
    lines.append(f"expected calibration error: {ece:.3f} (a perfectly calibrated extractor would "
                 f"show {noise:.3f} on {len(points)} relations, by chance)")
    lines.append(f"asserted relations: {len(asserted)}, precision "
                 f"{(sum(asserted) / len(asserted)) if asserted else 0.0:.3f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- CoNLL-2003

CONLL03_TYPES = {"Peop": "PER", "Org": "ORG", "Loc": "LOC"}


def score_conll03(docs: Iterable[Conll03Doc], records: Mapping[str, Record], *,
                  class_map: dict[str, str] | None = None,
                  keep_errors: bool = True) -> tuple[Scores]:
    """Strict CoNLL-2003 NER scores over PER, ORG and LOC (MISC is left out).

    A predicted name mention is right when its span, widened to the dataset's tokens (as for
    CoNLL04), and its type equal a gold entity's. Classes map as for CoNLL04 (``City`` is a
    ``Place``, so LOC); anything else, and pronouns or descriptions, is not scored.
    """
    class_map = conll04_class_map() if class_map is None else class_map
    scores = Scores("CoNLL-2003 NER (strict, PER/ORG/LOC)")
    for t in ("PER", "ORG", "LOC"):
        scores.counts(t)
    for doc in docs:
        text = doc.article.text
        record = records.get(doc.article.id, {})
        gold = {(e.span, e.type) for e in doc.entities if e.type in ("PER", "ORG", "LOC")}
        pred = {(span, CONLL03_TYPES[t]) for span, t in predicted_conll04_entities(record, class_map, text)
                if t in CONLL03_TYPES}
        for key in gold | pred:
            c = scores.counts(key[1])
            if key in gold and key in pred:
                c.tp += 1
                continue
            kind = "miss" if key in gold else "false alarm"
            if kind == "miss":
                c.fn += 1
            else:
                c.fp += 1
            if keep_errors:
                scores.errors.append(ErrorCase(kind, doc.article.id, key[1],
                                               f"{text[key[0][0]:key[0][1]]!r}:{key[1]}",
                                               _sentence_around(text, key[0])))
    return (scores,)


# --------------------------------------------------------------------------- WikiEvents

@dataclass(frozen=True)
class _PredEvent:
    trigger: CharSpan
    type2: str
    cls: str
    arguments: tuple[tuple[CharSpan, str], ...]  # (span, kg role)


def predicted_wikievents_events(record: Record, types: frozenset[str] | None = None) -> list[_PredEvent]:
    """Predicted events whose class maps onto a KAIROS type (among ``types``, when given);
    others are not scored."""
    out = []
    kairos = kairos_types()
    for ev in record.get("events", ()):
        cls = local_name(ev["type"])
        type2 = kairos.get(cls)
        if type2 is None or types is not None and type2 not in types:
            continue
        args = tuple((_span(a), a["role"]) for a in ev.get("arguments", ())
                     if a.get("start") is not None and a["role"] in ROLE_MAP)
        out.append(_PredEvent(_span(ev["trigger"]), type2, cls, args))
    return out


def _role_matches(kg_role: str, gold_role: str, type2: str) -> bool:
    if kg_role == "place" and type2 == "Movement.Transportation":
        return gold_role in MOVEMENT_PLACE_ROLES
    return gold_role in ROLE_MAP.get(kg_role, ())


def score_wikievents(docs: Iterable[WikiEventsDoc], records: Mapping[str, Record], *,
                     keep_errors: bool = True,
                     types: frozenset[str] | None = ORIGINAL_KAIROS_TYPES) -> tuple[Scores, Scores]:
    """WikiEvents scoring: (trigger scores per KAIROS type, argument scores per type).

    ``types`` are the two-level KAIROS types scored: by default the eight kg's original classes
    mapped onto; None scores every type, gold of a type no kg class maps onto (by the ontology's
    ``news:kairosType``) counting as missed. Gold events of other types are left out of recall,
    predicted events of other types out of precision.
    A predicted event is right when its trigger overlaps a still unmatched gold trigger of the
    same two-level type (one-to-one). An argument of a matched event is right when its span
    overlaps an unmatched gold argument whose role it maps onto; gold arguments count when their
    role is one kg's roles map onto.
    """
    docs = list(docs)
    label = "all types" if types is None else f"{len(types)} original types" \
        if types == ORIGINAL_KAIROS_TYPES else f"{len(types)} types"
    triggers = Scores(f"WikiEvents triggers ({label})")
    arguments = Scores(f"WikiEvents arguments ({label})")
    listed = sorted(types) if types is not None else sorted(
        {g.type2 for d in docs for g in d.events} | set(kairos_types().values()))
    for t in listed:
        triggers.counts(t)
        arguments.counts(t)
    scoped = set(listed)
    for doc in docs:
        text = doc.article.text
        record = records.get(doc.article.id, {})
        gold = [g for g in doc.events if g.type2 in scoped]
        preds = predicted_wikievents_events(record, frozenset(scoped))
        matched_gold: dict[int, int] = {}
        for pi, p in enumerate(preds):
            best = None
            for gi, g in enumerate(gold):
                if gi in matched_gold or g.type2 != p.type2 or not _overlaps(p.trigger, g.trigger):
                    continue
                if best is None or g.trigger == p.trigger:
                    best = gi
            if best is not None:
                matched_gold[best] = pi
        matched_pred = {pi: gi for gi, pi in matched_gold.items()}
        for pi, p in enumerate(preds):
            c = triggers.counts(p.type2)
            if pi in matched_pred:
                c.tp += 1
            else:
                c.fp += 1
                if keep_errors:
                    triggers.errors.append(ErrorCase(
                        "false alarm", doc.article.id, p.type2,
                        f"{p.cls} {text[p.trigger[0]:p.trigger[1]]!r}", _sentence_around(text, p.trigger)))
        for gi, g in enumerate(gold):
            if gi not in matched_gold:
                triggers.counts(g.type2).fn += 1
                if keep_errors:
                    triggers.errors.append(ErrorCase(
                        "miss", doc.article.id, g.type2, f"{g.type} {g.text!r}",
                        _sentence_around(text, g.trigger)))
        # arguments
        for pi, p in enumerate(preds):
            gi = matched_pred.get(pi)
            gold_args = [a for a in gold[gi].arguments if a.role in SCORED_ROLES] if gi is not None else []
            used: set[int] = set()
            c = arguments.counts(p.type2)
            for span, role in p.arguments:
                hit = next((ai for ai, a in enumerate(gold_args) if ai not in used
                            and _overlaps(span, a.span) and _role_matches(role, a.role, p.type2)), None)
                if hit is None:
                    c.fp += 1
                    if keep_errors:
                        arguments.errors.append(ErrorCase(
                            "false alarm", doc.article.id, p.type2,
                            f"{role} {text[span[0]:span[1]]!r} of {text[p.trigger[0]:p.trigger[1]]!r}",
                            _sentence_around(text, p.trigger)))
                else:
                    used.add(hit)
                    c.tp += 1
            if gi is not None:
                c.fn += len(gold_args) - len(used)
                if keep_errors:
                    arguments.errors.extend(ErrorCase(
                        "miss", doc.article.id, p.type2,
                        f"{a.role} {a.text!r} of {text[p.trigger[0]:p.trigger[1]]!r}",
                        _sentence_around(text, p.trigger))
                        for ai, a in enumerate(gold_args) if ai not in used)
        for gi, g in enumerate(gold):
            if gi in matched_gold:
                continue
            gold_args = [a for a in g.arguments if a.role in SCORED_ROLES]
            arguments.counts(g.type2).fn += len(gold_args)
        if keep_errors:
            for gi, g in enumerate(gold):
                for a in g.arguments:
                    if a.role in SCORED_ROLES and gi not in matched_gold:
                        arguments.errors.append(ErrorCase(
                            "miss", doc.article.id, g.type2, f"{a.role} {a.text!r} of {g.text!r} (trigger missed)",
                            _sentence_around(text, g.trigger)))
    return triggers, arguments


def out_of_scope_events(docs: Iterable[WikiEventsDoc]) -> int:
    """How many gold events have a KAIROS type no kg class maps onto."""
    scoped = set(kairos_types().values())
    return sum(1 for d in docs for g in d.events if g.type2 not in scoped)


def score_wikievents_all(docs: Sequence[WikiEventsDoc], records: Mapping[str, Record]) -> dict:
    """The headline WikiEvents figures: trigger F1 over the 8 original types and over all
    types, and argument F1 over all types and over the 8."""
    eight_t, eight_a = score_wikievents(docs, records, keep_errors=False)
    all_t, all_a = score_wikievents(docs, records, keep_errors=False, types=None)
    return {"eight_types_f1": round(eight_t.micro.f1, 4), "all_types_f1": round(all_t.micro.f1, 4),
            "all_types_precision": round(all_t.micro.precision, 4),
            "all_types_recall": round(all_t.micro.recall, 4),
            "argument_f1": round(all_a.micro.f1, 4), "eight_types_argument_f1": round(eight_a.micro.f1, 4)}
