"""Casualty figures as integers: "At least N X have been killed and M others injured", the
participial forms "..., killing at least N people and injuring M", and the finite ones "the
blasts killed more than 250 people and wounded 1,000".

A figure is a count of people only where the words allow it: never a year or a time ("in 1989,
has died", "his 2200 GMT curfew"), a score ("at 2-0 they were dead") or part of a word ("deadline"),
and "dead" before a noun is no casualty ("the final dead rubber")."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.index import CONFIDENCE, EntityIndex, sentence_span
from kg.extract.text import doc_text
from kg.records import Argument, Event, Evidence, Span


# ---------------------------------------------------------------- casualties

_QUALIFIER = r"(?P<q{n}>at least|more than|over|nearly|almost|some|about|around|up to)?\s*"
# a whole figure: not the tail of "2-0", "1,000" or a word, not the head of "2-0"
_NUMBER = r"(?<![\w.,-])(?P<n{n}>\d[\d,.]*(?:\s+(?:million|thousand))?)(?![\w-])"
_GROUP_WORD = r"(?!and\b|while\b|with\b)[A-Za-z’'-]+"
_CASUALTY = re.compile(
    _QUALIFIER.format(n=1) + _NUMBER.format(n=1) +
    r"\s+(?P<g1>(?:" + _GROUP_WORD + r"\s+){0,3}?)(?:(?:have|has|had|were|was|are|been|since|reportedly|also|now)\s+){0,4}"
    r"(?P<v1>killed|dead|died|slain|injured|wounded|hurt)\b"
    r"(?:\s*,?\s*(?:and|while|with)\s+" + _QUALIFIER.format(n=2) + _NUMBER.format(n=2) +
    r"\s+(?P<g2>(?:" + _GROUP_WORD + r"\s+){0,3}?)(?:(?:have|has|had|were|was|are|been|others)\s+){0,3}"
    r"(?P<v2>killed|dead|died|slain|injured|wounded|hurt)\b)?", re.I)


# The verb first, participle or finite: "..., killing at least 12 people and injuring 45", "the
# blasts killed more than 250 people and wounded 1,000".
_VERB_FIRST = "killing|injuring|wounding|killed|injured|wounded"
_PARTICIPLE = re.compile(
    r"\b(?P<v1>" + _VERB_FIRST + r")\s+" + _QUALIFIER.format(n=1) + _NUMBER.format(n=1) +
    r"(?P<g1>(?:\s+(?!(?:and|while|including|also|in|on|at|of|from|after|when|" + _VERB_FIRST +
    r")\b)[A-Za-z’'-]+){0,2})"
    r"(?:[^.;]{0,60}?\b(?P<v2>" + _VERB_FIRST + r")\s+" + _QUALIFIER.format(n=2) +
    _NUMBER.format(n=2) + r")?", re.I)
_KILLED = ("killed", "dead", "died", "slain", "killing")
_FINITE = ("killed", "injured", "wounded")
_NOT_COUNTS = frozenset({"DATE", "TIME"})


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _is_count(doc: Doc, start: int, end: int) -> bool:
    """The figure at ``start:end`` is not part of a date or a time."""
    return not any(t.ent_type_ in _NOT_COUNTS for t in _tokens(doc, start, end))


def _is_casualty_word(doc: Doc, start: int, end: int, number: tuple[int, int], verb_first: bool) -> bool:
    """The word at ``start:end`` reports the figure's casualties: "dead" not before a noun ("a
    dead rubber"), and a finite verb before its figure only with the figure as its object ("killed
    250 people", not "was killed 2 days ago")."""
    words = _tokens(doc, start, end)
    if not words:
        return False
    word = words[0]
    if word.lower_ == "dead" and word.dep_ == "amod":
        return False
    if verb_first and word.lower_ in _FINITE:
        figure = _tokens(doc, *number)
        return any(t.head == word and t.dep_ == "dobj" or
                   t.head.head == word and t.head.dep_ == "dobj" for t in figure)
    return True


def _count(text: str) -> int | None:
    text = text.lower().replace(",", "")
    mult = 1_000_000 if "million" in text else 1000 if "thousand" in text else 1
    number = re.match(r"[\d.]+", text)
    if not number:
        return None
    try:  # exact: a float would turn 100000000000000000000000 into 99999999999999991611392
        return int((Decimal(number.group()) * mult).to_integral_value(ROUND_HALF_EVEN))
    except InvalidOperation:
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
        matches = list(_CASUALTY.finditer(sent.text))
        taken = [(m.start(), m.end()) for m in matches]
        matches += [m for m in _PARTICIPLE.finditer(sent.text)
                    if not any(a < m.end() and m.start() < b for a, b in taken)]
        for m in matches:
            counts: dict[str, int] = {}
            at_least = False
            verb_first = m.re is _PARTICIPLE
            for n in ("1", "2"):
                if m.group("v" + n) is None:
                    continue
                number = (sent.start_char + m.start("n" + n), sent.start_char + m.end("n" + n))
                verb = (sent.start_char + m.start("v" + n), sent.start_char + m.end("v" + n))
                if not _is_count(doc, *number) or not _is_casualty_word(doc, *verb, number, verb_first):
                    continue
                value = _count(m.group("n" + n))
                if value is None:
                    continue
                kind = "deaths" if m.group("v" + n).lower() in _KILLED else "injuries"
                counts.setdefault(kind, value)
                at_least |= (m.group("q" + n) or "").lower() in ("at least", "more than", "over", "up to")
            if not counts:
                continue
            text = m.group()  # without the space before a bare figure or the comma after one
            start = sent.start_char + m.start() + len(text) - len(text.lstrip())
            end = sent.start_char + m.start() + len(text.rstrip(" ,.;:"))
            group = None
            g_start = sent.start_char + m.start("g1")
            g_end = sent.start_char + m.end("g1")
            for tok_i, key in index.key_at.items():
                tok = doc[tok_i]
                if g_start <= tok.idx < g_end:
                    # "23 Afghan soldiers": the soldiers are counted, not Afghanistan
                    group = index.described_people(tok) or (key, index.span_at[tok_i])
                    break
            if group is None and g_end > g_start:  # "More than 3,000 people were killed"
                words = doc.char_span(g_start, g_end, alignment_mode="expand") or ()
                nouns = [t for t in words if t.pos_ == "NOUN"]
                fillers = index.unnamed_fillers(nouns[-1], conjuncts=False) if nouns else []
                group = fillers[0] if fillers else None  # the people, unnamed
            sentence = sentence_span(sent)
            out.append(CasualtyDraft(counts.get("deaths"), counts.get("injuries"), at_least,
                                     Span(start, end, doc_text(doc)[start:end]), sentence, group))
    return out


def casualty_event(c: CasualtyDraft) -> Event:
    args = (Argument("affectedGroup", c.group[0], c.group[1]),) if c.group else ()
    return Event(type="CasualtyReport", trigger=c.span, arguments=args,
                 evidence=Evidence(c.sentence, c.span, CONFIDENCE["casualty"], "casualty:count"),
                 death_count=c.deaths, injury_count=c.injuries, at_least=c.at_least)
