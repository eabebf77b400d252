"""Casualty figures as integers: "At least N X have been killed and M others injured", and the
participial forms "..., killing at least N people and injuring M"."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.index import CONFIDENCE, EntityIndex, sentence_span
from kg.extract.text import doc_text
from kg.records import Argument, Event, Evidence, Span


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


# The participial and coordinated forms: "..., killing at least 12 people and injuring 45".
_PARTICIPLE = re.compile(
    r"\b(?P<v1>killing|injuring|wounding)\s+" + _QUALIFIER.format(n=1) + _NUMBER.format(n=1) +
    r"(?P<g1>(?:\s+(?!and\b|while\b|including\b|killing\b|injuring\b|wounding\b)[A-Za-z’'-]+){0,2})"
    r"(?:[^.;]{0,60}?\b(?P<v2>killing|injuring|wounding)\s+" + _QUALIFIER.format(n=2) +
    _NUMBER.format(n=2) + r")?", re.I)
_KILLED = ("killed", "dead", "died", "slain", "killing")


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
            for n in ("1", "2"):
                if m.group("v" + n) is None:
                    continue
                value = _count(m.group("n" + n))
                if value is None:
                    continue
                kind = "deaths" if m.group("v" + n).lower() in _KILLED else "injuries"
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


def casualty_event(c: CasualtyDraft) -> Event:
    args = (Argument("affectedGroup", c.group[0], c.group[1]),) if c.group else ()
    return Event(type="CasualtyReport", trigger=c.span, arguments=args,
                 evidence=Evidence(c.sentence, c.span, CONFIDENCE["casualty"], "casualty:count"),
                 death_count=c.deaths, injury_count=c.injuries, at_least=c.at_least)
