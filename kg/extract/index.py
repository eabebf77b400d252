"""What the fact rules share: the entities of one article as seen from its tokens
(:class:`EntityIndex`), spans and evidence records, the factual status of a clause, and the
subjects and objects of a verb."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.lexicon import (HEDGE_WORDS, IRREALIS_HEADS, MEDIA_WORDS, NEGATING_HEADS,
                                ORG_FILLER_NOUNS, PERSON_FILLER_NOUNS, PLACE_FILLER_NOUNS,
                                SPEECH_VERBS)
from kg.extract.text import doc_text
from kg.iri import slug
from kg.records import Evidence, Span


ACTOR_TYPES = {"Person", "Organization", "Country", "Group"}
ORG_TYPES = {"Organization", "Country"}
PLACE_TYPES = {"Country", "City", "Region", "Place"}
# Words before a people or place noun that belong to its unnamed filler: "at least 13 people",
# "a Syrian-born bomber", "the crowded bakery".
_FILLER_MODIFIERS = frozenset({"det", "nummod", "amod", "compound", "quantmod", "nmod"})
ADDRESS_VERBS = frozenset({"tell", "interview", "brief", "inform", "assure", "warn"})
UNNAMED = "unnamed/"
"""The key prefix of unnamed role fillers; direct relations are only between named entities."""
# Confidences before the relation model rescores a rule's reading (title, apposition, verb,
# event). Statements of the speech-verb rule and casualty figures keep theirs: the share of them
# judged right by hand on even-numbered BBC files, (right + 1) / (n + 2), checked on the odd ones
# (docs/judgments/bbc_statements_calibration.tsv, bbc_casualties_calibration.tsv; tested).
CONFIDENCE = {"title": 0.9, "apposition": 0.85, "verb": 0.8, "event": 0.75, "statement": 0.9,
              "casualty": 0.92}


@dataclass
class EntityIndex:
    """Resolved entities of one article, as seen from the tokens of its Doc."""

    key_at: dict[int, str]  # token index -> entity key
    type_of: dict[str, str]  # entity key -> ontology class
    span_at: dict[int, Span]  # token index -> the mention span covering it
    extra_mentions: list[tuple[str, Span, str]] = field(default_factory=list)  # (key, span, kind)
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

    def mention_root(self, token: Token) -> Token:
        """The highest token of the mention ``token`` is in whose head lies outside it ("Eva" of
        "Eva Forest" -> "Forest"); ``token`` itself when it is in no mention."""
        key = self.key_at.get(token.i)
        while key is not None and token.head.i != token.i and self.key_at.get(token.head.i) == key:
            token = token.head
        return token

    def described_people(self, name: Token) -> tuple[str, Span] | None:
        """The people a name describes, when it modifies a people noun: "23 Afghan soldiers",
        "Seven Taliban militants", "four Ulsterbus workers", for a token of "Afghan",
        "Taliban", "Ulsterbus". They are an unnamed entity of this article whose words hold
        the name; None when the name's mention modifies no people noun, or is itself a people
        ("the British people", "Iraqi women": the British, Iraqis, are already people, and
        known across articles). The soldiers are killed, not Afghanistan."""
        key = self.key_at.get(name.i)
        if key is None or self.type_of.get(key) == "Group":
            return None
        name = self.mention_root(name)
        noun = name.head
        if name.dep_ not in ("compound", "amod", "nmod") or noun.i == name.i or noun.i in self.key_at \
                or noun.pos_ != "NOUN" or noun.lemma_.lower() not in PERSON_FILLER_NOUNS:
            return None
        return self._unnamed(noun, names_inside=True)

    def noun_filler(self, noun: Token) -> tuple[str, Span] | None:
        """Any common noun as an unnamed entity of this article, for the role classifier to
        weigh: a people or place noun as :meth:`unnamed_fillers` reads it, a body that acts as
        one ("the army", "the government") as an organisation, and any other noun ("the
        device", "two cars", "the convoy") as a thing (``Other``), which fills no actor or
        place role; None for a name's word, a date, or a token not all letters (a figure is the
        people it counts only as a subject or an object: "15 were injured")."""
        return self._unnamed(noun, any_noun=True)

    def _unnamed(self, noun: Token, names_inside: bool = False,
                 any_noun: bool = False) -> tuple[str, Span] | None:
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
        elif any_noun and noun.is_alpha and not noun.ent_type_:
            type_ = "Organization" if lemma in ORG_FILLER_NOUNS else "Other"
        else:
            return None
        lefts = [c for c in noun.lefts
                 if c.dep_ in _FILLER_MODIFIERS and (names_inside or c.i not in self.key_at)]
        start = min([c.left_edge.i for c in lefts] + [noun.i])
        doc = noun.doc
        if not names_inside and any(t.i in self.key_at for t in doc[start:noun.i]):
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


def token_span(doc: Doc, start_tok: int, end_tok: int) -> Span:
    s = doc[start_tok:end_tok]
    return Span(s.start_char, s.end_char, s.text)


def sentence_span(sent) -> Span:
    """A spaCy sentence as a record, without the white space (line breaks) around it."""
    text = sent.text.strip()
    offset = sent.text.find(text) if text else 0
    return Span(sent.start_char + offset, sent.start_char + offset + len(text), text)


def sentence_of(token: Token) -> Span:
    return sentence_span(token.sent)


def evidence_of(doc: Doc, tokens: list[Token], spans: list[Span], rule: str, kind: str) -> Evidence:
    sentence = sentence_of(tokens[0])
    spans = [s for s in spans if sentence.start <= s.start and s.end <= sentence.end]
    starts = [t.idx for t in tokens] + [s.start for s in spans]
    ends = [t.idx + len(t.text) for t in tokens] + [s.end for s in spans]
    start, end = min(starts), max(ends)
    return Evidence(sentence, Span(start, end, doc_text(doc)[start:end]),
                    CONFIDENCE[kind], rule)


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
                 for c in token.children) or any(c.lower_ in HEDGE_WORDS for c in token.children) \
        or any(c.dep_ in ("amod", "compound") and c.lower_ in PLANNED_WORDS for c in token.children)
    node, steps = token, 0
    while node.head is not node and steps < 8:
        head = node.head
        if node.dep_ in ("ccomp", "xcomp", "dobj", "pcomp", "pobj", "acl", "advcl", "conj",
                         "nsubj", "nsubjpass", "attr", "prep", "compound", "amod", "relcl"):
            lemma = head.lemma_.lower()
            if lemma in NEGATING_HEADS and node.dep_ in ("xcomp", "pcomp", "ccomp", "dobj") \
                    and lemma != "reject":
                return Factuality("Negated")
            if _negated(head) and (node.dep_ in ("xcomp", "ccomp")
                                   or steps <= 1 and node.dep_ in ("prep", "dobj")):
                return Factuality("Negated")  # "was not at the meeting", "did not attend the talks"
            if lemma in IRREALIS_HEADS and node.dep_ in ("xcomp", "ccomp", "dobj", "pcomp", "pobj"):
                hedged = True
            if lemma == "be" and node.dep_ == "xcomp" and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
                hedged = True  # "Jack Straw is to visit Thailand": planned, not done
            if lemma in SPEECH_VERBS and node.dep_ in ("ccomp", "xcomp", "conj") and head.pos_ == "VERB":
                speakers = subjects_of(head, index)
                if speakers and not all(is_media(k) for k, _ in speakers):
                    return Factuality("Hedged" if hedged else "Reported", speakers[0][0], head.i)
        if node.dep_ in ("ROOT",):
            break
        node, steps = head, steps + 1
    if hedged:
        return Factuality("Hedged")
    if _in_quotes(token):
        return Factuality("Reported")  # someone's words ("“crimes and genocide”"), not the article's
    return Factuality()


# Modifiers of an event noun that say it has not happened yet ("the planned meeting").
PLANNED_WORDS = frozenset("planned proposed upcoming forthcoming scheduled possible potential "
                          "future expected mooted prospective intended".split())


def _in_quotes(token: Token) -> bool:
    """Whether ``token`` sits between quotation marks of its sentence."""
    before = doc_text(token.doc)[token.sent.start_char:token.idx]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("neg", "det", "advmod")
               for c in token.children)


def is_media(key: str) -> bool:
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


def subjects_of(verb: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, Span]]:
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
            return subjects_of(verb.head, index, unnamed)
    return found


def objects_of(verb: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, Span]]:
    found: list[tuple[str, Span]] = []
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass", "dative"):
            found.extend(_fillers(child, index, unnamed))
    return found


def prep_objects_of(head: Token, index: EntityIndex, unnamed: bool = False) -> list[tuple[str, str, Span]]:
    """(preposition, entity key, span) for prepositional objects of ``head``."""
    out = []
    for child in head.children:
        if child.dep_ == "prep":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.extend((child.lower_, k, s) for k, s in _fillers(pobj, index, unnamed))
    return out
