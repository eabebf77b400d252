"""Plain typed records that flow between the stages of kg.

spaCy objects never leave :mod:`kg.extract`; everything after it is one of these frozen
dataclasses. Each carries character offsets into its article's text, so provenance is never lost
and tests can build inputs by hand without a model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
import datetime as dt


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, JSON Lines or stdin."""

    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None
    author: str | None = None  # a byline from page or feed metadata (not part of content_hash)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text and the metadata that changes what is extracted."""
        h = hashlib.sha256()
        for part in (self.id, self.title or "", self.date.isoformat() if self.date else "",
                     self.url or "", self.source or "", self.text):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A place where an entity is named, with the sentence it sits in.

    ``kind`` says how: ``name`` ("Ismail Haniyeh"), ``demonym`` ("Iranian officials"),
    ``nominal`` ("the Hamas leader") or ``pronoun`` ("he")."""

    span: Span
    sentence: Span
    kind: str = "name"


@dataclass(frozen=True)
class Entity:
    """An entity of one article, after resolution within the article.

    ``key`` is the resolved identity (type and normalised name); the same key in two articles
    means the same node, so IRIs are minted from it alone.
    """

    key: str
    type: str  # ontology class local name: Person, Organization, Country, City, ...
    label: str
    mentions: tuple[Mention, ...]
    aliases: tuple[str, ...] = ()
    named: bool = True  # False: an unnamed role filler ("13 people"), keyed within its article


@dataclass(frozen=True)
class Evidence:
    """Where and how a fact was read."""

    sentence: Span
    span: Span  # the smallest stretch covering trigger and arguments
    confidence: float
    rule: str


@dataclass(frozen=True)
class Relation:
    """A direct relation between two entities (keys of :class:`Entity`)."""

    subject: str
    predicate: str  # ontology property local name: visited, leaderOf, ...
    object: str
    subject_span: Span
    object_span: Span
    evidence: Evidence
    factuality: str = "Asserted"  # Asserted, Reported, Hedged, Negated, Former
    attributed_to: str | None = None  # entity key of the speaker for Reported claims
    # the plain triple goes into the graph: the text asserts it and its confidence is at least
    # the floor (see :func:`kg.pipeline.confident`)
    asserted: bool = True


@dataclass(frozen=True)
class Argument:
    role: str  # actor, target, participant, place, instrument, destination, origin, affectedGroup
    entity: str  # entity key
    span: Span


@dataclass(frozen=True)
class Event:
    """A reified event read from a trigger word."""

    type: str  # ontology class local name: Visit, Meeting, Statement, ...
    trigger: Span
    arguments: tuple[Argument, ...]
    evidence: Evidence
    date: str | None = None  # ISO at the precision the text gives: YYYY-MM-DD, YYYY-MM or YYYY
    date_text: str | None = None  # a time expression that could not be resolved
    quote: str | None = None
    death_count: int | None = None
    injury_count: int | None = None
    at_least: bool | None = None
    factuality: str = "Asserted"
    cameo: str | None = None


@dataclass(frozen=True)
class ArticleExtraction:
    """Everything read from one article: the unit between extraction and the RDF writer."""

    article: Article
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    events: tuple[Event, ...]
    dateline_place: str | None = None  # entity key
    dateline: str | None = None
    warnings: tuple[str, ...] = field(default=())


# --- what a run says of its inputs (kg.readers, kg.web) ---

@dataclass(frozen=True)
class Skipped:
    """An input that was not read, with the reason a person can act on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.source}: {self.reason}"


@dataclass(frozen=True)
class Warning_:
    """Something a person should know about an input that was still read."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"warning {self.source}: {self.message}"


def parse_date(value) -> dt.date | None:
    """A date from ISO text (``2024-03-26``, ``2024-03-26T10:00:00Z``) or None; text after the
    date that is no ISO time (``2024-03-26junk``) makes it None."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else \
            dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None
