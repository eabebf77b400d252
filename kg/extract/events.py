"""Reified events from trigger words, with roles from the parse, dates resolved against the
article date, and statements with their speaker and quote."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from kg.extract.dates import parse_offset, resolve_date, shift
from kg.extract.index import (ACTOR_TYPES, EntityIndex, Factuality, PLACE_TYPES, evidence_of,
                              factuality, is_media, objects_of, prep_objects_of, subjects_of)
from kg.extract.lexicon import SPEECH_VERBS, triggers
from kg.records import Argument, Event, Span


_DYING_VERBS = frozenset({"die", "perish", "succumb", "drown", "starve"})  # the subject is the dead
LIGHT_VERBS = {"hold", "have", "conduct", "launch", "wage", "carry", "pass", "adopt", "approve",
               "stage", "make", "pay", "begin", "start", "continue", "attend", "host", "give",
               "deliver", "issue", "mount", "unleash", "intensify", "escalate"}
RESOLUTION_VERBS = {"pass", "adopt", "approve", "vote", "veto", "draft", "table", "unanimously",
                    "endorse"}
EVENT_ROLES_BY_PREP = {
    "Visit": {"to": "destination", "in": "destination", "at": "destination", "from": "origin"},
    "Meeting": {"with": "participant", "in": "place", "at": "place"},
    "Attack": {"on": "target", "against": "target", "in": "place", "at": "place", "near": "place",
               "outside": "place", "inside": "place", "with": "instrument", "by": "actor"},
    "Death": {"in": "place", "at": "place", "near": "place", "by": "actor", "with": "instrument",
              "of": "target"},
    "Injury": {"in": "place", "at": "place", "near": "place", "by": "actor", "with": "instrument",
               "of": "target"},
    "Arrest": {"in": "place", "at": "place", "by": "actor", "of": "target"},
    "Protest": {"in": "place", "at": "place", "against": "target", "outside": "place"},
    "Damage": {"in": "place", "at": "place", "by": "actor", "with": "instrument"},
    "Resolution": {"on": "target", "by": "actor"},
    "Ceasefire": {"in": "place", "between": "participant", "with": "participant"},
}
# Events whose roles unnamed people and places may fill ("13 people were killed"); statements
# and meetings keep named speakers and parties only.
UNNAMED_FILLER_EVENTS = frozenset({"Attack", "Death", "Injury", "Arrest", "Protest", "Damage"})
# Events that are about who goes where or who meets whom: without a party they say nothing.
_NEEDS_PARTIES = frozenset({"Visit", "Meeting"})
# Meetings an organisation holds rather than attends.
GATHERINGS = frozenset({"conference", "congress", "convention", "summit", "assembly", "rally"})


# ---------------------------------------------------------------- events

@dataclass
class EventDraft:
    type: str
    trigger: Token
    cameo: str | None
    args: list[tuple[str, str, Span]]  # role, key, span
    governor: Token  # the verb whose subject acts (the trigger, or the light verb of a noun)
    fact: Factuality
    date: str | None = None
    date_text: str | None = None


def _governor(trigger: Token) -> Token:
    """The verb a noun trigger hangs from ("held talks", "arrived ... for talks", "At a press
    conference ..., X said"); the trigger itself for verbs."""
    if trigger.pos_ == "VERB":
        return trigger
    node = trigger
    for _ in range(3):
        head = node.head
        if head is node:
            break
        if node.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in LIGHT_VERBS:
            return head
        if node.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            return head.head
        if node.dep_ in ("conj", "appos"):
            node = head
            continue
        break
    return trigger


def find_events(doc: Doc, index: EntityIndex) -> list[EventDraft]:
    lexicon = triggers()
    drafts: list[EventDraft] = []
    for token in doc:
        if token.is_space or token.i in index.key_at or token.ent_type_ in _NOT_TRIGGER_ENTS:
            continue  # "March" the month is no protest march
        lemma = token.lemma_.lower()
        readings = lexicon.get(lemma) or lexicon.get(token.lower_)
        if not readings:
            continue
        pos = _TRIGGER_POS.get(token.pos_)
        reading = next((r for r in readings if r.pos in ("*", pos)), None)
        if reading is None or pos is None:
            continue
        if lemma == "fire" and _dismissal(token):
            continue  # "they'll fire us": a job lost, not shots
        if pos == "NOUN" and token.dep_ == "compound" and reading.event in ("Ceasefire", "Resolution",
                                                                              "Meeting", "Visit"):
            continue  # "the cease-fire call", "talks process": a modifier, not a happening
        if lemma == "destruction" and token.dep_ == "pobj" and token.head.lower_ == "of" \
                and token.head.head.lemma_.lower() == "weapon":
            continue  # "weapons of mass destruction" ("amid mass destruction" is one)
        if lemma == "strike" and pos == "NOUN" and _labour_strike(token):
            continue  # "balloting workers on strikes": a stoppage, not an attack
        draft = _event_arguments(doc, token, reading.event, reading.cameo, index)
        if draft is not None:
            drafts.append(draft)
    return drafts


_STRIKE_CONTEXT = frozenset("""
air missile drone rocket military artillery nuclear preemptive pre-emptive surgical retaliatory
""".split())
_LABOUR_WORDS = frozenset("""
worker workers union unions staff employees teachers nurses doctors pilots drivers miners
ballot balloting walkout pay wage wages pension pensions industrial general hunger
""".split())


def _labour_strike(token: Token) -> bool:
    """A strike that is a work stoppage: no military modifier, and a word of labour in its
    sentence ("Unison will start balloting 800,000 workers on strikes") or a duration before it
    ("a 48-hour strike", "a one-day strike")."""
    if any(c.lower_ in _STRIKE_CONTEXT or c.ent_type_ in ("NORP", "GPE") for c in token.children):
        return False
    return any(t.lower_ in _LABOUR_WORDS or t.lemma_.lower() in _LABOUR_WORDS for t in token.sent) \
        or any(re.search(r"(?:hour|day|week)", c.lower_) for c in token.subtree if c.i < token.i)


_STAFF = frozenset("employee employees worker workers staff staffer staffers manager coach "
                   "official officials executive executives".split())


def _dismissal(token: Token) -> bool:
    """"Fire" meaning to dismiss: a person or staff as its object, or a passive person subject."""
    if token.pos_ != "VERB":
        return False
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass") and (child.pos_ == "PRON" or child.lower_ in _STAFF
                                                    or child.ent_type_ == "PERSON"):
            return True
    return False


_TRIGGER_POS = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "ADJ": "ADJ"}
_NOT_TRIGGER_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERSON", "ORG", "GPE",
                               "NORP", "MONEY", "PERCENT", "QUANTITY"})


def _event_arguments(doc: Doc, trigger: Token, event: str, cameo: str | None,
                     index: EntityIndex) -> EventDraft | None:
    governor = _governor(trigger)
    args: list[tuple[str, str, Span]] = []
    roles_by_prep = EVENT_ROLES_BY_PREP.get(event, {})
    if event == "Resolution":
        if governor is trigger or governor.lemma_.lower() not in RESOLUTION_VERBS:
            return None
    subject_role = "participant" if event == "Meeting" else "target" if event == "Death" and \
        trigger.lemma_.lower() in _DYING_VERBS else "actor"
    if event in ("Death", "Injury", "Arrest", "Damage") and trigger.tag_ == "VBN" \
            and not any(c.dep_ == "aux" for c in trigger.children):
        subject_role = "target"  # "left at least one student injured": the subject suffered it
    unnamed = event in UNNAMED_FILLER_EVENTS
    if trigger.pos_ == "VERB":
        args += [(subject_role, k, s) for k, s in subjects_of(trigger, index, unnamed)]
        obj_role = {"Visit": "destination", "Meeting": "participant"}.get(event, "target")
        args += [(obj_role, k, s) for k, s in objects_of(trigger, index, unnamed)]
    else:
        for child in trigger.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i in index.key_at:
                key = index.key_at[child.i]
                role = "place" if index.type_of.get(key) in PLACE_TYPES - {"Country"} else subject_role
                if role == "participant" and trigger.lemma_.lower() in GATHERINGS \
                        and index.type_of.get(key) == "Organization":
                    role = "actor"  # "Labour's spring conference": Labour holds it
                args.append((role, key, index.span_at[child.i]))
        if governor is not trigger:
            args += [(subject_role, k, s) for k, s in subjects_of(governor, index, unnamed)]
    for prep, key, span in prep_objects_of(trigger, index, unnamed):
        role = roles_by_prep.get(prep)
        if role:
            args.append((role, key, span))
    if governor is not trigger and event in ("Visit",):
        for prep, key, span in prep_objects_of(governor, index):
            role = roles_by_prep.get(prep)
            if role:
                args.append((role, key, span))
    args = _clean_args(args, index)
    if not args and event in _NEEDS_PARTIES:
        return None  # "drones flying", "a meeting": no visitor, host or party named
    return EventDraft(event, trigger, cameo, args, governor, factuality(trigger, index))


def _clean_args(args: list[tuple[str, str, Span]], index: EntityIndex) -> list[tuple[str, str, Span]]:
    seen, out = set(), []
    for role, key, span in args:
        type_ = index.type_of.get(key)
        if role in ("actor", "participant") and type_ not in ACTOR_TYPES:
            continue
        if role in ("place", "destination", "origin") and type_ not in PLACE_TYPES:
            continue
        if (role, key) in seen:
            continue
        seen.add((role, key))
        out.append((role, key, span))
    return out


def _date_tokens(node: Token) -> list[Token]:
    """DATE entity tokens attached to ``node``: its prepositional or adverbial modifiers."""
    found = []
    for child in node.children:
        if child.ent_type_ == "DATE" and child.dep_ in ("npadvmod", "pobj", "tmod", "nmod", "advmod"):
            found.append(child)
        if child.dep_ == "prep" and child.lower_ in ("on", "in", "since", "during", "at"):
            found.extend(p for p in child.children if p.dep_ == "pobj" and p.ent_type_ == "DATE")
    if node.dep_ in ("relcl", "advcl", "acl") and node.head.ent_type_ == "DATE":
        found.append(node.head)
    if node.dep_ == "nsubj" and node.head.lemma_ == "be" and not found:
        found.extend(c for c in node.head.children if c.ent_type_ == "DATE" and c.dep_ in ("attr", "npadvmod"))
    if node.dep_ in ("relcl", "advcl") and not found:
        # "...visit was last November when he held talks": the clause hangs off a copula
        head = node.head
        found.extend(c for c in head.children if c.ent_type_ == "DATE" and c.dep_ in ("attr", "npadvmod"))
    return found


def _date_phrase(token: Token) -> tuple[str, str]:
    """The DATE entity around ``token`` and the preposition before it."""
    doc = token.doc
    ent = next((e for e in doc.ents if e.start <= token.i < e.end), doc[token.i:token.i + 1])
    prep = token.head.lower_ if token.dep_ == "pobj" else ""
    return ent.text, prep


def date_events(drafts: list[EventDraft], anchor: date | None) -> None:
    """Give each event the date its clause names, resolved against the article date."""
    for draft in drafts:
        for node in (draft.trigger, draft.governor):
            tokens = _date_tokens(node)
            if tokens:
                text, prep = _date_phrase(tokens[0])
                value = resolve_date(f"{prep} {text}".strip(), anchor)  # "in January": a past one
                if prep in ("since", "until", "before", "after") or value is None:
                    draft.date_text = f"{prep} {text}".strip()
                else:
                    draft.date = value
                break


def relative_event_dates(doc: Doc, drafts: list[EventDraft], index: EntityIndex) -> None:
    """"His visit came one day after the Council passed a resolution": the resolution is dated
    one day before the visit it is measured from."""
    for draft in drafts:
        if draft.date:
            continue
        clause = draft.governor
        mark = next((c for c in clause.children if c.dep_ == "mark"
                     and c.lower_ in ("after", "before")), None)
        if mark is None or clause.dep_ != "advcl":
            continue
        main = clause.head
        amount = next((c for c in list(mark.children) + list(main.children)
                       if c.dep_ == "npadvmod"), None)
        subject = next((c for c in main.children if c.dep_ == "nsubj"), None)
        if amount is None or subject is None:
            continue
        offset = parse_offset(" ".join(t.text for t in amount.subtree) + " " + mark.lower_)
        anchor_event = _earlier_same_event(subject, drafts)
        if offset and anchor_event and anchor_event.date:
            n, unit, sign = offset
            draft.date = shift(anchor_event.date, n, unit, -sign)


def _earlier_same_event(noun: Token, drafts: list[EventDraft]) -> EventDraft | None:
    readings = triggers().get(noun.lemma_.lower(), ())
    types = {r.event for r in readings}
    earlier = [d for d in drafts if d.type in types and d.trigger.i < noun.i and d.trigger is not noun]
    return earlier[-1] if earlier else None


def merge_coreferent_events(drafts: list[EventDraft]) -> list[EventDraft]:
    """A later mention of an event already told ("His visit came ...") is not a new event."""
    kept: list[EventDraft] = []
    for draft in drafts:
        actors = {k for r, k, _ in draft.args if r in ("actor", "participant")}
        others = {(r, k) for r, k, _ in draft.args if r not in ("actor", "participant")}
        same = None
        for earlier in kept:
            if earlier.type != draft.type or draft.trigger.pos_ != "NOUN":
                continue
            e_actors = {k for r, k, _ in earlier.args if r in ("actor", "participant")}
            e_others = {(r, k) for r, k, _ in earlier.args if r not in ("actor", "participant")}
            if actors and actors <= e_actors and others <= e_others and not draft.date \
                    and not draft.date_text:
                same = earlier
        if same is None:
            kept.append(draft)
    return kept


# ---------------------------------------------------------------- statements

def find_statements(doc: Doc, index: EntityIndex) -> list[EventDraft]:
    """"X said ...": a Statement by X, whose quote is the clause of what was said."""
    out = []
    for token in doc:
        if token.lemma_.lower() not in SPEECH_VERBS or token.pos_ != "VERB" or token.lemma_ == "deny":
            continue
        speakers = subjects_of(token, index)
        if not speakers or all(is_media(k) for k, _ in speakers):
            continue
        comp = [c for c in token.children if c.dep_ in ("ccomp", "xcomp")]
        if not comp:
            continue
        args = [("actor", k, s) for k, s in speakers]
        args += [("target", k, s) for k, s in objects_of(token, index) if k not in {a[1] for a in args}]
        draft = EventDraft("Statement", token, "010", args, token, factuality(token, index))
        out.append(draft)
    return out


def quote_of(draft: EventDraft) -> str | None:
    """What the speaker said: the complement clause, with quotation marks stripped."""
    comp = next((c for c in draft.trigger.children if c.dep_ in ("ccomp", "xcomp")), None)
    if comp is None:
        return None  # "the minister's statement": no clause of what was said
    tokens = list(comp.subtree)
    # the quote may run past the complement's subtree inside the same quotation marks
    sent = draft.trigger.sent
    start, end = tokens[0].i, tokens[-1].i + 1
    if draft.trigger.i > end:  # "“...,” Haniyeh said."
        start = sent.start
        speaker_part = [draft.trigger.i] + [t.i for c in draft.trigger.children
                                             if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]
        end = min(speaker_part)
    text = draft.trigger.doc[start:end].text
    text = re.sub(r"^[\s“”\"'‘’,]+|[\s“”\"'‘’,]+$", "", text)
    return re.sub(r"\s*[“”\"]\s*", " ", text).replace("  ", " ").strip(" ,")


def to_event(doc: Doc, d: EventDraft) -> Event:
    spans = [s for _, _, s in d.args]
    kind = "statement" if d.type == "Statement" else "event"
    rule = f"{kind}:{d.trigger.lemma_.lower()}"
    quote = quote_of(d) if d.type == "Statement" else None
    if quote is not None and len(quote.split()) < 2:
        quote = None  # a stray mark or word, not what was said
    return Event(type=d.type, trigger=Span(d.trigger.idx, d.trigger.idx + len(d.trigger.text), d.trigger.text),
                 arguments=tuple(Argument(r, k, s) for r, k, s in d.args),
                 evidence=evidence_of(doc, [d.trigger], spans, rule, kind),
                 date=d.date, date_text=d.date_text, quote=quote,
                 factuality=d.fact.value, cameo=d.cameo)
