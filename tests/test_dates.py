"""Relative dates resolve against the article date; what cannot be resolved stays None."""

from datetime import date

import pytest

from kg.extract.dates import parse_offset, resolve_date, shift
from kg.readers import dateline_date

TUESDAY = date(2024, 3, 26)


@pytest.mark.parametrize("text,expected", [
    ("on Tuesday", "2024-03-26"),
    ("early Tuesday", "2024-03-26"),
    ("Monday", "2024-03-25"),
    ("last Tuesday", "2024-03-19"),
    ("next Friday", "2024-03-29"),
    ("yesterday", "2024-03-25"),
    ("today", "2024-03-26"),
    ("last November", "2023-11"),
    ("in November", "2023-11"),
    ("last Oct. 7", "2023-10-07"),
    ("March 2", "2024-03-02"),
    ("October 7, 2023", "2023-10-07"),
    ("7 October 2023", "2023-10-07"),
    ("March 2019", "2019-03"),
    ("2017", "2017"),
    ("two days ago", "2024-03-24"),
    ("last year", "2023"),
    ("earlier this month", "2024-03"),
    ("last month", "2024-02"),
    ("next month", "2024-04"),
])
def test_resolves_against_article_date(text, expected):
    assert resolve_date(text, TUESDAY) == expected


@pytest.mark.parametrize("text", ["recent weeks", "this week", "the coming days", "soon"])
def test_unresolvable_is_none(text):
    assert resolve_date(text, TUESDAY) is None


def test_relative_needs_an_anchor():
    assert resolve_date("on Tuesday", None) is None
    assert resolve_date("October 7, 2023", None) == "2023-10-07"


def test_offsets():
    assert parse_offset("one day after") == (1, "day", 1)
    assert parse_offset("two weeks before") == (2, "weeks", -1)
    assert parse_offset("shortly after") is None
    assert shift("2024-03-26", 1, "day", -1) == "2024-03-25"
    assert shift("2024-03", 1, "day", -1) is None


def test_dateline_date():
    assert dateline_date("WASHINGTON, March 26, 2024 (Reuters) - The U.S. said.") == date(2024, 3, 26)
    assert dateline_date("Tehran, MINA – Hamas chief arrived.") is None
    assert dateline_date("The talks of March 26, 2024 - a summary.") is None
