"""What the corpus steps need to know of each article, kept beside the graph so that they work on
what changed instead of querying the whole corpus.

A worker reads its article's graph piece once (:func:`summarise`): the named entities it has
(names, class, mentions, sport, honorifics), the entities it touches in any way, and its event
reports. :class:`CorpusIndex` keeps those summaries in SQLite (a file in the store directory, or
in memory), with the blocking keys of every entity, the merges the resolver made and the events
corroboration made, so that :mod:`kg.settle` can find the entities and reports new or removed
articles affect, and the components of the candidate graphs they sit in, by index lookups::

    index = CorpusIndex("graph.kg/index.sqlite")
    index.add(summarise(piece, content_hash))
    index.entity("https://w3id.org/kg-news/resource/entity/person/tony-blair")  # CorpusEntity

Records read from the index are the records :meth:`kg.rdf.CorpusGraph.corpus_entities` reads
from a whole graph (tested).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from rdflib.namespace import RDF, RDFS, SKOS

from kg.cache import CacheError
from kg.namespaces import NEWS, RES, SCHEMA

ENTITY = str(RES) + "entity/"
UNNAMED = ENTITY + "unnamed/"
EVENT = str(RES) + "event/"
_NS = str(NEWS._NS)
_TYPE, _LABEL, _ALT = str(RDF.type), str(RDFS.label), str(SKOS.altLabel)
_MENTION, _TEXT, _SENTENCE = _NS + "mention", _NS + "text", _NS + "sentence"
_UNNAMED_P, _DATE = _NS + "unnamed", _NS + "date"
_ARTICLE_CLASS, _PUBLISHED = str(SCHEMA.NewsArticle), str(SCHEMA.datePublished)
_IDENTIFIER = str(SCHEMA.identifier)
_PLACE_ROLES = {_NS + r for r in ("place", "destination", "origin")}
_ACTOR_ROLES = {_NS + r for r in ("actor", "participant", "target", "employer")}
_WHO = {_NS + r for r in ("actor", "target", "participant", "affectedGroup")}
_WHERE = {_NS + r for r in ("place", "destination")}
_PLACE_ORDER = {"Place": 0, "Region": 1, "City": 2, "Country": 3}


def is_named_entity(node: str) -> bool:
    """A node of the whole corpus that resolution may join (not an article's unnamed filler)."""
    return node.startswith(ENTITY) and not node.startswith(UNNAMED)


def settled_types(types: Iterable[str]) -> list[str]:
    """Class local names after the place rule: a place keeps its most specific reading
    (Country over City over Region over Place), any other class stays."""
    types = set(types)
    places = [t for t in types if t in _PLACE_ORDER]
    if len(places) > 1:
        keep = max(places, key=_PLACE_ORDER.__getitem__)
        types -= set(places) - {keep}
    return sorted(types)


@dataclass(frozen=True)
class ArticleSummary:
    """What the corpus steps need of one article's piece (see the module doc)."""

    content_hash: str
    article_id: str
    article: str  # the article's IRI
    published: str | None
    # (node, labels, aliases, classes, mentions, sport mentions, titles) per named entity
    # the piece names or types
    entities: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], int, int,
                          tuple[str, ...]], ...]
    touches: tuple[tuple[str, bool, bool], ...]  # (node, placed, acted): every named entity
    # (node, class, date, participants, places) per event report
    reports: tuple[tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]], ...]

    def to_json(self) -> str:
        return json.dumps([self.content_hash, self.article_id, self.article, self.published,
                           self.entities, self.touches, self.reports], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ArticleSummary":
        h, aid, art, pub, ents, touches, reports = json.loads(text)
        return cls(h, aid, art, pub,
                   tuple((e[0], tuple(e[1]), tuple(e[2]), tuple(e[3]), e[4], e[5], tuple(e[6]))
                         for e in ents),
                   tuple((t[0], bool(t[1]), bool(t[2])) for t in touches),
                   tuple((r[0], r[1], r[2], tuple(r[3]), tuple(r[4])) for r in reports))


def summarise(piece: bytes, content_hash: str) -> ArticleSummary:
    """The :class:`ArticleSummary` of one article's N-Triples ``piece``."""
    return summarise_triples(ox.parse(piece, format=ox.RdfFormat.N_TRIPLES), content_hash)


def summarise_triples(triples, content_hash: str) -> ArticleSummary:
    """:func:`summarise` of a piece already parsed (pyoxigraph triples)."""
    from kg.resolve_corpus import about_sport, titles_before

    by_subject: dict[str, list[tuple[str, ox.NamedNode | ox.Literal]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append((t.predicate.value, t.object))
    article = article_id = published = None
    for s, pos in by_subject.items():
        if any(p == _TYPE and o.value == _ARTICLE_CLASS for p, o in pos):
            article = s
            for p, o in pos:
                if p == _PUBLISHED:
                    published = o.value
                elif p == _IDENTIFIER:
                    article_id = o.value
    touched: dict[str, list[bool]] = {}
    entities = []
    reports = []
    for s, pos in sorted(by_subject.items()):
        for p, o in pos:
            if isinstance(o, ox.NamedNode) and is_named_entity(o.value):
                flags = touched.setdefault(o.value, [False, False])
                if s.startswith(EVENT):
                    flags[0] = flags[0] or p in _PLACE_ROLES
                    flags[1] = flags[1] or p in _ACTOR_ROLES
        if is_named_entity(s):
            touched.setdefault(s, [False, False])
            if any(p == _UNNAMED_P for p, _o in pos):
                continue
            labels = sorted({o.value for p, o in pos if p == _LABEL})
            aliases = sorted({o.value for p, o in pos if p == _ALT})
            classes = sorted({o.value.rsplit("#", 1)[-1] for p, o in pos if p == _TYPE})
            mentions = sorted({o.value for p, o in pos if p == _MENTION})
            sport, titles = 0, set()
            for m in mentions:
                fields = {p: o.value for p, o in by_subject.get(m, ())}
                sentence, text = fields.get(_SENTENCE), fields.get(_TEXT)
                if sentence is None or text is None:
                    continue
                sport += about_sport(sentence)
                titles |= titles_before(text, sentence)
            if labels or classes:
                entities.append((s, tuple(labels), tuple(aliases), tuple(classes), len(mentions),
                                 sport, tuple(sorted(titles))))
        elif s.startswith(EVENT):
            cls = next((o.value.rsplit("#", 1)[-1] for p, o in pos if p == _TYPE), None)
            if cls is None:
                continue
            date = next((o.value for p, o in pos if p == _DATE), None)
            who = sorted({o.value for p, o in pos if p in _WHO and is_named_entity(o.value)})
            where = sorted({o.value for p, o in pos if p in _WHERE and is_named_entity(o.value)})
            reports.append((s, cls, date, tuple(who), tuple(where)))
    return ArticleSummary(content_hash, article_id or "", article or "", published,
                          tuple(entities),
                          tuple((n, f[0], f[1]) for n, f in sorted(touched.items())),
                          tuple(reports))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS article (hash TEXT PRIMARY KEY, id TEXT NOT NULL, iri TEXT NOT NULL,
    published TEXT);
CREATE INDEX IF NOT EXISTS article_iri ON article (iri);
CREATE INDEX IF NOT EXISTS article_id ON article (id);
CREATE TABLE IF NOT EXISTS ent (entity TEXT NOT NULL, hash TEXT NOT NULL, labels TEXT NOT NULL,
    aliases TEXT NOT NULL, classes TEXT NOT NULL, mentions INTEGER NOT NULL,
    sport INTEGER NOT NULL, titles TEXT NOT NULL, PRIMARY KEY (entity, hash)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ent_hash ON ent (hash);
CREATE TABLE IF NOT EXISTS touch (entity TEXT NOT NULL, hash TEXT NOT NULL,
    placed INTEGER NOT NULL, acted INTEGER NOT NULL, PRIMARY KEY (entity, hash)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS touch_hash ON touch (hash);
CREATE TABLE IF NOT EXISTS report (node TEXT NOT NULL, hash TEXT NOT NULL, cls TEXT NOT NULL,
    date TEXT, PRIMARY KEY (node, hash)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_hash ON report (hash);
CREATE TABLE IF NOT EXISTS role (node TEXT NOT NULL, hash TEXT NOT NULL, entity TEXT NOT NULL,
    kind TEXT NOT NULL, PRIMARY KEY (entity, node, hash, kind)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS role_node ON role (node, hash);
CREATE TABLE IF NOT EXISTS block (key TEXT NOT NULL, entity TEXT NOT NULL,
    PRIMARY KEY (key, entity)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS block_entity ON block (entity);
CREATE TABLE IF NOT EXISTS merged (entity TEXT PRIMARY KEY, kept TEXT NOT NULL,
    cls TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merged_kept ON merged (kept);
CREATE TABLE IF NOT EXISTS grouped (report TEXT PRIMARY KEY, event TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS grouped_event ON grouped (event);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staged (hash TEXT PRIMARY KEY, summary TEXT NOT NULL);
"""


class IndexUnwritable(CacheError):
    """The index cannot be read or written (disk full, not an SQLite file); one line."""


@contextmanager
def index_errors(path) -> Iterator[None]:
    """sqlite3 errors of the index at ``path`` as :class:`IndexUnwritable`."""
    try:
        yield
    except sqlite3.Error as exc:
        raise IndexUnwritable(f"index {path or '(in memory)'}: {exc}") from exc


class CorpusIndex:
    """The summaries of a corpus's articles and the corpus steps' decisions, in SQLite
    (``path``: a file; None: in memory). Changes are committed by :meth:`commit`."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = path
        with index_errors(path):
            self.db = sqlite3.connect(":memory:" if path is None else str(path),
                                      isolation_level=None)
            self.db.execute("PRAGMA journal_mode=" + ("MEMORY" if path is None else "WAL"))
            self.db.execute("PRAGMA synchronous=NORMAL")
            # 16 MiB, whatever the corpus size: the cache filled up as the index grew (5 MiB at
            # 5,000 short articles, 64 at 65,000 and past), and 16 settles as fast
            self.db.execute("PRAGMA cache_size=-16384")
            self.db.executescript(_SCHEMA)
            self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def close(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()

    # --- articles ---------------------------------------------------------------------------

    def hashes(self) -> set[str]:
        return {h for (h,) in self.db.execute("SELECT hash FROM article")}

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stage(self, s: ArticleSummary) -> None:
        """Keep the summary of an article whose piece is in the store but not yet settled."""
        self.db.execute("INSERT OR REPLACE INTO staged VALUES (?, ?)",
                        (s.content_hash, s.to_json()))

    def staged(self) -> Iterator[ArticleSummary]:
        cur = self.db.cursor()
        for (text,) in cur.execute("SELECT summary FROM staged ORDER BY hash"):
            yield ArticleSummary.from_json(text)

    def staged_hashes(self) -> list[str]:
        return [h for (h,) in self.db.execute("SELECT hash FROM staged ORDER BY hash")]

    def unstage(self) -> None:
        self.db.execute("DELETE FROM staged")

    def add(self, s: ArticleSummary) -> None:
        db = self.db
        db.execute("INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?)",
                   (s.content_hash, s.article_id, s.article, s.published))
        db.executemany("INSERT OR REPLACE INTO ent VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(e[0], s.content_hash, "\x1f".join(e[1]), "\x1f".join(e[2]),
                         " ".join(e[3]), e[4], e[5], " ".join(e[6])) for e in s.entities])
        db.executemany("INSERT OR REPLACE INTO touch VALUES (?, ?, ?, ?)",
                       [(n, s.content_hash, int(p), int(a)) for n, p, a in s.touches])
        db.executemany("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?)",
                       [(r[0], s.content_hash, r[1], r[2]) for r in s.reports])
        db.executemany("INSERT OR REPLACE INTO role VALUES (?, ?, ?, ?)",
                       [(r[0], s.content_hash, x, kind) for r in s.reports
                        for kind, xs in (("w", r[3]), ("p", r[4])) for x in xs])

    def remove(self, content_hash: str) -> None:
        for table in ("article", "ent", "touch", "report", "role"):
            self.db.execute(f"DELETE FROM {table} WHERE hash = ?", (content_hash,))

    def article_ids(self, hashes: Iterable[str]) -> dict[str, str]:
        out = {}
        for h in hashes:
            row = self.db.execute("SELECT id FROM article WHERE hash = ?", (h,)).fetchone()
            if row:
                out[h] = row[0]
        return out

    def hashes_of_ids(self, ids: Iterable[str]) -> list[str]:
        out = []
        for i in sorted(set(ids)):
            out += [h for (h,) in self.db.execute("SELECT hash FROM article WHERE id = ?", (i,))]
        return sorted(out)

    def touched_by(self, content_hash: str) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT entity FROM touch WHERE hash = ?",
                                              (content_hash,))]

    def reports_of(self, content_hash: str) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT node FROM report WHERE hash = ?",
                                              (content_hash,))]

    def all_entities(self) -> Iterator[str]:
        """Every resolvable entity (a named node with a mention), in IRI order."""
        cur = self.db.cursor()
        yield from (n for (n,) in cur.execute("SELECT DISTINCT entity FROM ent WHERE mentions > 0 "
                                              "ORDER BY entity"))

    def all_touched(self) -> Iterator[str]:
        cur = self.db.cursor()
        yield from (n for (n,) in cur.execute("SELECT DISTINCT entity FROM touch ORDER BY entity"))

    # --- entities ---------------------------------------------------------------------------

    def entity(self, node: str, context: bool = True):
        """The :class:`~kg.resolve_corpus.CorpusEntity` of ``node`` as the whole corpus gives
        it, or None when no article has it as a named entity with a label, class and mention.
        Without ``context``, its names and class only (no neighbours): enough for its blocking
        keys."""
        from kg.resolve_corpus import CorpusEntity, is_country

        rows = self.db.execute("SELECT e.labels, e.aliases, e.classes, e.mentions, e.sport, "
                               "e.titles, a.iri FROM ent e JOIN article a ON a.hash = e.hash "
                               "WHERE e.entity = ?", (node,)).fetchall()
        labels, names, classes, titles, articles = set(), set(), set(), set(), set()
        mentions = sport = 0
        for lab, ali, cls, m, sp, tit, art in rows:
            labels.update(x for x in lab.split("\x1f") if x)
            names.update(x for x in ali.split("\x1f") if x)
            classes.update(cls.split())
            titles.update(tit.split())
            mentions += m
            sport += sp
            if m:
                articles.add(art)
        if not labels or not classes or not mentions:
            return None
        label = min(labels)
        names = sorted((names | labels) - {label})
        cls = settled_types(classes)[0]
        if not context:
            return CorpusEntity(node, label, cls, mentions, tuple(names))
        neighbours = {n for (n,) in self.db.execute(
            "SELECT DISTINCT n.entity FROM ent x JOIN article ax ON ax.hash = x.hash "
            "JOIN article an ON an.iri = ax.iri JOIN ent n ON n.hash = an.hash "
            "WHERE x.entity = ? AND x.mentions > 0 AND n.mentions > 0", (node,))} - {node}
        placed, acted = self.db.execute("SELECT max(placed), max(acted) FROM touch "
                                        "WHERE entity = ?", (node,)).fetchone()
        return CorpusEntity(node, label, cls, mentions, tuple(names), frozenset(articles),
                            frozenset(titles), frozenset(neighbours), is_country(label),
                            2 * sport > mentions, bool(placed), bool(acted))

    def settled_node(self, node: str) -> tuple[list[str], str | None, list[str]]:
        """``(classes, label, altLabels)`` of a node that resolution left alone, from its
        articles: the place rule, the least label, every other label and alias."""
        labels, names, classes = set(), set(), set()
        for lab, ali, cls in self.db.execute("SELECT labels, aliases, classes FROM ent "
                                             "WHERE entity = ?", (node,)):
            labels.update(x for x in lab.split("\x1f") if x)
            names.update(x for x in ali.split("\x1f") if x)
            classes.update(cls.split())
        label = min(labels) if labels else None
        return settled_types(classes), label, sorted((names | labels) - {label})

    def keys_of(self, node: str) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM block WHERE entity = ?", (node,))}

    def set_keys(self, node: str, keys: Iterable[str]) -> None:
        self.db.execute("DELETE FROM block WHERE entity = ?", (node,))
        self.db.executemany("INSERT INTO block VALUES (?, ?)", [(k, node) for k in keys])

    def block(self, key: str) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT entity FROM block WHERE key = ?", (key,))]

    def block_size(self, key: str) -> int:
        return self.db.execute("SELECT count(*) FROM block WHERE key = ?", (key,)).fetchone()[0]

    # --- decisions --------------------------------------------------------------------------

    def kept(self, node: str) -> tuple[str, str | None]:
        """The node ``node`` was joined into and the group's class (itself and None if none)."""
        row = self.db.execute("SELECT kept, cls FROM merged WHERE entity = ?", (node,)).fetchone()
        return (row[0], row[1]) if row else (node, None)

    def group_of(self, kept: str) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT entity FROM merged WHERE kept = ?", (kept,))]

    def set_groups(self, nodes: Iterable[str], decided: dict[str, tuple[str, str]]) -> None:
        """Record the groups of ``nodes`` (the nodes a resolution pass decided on)."""
        self.db.executemany("DELETE FROM merged WHERE entity = ?", [(n,) for n in nodes])
        self.db.executemany("INSERT INTO merged VALUES (?, ?, ?)",
                            [(n, k, c) for n, (k, c) in decided.items()])

    # --- event reports ----------------------------------------------------------------------

    def report(self, node: str):
        """``(class, article IRI, date, published, raw participants, raw places)`` of the
        report ``node`` (the first of its articles when several hold it), or None."""
        row = self.db.execute("SELECT r.cls, a.iri, r.date, a.published, r.hash FROM report r "
                              "JOIN article a ON a.hash = r.hash WHERE r.node = ? "
                              "ORDER BY r.hash LIMIT 1", (node,)).fetchone()
        if row is None:
            return None
        cls, art, date, pub, h = row
        who, where = set(), set()
        for x, kind in self.db.execute("SELECT entity, kind FROM role WHERE node = ? AND hash = ?",
                                       (node, h)):
            (who if kind == "w" else where).add(x)
        return cls, art, date, pub, who, where

    def reports_with(self, entities: Iterable[str], cls: str | None = None,
                     participants: bool = False) -> set[str]:
        """The report nodes with one of ``entities`` in a role (only participant roles with
        ``participants``; only reports of class ``cls`` when given)."""
        sql = "SELECT DISTINCT ro.node FROM role ro"
        if cls is not None:
            sql += " JOIN report re ON re.node = ro.node AND re.hash = ro.hash AND re.cls = ?"
        sql += " WHERE ro.entity = ?" + (" AND ro.kind = 'w'" if participants else "")
        out = set()
        for x in entities:
            args = (cls, x) if cls is not None else (x,)
            out.update(n for (n,) in self.db.execute(sql, args))
        return out

    def all_reports(self) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT DISTINCT node FROM report ORDER BY node")]

    def event_of(self, report: str) -> str | None:
        row = self.db.execute("SELECT event FROM grouped WHERE report = ?", (report,)).fetchone()
        return row[0] if row else None

    def reports_of_event(self, event: str) -> list[str]:
        return [r for (r,) in self.db.execute("SELECT report FROM grouped WHERE event = ?",
                                              (event,))]

    def set_events(self, reports: Iterable[str], grouped: dict[str, str]) -> None:
        self.db.executemany("DELETE FROM grouped WHERE report = ?", [(r,) for r in reports])
        self.db.executemany("INSERT INTO grouped VALUES (?, ?)", sorted(grouped.items()))
