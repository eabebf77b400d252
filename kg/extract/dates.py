"""Resolve news time expressions against the article's date.

``resolve_date("on Tuesday", date(2024, 3, 26))`` gives ``"2024-03-26"``: news speaks of the past,
so a bare weekday or month is the latest one on or before the article date. The result is an
ISO string of the precision the text gives: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``. What cannot
be resolved (no article date, "recent weeks") gives None, and the caller keeps the text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if len(w) < 3:
        return None
    for i, name in enumerate(MONTHS, start=1):
        if name.startswith(w) or (w == "sept" and i == 9):
            return i
    return None


def _clean(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"\b(on|in|at|during|early|late|earlier|later|this|since|of|the|by)\b", " ", t)
    return re.sub(r"\s+", " ", t).strip(" ,.")


def resolve_date(text: str, anchor: date | None) -> str | None:
    """ISO date of the time expression ``text`` read on day ``anchor`` (see module doc)."""
    raw = text.strip()
    t = _clean(raw)
    lower = raw.lower()
    # absolute: "October 7, 2023", "7 October 2023", "2023-10-07"
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(?:last )?([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", t)
    if m and _month(m[1]):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+\.?),? (\d{4})", t)
    if m and _month(m[2]):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    m = re.fullmatch(r"([a-z]+\.?),? (\d{4})", t)
    if m and _month(m[1]):
        return f"{int(m[2]):04d}-{_month(m[1]):02d}"
    m = re.fullmatch(r"(\d{4})", t)
    if m and 1800 < int(m[1]) < 2200:
        return m[1]
    if anchor is None:
        return None
    # relative to the article date
    if t in ("today", "tonight", "morning", "afternoon", "evening", "night"):
        return anchor.isoformat()
    if t in ("yesterday", "last night"):
        return (anchor - timedelta(days=1)).isoformat()
    if t == "tomorrow":
        return (anchor + timedelta(days=1)).isoformat()
    m = re.fullmatch(r"(last |next )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                     r"(?: (?:morning|afternoon|evening|night))?", t)
    if m:
        target = WEEKDAYS.index(m[2])
        if m[1] == "next ":
            delta = (target - anchor.weekday()) % 7 or 7
            return (anchor + timedelta(days=delta)).isoformat()
        back = (anchor.weekday() - target) % 7
        if m[1] == "last " and back == 0:
            back = 7
        return (anchor - timedelta(days=back)).isoformat()
    m = re.fullmatch(r"(last |next )?([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?", t)
    if m and _month(m[2]):
        month, day = _month(m[2]), int(m[3])
        year = anchor.year
        if m[1] == "next ":
            if (month, day) <= (anchor.month, anchor.day):
                year += 1
        elif (month, day) > (anchor.month, anchor.day):
            year -= 1
        return _iso(year, month, day)
    m = re.fullmatch(r"(last |next )?([a-z]+\.?)", t)
    if m and _month(m[2]) and (m[1] or "in " in lower or lower.startswith(("last", "this"))):
        month = _month(m[2])
        year = anchor.year
        if m[1] == "next ":
            year += 1 if month <= anchor.month else 0
        elif m[1] == "last " and month >= anchor.month:
            year -= 1
        elif m[1] is None and month > anchor.month:
            year -= 1
        return f"{year:04d}-{month:02d}"
    m = re.fullmatch(r"(\w+) (day|days|week|weeks|month|months|year|years) (ago|earlier|before|later|after)", t)
    if m and (m[1] in _NUMBERS or m[1].isdigit()):
        n = _NUMBERS.get(m[1]) or int(m[1])
        sign = 1 if m[3] in ("later", "after") else -1
        return shift(anchor.isoformat(), n, m[2], sign)
    if t in ("month", "last month", "next month"):  # "earlier this month", "last month"
        return shift(anchor.isoformat(), 1, "month", {"month": 0, "last month": -1,
                                                       "next month": 1}[t])
    if t in ("last year", "next year"):
        return str(anchor.year + (1 if t.startswith("next") else -1))
    if t in ("year", "this year"):
        return str(anchor.year)
    return None


def shift(iso_day: str, n: int, unit: str, sign: int) -> str | None:
    """``iso_day`` moved by ``n`` units (days or weeks keep day precision)."""
    if len(iso_day) != 10:
        return None
    day = date.fromisoformat(iso_day)
    unit = unit.rstrip("s")
    if unit == "day":
        return (day + sign * timedelta(days=n)).isoformat()
    if unit == "week":
        return (day + sign * timedelta(weeks=n)).isoformat()
    if unit == "month":
        months = day.year * 12 + day.month - 1 + sign * n
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if unit == "year":
        return str(day.year + sign * n)
    return None


def parse_offset(text: str) -> tuple[int, str, int] | None:
    """``"one day after"`` -> ``(1, "day", +1)``; None when ``text`` is not such an offset."""
    m = re.fullmatch(r"\s*(\w+)\s+(days?|weeks?|months?|years?)\s+(after|before|later|earlier)\s*",
                     text.lower())
    if not m or not (m[1] in _NUMBERS or m[1].isdigit()):
        return None
    n = _NUMBERS.get(m[1]) or int(m[1])
    return n, m[2], 1 if m[3] in ("after", "later") else -1


def _iso(year: int, month: int | None, day: int) -> str | None:
    try:
        return date(year, month or 0, day).isoformat()
    except ValueError:
        return None
