"""Cross-article events: one event, many reports.

Each article's event node is that article's *report* of an event. Reports join into one event
when a small logistic model (:class:`EventModel`, trained on ECB+ train topics by ``kg train
DATA --only events``) says they tell one story: how alike their articles are
(:func:`story_similarity`: the cosine of the articles' most frequent words), whether they share
a named participant (actor, target, participant, affected group), a place, and the word of
their triggers (:func:`trigger_word`), and whether they are of one article. Only reports of one
class with compatible dates (one is the other at a coarser granularity: "2024-03" and
"2024-03-26"; a report whose text gives no date fits any) are compared, within the components
that shared participants and trigger words link (:func:`components`), and only those sharing a
participant, the trigger word or one of their articles' heaviest words (the candidates); two
reports that name places name a common one. A report joins the group whose members it matches
best on average, if that average reaches the model's threshold. Two reports of one article with
one trigger word may be one event (an article says "the attack" more than once);
``news:reportCount`` counts articles.

Two reports of different articles with no date at all (neither the text's nor the article's)
need more: nothing says when they happened, so they must name a common place, or have one
trigger word and articles at least :data:`UNDATED_STORY` alike (on the undated BBC corpus, 44
attacks "in Iraq" had become one event by a shared participant alone). Statements and requests
never join, since one speaker says and asks many things (one "Statement: Gordon Brown" had held
102 reports).

What a report carries (its trigger word, its article's words) is a function of its own article,
so incremental builds give what builds from scratch give; the decision is pure, over plain
:class:`EventReport` records; :meth:`kg.rdf.CorpusGraph.settle` reads them from the graph after
entity resolution (so participants are resolved entities) and writes the result: one
``news:Event`` of the class with ``news:report`` to each report (retyped ``news:EventReport``,
keeping its own trigger, date, figures and evidence), ``news:reportCount`` and
``news:firstReported``. Values reports disagree on (dates, death tolls) stay on the reports,
each beside its source; none is averaged.

Groups form in a fixed order (article date, then IRI), so the same set of articles gives the
same events whatever order they came in.

>>> story = (("hamas", 3.0), ("haniyeh", 2.0), ("tehran", 1.0))
>>> a = EventReport("ev:a", "Meeting", "art:1", "2024-03-26", frozenset({"p:hamas"}), frozenset(),
...                 trigger="meet", story=story)
>>> b = EventReport("ev:b", "Meeting", "art:2", "2024-03", frozenset({"p:hamas"}), frozenset(),
...                 trigger="talk", story=story)
>>> corroborate([a, b])
[['ev:a', 'ev:b']]
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, ClassVar, Iterable

from kg.resolve_corpus import PairModel

NOT_CORROBORATED = frozenset({"CasualtyReport", "Statement", "Request"})
"""Classes whose reports stay apart: a casualty report *is* one article's figure; a statement
or a request is one of the many things a speaker says or asks."""

UNDATED_STORY = 0.4
"""The story similarity two reports of different articles with no date at all need (besides one
trigger word) when they name no common place."""


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
    trigger: str = ""  # the trigger's word (trigger_word)
    story: tuple[tuple[str, float], ...] = ()  # the article's words and weights (article_story)


_STOP = frozenset("a an and at de del for in into la le of on onto out the to up with".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def trigger_word(text: str) -> str:
    """The last word of a trigger that is not a particle, lower-cased and stripped of its
    inflection ("held talks" -> "talk", "checked into" -> "check", "killings" -> "kill"): a
    cheap stand-in for its lemma, from the trigger text alone (the piece keeps no parse)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    if not words:
        return ""
    return word_stem(words[-1])


_IRREGULAR = {"died": "die", "dead": "die", "death": "die", "deaths": "die", "shot": "shoot",
              "hung": "hang", "slain": "slay", "quake": "earthquake", "quakes": "earthquake"}


def word_stem(w: str) -> str:
    """A word without its inflection (a few irregular forms of news events by a table)."""
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ings", ""), ("ing", ""), ("ed", ""),
                         ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[:len(w) - len(suffix)] + keep
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "stopp" -> "stop"
    return w[:-1] if len(w) > 3 and w.endswith("e") else w  # "arrive" and "arriv(ed)"


STORY_WORDS = 80
"""How many of an article's words its story keeps (the most frequent)."""
NAME_WEIGHT = 1.0
"""What a mention of a name adds to the weights of its words, besides their counts."""


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "told", "mr", "mrs", "ms", "year", "years",
                                    "people", "new", "time", "like", "added", "want", "going"}


def article_story(sentences: Iterable[str], names: Iterable[tuple[str, int]] = ()
                  ) -> tuple[tuple[str, float], ...]:
    """The story of an article: its most frequent :data:`STORY_WORDS` words (stop words left
    out, inflections stripped by :func:`word_stem`), each weighted by its count in the
    ``sentences`` given (each distinct sentence once) plus, for the words of the names of its
    named entities (``(name, mentions)``), :data:`NAME_WEIGHT` times their mentions; sorted by
    word."""
    stop = _stop_words()
    counts: dict[str, float] = defaultdict(float)
    for sentence in set(sentences):
        for w in _words(sentence):
            if w not in stop:
                counts[word_stem(w)] += 1
    for name, mentions in names:
        for w in {word_stem(w) for w in _words(name) if w not in stop}:
            counts[w] += NAME_WEIGHT * max(1, mentions)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_WORDS]
    return tuple(sorted(top))


def _words(text: str) -> list[str]:
    return [w.removesuffix("'s") for w in _WORD.findall(text.lower().replace("’", "'"))
            if len(w) > 2]


def story_similarity(a: EventReport, b: EventReport) -> float:
    """The cosine of the two articles' story weights (0 when either has none)."""
    return _cosine(a.story, b.story)


def _cosine(a, b) -> float:
    if not a or not b:
        return 0.0
    da = dict(a)
    dot = sum(w * da[k] for k, w in b if k in da)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for _k, w in a) * sum(w * w for _k, w in b))


EVENT_FEATURES = ("story", "participant", "other_participants", "place", "trigger", "dated",
                  "same_article")
"""A pair's features: story similarity; a shared named participant; named participants, none
shared; a shared place; one trigger word; one day given by both texts; one article (whose story
is the same, so it counts 0)."""


def pair_features(a: EventReport, b: EventReport) -> tuple[float, ...]:
    same, trigger = a.article == b.article, bool(a.trigger) and a.trigger == b.trigger
    shared = bool(a.participants & b.participants)
    return (0.0 if same else story_similarity(a, b), float(shared),
            float(bool(a.participants and b.participants) and not shared),
            float(bool(a.places & b.places)), float(trigger),
            float(bool(a.date) and len(a.date) == 10 and a.date == b.date), float(same))


@dataclass(frozen=True)
class EventModel(PairModel):
    """Logistic weights over :data:`EVENT_FEATURES` and the probability at which two reports
    are one event (``kg/data/event_model.json``)."""

    FILE: ClassVar[str] = "event_model.json"
    EXPECTED: ClassVar[tuple[str, ...]] = EVENT_FEATURES
    TRAINED_BY: ClassVar[str] = "events"

    def pair_probability(self, a: EventReport, b: EventReport) -> float:
        return self.probability(pair_features(a, b))


def compatible_dates(a: str | None, b: str | None) -> bool:
    """Whether two dates may be one day: equal, one a coarser form of the other, or unknown."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


def comparable(a: EventReport, b: EventReport) -> bool:
    """Whether two reports may be one event at all: with compatible dates; of one article, with
    one trigger word; a common place when both name one, and, of different articles with no date
    at all, a common place or one trigger word and alike articles (see the module doc)."""
    if not compatible_dates(a.date, b.date):
        return False
    if a.article == b.article:
        return bool(a.trigger) and a.trigger == b.trigger  # one word: "the attack", "the attack"
    if a.places and b.places and not a.places & b.places:
        return False
    if a.article != b.article and not (a.date or a.published or b.date or b.published):
        return bool(a.places & b.places) or (bool(a.trigger) and a.trigger == b.trigger and
                                             story_similarity(a, b) >= UNDATED_STORY)
    return True


STORY_KEYS = 3
"""How many of an article's heaviest story words link its reports to others."""


def story_keys(story: tuple[tuple[str, float], ...]) -> list[str]:
    """The heaviest :data:`STORY_KEYS` words of a story (ties by the word)."""
    return sorted(w for w, _x in sorted(story, key=lambda kv: (-kv[1], kv[0]))[:STORY_KEYS])


def link_keys(r: EventReport) -> list[tuple[str, str]]:
    """What links reports of one class into the components corroboration decides one by one
    (:mod:`kg.settle` finds them by index lookups): a participant, the trigger word."""
    keys = [("p", p) for p in sorted(r.participants)]
    return keys + [("t", r.trigger)] if r.trigger else keys


def candidate_keys(r: EventReport) -> list[tuple[str, str]]:
    """What makes two reports of one component candidates: a :func:`link_keys` key or one of
    their articles' heaviest story words."""
    return link_keys(r) + [("s", w) for w in story_keys(r.story)]


def components(reports: Iterable[EventReport]) -> list[list[EventReport]]:
    """The reports corroboration compares, in the components :func:`link_keys` make (each in
    IRI order, the components by their first), as :mod:`kg.settle` finds them."""
    from kg.disjoint_sets import DisjointSets

    reps = sorted((r for r in reports if corroborated(r)), key=lambda r: r.node)
    sets, first = DisjointSets(len(reps)), {}
    for i, r in enumerate(reps):
        for k in link_keys(r):
            j = first.setdefault((r.cls,) + k, i)
            sets.union(i, j)
    out: dict[int, list[EventReport]] = defaultdict(list)
    for i, r in enumerate(reps):
        out[sets.find(i)].append(r)
    return sorted(out.values(), key=lambda c: c[0].node)


def corroborated(r: EventReport) -> bool:
    return r.cls not in NOT_CORROBORATED and bool(r.participants or r.trigger)


def candidate_pairs(reports: list[EventReport]) -> list[tuple[int, int]]:
    """Index pairs of the reports corroboration compares (of one class and component, sharing
    a candidate key, :func:`comparable`), each once, in a fixed order."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    at = {id(r): i for i, r in enumerate(reports)}
    for c, component in enumerate(components(reports)):
        for r in component:
            for k in candidate_keys(r):
                blocks[(c, r.cls) + k].append(at[id(r)])
    pairs = {(min(i, j), max(i, j)) for members in blocks.values() for n, i in enumerate(members)
             for j in members[n + 1:] if comparable(reports[i], reports[j])}
    return sorted(pairs)


def corroborate(reports: Iterable[EventReport], model: EventModel | None = None,
                probability: Callable[[EventReport, EventReport], float] | None = None
                ) -> list[list[str]]:
    """Groups of two or more report nodes that report one event (see the module doc), each
    sorted, in a fixed order; decided component by component (:func:`components`).
    ``probability`` (for training) replaces the model's."""
    model = model or EventModel.shipped()
    probability = probability or model.pair_probability
    out = []
    for component in components(reports):
        out.extend(_group(component, model.threshold, probability))
    return out


def _group(component: list[EventReport], threshold: float, probability) -> list[list[str]]:
    """The groups of one component (all of one class)."""
    out = []
    for cls in sorted({r.cls for r in component}):
        groups: list[list[EventReport]] = []
        index: dict[tuple[str, str], set[int]] = defaultdict(set)  # key -> groups holding it
        for r in sorted((r for r in component if r.cls == cls),
                        key=lambda r: (r.published or "9999", r.node)):
            keys = candidate_keys(r)
            best, home = threshold, None
            for g in sorted({g for k in keys for g in index.get(k, ())}):
                members = groups[g]
                if not all(comparable(r, m) for m in members):
                    continue
                p = sum(probability(r, m) for m in members) / len(members)
                if p >= best and (home is None or p > best):
                    best, home = p, g
            if home is None:
                home = len(groups)
                groups.append([])
            groups[home].append(r)
            for k in keys:
                index[k].add(home)
        out.extend(sorted(r.node for r in g) for g in groups if len(g) > 1)
    return out
