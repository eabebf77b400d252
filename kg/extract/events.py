"""Reified events from trigger words, with roles from the parse, dates resolved against the
article date, and statements with their speaker and quote."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Token

from kg.extract.dates import parse_offset, resolve_date, shift
from kg.extract.index import (ACTOR_TYPES, UNNAMED, EntityIndex, Factuality, PLACE_TYPES, evidence_of,
                              factuality, is_media, objects_of, prep_objects_of, subjects_of)
from kg.extract.lexicon import SPEECH_VERBS, cameo_of, triggers
from kg.records import Argument, Event, Relation, Span


VISIT_WORDS = frozenset({"visit", "trip", "tour", "arrive"})
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
# Events a possessor undergoes when their noun is the trigger ("his arrest", "her resignation");
# for others the possessor acts ("Israel's offensive").
PATIENT_NOUN_EVENTS = frozenset({"Arrest", "Charge", "Trial", "Conviction", "Sentencing", "Release",
                                 "Acquittal", "Death", "Injury", "Appointment", "Resignation",
                                 "Election", "MedicalTreatment", "Evacuation"})
# Events whose roles unnamed people and places may fill ("13 people were killed"); statements
# and meetings keep named speakers and parties only.
UNNAMED_FILLER_EVENTS = frozenset({"Attack", "Death", "Injury", "Arrest", "Protest", "Damage", "Charge",
                                   "Trial", "Conviction", "Sentencing", "Release", "Investigation",
                                   "Crime", "Threat", "Request", "Travel", "Evacuation", "Obstruction"})
# Events that are about who goes where or who meets whom: without a party they say nothing.
_NEEDS_PARTIES = frozenset({"Visit", "Meeting", "Travel"})
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
    confidence: float | None = None  # the trigger classifier's calibrated probability


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
    """Events at the triggers the trigger classifier found (``doc._.kg_triggers``), or, on a Doc
    it did not run on, at every word the lexicon reads."""
    predicted = doc._.kg_triggers
    drafts: list[EventDraft] = []
    for token in doc:
        if token.is_space or token.i in index.key_at or token.ent_type_ in _NOT_TRIGGER_ENTS:
            continue  # "March" the month is no protest march
        reading = _reading(token, predicted)
        if reading is None:
            continue
        event, cameo, confidence = reading
        if _not_an_event(token, event):
            continue
        draft = _event_arguments(doc, token, event, cameo, index)
        if draft is not None:
            draft.confidence = confidence
            drafts.append(draft)
    return drafts


def _reading(token: Token, predicted: dict | None) -> tuple[str, str | None, float | None] | None:
    """(class, CAMEO code, confidence) of a trigger: the classifier's, else the lexicon's."""
    lemma = token.lemma_.lower()
    readings = triggers().get(lemma) or triggers().get(token.lower_) or ()
    if predicted is not None:
        if token.i not in predicted:
            return None
        event, confidence = predicted[token.i]
        if event == "Travel" and lemma in VISIT_WORDS:
            event = "Visit"  # a visit is travel to see someone or somewhere
        cameo = next((r.cameo for r in readings if r.event == event and r.cameo), None)
        return event, cameo or cameo_of(event), confidence
    pos = _TRIGGER_POS.get(token.pos_)
    reading = next((r for r in readings if r.pos in ("*", pos)), None)
    if reading is None or pos is None:
        return None
    return reading.event, reading.cameo, None


def _not_an_event(token: Token, event: str) -> bool:
    """Structural readings that are no happening, whatever the word's sense."""
    lemma = token.lemma_.lower()
    noun = _TRIGGER_POS.get(token.pos_) == "NOUN"
    if lemma == "fire" and _dismissal(token):
        return True  # "they'll fire us": a job lost, not shots
    if noun and token.dep_ == "compound" and event in ("Ceasefire", "Resolution", "Meeting", "Visit"):
        return True  # "the cease-fire call", "talks process": a modifier, not a happening
    if lemma == "destruction" and token.dep_ == "pobj" and token.head.lower_ == "of" \
            and token.head.head.lemma_.lower() == "weapon":
        return True  # "weapons of mass destruction" ("amid mass destruction" is one)
    if lemma == "strike" and noun and event == "Attack" and _labour_strike(token):
        return True  # "balloting workers on strikes": a stoppage, not an attack
    return False


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
        obj_role = {"Visit": "destination", "Travel": "destination",
                    "Meeting": "participant"}.get(event, "target")
        args += [(obj_role, k, s) for k, s in objects_of(trigger, index, unnamed)]
        args += _object_places(trigger, event, index)
    else:
        for child in trigger.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i in index.key_at:
                key = index.key_at[child.i]
                role = "place" if index.type_of.get(key) in PLACE_TYPES - {"Country"} else subject_role
                if child.dep_ == "poss" and event in PATIENT_NOUN_EVENTS \
                        and index.type_of.get(key) not in PLACE_TYPES:
                    role = "target"  # "his arrest", "her appointment": the possessor undergoes it
                if role == "participant" and trigger.lemma_.lower() in GATHERINGS \
                        and index.type_of.get(key) == "Organization":
                    role = "actor"  # "Labour's spring conference": Labour holds it
                args.append((role, key, index.span_at[child.i]))
        if governor is not trigger and not (event in PATIENT_NOUN_EVENTS and trigger.dep_ == "pobj"):
            # "Haniyeh held talks": the light verb's subject; but "X apologised after his
            # arrest" does not make X the arrester
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
    args += _employers(trigger, event, index, args)
    args = _clean_args(args, index)
    if not args and event in _NEEDS_PARTIES:
        return None  # "drones flying", "a meeting": no visitor, host or party named
    return EventDraft(event, trigger, cameo, args, governor, factuality(trigger, index))


def _employers(trigger: Token, event: str, index: EntityIndex,
               args: list[tuple[str, str, Span]]) -> list[tuple[str, str, Span]]:
    """The organisation of a post taken or left: "appointed X chief executive of Barclays",
    "named X to the board of BP", "resigned from Shell"; else the organisation that appointed."""
    if event not in ("Appointment", "Resignation"):
        return []
    out = []
    for node in [trigger] + [t for t in trigger.subtree if t.dep_ in ("pobj", "attr", "oprd", "dobj",
                                                                       "xcomp", "appos", "amod")]:
        for prep, key, span in prep_objects_of(node, index):
            if prep in ("of", "at", "from", "to", "with", "for") and index.type_of.get(key) == "Organization":
                out.append(("employer", key, span))
    if not out and event == "Appointment":
        out = [("employer", k, s) for r, k, s in args
               if r == "actor" and index.type_of.get(k) == "Organization"]
    return out


def _object_places(trigger: Token, event: str, index: EntityIndex) -> list[tuple[str, str, Span]]:
    """Places the object of a verb trigger names: the possessor or modifier of a common noun
    ("visited Kenya's biggest shantytown": Kenya), or a place phrase the parser hung on the
    object rather than the verb ("met Abiy Ahmed in Addis Ababa")."""
    out = []
    role = "destination" if event in ("Visit", "Travel") else "place"
    for obj in (c for c in trigger.children if c.dep_ == "dobj"):
        if obj.i not in index.key_at and event in ("Visit", "Travel"):
            for child in obj.children:
                if child.dep_ in ("poss", "compound", "amod") and child.i in index.key_at \
                        and index.type_of.get(index.key_at[child.i]) in PLACE_TYPES:
                    out.append((role, index.key_at[child.i], index.span_at[child.i]))
        for prep, key, span in prep_objects_of(obj, index):
            if prep in ("in", "at") and index.type_of.get(key) in PLACE_TYPES \
                    and event in ("Meeting", "Visit", "Travel", "Attack", "Arrest", "Protest"):
                out.append((role, key, span))
    return out


def role_fits(role: str, type_: str | None) -> bool:
    """Whether an entity of class ``type_`` may fill ``role``: an actor, participant or employer
    is a person, organisation, country or group; a place, destination or origin is a place."""
    if role in ("actor", "participant", "employer"):
        return type_ in ACTOR_TYPES
    if role in ("place", "destination", "origin"):
        return type_ in PLACE_TYPES
    return True


def _clean_args(args: list[tuple[str, str, Span]], index: EntityIndex) -> list[tuple[str, str, Span]]:
    seen, out = set(), []
    for role, key, span in args:
        if not role_fits(role, index.type_of.get(key)):
            continue
        if (role, key) in seen:
            continue
        seen.add((role, key))
        out.append((role, key, span))
    return out


def described_patients(drafts: list[EventDraft], index: EntityIndex) -> list[EventDraft]:
    """The drafts with each named target that only describes the people who underwent the
    event replaced by those people: in "Seven Taliban militants were killed" the militants
    died, not the Taliban ("23 Afghan soldiers", "four Ulsterbus workers"). Actors keep the
    name: in "Taliban militants attacked" the Taliban attacked."""
    for d in drafts:
        if d.type not in UNNAMED_FILLER_EVENTS:
            continue
        doc, args = d.trigger.doc, []
        for role, key, span in d.args:
            if role == "target" and not key.startswith(UNNAMED):
                words = doc.char_span(span.start, span.end, alignment_mode="expand")
                people = index.described_people(words.root) if words is not None else None
                if people is not None:
                    key, span = people
            args.append((role, key, span))
        d.args = _clean_args(args, index)
    return drafts


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
    evidence = evidence_of(doc, [d.trigger], spans, rule, kind)
    if d.confidence is not None:
        evidence = replace(evidence, confidence=round(d.confidence, 4), rule=f"model:{rule}")
    return Event(type=d.type, trigger=Span(d.trigger.idx, d.trigger.idx + len(d.trigger.text), d.trigger.text),
                 arguments=tuple(Argument(r, k, s) for r, k, s in d.args),
                 evidence=evidence,
                 date=d.date, date_text=d.date_text, quote=quote,
                 factuality=d.fact.value, cameo=d.cameo)


# ---------------------------------------------------------------- direct edges of events

# event class -> (subject role, object role, predicate, subject types, object types)
EVENT_EDGES = {
    "Acquisition": ("actor", "target", "acquired", ("Organization", "Person"), ("Organization",)),
    "Merger": ("actor", "target", "acquired", ("Organization",), ("Organization",)),
    "Appointment": ("target", "employer", "appointedTo", ("Person",), ("Organization", "Country")),
    "Charge": ("actor", "target", "charged", ("Organization", "Country", "Person"), ("Person", "Organization")),
}


def event_edges(doc: Doc, drafts: list[EventDraft], index: EntityIndex) -> list[Relation]:
    """The direct edges the newer events give, for queries that want no event node:
    ``acquired`` (buyer to bought), ``appointedTo`` (person to organisation), ``charged``
    (prosecuting body to defendant)."""
    out = []
    for d in drafts:
        spec = EVENT_EDGES.get(d.type)
        if spec is None:
            continue
        s_role, o_role, predicate, s_types, o_types = spec
        for r1, s_key, s_span in d.args:
            for r2, o_key, o_span in d.args:
                if r1 != s_role or r2 != o_role or s_key == o_key \
                        or s_key.startswith(UNNAMED) or o_key.startswith(UNNAMED) \
                        or index.type_of.get(s_key) not in s_types or index.type_of.get(o_key) not in o_types:
                    continue
                out.append(event_edge(doc, d, predicate, s_key, s_span, o_key, o_span))
    return out


def event_edge(doc: Doc, d: EventDraft, predicate: str, s_key: str, s_span: Span, o_key: str,
               o_span: Span) -> Relation:
    """The direct relation ``predicate`` an event ``d`` gives between two of its entities."""
    rule = f"event:{d.type.lower()}:{d.trigger.lemma_.lower()}"
    return Relation(s_key, predicate, o_key, s_span, o_span,
                    evidence_of(doc, [d.trigger], [s_span, o_span], rule, "event"),
                    d.fact.value, d.fact.speaker)
