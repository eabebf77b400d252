"""Separate the news from what surrounds it: datelines, link lines, bylines, agency codes, footers.

:func:`prepare_text` returns a copy of the text of the same length in which boilerplate is blanked
with spaces (line breaks kept), so every offset into it is an offset into the article, and no
fact can be read from boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.truecase import sentence_case
from kg.records import Span


def doc_text(doc) -> str:
    """``doc.text`` of a spaCy ``Doc``, joined once per doc: spaCy rebuilds it from every token on
    each access, so reading it per token makes extraction quadratic in article length."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text

_LINK_LINE = re.compile(
    r"^[ \t]*(?:also read|read more|read also|related|see also|more on this|recommended|"
    r"watch|click here|follow us|subscribe|share this)\b.*$", re.I | re.M)
# A whole line in square brackets is the headline of another story linked from this one.
_BRACKETED_LINE = re.compile(r"^[ \t]*\[[^\]\n]{3,200}\][ \t]*$", re.M)
_BYLINE = re.compile(
    r"^[ \t]*(?:[Bb][Yy]\s+[A-Z][\w.'-]+(?:\s+(?:[A-Z][\w.'-]+|and|&))*\s*$|"
    r"(?:reporting|writing|editing|additional reporting)\s+by\b.*$)", re.M)
_AGENCY_CODE = re.compile(r"\((?:[A-Z0-9]{1,5}/){1,4}[A-Z0-9]{1,5}\)")
_COPYRIGHT = re.compile(r"^.*(?:©|\(c\)\s*\d{4}|all rights reserved|copyright \d{4}).*$", re.I | re.M)
_DATELINE = re.compile(
    r"\A(?P<lead>\s*)(?P<line>(?P<place>[A-Z][A-Za-z.'’ -]{1,40}?)"
    r"(?:\s*,\s*(?P<second>[A-Za-z0-9.'’ ]{1,30}?(?:,\s*\d{4})?))?"
    r"(?:\s*\((?P<paren>[A-Za-z0-9.'’ /&-]{1,30})\))?)\s*[–—]|"
    r"\A(?P<lead2>\s*)(?P<line2>(?P<place2>[A-Z][A-Z.'’ -]{1,40}?)"
    r"(?:\s*,\s*(?P<second2>[A-Za-z0-9.'’ ]{1,30}?(?:,\s*\d{4})?))?"
    r"(?:\s*\((?P<paren2>[A-Za-z0-9.'’ /&-]{1,30})\))?)\s*-{1,2}\s")
_MONTH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
_SENTENCE_END = re.compile(r"[.!?…\"”’]\s*$")


def _headline_rest(text: str, end: int) -> bool:
    """The line goes on in capitals after the would-be dateline: "SOCCER - LEEDS HOLD CHELSEA"
    is a headline, its first word a sport, not a place."""
    stop = text.find("\n", end)
    letters = [c for c in text[end:stop if stop != -1 else len(text)] if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


@dataclass(frozen=True)
class PreparedText:
    text: str  # same length as the article's text, boilerplate blanked
    boilerplate: tuple[Span, ...]
    dateline: Span | None  # the whole dateline, e.g. "Tehran, MINA"
    dateline_place: Span | None
    dateline_source: str | None


def prepare_text(text: str) -> PreparedText:
    """Find and blank the boilerplate of an article's ``text``."""
    spans: list[tuple[int, int]] = []
    for pattern in (_LINK_LINE, _BRACKETED_LINE, _BYLINE, _AGENCY_CODE, _COPYRIGHT):
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(_footer_lines(text))

    dateline = place = None
    source = None
    m = _DATELINE.match(text)
    if m:
        g = (lambda k: m.group(k) or m.group(k + "2")) if m.group("line") is None else m.group
        line_start = m.start("line") if m.group("line") is not None else m.start("line2")
        line_text = g("line")
        place_text = g("place").strip()
        second, paren = g("second"), g("paren")
        if len(line_text.split()) <= 8 and "\n" not in line_text and not _headline_rest(text, m.end()):
            dateline = Span(line_start, line_start + len(line_text), line_text)
            place = Span(line_start, line_start + len(place_text), place_text)
            if paren:
                source = paren.strip()
            elif second and not _MONTH.match(second.strip()):
                source = second.strip()
            spans.append((line_start, m.end()))

    chars = list(text)
    merged = _merge(spans)
    for start, end in merged:
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return PreparedText(
        text=sentence_case("".join(chars)),
        boilerplate=tuple(Span(s, e, text[s:e]) for s, e in merged),
        dateline=dateline, dateline_place=place, dateline_source=source)


def _footer_lines(text: str) -> list[tuple[int, int]]:
    """Short unpunctuated lines after the last sentence of the story: outlet names, sign-offs."""
    found = []
    pos = len(text)
    lines = text.splitlines(keepends=True)
    for line in reversed(lines):
        start = pos - len(line)
        body = line.strip()
        if body:
            if len(body.split()) > 6 or _SENTENCE_END.search(body) or _LINK_LINE.match(body):
                if not _LINK_LINE.match(body):
                    break
            else:
                found.append((start, start + len(line.rstrip("\r\n"))))
        pos = start
    return found if len(found) < len([l for l in lines if l.strip()]) else []


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
