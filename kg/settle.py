"""The corpus steps, on what changed: settle, resolve and corroborate only where new or removed
articles reach, and give the graph a build from scratch gives.

The graph of record (the settled graph) is one store's default graph, what every reader sees;
a second store keeps each article's piece as it came, in a named graph of its own
(``urn:kg:piece:HASH``); a :class:`~kg.corpus_index.CorpusIndex` keeps the articles'
summaries, blocking keys and the decisions made. :func:`update_corpus` takes the pieces of new articles and the hashes of gone
ones and:

1. finds the entities they touch (C) and, before changing anything, those entities' neighbours
   in the candidate graph of the old corpus (pairs the resolver would join: sharing a blocking
   key and scoring at or above its threshold);
2. updates the index and the pieces; a blocking key whose block crosses the size past which
   it is ignored brings in all its members;
3. takes the components of the new candidate graph that hold any of those (Y). Resolution
   (:func:`kg.resolve_corpus.cluster`) decides each component on its own, so a component the
   change does not reach is decided as before, and one it reaches is decided again from scratch,
   in full: that is why the result equals a build from scratch. The old neighbours matter
   because a component can also split;
4. rewrites the settled triples of every node of Y (and the articles that came or went) from
   the pieces, through the new node mapping;
5. does the same for event reports: corroboration (:func:`kg.corroborate.corroborate`) groups
   reports only within a component of reports linked by a shared participant, so reports of
   changed articles or with a participant in Y, and their old and new components, are grouped
   again; the other events stay.

A store with nothing in it takes every entity and report as affected (a build from scratch),
component by component, so memory follows the largest component, not the corpus.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import iri
from kg.corpus_index import ENTITY, CorpusIndex, is_named_entity
from kg.namespaces import EVENT_ROLES, NEWS, RES, SCHEMA
from kg.resolve_corpus import BLOCK_LIMIT

PIECE = "urn:kg:piece:"
_NS = str(NEWS._NS)
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
_ALT = ox.NamedNode(str(SKOS.altLabel))
_SAME = ox.NamedNode(str(OWL.sameAs))
_DEFAULT = ox.DefaultGraph()
_EXTRACTOR = str(RES) + "extractor/"
_PLACES = {_NS + c: i for i, c in enumerate(("Place", "Region", "City", "Country"))}
_EVENT_ROLES = {ox.NamedNode(str(p)) for p in EVENT_ROLES.values()}
_REPORT = ox.NamedNode(_NS + "report")
_EVIDENCE = ox.NamedNode(_NS + "evidence")
_TRIGGER = ox.NamedNode(_NS + "trigger")
_FACTUALITY = ox.NamedNode(_NS + "factuality")
_ASSERTED = ox.NamedNode(_NS + "Asserted")
_REPORT_COUNT = ox.NamedNode(_NS + "reportCount")
_FIRST = ox.NamedNode(_NS + "firstReported")
_DATE = ox.NamedNode(_NS + "date")
_EVENT_REPORT = ox.NamedNode(_NS + "EventReport")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_ARTICLE = ox.NamedNode(_NS + "article")
_PUBLISHED = ox.NamedNode(str(SCHEMA.datePublished))


def piece_graph(content_hash: str) -> ox.NamedNode:
    return ox.NamedNode(PIECE + content_hash)


@dataclass(frozen=True)
class Piece:
    """One article's graph piece and its summary, as a worker makes them."""

    content_hash: str
    ntriples: bytes
    summary: object  # kg.corpus_index.ArticleSummary
    own: bytes | None = None  # own_ntriples of ntriples, if made


@dataclass
class UpdateReport:
    """What :func:`update_corpus` did."""

    added: int = 0
    removed: int = 0
    entities: int = 0  # nodes whose triples were written again
    merged: int = 0  # of them, nodes joined into another
    reports: int = 0  # event reports grouped again
    events: int = 0  # of the events written, those several articles report
    seconds: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _symmetric() -> frozenset[str]:
    from kg.ontology import load_ontology

    return frozenset(str(p) for p in load_ontology().symmetric)


class _Records:
    """CorpusEntity records read from the index, the most recent few thousand kept."""

    def __init__(self, index: CorpusIndex, size: int = 5000):
        self.index, self.size, self.cache = index, size, OrderedDict()

    def __call__(self, node: str):
        if node in self.cache:
            self.cache.move_to_end(node)
            return self.cache[node]
        rec = self.index.entity(node)
        self.cache[node] = rec
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return rec

    def clear(self) -> None:
        self.cache.clear()

    def forget(self, nodes: Iterable[str]) -> None:
        for n in nodes:
            self.cache.pop(n, None)


def _family(key: str) -> str:
    return "a:" + key[2:] if key.startswith("A:") else key


def _family_size(index: CorpusIndex, fam: str) -> int:
    if fam.startswith("a:"):
        return index.block_size(fam) + index.block_size("A:" + fam[2:])
    return index.block_size(fam)


def _family_members(index: CorpusIndex, fam: str) -> set[str]:
    if fam.startswith("a:"):
        return set(index.block(fam)) | set(index.block("A:" + fam[2:]))
    return set(index.block(fam))


def _partners(index: CorpusIndex, node: str) -> set[str]:
    """The nodes ``node`` is compared with: those sharing a blocking key whose block is not
    too common, as :func:`kg.resolve_corpus.candidate_pairs` pairs them."""
    out: set[str] = set()
    for k in index.keys_of(node):
        if k.startswith("a:"):
            mem, oth = index.block(k), index.block("A:" + k[2:])
            if len(mem) + len(oth) <= BLOCK_LIMIT:
                out.update(mem)
                out.update(oth)
        elif k.startswith("A:"):
            mem, oth = index.block("a:" + k[2:]), index.block_size(k)
            if mem and len(mem) + oth <= BLOCK_LIMIT:
                out.update(mem)
        else:
            mem = index.block(k)
            if len(mem) <= BLOCK_LIMIT:
                out.update(mem)
    out.discard(node)
    return out


def _score(a, b, model) -> float:
    from kg.resolve_corpus import name_evidence, pair_features

    x = pair_features(a, b)
    return model.probability(x) if name_evidence(x) else 0.0


def _joined_neighbours(index, records, node, model, scores=None) -> set[str]:
    """The nodes ``node`` shares an edge with in the candidate graph (score >= threshold)."""
    rec = records(node)
    if rec is None:
        return set()
    out = set()
    for other in sorted(_partners(index, node)):
        orec = records(other)
        if orec is None:
            continue
        pair = (node, other) if node < other else (other, node)
        p = scores.get(pair) if scores is not None else None
        if p is None:
            a, b = (rec, orec) if node < other else (orec, rec)
            p = _score(a, b, model)
            if scores is not None:
                scores[pair] = p
        if p >= model.threshold:
            out.add(other)
    return out


def _component(index, records, start: str, model) -> tuple[list[str], dict]:
    """The component of ``start`` in the candidate graph, and the scores of its edges."""
    scores: dict[tuple[str, str], float] = {}
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for other in _joined_neighbours(index, records, node, model, scores):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen), {pair: p for pair, p in scores.items()
                          if p >= model.threshold and pair[0] in seen and pair[1] in seen}


def _decide(component: list[str], scores: dict, records, model) -> dict[str, tuple[str, str]]:
    from kg.resolve_corpus import decide_groups

    entities = [records(n) for n in component]
    if len(entities) < 2:
        return {}
    pos = {n: i for i, n in enumerate(component)}
    scored = sorted(((p, pos[a], pos[b]) for (a, b), p in scores.items()),
                    key=lambda t: (-t[0], t[1], t[2]))
    return decide_groups(entities, scored, model.threshold)


class _Mapping:
    """Named entity -> the node it was joined into, decided in this run or kept in the index."""

    def __init__(self, index: CorpusIndex, decided: dict[str, tuple[str, str]],
                 decided_nodes: set[str]):
        self.index, self.decided, self.nodes = index, decided, decided_nodes
        self.cache: dict[str, str] = {}

    def __call__(self, node: str) -> str:
        if node in self.decided:
            return self.decided[node][0]
        if node in self.nodes:
            return node
        got = self.cache.get(node)
        if got is None:
            got = self.cache[node] = self.index.kept(node)[0]
            if len(self.cache) > 100000:
                self.cache.clear()
        return got

    def term(self, term):
        if isinstance(term, ox.NamedNode) and is_named_entity(term.value):
            kept = self(term.value)
            return term if kept == term.value else ox.NamedNode(kept)
        return term


def _delete_subjects(store: ox.Store, nodes: Iterable[str], as_object: bool = False) -> None:
    """Remove every triple of the default graph with one of ``nodes`` as subject (or object)."""
    nodes = sorted(set(nodes))
    for i in range(0, len(nodes), 500):
        values = " ".join(f"<{n}>" for n in nodes[i:i + 500])
        if as_object:
            store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o }}")
        else:
            store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")


def _raw(store: ox.Store, s=None, p=None, o=None, graph=None):
    """Quads of the pieces (never of the settled default graph)."""
    for q in store.quads_for_pattern(s, p, o, graph):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            yield q


def _settle_subject(triples: list[tuple]) -> list[tuple]:
    """One subject's triples with one class per place and one label (the least; the others
    become altLabels), as the settled graph has them."""
    types = [o for _s, p, o in triples if p == _TYPE]
    places = [o for o in types if isinstance(o, ox.NamedNode) and o.value in _PLACES]
    labels = sorted({o.value: o for _s, p, o in triples if p == _LABEL}.items())
    if len(places) < 2 and len(labels) < 2:
        return triples
    out, s = [], triples[0][0]
    drop = set()
    if len(places) > 1:
        keep = max(places, key=lambda o: _PLACES[o.value])
        drop |= {(_TYPE, o) for o in places if o != keep}
    keep_label = labels[0][1] if labels else None
    for _s, p, o in triples:
        if (p, o) in drop:
            continue
        if p == _LABEL and o != keep_label:
            out.append((s, _ALT, o))
        elif p == _ALT and keep_label is not None and o.value == keep_label.value:
            continue
        else:
            out.append((s, p, o))
    return out


def _with_reverse(triples, symmetric: frozenset[str]):
    for s, p, o in triples:
        yield s, p, o
        if p.value in symmetric and isinstance(o, ox.NamedNode) and o != s:
            yield o, p, s


class FlushEvery:
    """Flush a pyoxigraph store every ``limit`` units (quads, bytes) written to it: an on-disk
    (RocksDB) store keeps what it has not flushed in memory, which otherwise grows with the
    corpus (1.2 GB for 1.6M quads). One per store and run, so no count outlives its store."""

    def __init__(self, store: ox.Store, limit: int):
        self.store, self.limit, self.count = store, limit, 0

    def wrote(self, n: int) -> None:
        self.count += n
        if self.count >= self.limit:
            self.store.flush()
            self.count = 0


class BulkWriter:
    """Triples for a store's default graph, added through pyoxigraph's bulk loader (sorted
    files, no transaction), :attr:`BATCH` quads or :attr:`TEXT` bytes of N-Triples at a time:
    for the settled triples of every article and entity, written once per settle. Nothing may
    read or change the store until :meth:`close`, which writes what is left."""

    BATCH = 50_000
    TEXT = 2 << 20

    def __init__(self, store: ox.Store):
        self.store, self.quads = store, []
        self.text: list[bytes] = []
        self.text_bytes = 0

    def write(self, triples) -> None:
        self.quads += [ox.Quad(s, p, o, _DEFAULT) for s, p, o in triples]
        if len(self.quads) >= self.BATCH:
            self._write_quads()

    def write_ntriples(self, data: bytes) -> None:
        self.text.append(data)
        self.text_bytes += len(data)
        if self.text_bytes >= self.TEXT:
            self._write_text()

    def _write_quads(self) -> None:
        if self.quads:
            self.store.bulk_extend(self.quads)
            self.quads = []

    def _write_text(self) -> None:
        if self.text:
            self.store.bulk_load(b"".join(self.text), format=ox.RdfFormat.N_TRIPLES)
            self.text, self.text_bytes = [], 0

    def close(self) -> None:
        self._write_quads()
        self._write_text()


def _write(flush: FlushEvery, triples) -> int:
    quads = [ox.Quad(s, p, o, _DEFAULT) for s, p, o in triples]
    if quads:
        flush.store.extend(quads)
        flush.wrote(len(quads))
    return len(quads)


def _entity_triples(pieces, index, mapping: _Mapping, kept: str, members: list[str],
                    cls: str | None, symmetric, live) -> list[tuple]:
    """The settled triples of the node ``kept`` for its group ``members``."""
    knode = ox.NamedNode(kept)
    out: list[tuple] = []
    labels, alts, types = {}, {}, set()
    for m in members:
        node = ox.NamedNode(m)
        for q in _raw(pieces, node):
            if q.graph_name.value not in live:
                continue
            p, o = q.predicate, q.object
            if p == _TYPE:
                if m == kept:
                    types.add(o)
            elif p == _LABEL:
                (labels if m == kept else alts)[o.value] = o
            elif p == _ALT:
                alts[o.value] = o
            else:
                out.append((knode, p, mapping.term(o)))
        for q in _raw(pieces, None, None, node):
            if q.graph_name.value not in live:
                continue
            out.append((mapping.term(q.subject), q.predicate, knode))
    if len(members) > 1:
        out.append((knode, _TYPE, ox.NamedNode(_NS + cls)))
    else:
        out += _settle_subject([(knode, _TYPE, t) for t in sorted(types, key=str)]) \
            if types else []
    if labels:
        keep = min(labels)
        out.append((knode, _LABEL, labels[keep]))
        alts.update({k: v for k, v in labels.items() if k != keep})
        alts.pop(keep, None)
    out += [(knode, _ALT, alts[k]) for k in sorted(alts)]
    out += [(knode, _SAME, ox.NamedNode(m)) for m in members if m != kept]
    return list(_with_reverse(out, symmetric))


def _own_triples(triples, term, symmetric) -> list[tuple]:
    """The settled triples of a piece's own nodes (not the named entities it names, nor the
    extractor), their objects through ``term``."""
    by_subject: dict[str, list[tuple]] = {}
    for s, p, o in triples:
        if is_named_entity(s.value) or s.value.startswith(_EXTRACTOR):
            continue
        by_subject.setdefault(s.value, []).append((s, p, term(o)))
    out = []
    for own in by_subject.values():
        out += _settle_subject(own)
    return list(_with_reverse(out, symmetric))


def _article_triples(pieces, mapping: _Mapping, content_hash: str, symmetric) -> list[tuple]:
    """The settled triples of one piece's own nodes, read from the pieces store."""
    quads = pieces.quads_for_pattern(None, None, None, piece_graph(content_hash))
    return _own_triples(((q.subject, q.predicate, q.object) for q in quads), mapping.term,
                        symmetric)


def own_ntriples(parsed) -> bytes | None:
    """:func:`_article_triples` of a piece before the corpus steps (``parsed``, its pyoxigraph
    triples), as N-Triples: its named entities still under the piece's own IRIs, which
    :func:`map_entities` changes where the corpus joined them (settling a subject and reversing
    a symmetric relation do not depend on that mapping). Workers make it beside the piece, so
    the parent need not read each piece back. None for a piece with blank nodes, which text
    cannot carry from one store to another."""
    triples = []
    for t in parsed:
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            return None
        triples.append((t.subject, t.predicate, t.object))
    own = _own_triples(triples, lambda o: o, _symmetric())
    return "".join(f"{s} {p} {o} .\n" for s, p, o in own).encode()


# a named entity as the subject or the object of an N-Triples line (a literal ends in a quote,
# a language tag or a datatype, never in an entity's IRI, and escapes its line breaks)
_ENTITY_TERM = re.compile(rb"^<(%(e)s[^>]*)>(?= <)|(?<= )<(%(e)s[^>]*)>(?= \.$)"
                          % {b"e": re.escape(ENTITY.encode())}, re.M)


def map_entities(ntriples: bytes, mapping) -> bytes:
    """``ntriples`` with each named entity as its node ``mapping`` keeps (see
    :func:`own_ntriples`)."""
    def kept(m: re.Match) -> bytes:
        node = (m.group(1) or m.group(2)).decode()
        if not is_named_entity(node):
            return m.group(0)
        to = mapping(node)
        return m.group(0) if to == node else b"<" + to.encode() + b">"
    return _ENTITY_TERM.sub(kept, ntriples)


def _piece_subjects(pieces, content_hash: str) -> set[str]:
    return {q.subject.value for q in pieces.quads_for_pattern(None, None, None,
                                                               piece_graph(content_hash))
            if not is_named_entity(q.subject.value) and not q.subject.value.startswith(_EXTRACTOR)}


# --- events ---------------------------------------------------------------------------------

def _report_record(index: CorpusIndex, mapping, node: str):
    from kg.corroborate import EventReport

    row = index.report(node)
    if row is None:
        return None
    cls, art, date, pub, who, where = row
    return EventReport(node, cls, art, date, frozenset(mapping(x) for x in who),
                       frozenset(mapping(x) for x in where), pub)


def _group_of_kept(index: CorpusIndex, kept: str) -> set[str]:
    """The named entities joined into ``kept`` (by the decisions the index holds)."""
    return {kept} | set(index.group_of(kept))


class _ReportGraph:
    """Reports linked by a shared participant, within a class, under a node mapping: what
    corroboration groups within (see :func:`kg.corroborate.corroborate`)."""

    def __init__(self, index: CorpusIndex, mapping):
        self.index, self.mapping = index, mapping
        self.records: dict[str, object] = {}

    def record(self, node: str):
        if node not in self.records:
            self.records[node] = _report_record(self.index, self.mapping, node)
        return self.records[node]

    def _linked(self, rec) -> bool:
        from kg.corroborate import NOT_CORROBORATED

        return rec is not None and rec.cls not in NOT_CORROBORATED and bool(rec.participants)

    def sharing(self, cls: str, kept: str) -> set[str]:
        raw = _group_of_kept(self.index, kept)
        return self.index.reports_with(raw, cls=cls, participants=True)

    def neighbours(self, node: str) -> set[str]:
        """Reports sharing a participant with ``node``."""
        rec = self.record(node)
        if not self._linked(rec):
            return set()
        out = set()
        for k in rec.participants:
            out |= self.sharing(rec.cls, k)
        out.discard(node)
        return out

    def component(self, node: str) -> list[str]:
        seen, todo, done = {node}, [node], set()
        while todo:
            rec = self.record(todo.pop())
            if not self._linked(rec):
                continue
            for k in sorted(rec.participants):
                if (rec.cls, k) in done:
                    continue
                done.add((rec.cls, k))
                for other in self.sharing(rec.cls, k):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
        return sorted(seen)


def _event_triples(pieces, index, mapping: _Mapping, members, live) -> list[tuple]:
    """The corroborated event of ``members`` (EventReports, in report order) and the retyping
    of its reports, as :meth:`kg.rdf.CorpusGraph.corroborate_events` made them."""
    first = members[0]
    event = ox.NamedNode(str(iri.reported_event_iri(first.cls, first.node)))
    cls = ox.NamedNode(_NS + first.cls)
    out = [(event, _TYPE, cls)]
    factualities, dates, pubs = [], {}, []
    for r in members:
        node = ox.NamedNode(r.node)
        out.append((event, _REPORT, node))
        for q in _raw(pieces, node):
            if q.graph_name.value not in live:
                continue
            p = q.predicate
            if p == _EVIDENCE:
                out.append((event, _EVIDENCE, q.object))
                for a in _raw(pieces, q.object, _ARTICLE, None):
                    for d in _raw(pieces, a.object, _PUBLISHED, None):
                        pubs.append(d.object)
            elif p in _EVENT_ROLES:
                out.append((event, p, mapping.term(q.object)))
            elif p == _FACTUALITY:
                factualities.append(q.object)
            elif p == _DATE:
                dates[q.object.value] = q.object
            elif r is first and p in (_LABEL, _TRIGGER):
                out.append((event, p, q.object))
        out.append((node, _TYPE, _EVENT_REPORT))
    first_f = [q.object for q in _raw(pieces, ox.NamedNode(first.node), _FACTUALITY)
               if q.graph_name.value in live]
    if any(f == _ASSERTED for f in factualities):
        out.append((event, _FACTUALITY, _ASSERTED))
    elif first_f:
        out.append((event, _FACTUALITY, first_f[0]))
    out.append((event, _REPORT_COUNT, ox.Literal(str(len(members)), datatype=_INTEGER)))
    if pubs:
        out.append((event, _FIRST, min(pubs, key=lambda d: d.value)))
    if len(dates) == 1:
        out.append((event, _DATE, next(iter(dates.values()))))
    return out


def _single_report_triples(pieces, node: str, live) -> list[tuple]:
    n = ox.NamedNode(node)
    out = [(n, _REPORT_COUNT, ox.Literal("1", datatype=_INTEGER))]
    pubs = []
    for q in _raw(pieces, n, _EVIDENCE):
        if q.graph_name.value not in live:
            continue
        for a in _raw(pieces, q.object, _ARTICLE, None):
            for d in _raw(pieces, a.object, _PUBLISHED, None):
                pubs.append(d.object)
    if pubs:
        out.append((n, _FIRST, min(pubs, key=lambda d: d.value)))
    return out


# --- the update -----------------------------------------------------------------------------

def update_corpus(store: ox.Store, pieces: ox.Store, index: CorpusIndex,
                  removed: Iterable[str] = (), model=None,
                  own: Callable[[str], bytes | None] = lambda h: None) -> UpdateReport:
    """Bring the settled graph in ``store`` and ``index`` to the corpus less ``removed`` (content
    hashes) plus the articles staged (their pieces in ``pieces``, their summaries in the index:
    see :meth:`kg.rdf.CorpusGraph.add_piece`); see the module doc. ``own`` gives a staged
    piece's :func:`own_ntriples` where the caller kept them (else they are read from
    ``pieces``)."""
    import time

    from kg.corroborate import corroborate
    from kg.resolve_corpus import PairModel, block_keys

    model = model or PairModel.shipped()
    symmetric = _symmetric()
    report = UpdateReport()
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        report.seconds[name] = round(report.seconds.get(name, 0.0) + now - clock, 3)
        clock = now

    have = index.hashes()
    removed = sorted(set(removed) & have)
    added = [h for h in index.staged_hashes() if h not in have]
    report.added, report.removed = len(added), len(removed)
    if not added and not removed:
        index.unstage()
        return report
    fresh = not have
    records = _Records(index)

    # 1. what the change touches, and its neighbours in the old corpus
    touched: set[str] = set()
    for h in removed:
        touched.update(index.touched_by(h))
    ids = set(index.article_ids(removed).values())
    for summary in index.staged():
        touched.update(n for n, _pl, _ac in summary.touches)
        ids.add(summary.article_id)
    for h in index.hashes_of_ids(ids):  # an article that shares its id shares its neighbours
        touched.update(index.touched_by(h))
    old_neighbours: set[str] = set()
    old_reports: set[str] = set()
    if not fresh:
        old_graph = _ReportGraph(index, _Mapping(index, {}, set()))
        for node in sorted(touched):
            old_neighbours |= _joined_neighbours(index, records, node, model)
        for h in removed:
            for r in index.reports_of(h):
                old_reports.add(r)
                old_reports |= old_graph.neighbours(r)
    lap("old neighbours")

    # 2. the index and the pieces
    old_pieces = removed + [h for h in index.hashes_of_ids(ids) if h not in removed]
    old_subjects = set()
    if not fresh:
        for h in old_pieces:
            old_subjects |= _piece_subjects(pieces, h)
    families = {_family(k) for n in touched for k in index.keys_of(n)}
    records.forget(touched)  # their records change; the others' stay
    for h in removed:
        index.remove(h)
    for summary in index.staged():
        if summary.content_hash not in have:
            index.add(summary)
    index.unstage()
    lap("pieces")
    before = {f: (_family_size(index, f), _family_members(index, f)) for f in families}
    keyed = index.all_entities() if fresh else sorted(touched)
    for node in keyed:
        rec = index.entity(node, context=False)
        keys = block_keys(rec) if rec is not None else set()
        index.set_keys(node, keys)
        families |= {_family(k) for k in keys}
    crossing: set[str] = set()
    if not fresh:
        for f in sorted(families):
            size_before, members_before = before.get(f, (0, set()))
            size_after = _family_size(index, f)
            if (size_before <= BLOCK_LIMIT) != (size_after <= BLOCK_LIMIT):
                crossing |= members_before | _family_members(index, f)
    lap("keys")

    # 3. the components they sit in, decided again
    starts = index.all_entities() if fresh else sorted(touched | old_neighbours | crossing)
    affected: set[str] = set()
    decided: dict[str, tuple[str, str]] = {}
    for node in starts:
        if node in affected:
            continue
        if records(node) is None:
            affected.add(node)
            continue
        component, scores = _component(index, records, node, model)
        affected.update(component)
        decided.update(_decide(component, scores, records, model))
    affected |= touched
    records.clear()
    mapping = _Mapping(index, decided, affected)
    lap("resolve")

    # reports to group again: of changed articles, naming an affected entity, and their
    # neighbours in the old corpus (a component may split)
    if fresh:
        seeds = None
    else:
        seeds = set(old_reports)
        for h in added + index.hashes_of_ids(ids):
            seeds.update(index.reports_of(h))
        seeds |= index.reports_with(affected)
        old_graph = _ReportGraph(index, _Mapping(index, {}, set()))
        for r in sorted(seeds):
            seeds |= old_graph.neighbours(r)
    index.set_groups(affected, decided)
    lap("report seeds")

    # 4. the settled triples of the affected nodes and articles, written again
    live = {PIECE + h for h in index.hashes()}
    if not fresh:
        _delete_subjects(store, old_subjects)
        _delete_subjects(store, affected)
        _delete_subjects(store, affected, as_object=True)
    for h in removed:
        pieces.remove_graph(piece_graph(h))
    new_pieces = sorted(set(added) | set(index.hashes_of_ids(ids)))
    bulk = BulkWriter(store)
    for h in new_pieces:
        text = own(h)
        if text is None:
            bulk.write(_article_triples(pieces, mapping, h, symmetric))
        else:
            bulk.write_ntriples(map_entities(text, mapping))
    lap("write articles")
    groups: dict[str, list[str]] = {}
    for node in sorted(affected):
        groups.setdefault(mapping(node), []).append(node)
    for kept, members in groups.items():
        cls = decided[kept][1] if kept in decided else None
        bulk.write(_entity_triples(pieces, index, mapping, kept, members, cls, symmetric, live))
    bulk.close()  # step 5 reads and removes triples of the store
    report.entities = len(affected)
    report.merged = sum(1 for n in affected if mapping(n) != n)
    lap("write entities")

    # 5. events: the components of the reports to group again, their old events and report
    # types undone, then grouped again component by component
    written = FlushEvery(store, 50_000)
    graph = _ReportGraph(index, mapping)
    components: list[list[str]] = []
    seen: set[str] = set()
    for r in (index.all_reports() if seeds is None else sorted(seeds)):
        if r not in seen:
            comp = graph.component(r)
            seen.update(comp)
            components.append(comp)
            if seeds is None:
                graph.records.clear()
    all_reports = sorted(seen)
    if not fresh:
        _delete_subjects(store, {e for e in (index.event_of(r) for r in all_reports) if e})
        for r in all_reports:
            node = ox.NamedNode(r)
            for q in list(store.quads_for_pattern(node, None, None, _DEFAULT)):
                if q.predicate in (_REPORT_COUNT, _FIRST) or (q.predicate == _TYPE and
                                                              q.object == _EVENT_REPORT):
                    store.remove(q)
            for q in _raw(pieces, node, _TYPE):
                if q.graph_name.value in live:
                    store.add(ox.Quad(node, _TYPE, q.object, _DEFAULT))
    grouped: dict[str, str] = {}
    for comp in components:
        recs = [rec for rec in (graph.record(r) for r in comp) if rec is not None]
        by_node = {r.node: r for r in recs}
        for group in corroborate(recs):
            members = sorted((by_node[n] for n in group),
                             key=lambda r: (r.published or "9999", r.node))
            event = str(iri.reported_event_iri(members[0].cls, members[0].node))
            for r in members:
                grouped[r.node] = event
                store.remove(ox.Quad(ox.NamedNode(r.node), _TYPE, ox.NamedNode(_NS + r.cls),
                                     _DEFAULT))
            _write(written, _event_triples(pieces, index, mapping, members, live))
            report.events += 1
        for r in recs:
            if r.node not in grouped:
                _write(written, _single_report_triples(pieces, r.node, live))
        if seeds is None:
            graph.records.clear()
    index.set_events(all_reports, grouped)
    report.reports = len(all_reports)
    lap("events")
    return report
