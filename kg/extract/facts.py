"""Relations, events, statements and casualty figures from a parsed article.

Everything here reads the dependency parse of one article whose entity mentions are already
resolved (:class:`EntityIndex`), and returns plain records (:mod:`kg.records`). The rules:

* titles and appositions give ``leaderOf``/``worksFor``/``spokespersonFor``/``memberOf``
  ("Hamas chief Ismail Haniyeh", "Iranian Foreign Minister Hossein Amir-Abdollahian");
* verbs give direct relations ("visit", "arrive in", "meet", "hold talks with", "reject", ...);
* trigger words give reified events with roles, a date and a CAMEO code;
* "X said ..." gives a Statement with speaker and quote, and what sits inside reported speech is
  attributed to the speaker rather than asserted; negated and hedged readings are marked so;
* "At least N X have been killed and M others injured" gives a CasualtyReport with integers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Token

from kg.extract.dates import parse_offset, resolve_date, shift
from kg.extract.lexicon import (HEDGE_WORDS, IRREALIS_HEADS, LEADER_TITLES, MEDIA_WORDS,
                                MEMBER_TITLES, NEGATING_HEADS, PERSON_FILLER_NOUNS,
                                PLACE_FILLER_NOUNS, RELATION_VERBS, SPEECH_VERBS, SPOKES_TITLES,
                                TITLE_WORDS, WORK_TITLES, triggers)
from kg.extract.text import doc_text
from kg.iri import slug
from kg.records import Argument, Event, Evidence, Relation, Span

ACTOR_TYPES = {"Person", "Organization", "Country", "Group"}
ORG_TYPES = {"Organization", "Country"}
PLACE_TYPES = {"Country", "City", "Region", "Place"}
# Words before a people or place noun that belong to its unnamed filler: "at least 13 people",
# "a Syrian-born bomber", "the crowded bakery".
_FILLER_MODIFIERS = frozenset({"det", "nummod", "amod", "compound", "quantmod", "nmod"})
ADDRESS_VERBS = frozenset({"tell", "interview", "brief", "inform", "assure", "warn"})
_DYING_VERBS = frozenset({"die", "perish", "succumb", "drown", "starve"})  # the subject is the dead
UNNAMED = "unnamed/"
"""The key prefix of unnamed role fillers; direct relations are only between named entities."""
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
CONFIDENCE = {"title": 0.9, "apposition": 0.85, "verb": 0.8, "event": 0.75, "statement": 0.85,
              "casualty": 0.9}


@dataclass
class EntityIndex:
    """Resolved entities of one article, as seen from the tokens of its Doc."""

    key_at: dict[int, str]  # token index -> entity key
    type_of: dict[str, str]  # entity key -> ontology class
    span_at: dict[int, Span]  # token index -> the mention span covering it
    extra_mentions: list[tuple[str, Span]] = field(default_factory=list)  # pronouns, nominals
    scope: str = ""  # the article key unnamed role fillers are minted under
    unnamed: dict[str, tuple[str, str, list[Span]]] = field(default_factory=dict)  # key -> type, label, spans

    def unnamed_fillers(self, token: Token, conjuncts: bool = True) -> list[tuple[str, Span]]:
        """A people or place noun with no name on it ("three soldiers", "a police officer",
        "the bakery") as an unnamed entity of this article, plus such conjuncts; the key is
        article-scoped, so "a man" of one article never meets "a man" of another."""
        out: list[tuple[str, Span]] = []
        nouns = [token] + ([c for c in token.children if c.dep_ == "conj"] if conjuncts else [])
        for noun in nouns:
            filler = self._unnamed(noun)
            if filler is not None:
                out.append(filler)
        return out

    def _unnamed(self, noun: Token) -> tuple[str, Span] | None:
        if noun.i in self.key_at:
            return None
        if noun.pos_ == "NUM" and noun.dep_ in ("nsubj", "nsubjpass", "dobj") \
                and noun.ent_type_ in ("CARDINAL", ""):
            type_ = "Group"  # "15 were injured", "killing three": that many people
        elif noun.pos_ != "NOUN":
            return None
        elif (lemma := noun.lemma_.lower()) in PERSON_FILLER_NOUNS:
            numbers = [c for c in noun.children if c.dep_ == "nummod"]
            plural = noun.tag_ == "NNS" or lemma in ("people", "police", "personnel", "staff", "crew")
            type_ = "Group" if plural or numbers else "Person"
        elif lemma in PLACE_FILLER_NOUNS:
            type_ = "Place"
        else:
            return None
        lefts = [c for c in noun.lefts if c.dep_ in _FILLER_MODIFIERS and c.i not in self.key_at]
        start = min([c.left_edge.i for c in lefts] + [noun.i])
        doc = noun.doc
        if any(t.i in self.key_at for t in doc[start:noun.i]):
            return None  # a name inside ("U.S. service members"): the name is the filler
        words = doc[start:noun.i + 1]
        span = Span(words.start_char, words.end_char, words.text)
        label = re.sub(r"^(?:the|a|an|this|that|these|those)\s+", "", words.text, flags=re.I)
        if noun.pos_ == "NUM":
            label += " people"  # the reading the rule gives it; the mention keeps the text
        if words[0].is_sent_start and words[0].pos_ != "PROPN":
            label = label[:1].lower() + label[1:]  # "Police arrested ...": police
        key = f"{UNNAMED}{self.scope}/{slug(label)}"
        self.type_of[key] = type_
        _, _, spans = self.unnamed.setdefault(key, (type_, label, []))
        if span not in spans:
            spans.append(span)
        return key, span

    def entities_of(self, token: Token, depth: int = 0,
                    conjuncts: bool = True) -> list[tuple[str, Span]]:
        """Entities a token stands for: its own mention, else entity modifiers of a noun
        ("Iranian officials" -> Iran), plus those of its conjuncts (unless ``conjuncts`` is
        false)."""
        out: list[tuple[str, Span]] = []
        if token.i in self.key_at:
            out.append((self.key_at[token.i], self.span_at[token.i]))
        elif token.pos_ in ("NOUN", "PROPN"):
            for child in token.children:
                if child.dep_ in ("compound", "amod", "nmod") and child.i in self.key_at:
                    out.append((self.key_at[child.i], self.span_at[child.i]))
                    break
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "including":  # "officials, including X"
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            out.extend(self.entities_of(pobj, depth + 1))
        if depth < 3 and conjuncts:
            for conj in token.children:
                if conj.dep_ == "conj":
                    out.extend(self.entities_of(conj, depth + 1))
        seen, unique = set(), []
        for key, span in out:
            if key not in seen:
                seen.add(key)
                unique.append((key, span))
        return unique


def _span(doc: Doc, start_tok: int, end_tok: int) -> Span:
    s = doc[start_tok:end_tok]
    return Span(s.start_char, s.end_char, s.text)


def sentence_span(sent) -> Span:
    """A spaCy sentence as a record, without the white space (line breaks) around it."""
    text = sent.text.strip()
    offset = sent.text.find(text) if text else 0
    return Span(sent.start_char + offset, sent.start_char + offset + len(text), text)


def _sentence(token: Token) -> Span:
    return sentence_span(token.sent)


def _evidence(doc: Doc, tokens: list[Token], spans: list[Span], rule: str, kind: str) -> Evidence:
    sentence = _sentence(tokens[0])
    spans = [s for s in spans if sentence.start <= s.start and s.end <= sentence.end]
    starts = [t.idx for t in tokens] + [s.start for s in spans]
    ends = [t.idx + len(t.text) for t in tokens] + [s.end for s in spans]
    start, end = min(starts), max(ends)
    return Evidence(sentence, Span(start, end, doc_text(doc)[start:end]),
                    CONFIDENCE[kind], rule)


# ---------------------------------------------------------------- titles and appositions

def _title_predicate(words: list[str]) -> str | None:
    lowered = [w.lower() for w in words]
    if "prime" in lowered or "supreme" in lowered and "leader" in lowered:
        return "leaderOf"
    for w in reversed(lowered):
        if w in SPOKES_TITLES:
            return "spokespersonFor"
        if w in LEADER_TITLES:
            return "leaderOf"
        if w in MEMBER_TITLES:
            return "memberOf"
        if w in WORK_TITLES:
            return "worksFor"
    return None


def title_relations(doc: Doc, index: EntityIndex, persons: list[tuple[int, int, str]]) -> list[Relation]:
    """Relations read from titles next to person names. ``persons`` holds token ranges and keys
    of person name mentions."""
    out: list[Relation] = []
    for start, end, key in persons:
        person_span = index.span_at[start]
        # "Hamas chief Ismail Haniyeh": the words before the name inside its noun phrase
        # a title the mention itself starts with ("President Volodymyr Zelensky")
        name_start = start
        while name_start < end - 1 and doc[name_start].lower_.rstrip(".") in TITLE_WORDS:
            name_start += 1
        left: list[Token] = [doc[k] for k in range(start, name_start)]
        i = start - 1
        while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod", "punct", "poss", "case") \
                and doc[i].head.i in range(i + 1, end) and doc[i].text not in (",", "(", "“", '"'):
            left.insert(0, doc[i])
            i -= 1
        titles = [t for t in left if t.i not in index.key_at or start <= t.i < name_start]
        predicate = _title_predicate([t.text for t in titles])
        if predicate:
            for t in left:
                org = index.key_at.get(t.i)
                if org and index.type_of.get(org) in ORG_TYPES and org != key:
                    out.append(Relation(key, predicate, org, person_span, index.span_at[t.i],
                                        _evidence(doc, [doc[start]] + left, [person_span],
                                                  f"title:{'-'.join(x.lower_ for x in titles)}",
                                                  "title")))
                    break
        # "Ismail Haniyeh, the leader of Hamas," and "the leader of Hamas, Ismail Haniyeh"
        root = doc[start:end].root
        nouns = [c for c in root.children if c.dep_ == "appos" and c.i not in index.key_at]
        if root.dep_ == "appos" and root.head.i not in index.key_at:
            nouns.append(root.head)
        for noun in nouns:
            predicate = _title_predicate([noun.text] + [c.text for c in noun.children
                                                        if c.dep_ in ("compound", "amod")])
            if not predicate:
                continue
            for org, org_span in _organisations_of(noun, index):
                if org != key:
                    out.append(Relation(key, predicate, org, person_span, org_span,
                                        _evidence(doc, [doc[start], noun], [person_span, org_span],
                                                  f"apposition:{noun.lower_}", "apposition")))
    return out


RESIDENCE_NOUNS = frozenset("native resident residents citizen citizens inhabitant".split())


def _left_modifiers(doc: Doc, start: int, end: int) -> list[Token]:
    """The words before a name inside its noun phrase ("the U.S." of "the U.S. Congress")."""
    left: list[Token] = []
    i = start - 1
    while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod", "punct", "poss", "case", "det") \
            and doc[i].head.i in range(i + 1, end) and doc[i].text not in (",", "(", "“", '"'):
        left.insert(0, doc[i])
        i -= 1
    return left


def residence_relations(doc: Doc, index: EntityIndex,
                        persons: list[tuple[int, int, str]]) -> list[Relation]:
    """``livesIn`` from nationality and residence: "Soviet historian Roy Medvedev", "U.S.
    Ambassador Vernon Walters", "Marie Ferraro, 50, of Bethany", "born in North Bend",
    "a native of Chisholm"."""
    out: list[Relation] = []
    for start, end, key in persons:
        person_span = index.span_at[start]
        root = doc[start:end].root
        found: list[tuple[str, Span, Token, str]] = []
        for t in _left_modifiers(doc, start, end):
            place = index.key_at.get(t.i)
            if place and index.type_of.get(place) == "Country":
                found.append((place, index.span_at[t.i], t, "nationality"))
        heads = [root] + [c for c in root.children if c.dep_ in ("appos", "amod", "nummod")]
        for h in heads:
            for prep, place, span in _prep_objects(h, index):
                if prep == "of":
                    found.append((place, span, h, "of-place"))
        head = root.head
        if root.dep_ == "nsubjpass" and head.lemma_ == "bear":
            found += [(k, sp, head, "born-in") for p, k, sp in _prep_objects(head, index)
                      if p in ("in", "at")]
        if root.dep_ == "nsubj" and head.lemma_ == "be":
            for attr in head.children:
                if attr.dep_ == "attr" and attr.lower_ in RESIDENCE_NOUNS:
                    found += [(k, sp, attr, "native-of") for p, k, sp in _prep_objects(attr, index)
                              if p in ("of", "from")]
        seen = set()
        for place, span, token, rule in found:
            if index.type_of.get(place) not in PLACE_TYPES or place in seen or place == key:
                continue
            seen.add(place)
            fact = factuality(root.head if root.head is not root else root, index)
            out.append(Relation(key, "livesIn", place, person_span, span,
                                _evidence(doc, [doc[start], token], [person_span, span],
                                          f"residence:{rule}", "title"),
                                fact.value, fact.speaker))
    return out


def organisation_places(doc: Doc, index: EntityIndex,
                        organisations: list[tuple[int, int, str]]) -> list[Relation]:
    """``basedIn`` from a place in the organisation's own phrase: "the U.S. Congress",
    "Sun Hung Kai Properties, a Hong Kong construction firm", "a bank in Zurich"."""
    out: list[Relation] = []
    for start, end, key in organisations:
        org_span = index.span_at[start]
        root = doc[start:end].root
        found = [(index.key_at[t.i], index.span_at[t.i], t) for t in _left_modifiers(doc, start, end)
                 if t.i in index.key_at]
        for appos in (c for c in root.children if c.dep_ == "appos" and c.i not in index.key_at):
            found += [(index.key_at[c.i], index.span_at[c.i], appos) for c in appos.children
                      if c.dep_ in ("compound", "amod", "nmod") and c.i in index.key_at]
            found += [(k, sp, appos) for p, k, sp in _prep_objects(appos, index) if p in ("in", "of")]
        seen = set()
        for place, span, token in found:
            if index.type_of.get(place) not in PLACE_TYPES or place in seen or place == key:
                continue
            seen.add(place)
            out.append(Relation(key, "basedIn", place, org_span, span,
                                _evidence(doc, [doc[start], token], [org_span, span],
                                          "organisation:place-modifier", "apposition")))
    return out


def _organisations_of(noun: Token, index: EntityIndex) -> list[tuple[str, Span]]:
    found = []
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i in index.key_at:
            found.append((index.key_at[child.i], index.span_at[child.i]))
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found.extend(index.entities_of(pobj))
    return [(k, s) for k, s in found if index.type_of.get(k) in ORG_TYPES]


def nominal_mentions(doc: Doc, index: EntityIndex, relations: list[Relation]) -> None:
    """"The Hamas leader" is the one person the article names as leader of Hamas."""
    holders: dict[tuple[str, str], set[str]] = {}
    for r in relations:
        holders.setdefault((r.predicate, r.object), set()).add(r.subject)
    for token in doc:
        if token.i in index.key_at or token.pos_ != "NOUN":
            continue
        predicate = _title_predicate([token.text])
        if predicate is None or not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            continue
        for child in token.children:
            org = index.key_at.get(child.i)
            if child.dep_ in ("compound", "amod", "poss") and org:
                people = holders.get((predicate, org), set())
                if len(people) == 1:
                    person = next(iter(people))
                    det = min(c.i for c in token.children if c.dep_ == "det")
                    span = _span(doc, det, token.i + 1)
                    index.key_at[token.i] = person
                    index.span_at[token.i] = span
                    index.extra_mentions.append((person, span))
                break


_MASCULINE = {"he", "him", "his"}
_FEMININE = {"she", "her"}


def pronoun_mentions(doc: Doc, index: EntityIndex, pronouns: list[int]) -> None:
    """"He", "his": a person named before it within three sentences. The candidates are the
    persons named there whose gender, as far as earlier pronouns tell, does not clash; the
    latest subject among them wins, else the nearest mention."""
    sent_starts = [s.start for s in doc.sents]
    gender: dict[str, str] = {}
    for i in pronouns:
        token = doc[i]
        g = "m" if token.lower_ in _MASCULINE else "f"
        sent_idx = bisect_right(sent_starts, i) - 1
        floor = sent_starts[max(0, sent_idx - 3)]
        candidates: list[tuple[int, str]] = []  # (token index, person key), nearest first
        for j in range(i - 1, floor - 1, -1):
            key = index.key_at.get(j)
            if key and index.type_of.get(key) == "Person" and gender.get(key, g) == g \
                    and doc[j].lower_ not in _MASCULINE | _FEMININE:
                candidates.append((j, key))
        if not candidates:
            continue
        subjects = [(j, k) for j, k in candidates if doc[j].dep_ in ("nsubj", "nsubjpass")
                    or doc[j].head.dep_ in ("nsubj", "nsubjpass") and doc[j].head.i in index.key_at]
        key = (subjects or candidates)[0][1]
        gender[key] = g
        span = Span(token.idx, token.idx + len(token.text), token.text)
        index.key_at[i] = key
        index.span_at[i] = span
        index.extra_mentions.append((key, span))


# ---------------------------------------------------------------- factuality

@dataclass(frozen=True)
class Factuality:
    value: str = "Asserted"
    speaker: str | None = None
    speech_verb: int | None = None


def factuality(token: Token, index: EntityIndex) -> Factuality:
    """Whether the text asserts what ``token`` triggers, reports it, hedges it or denies it."""
    if _negated(token):
        return Factuality("Negated")
    hedged = any(c.dep_ == "aux" and c.lemma_ in ("may", "might", "could", "would", "will", "should")
                 for c in token.children) or any(c.lower_ in HEDGE_WORDS for c in token.children)
    node, steps = token, 0
    while node.head is not node and steps < 8:
        head = node.head
        if node.dep_ in ("ccomp", "xcomp", "dobj", "pcomp", "pobj", "acl", "advcl", "conj",
                         "nsubj", "nsubjpass", "attr", "prep", "compound", "amod", "relcl"):
            lemma = head.lemma_.lower()
            if lemma in NEGATING_HEADS and node.dep_ in ("xcomp", "pcomp", "ccomp", "dobj") \
                    and lemma != "reject":
                return Factuality("Negated")
            if _negated(head) and node.dep_ in ("xcomp", "ccomp"):
                return Factuality("Negated")
            if lemma in IRREALIS_HEADS and node.dep_ in ("xcomp", "ccomp", "dobj", "pcomp", "pobj"):
                hedged = True
            if lemma in SPEECH_VERBS and node.dep_ in ("ccomp", "xcomp", "conj") and head.pos_ == "VERB":
                speakers = _subjects(head, index)
                if speakers and not all(_is_media(k) for k, _ in speakers):
                    return Factuality("Hedged" if hedged else "Reported", speakers[0][0], head.i)
        if node.dep_ in ("ROOT",):
            break
        node, steps = head, steps + 1
    if hedged:
        return Factuality("Hedged")
    if _in_quotes(token):
        return Factuality("Reported")  # someone's words ("“crimes and genocide”"), not the article's
    return Factuality()


def _in_quotes(token: Token) -> bool:
    """Whether ``token`` sits between quotation marks of its sentence."""
    before = doc_text(token.doc)[token.sent.start_char:token.idx]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("neg", "det", "advmod")
               for c in token.children)


def _is_media(key: str) -> bool:
    return any(w in MEDIA_WORDS for w in key.split("/")[-1].split("-"))


def _fillers(token: Token, index: EntityIndex, unnamed: bool) -> list[tuple[str, Span]]:
    """The entities ``token`` stands for; with ``unnamed``, else the unnamed people or place it
    names ("three soldiers")."""
    conjuncts = True
    if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        # "Jack Ruby, who killed Oswald, and Jim Bakker": Jack Ruby alone
        token, conjuncts = token.head.head, False
    found = index.entities_of(token, conjuncts=conjuncts)
    if not found and unnamed:
        found = index.unnamed_fillers(token, conjuncts=conjuncts)
    return found


def _subjects(verb: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, Span]]:
    """Entities acting as the subject of ``verb``: nsubj, the agent of a passive, or the subject
    inherited by a conjoined or open-complement verb."""
    found: list[tuple[str, Span]] = []
    for child in verb.children:
        if child.dep_ in ("nsubj",):
            found.extend(_fillers(child, index, unnamed))
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found.extend(_fillers(pobj, index, unnamed))
    if not found and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            return _subjects(verb.head, index, unnamed)
    return found


def _objects(verb: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, Span]]:
    found: list[tuple[str, Span]] = []
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass", "dative"):
            found.extend(_fillers(child, index, unnamed))
    return found


def _prep_objects(head: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, str, Span]]:
    """(preposition, entity key, span) for prepositional objects of ``head``."""
    out = []
    for child in head.children:
        if child.dep_ == "prep":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.extend((child.lower_, k, s) for k, s in _fillers(pobj, index, unnamed))
    return out


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
        args += [(subject_role, k, s) for k, s in _subjects(trigger, index, unnamed)]
        obj_role = {"Visit": "destination", "Meeting": "participant"}.get(event, "target")
        args += [(obj_role, k, s) for k, s in _objects(trigger, index, unnamed)]
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
            args += [(subject_role, k, s) for k, s in _subjects(governor, index, unnamed)]
    for prep, key, span in _prep_objects(trigger, index, unnamed):
        role = roles_by_prep.get(prep)
        if role:
            args.append((role, key, span))
    if governor is not trigger and event in ("Visit",):
        for prep, key, span in _prep_objects(governor, index):
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
        speakers = _subjects(token, index)
        if not speakers or all(_is_media(k) for k, _ in speakers):
            continue
        comp = [c for c in token.children if c.dep_ in ("ccomp", "xcomp")]
        if not comp:
            continue
        args = [("actor", k, s) for k, s in speakers]
        args += [("target", k, s) for k, s in _objects(token, index) if k not in {a[1] for a in args}]
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


# ---------------------------------------------------------------- casualties

_QUALIFIER = r"(?P<q{n}>at least|more than|over|nearly|almost|some|about|around|up to)?\s*"
_NUMBER = r"(?P<n{n}>\d[\d,.]*(?:\s+(?:million|thousand))?)"
_CASUALTY = re.compile(
    _QUALIFIER.format(n=1) + _NUMBER.format(n=1) +
    r"\s+(?P<g1>(?:[A-Za-z’'-]+\s+){0,3}?)(?:(?:have|has|had|were|was|are|been|since|reportedly|also|now)\s+){0,4}"
    r"(?P<v1>killed|dead|died|slain|injured|wounded|hurt)"
    r"(?:\s*,?\s*(?:and|while|with)\s+" + _QUALIFIER.format(n=2) + _NUMBER.format(n=2) +
    r"\s+(?P<g2>(?:[A-Za-z’'-]+\s+){0,3}?)(?:(?:have|has|had|were|was|are|been|others)\s+){0,3}"
    r"(?P<v2>killed|dead|died|slain|injured|wounded|hurt))?", re.I)


def _count(text: str) -> int | None:
    text = text.lower().replace(",", "")
    mult = 1_000_000 if "million" in text else 1000 if "thousand" in text else 1
    number = re.match(r"[\d.]+", text)
    if not number:
        return None
    try:
        return int(round(float(number.group()) * mult))
    except ValueError:
        return None


@dataclass
class CasualtyDraft:
    deaths: int | None
    injuries: int | None
    at_least: bool
    span: Span
    sentence: Span
    group: tuple[str, Span] | None


def find_casualties(doc: Doc, index: EntityIndex) -> list[CasualtyDraft]:
    out = []
    for sent in doc.sents:
        for m in _CASUALTY.finditer(sent.text):
            counts: dict[str, int] = {}
            at_least = False
            for n in ("1", "2"):
                if m.group("v" + n) is None:
                    continue
                value = _count(m.group("n" + n))
                if value is None:
                    continue
                kind = "deaths" if m.group("v" + n).lower() in ("killed", "dead", "died", "slain") else "injuries"
                counts.setdefault(kind, value)
                at_least |= (m.group("q" + n) or "").lower() in ("at least", "more than", "over", "up to")
            if not counts:
                continue
            start = sent.start_char + m.start()
            end = sent.start_char + m.end()
            group = None
            g_start = sent.start_char + m.start("g1")
            g_end = sent.start_char + m.end("g1")
            for tok_i, key in index.key_at.items():
                tok = doc[tok_i]
                if g_start <= tok.idx < g_end:
                    group = (key, index.span_at[tok_i])
                    break
            sentence = sentence_span(sent)
            out.append(CasualtyDraft(counts.get("deaths"), counts.get("injuries"), at_least,
                                     Span(start, end, doc_text(doc)[start:end]), sentence, group))
    return out


# ---------------------------------------------------------------- direct relations from verbs

def verb_relations(doc: Doc, index: EntityIndex, drafts: list[EventDraft]) -> list[Relation]:
    """"Haniyeh thanked Iran", "Israel rejected the cease-fire call" (the call of the body that
    passed the resolution before it), "based in" and "headquartered in"."""
    out: list[Relation] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in RELATION_VERBS and lemma not in ("visit", "meet", "kill",
                                                                              "assassinate", "murder"):
            predicate = RELATION_VERBS[lemma]
            subjects = _subjects(token, index)
            objects = _objects(token, index)
            if not objects and lemma == "reject":
                objects = _proposal_owner(token, drafts)
            fact = factuality(token, index)
            for s_key, s_span in subjects:
                for o_key, o_span in objects:
                    if s_key != o_key and index.type_of.get(s_key) in ACTOR_TYPES:
                        out.append(Relation(s_key, predicate, o_key, s_span, o_span,
                                            _evidence(doc, [token], [s_span, o_span],
                                                      f"verb:{lemma}", "verb"),
                                            fact.value, fact.speaker))
        if lemma in ("base", "headquarter") and token.tag_ == "VBN":
            out.extend(_based_in(doc, token, index))
    return out


def _based_in(doc: Doc, token: Token, index: EntityIndex) -> list[Relation]:
    """"X, which is headquartered in Y", "X, a group based in Y", "the Y-based X"."""
    places = [(k, s) for p, k, s in _prep_objects(token, index) if p in ("in", "at")]
    places += [e for c in token.children if c.dep_ in ("npadvmod", "compound")
               for e in index.entities_of(c)]
    if token.dep_ in ("acl", "amod", "relcl"):
        owner_token = token.head
        if owner_token.dep_ == "appos" and owner_token.i not in index.key_at:
            owner_token = owner_token.head
        owners = index.entities_of(owner_token)
    else:
        owners = _subjects(token, index) or _objects(token, index)
    out = []
    fact = factuality(token, index)
    for o_key, o_span in owners:
        for p_key, p_span in places:
            if index.type_of.get(o_key) == "Organization" and index.type_of.get(p_key) in PLACE_TYPES:
                out.append(Relation(o_key, "basedIn", p_key, o_span, p_span,
                                    _evidence(doc, [token], [o_span, p_span],
                                              f"verb:{token.lemma_.lower()}-in", "verb"),
                                    fact.value, fact.speaker))
    return out


def _proposal_owner(verb: Token, drafts: list[EventDraft]) -> list[tuple[str, Span]]:
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None or obj.lemma_.lower() not in ("call", "resolution", "demand", "proposal", "plan",
                                                 "offer", "request", "ceasefire", "cease-fire"):
        return []
    earlier = [d for d in drafts if d.type == "Resolution" and d.trigger.i < verb.i]
    if not earlier:
        return []
    return [(k, s) for r, k, s in earlier[-1].args if r == "actor"]


def learned_relations(doc: Doc, index: EntityIndex, model, named, cluster_of: dict[int, str],
                      known: list[Relation]) -> list[Relation]:
    """Relations the CoNLL04-trained classifier reads between named mentions of one sentence,
    for the pairs the rules did not relate; factual status as for any verb of the sentence."""
    mentions = [(c.token_start, c.token_end, cluster_of[i], index.type_of[cluster_of[i]])
                for i, c in enumerate(named) if c.kind == "name"]
    found = model.relations(doc, mentions, known={(r.subject, r.object) for r in known}
                            | {(r.object, r.subject) for r in known})
    out = []
    for r in found:
        head = doc.char_span(r.subject_span.start, r.subject_span.end, alignment_mode="expand")
        tail = doc.char_span(r.object_span.start, r.object_span.end, alignment_mode="expand")
        if head is not None and tail is not None and _across_speech(head.root, tail.root):
            continue  # "Haniyeh said the UN resolution ...": the speaker and what was said
        if tail is not None and _addressee(tail.root):
            continue  # "Mr Hain told BBC Radio Four": whom one speaks to is no employer
        if r.predicate == "locatedIn" and index.type_of.get(r.subject) == "Country" \
                and index.type_of.get(r.object) == "Country":
            continue  # "in Northern Ireland ..., in Wales ...": countries side by side

        fact = factuality(head.root.head, index) if head is not None else Factuality()
        sentence = _sentence(head.root) if head is not None else r.evidence.sentence
        out.append(replace(r, factuality=fact.value, attributed_to=fact.speaker,
                           evidence=replace(r.evidence, sentence=sentence)))
    return out


def _addressee(token: Token) -> bool:
    """``token`` names whom a verb of saying addresses ("told the BBC", "told BBC Radio Four's
    Today programme", "said to Reuters")."""
    node = token
    for _ in range(3):
        head = node.head
        if node.dep_ in ("dative", "dobj") and head.lemma_.lower() in ADDRESS_VERBS:
            return True
        if node.dep_ == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() in SPEECH_VERBS:
            return True
        if node.dep_ not in ("poss", "compound") or head is node:
            return False
        node = head  # "BBC Radio Four's Today programme": up to the programme
    return False


def _across_speech(a: Token, b: Token) -> bool:
    """One of the two is the subject of a verb of saying and the other sits in what was said."""
    for x, y in ((a, b), (b, a)):
        verb = x.head
        if x.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in SPEECH_VERBS:
            complements = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
            if any(y.i in {t.i for t in c.subtree} for c in complements):
                return True
    return False


def event_relations(doc: Doc, drafts: list[EventDraft]) -> list[Relation]:
    """The direct edges an event implies: visited, metWith, killed."""
    out = []
    for d in drafts:
        actors = [(k, s) for r, k, s in d.args if r == "actor"]
        if d.type == "Visit":
            pairs = [(a, b) for a in actors for r, *b in d.args if r == "destination"]
            predicate = "visited"
        elif d.type == "Meeting":  # who met: the participants, not who held the gathering
            people = [(k, s) for r, k, s in d.args if r == "participant"]
            pairs = [(people[0], p) for p in people[1:]] if people else []
            predicate = "metWith"
        elif d.type == "Death" and d.trigger.lemma_.lower() in ("kill", "assassinate", "murder"):
            pairs = [(a, b) for a in actors for r, *b in d.args if r == "target"]
            predicate = "killed"
        else:
            continue
        for (s_key, s_span), (o_key, o_span) in pairs:
            if s_key == o_key or s_key.startswith(UNNAMED) or o_key.startswith(UNNAMED):
                continue
            rule = f"event:{d.type.lower()}:{d.trigger.lemma_.lower()}"
            out.append(Relation(s_key, predicate, o_key, s_span, o_span,
                                _evidence(doc, [d.trigger], [s_span, o_span], rule, "event"),
                                d.fact.value, d.fact.speaker))
    return out


def to_event(doc: Doc, d: EventDraft) -> Event:
    spans = [s for _, _, s in d.args]
    kind = "statement" if d.type == "Statement" else "event"
    rule = f"{kind}:{d.trigger.lemma_.lower()}"
    quote = quote_of(d) if d.type == "Statement" else None
    if quote is not None and len(quote.split()) < 2:
        quote = None  # a stray mark or word, not what was said
    return Event(type=d.type, trigger=Span(d.trigger.idx, d.trigger.idx + len(d.trigger.text), d.trigger.text),
                 arguments=tuple(Argument(r, k, s) for r, k, s in d.args),
                 evidence=_evidence(doc, [d.trigger], spans, rule, kind),
                 date=d.date, date_text=d.date_text, quote=quote,
                 factuality=d.fact.value, cameo=d.cameo)


def casualty_event(c: CasualtyDraft) -> Event:
    args = (Argument("affectedGroup", c.group[0], c.group[1]),) if c.group else ()
    return Event(type="CasualtyReport", trigger=c.span, arguments=args,
                 evidence=Evidence(c.sentence, c.span, CONFIDENCE["casualty"], "casualty:count"),
                 death_count=c.deaths, injury_count=c.injuries, at_least=c.at_least)
