"""Cross-article events: one event, many reports.

Each article's event node is that article's *report* of an event. Reports from different
articles join into one event when they are of the same class, their dates are compatible (one
is the other at a coarser granularity: "2024-03" and "2024-03-26"; a report whose text gives no
date fits any, if its article has a date), they name a common place when both name one, and
they share a named participant (actor, target, participant, affected group). A group never
holds two reports of one article.

Two reports with no date at all (neither the text's nor the article's) join only when they also
name a common place: nothing says when they happened (on the undated BBC corpus, 44 attacks
"in Iraq" had become one). Statements never join, since one speaker says many things (one
"Statement: Gordon Brown" had held 102 reports) and what would tell two of them apart, the
words, is not compared.

The decision is pure, over plain :class:`EventReport` records; :meth:`kg.rdf.CorpusGraph.settle`
reads them from the graph after entity resolution (so participants are resolved entities) and
writes the result: one ``news:Event`` of the class with ``news:report`` to each report (retyped
``news:EventReport``, keeping its own trigger, date, figures and evidence), ``news:reportCount``
and ``news:firstReported``. Values reports disagree on (dates, death tolls) stay on the reports,
each beside its source; none is averaged.

Groups form in a fixed order (article date, then IRI), so the same set of articles gives the
same events whatever order they came in.

>>> a = EventReport("ev:a", "Meeting", "art:1", "2024-03-26", frozenset({"p:hamas"}), frozenset())
>>> b = EventReport("ev:b", "Meeting", "art:2", "2024-03", frozenset({"p:hamas"}), frozenset())
>>> corroborate([a, b])
[['ev:a', 'ev:b']]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

NOT_CORROBORATED = frozenset({"CasualtyReport", "Statement"})
"""Classes whose reports stay apart: a casualty report *is* one article's figure; a statement
is one of the many things a speaker says."""


@dataclass(frozen=True)
class EventReport:
    """One article's event node as corroboration sees it."""

    node: str
    cls: str  # class local name: Meeting, Attack, ...
    article: str
    date: str | None  # ISO at the precision read: YYYY-MM-DD, YYYY-MM or YYYY
    participants: frozenset[str]  # named entity nodes in actor, target, participant roles
    places: frozenset[str]  # entity nodes in place, destination roles
    published: str | None = None  # the article's date, for the order and firstReported


def compatible_dates(a: str | None, b: str | None) -> bool:
    """Whether two dates may be one day: equal, one a coarser form of the other, or unknown."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


class _Group:
    """A group being formed, summarised by what :func:`_fits` asks of every member: their
    articles, their distinct dates and place sets, and their participants (so a report is
    checked against each distinct value once, not against each member)."""

    __slots__ = ("reports", "articles", "dates", "places", "undated_places", "participants")

    def __init__(self):
        self.reports: list[EventReport] = []
        self.articles: set[str] = set()
        self.dates: set[str] = set()
        self.places: set[frozenset[str]] = set()
        self.undated_places: set[frozenset[str]] = set()  # of members with no date at all
        self.participants: set[str] = set()

    def add(self, r: EventReport) -> None:
        self.reports.append(r)
        self.articles.add(r.article)
        if r.date:
            self.dates.add(r.date)
        if r.places:
            self.places.add(r.places)
        if not (r.date or r.published):
            self.undated_places.add(r.places)
        self.participants |= r.participants


def _fits(report: EventReport, group: _Group) -> bool:
    """Whether ``report`` may join ``group``: of another article than each member, with a date
    compatible with each member's, a common place with each member naming a place (when it
    names one), a common place with each member when neither says when, and a participant in
    common with some member."""
    if report.article in group.articles:
        return False
    if report.date and not all(compatible_dates(report.date, d) for d in group.dates):
        return False
    if report.places and not all(report.places & ps for ps in group.places):
        return False
    if not (report.date or report.published) and group.undated_places and \
            not all(report.places & ps for ps in group.undated_places):
        return False  # nothing says when: the same place must say where
    return bool(report.participants & group.participants)


def corroborate(reports: Iterable[EventReport]) -> list[list[str]]:
    """Groups of two or more report nodes that report one event (see the module doc), each
    sorted, in a fixed order."""
    by_class: dict[str, list[EventReport]] = defaultdict(list)
    for r in reports:
        if r.cls not in NOT_CORROBORATED and r.participants:
            by_class[r.cls].append(r)
    out = []
    for cls in sorted(by_class):
        groups: list[_Group] = []
        index: dict[str, set[int]] = defaultdict(set)  # participant -> groups naming it
        for r in sorted(by_class[cls], key=lambda r: (r.published or "9999", r.node)):
            candidates = sorted({g for p in r.participants for g in index.get(p, ())})
            home = next((g for g in candidates if _fits(r, groups[g])), None)
            if home is None:
                home = len(groups)
                groups.append(_Group())
            groups[home].add(r)
            for p in r.participants:
                index[p].add(home)
        out.extend(sorted(r.node for r in g.reports) for g in groups if len(g.reports) > 1)
    return out
