"""From extraction records to the RDF graph of record, laid out as ``docs/graph-layout.md`` says.

Two steps, so that a corpus streams and a rebuild costs little:

* :func:`article_graph` turns one :class:`~kg.records.ArticleExtraction` into its own small
  graph; :func:`article_ntriples` gives it as N-Triples, the unit a cache keeps.
* :class:`CorpusGraph` loads those pieces into a pyoxigraph store, where entities shared by
  articles meet on their deterministic IRIs, then settles what only the whole corpus can
  decide: one class and one canonical name per entity, and one-word person names folded into
  the one full name they belong to.

Every direct edge and every event reaches its evidence (article, sentence, offsets, extractor,
confidence) through plain RDF nodes.
"""

from __future__ import annotations

import os
import tempfile
import time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg import iri
from kg.namespaces import EVENT_ROLES, NEWS, SCHEMA, bind_prefixes
from kg.records import ArticleExtraction, Event, Evidence, Relation

_FACTUALITY = {"Asserted": NEWS.Asserted, "Reported": NEWS.Reported, "Hedged": NEWS.Hedged,
               "Negated": NEWS.Negated, "Former": NEWS.Former}


def date_literal(value: str) -> Literal:
    """``2024-03-26`` as xsd:date, ``2023-11`` as xsd:gYearMonth, ``2023`` as xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


_XSD = str(XSD)
_RDF_TYPE = f"<{RDF.type}>"


def _iri(node) -> str:
    return f"<{node}>"


def _lit(value: str, datatype: str | None = None) -> str:
    """An N-Triples literal; ``datatype`` a full IRI (None: a plain string)."""
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"' if datatype is None else f'"{text}"^^<{datatype}>'


_TRUE = _lit("true", _XSD + "boolean")
_FALSE = _lit("false", _XSD + "boolean")


def _int(value: int) -> str:
    return _lit(str(int(value)), _XSD + "integer")


class _ArticleWriter:
    """Writes the triples of one article's extraction as N-Triples lines, straight from the
    records (no rdflib, no parsing): what a worker process does for each article it extracts."""

    def __init__(self, extractor: str = "kg", extractor_version: str | None = None):
        from kg import __version__

        self.lines: dict[str, None] = {}  # a set that keeps the order triples came in
        self.extractor = _iri(iri.extractor_iri(extractor))
        self.add_triple(self.extractor, _RDF_TYPE, _iri(NEWS.Extractor))
        self.add_triple(self.extractor, _iri(RDFS.label), _lit(extractor))
        self.add_triple(self.extractor, _iri(NEWS.extractorVersion),
                        _lit(extractor_version or __version__))

    def add_triple(self, s: str, p: str, o: str) -> None:
        self.lines[f"{s} {p} {o} .\n"] = None

    def ntriples(self) -> bytes:
        return "".join(self.lines).encode("utf-8")

    def add(self, ex: ArticleExtraction) -> "_ArticleWriter":
        t = self.add_triple
        a = ex.article
        art = _iri(iri.article_iri(a.id))
        t(art, _RDF_TYPE, _iri(SCHEMA.NewsArticle))
        t(art, _iri(SCHEMA.identifier), _lit(a.id))
        t(art, _iri(NEWS.contentHash), _lit(a.content_hash))
        # a label, so that every view names the article: its headline, else its id
        t(art, _iri(RDFS.label), _lit(a.title or f"article {a.id}"))
        if a.title:
            t(art, _iri(SCHEMA.headline), _lit(a.title))
        if a.author:
            t(art, _iri(SCHEMA.author), _lit(a.author))
        if a.url:
            t(art, _iri(SCHEMA.url), _lit(a.url, _XSD + "anyURI"))
        if a.date:
            t(art, _iri(SCHEMA.datePublished), _lit(a.date.isoformat(), _XSD + "date"))
        if a.source:
            t(art, _iri(NEWS.source), _lit(a.source))
        if ex.dateline:
            t(art, _iri(NEWS.dateline), _lit(ex.dateline))
        if ex.dateline_place:
            t(art, _iri(SCHEMA.contentLocation), _iri(iri.entity_iri(ex.dateline_place)))

        for entity in ex.entities:
            node = _iri(iri.entity_iri(entity.key))
            t(art, _iri(SCHEMA.mentions), node)  # the article-entity link, for a plain lookup
            t(node, _RDF_TYPE, _iri(NEWS[entity.type]))
            t(node, _iri(RDFS.label), _lit(entity.label))
            if not entity.named:
                t(node, _iri(NEWS.unnamed), _TRUE)
            for alias in entity.aliases:
                t(node, _iri(SKOS.altLabel), _lit(alias))
            for m in entity.mentions:
                mention = _iri(iri.mention_iri(a.id, m.span.start, m.span.end))
                t(node, _iri(NEWS.mention), mention)
                self._span_node(mention, _iri(NEWS.Mention), art, m.sentence.text, m.span)
        for relation in _one_per_claim(ex.relations, a.id):
            self._add_relation(art, a.id, relation)
        labels = {entity.key: entity.label for entity in ex.entities}
        for event in ex.events:
            self._add_event(art, a.id, event, labels)
        return self

    def _span_node(self, node: str, cls: str, art: str, sentence: str, span) -> None:
        """A stretch of an article: its text, offsets and sentence (mentions and evidence)."""
        t = self.add_triple
        t(node, _RDF_TYPE, cls)
        t(node, _iri(NEWS.article), art)
        t(node, _iri(NEWS.text), _lit(span.text))
        t(node, _iri(NEWS.startOffset), _int(span.start))
        t(node, _iri(NEWS.endOffset), _int(span.end))
        t(node, _iri(NEWS.sentence), _lit(sentence))

    def _evidence(self, owner, art: str, ev: Evidence) -> None:
        t = self.add_triple
        node = _iri(iri.evidence_iri(owner))
        t(_iri(owner), _iri(NEWS.evidence), node)
        self._span_node(node, _iri(NEWS.Evidence), art, ev.sentence.text, ev.span)
        t(node, _iri(NEWS.confidence), _lit(str(Decimal(str(round(ev.confidence, 4)))),
                                            _XSD + "decimal"))
        t(node, _iri(NEWS.extractor), self.extractor)
        t(node, _iri(NEWS.rule), _lit(ev.rule))

    def _add_relation(self, art: str, article_id: str, r: Relation) -> None:
        t = self.add_triple
        s, p, o = (_iri(iri.entity_iri(r.subject)), _iri(NEWS[r.predicate]),
                   _iri(iri.entity_iri(r.object)))
        claim_node = iri.claim_iri(article_id, r.subject, r.predicate, r.object,
                                   r.evidence.span.start, r.evidence.span.end)
        claim = _iri(claim_node)
        t(claim, _RDF_TYPE, _iri(NEWS.Claim))
        t(claim, _iri(RDF.subject), s)
        t(claim, _iri(RDF.predicate), p)
        t(claim, _iri(RDF.object), o)
        t(claim, _iri(NEWS.factuality), _iri(_FACTUALITY[r.factuality]))
        if r.attributed_to:
            t(claim, _iri(NEWS.attributedTo), _iri(iri.entity_iri(r.attributed_to)))
        self._evidence(claim_node, art, r.evidence)
        asserted = r.asserted and r.factuality == "Asserted"
        t(claim, _iri(NEWS.asserted), _TRUE if asserted else _FALSE)
        if asserted:
            t(s, p, o)

    def _add_event(self, art: str, article_id: str, e: Event, labels: dict[str, str]) -> None:
        t = self.add_triple
        event_node = iri.event_iri(article_id, e.type, e.trigger.start, e.trigger.end)
        node = _iri(event_node)
        t(node, _RDF_TYPE, _iri(NEWS[e.type]))
        t(node, _iri(RDFS.label), _lit(event_label(e, labels)))
        t(node, _iri(NEWS.trigger), _lit(e.trigger.text))
        t(node, _iri(NEWS.factuality), _iri(_FACTUALITY[e.factuality]))
        if e.cameo:
            t(node, _iri(NEWS.cameoCode), _lit(e.cameo))
        for arg in e.arguments:
            t(node, _iri(EVENT_ROLES[arg.role]), _iri(iri.entity_iri(arg.entity)))
        if e.date:
            t(node, _iri(NEWS.date), date_term(e.date))
        if e.date_text:
            t(node, _iri(NEWS.dateText), _lit(e.date_text))
        if e.quote:
            t(node, _iri(NEWS.quote), _lit(e.quote))
        if e.factuality != "Asserted":
            speaker = next((a.entity for a in e.arguments if a.role == "actor"), None)
            if e.factuality == "Reported" and speaker:
                t(node, _iri(NEWS.attributedTo), _iri(iri.entity_iri(speaker)))
        if e.factuality == "Negated":
            t(node, _iri(NEWS.negated), _TRUE)
        if e.death_count is not None:
            t(node, _iri(NEWS.deathCount), _int(e.death_count))
        if e.injury_count is not None:
            t(node, _iri(NEWS.injuryCount), _int(e.injury_count))
        if e.at_least is not None:
            t(node, _iri(NEWS.atLeast), _TRUE if e.at_least else _FALSE)
        self._evidence(event_node, art, e.evidence)


def date_term(value: str) -> str:
    """``2024-03-26`` as an N-Triples xsd:date, ``2023-11`` xsd:gYearMonth, ``2023`` xsd:gYear."""
    return _lit(value, str(date_literal(value).datatype))


def _one_per_claim(relations, article_id: str) -> list[Relation]:
    """The relations of an article, one per claim IRI: two readings of one claim (a rule and the
    model over the same span) keep the more confident, so its evidence has one rule and one
    confidence."""
    best: dict[str, Relation] = {}
    for r in relations:
        key = str(iri.claim_iri(article_id, r.subject, r.predicate, r.object,
                                r.evidence.span.start, r.evidence.span.end))
        kept = best.get(key)
        if kept is None or (r.evidence.confidence, r.evidence.rule) > (kept.evidence.confidence,
                                                                        kept.evidence.rule):
            best[key] = r
    return [r for r in relations if best[str(iri.claim_iri(
        article_id, r.subject, r.predicate, r.object, r.evidence.span.start,
        r.evidence.span.end))] is r]


def event_label(e: Event, labels: dict[str, str]) -> str:
    """A readable name: ``"Visit: Ismail Haniyeh - Tehran (2024-03-26)"``, ``"Death: three
    soldiers"``."""
    def names(*roles):
        return ", ".join(dict.fromkeys(labels.get(a.entity, a.entity) for a in e.arguments
                                       if a.role in roles))

    who = names("actor", "participant")
    where = names("destination", "place", "target")
    text = e.type
    if e.type == "CasualtyReport":
        parts = []
        if e.death_count is not None:
            parts.append(f"{e.death_count} killed")
        if e.injury_count is not None:
            parts.append(f"{e.injury_count} injured")
        text += ": " + " and ".join(parts) + (f" ({names('affectedGroup')})" if names("affectedGroup") else "")
    elif who or where:
        text += ": " + " - ".join(part for part in (who, where) if part)
    if e.date:
        text += f" ({e.date})"
    return text


def article_ntriples(ex: ArticleExtraction) -> bytes:
    """The triples one article contributes, as N-Triples: the piece :class:`CorpusGraph` loads,
    written straight from the records (workers make it beside the extraction)."""
    return _ArticleWriter().add(ex).ntriples()


def article_graph(ex: ArticleExtraction) -> Graph:
    """:func:`article_ntriples` as an rdflib Graph (for tests and small inputs)."""
    graph = Graph(bind_namespaces="none")
    graph.parse(data=article_ntriples(ex).decode("utf-8"), format="nt")
    return graph


class PieceSpool:
    """Articles' pieces, as N-Quads, on their way into the pieces store: pyoxigraph's bulk
    loader takes them a few megabytes at a time, which writes sorted files instead of one
    transaction an article (on 50,000 synthetic pieces, 2.15M quads on disk: 26 s of CPU and
    96 MiB, against 61 s and 180 MiB, and the gap grows with the store, as a transaction an
    article keeps RocksDB compacting). It is not transactional, which costs nothing here: a
    store is built in a copy that a killed build leaves behind (:class:`kg.store.StoreBuild`).

    The pieces wait in the file ``path`` (else a temporary file) until :meth:`load` (at settle,
    when the workers that extracted them are gone), so the store's growing memory never adds
    to theirs, in memory as on disk (the whole BBC corpus built in memory: a process tree of
    1,371 MiB when the pieces went into the in-memory store as they came). Their own triples
    (:func:`kg.settle.own_ntriples`) wait beside them, in ``path.own`` (else a temporary file),
    until :meth:`clear` after the corpus steps read them."""

    BATCH = 2 << 20  # bytes; larger batches take more memory and no less time

    def __init__(self, pieces: ox.Store, path: str | os.PathLike | None = None):
        self.pieces, self.path = pieces, path
        self._file = None
        self._own: dict[str, tuple[int, int]] = {}  # hash: offset and size in _own_file
        self._own_file = None

    def add(self, nquads: bytes, content_hash: str, own: bytes | None = None) -> None:
        if own is not None:
            self._add_own(content_hash, own)
        if self._file is None:
            self._file = self._open("")
        self._file.write(nquads)

    def _open(self, suffix: str):
        """The spool file ``path`` + ``suffix``, else a temporary one."""
        return open(f"{self.path}{suffix}", "a+b") if self.path is not None \
            else tempfile.TemporaryFile()

    def _add_own(self, content_hash: str, own: bytes) -> None:
        if self._own_file is None:
            self._own_file = self._open(".own")
        self._own_file.seek(0, os.SEEK_END)
        self._own[content_hash] = (self._own_file.tell(), len(own))
        self._own_file.write(own)

    def own(self, content_hash: str) -> bytes | None:
        """The own triples of a piece added since :meth:`clear`, if it came with them."""
        got = self._own.get(content_hash)
        if got is None:
            return None
        offset, size = got
        self._own_file.seek(offset)
        return self._own_file.read(size)

    def clear(self) -> None:
        """Forget the own triples of the pieces added so far."""
        self._own.clear()
        if self._own_file is not None:
            self._own_file.close()
            self._own_file = None
            if self.path is not None:
                os.remove(f"{self.path}.own")

    def load(self) -> None:
        """Put every piece added so far into the pieces store."""
        if self._file is None:
            return
        f, self._file = self._file, None
        f.seek(0)
        while chunk := f.read(self.BATCH):
            self.pieces.bulk_load(chunk + f.readline(), format=ox.RdfFormat.N_QUADS)
        f.close()
        if self.path is not None:
            os.remove(self.path)


class CorpusGraph:
    """The graph of a corpus, assembled in a pyoxigraph store (in memory unless given one).

    ``add`` takes an extraction, ``add_piece`` a :class:`kg.settle.Piece` made by a worker or
    read from a cache, ``remove`` the content hash of an article to take out; ``settle`` then
    makes the corpus-wide decisions where the changes reach (:func:`kg.settle.update_corpus`).
    The result does not depend on the order pieces came in, nor on how many runs brought them.

    ``store`` holds the settled graph (its default graph, nothing else); ``pieces`` each
    article's piece in a named graph of its own; ``index``
    (:class:`kg.corpus_index.CorpusIndex`) what the corpus steps need to work on what changed.
    """

    def __init__(self, store: ox.Store | None = None, index=None, pieces: ox.Store | None = None,
                 spool: str | os.PathLike | None = None):
        """``store``: the store to assemble the graph in, say an on-disk one
        (:class:`kg.store.StoreBuild`), empty or holding a graph this class settled, with its
        ``index`` and ``pieces``; each by default a new in-memory one. ``spool``: a file where
        the pieces wait until :meth:`settle` (see :class:`PieceSpool`); without one, in a
        temporary file."""
        from kg.corpus_index import CorpusIndex, index_errors

        self.store = ox.Store() if store is None else store
        self.pieces = ox.Store() if pieces is None else pieces
        self.index = CorpusIndex() if index is None else index
        with index_errors(self.index.path):
            self._live = self.index.hashes()
        self._removed: set[str] = set()
        self._staged: list[str] = []
        self._spool = PieceSpool(self.pieces, spool)
        self.last_update = None
        if not self._live:
            self.store.load(_extractor_ntriples(), ox.RdfFormat.N_TRIPLES)

    def __contains__(self, content_hash: str) -> bool:
        """Whether the article with this content hash is in the graph (or staged for it)."""
        return content_hash in self._live and content_hash not in self._removed

    def add(self, ex: ArticleExtraction) -> None:
        self.add_piece(article_piece(ex))

    def add_piece(self, piece) -> None:
        """Stage one article's :class:`kg.settle.Piece`: its triples go into the pieces store
        (by :meth:`settle` at the latest), its summary into the index; :meth:`settle` makes
        them part of the graph."""
        from kg.corpus_index import index_errors

        h = piece.content_hash
        self._removed.discard(h)
        if h in self._live:
            return
        # Every line of a piece is one triple ending in " .\n" (literals escape their line
        # breaks), so naming its graph at the end of each line makes it N-Quads.
        graph = f" <{_piece_graph(h).value}> .\n".encode()
        self._spool.add(piece.ntriples.replace(b" .\n", graph), h, piece.own)
        with index_errors(self.index.path):
            self.index.stage(piece.summary)
        self._live.add(h)
        self._staged.append(h)

    def remove(self, content_hash: str) -> None:
        """Take the article with this content hash out at the next :meth:`settle`."""
        if content_hash in self._live:
            self._removed.add(content_hash)

    def hashes(self) -> set[str]:
        """The content hashes of the articles of the graph."""
        return self._live - self._removed

    def __len__(self) -> int:
        return len(self.store)

    def settle(self, model=None) -> "CorpusGraph":
        """One class per entity and one canonical name, the nodes that are one thing across
        articles joined (:mod:`kg.resolve_corpus`), one event for the reports of one event across
        articles (:mod:`kg.corroborate`), and symmetric relations both ways; only where the
        articles added or removed since the last settle reach (:mod:`kg.settle`)."""
        from kg.corpus_index import index_errors
        from kg.settle import update_corpus

        started = time.perf_counter()
        self._spool.load()
        loaded = time.perf_counter() - started
        with index_errors(self.index.path):
            self.last_update = update_corpus(self.store, self.pieces, self.index,
                                             sorted(self._removed), model, self._spool.own)
            self.index.commit()
        self._spool.clear()
        if loaded >= 0.05:
            self.last_update.seconds = {"load pieces": round(loaded, 3),
                                        **self.last_update.seconds}
        self._live -= self._removed
        self._removed.clear()
        self._staged.clear()
        return self

    def settle_names(self) -> "CorpusGraph":
        """:meth:`settle` without joining nodes across articles (for training the resolver):
        each node keeps its IRI, with one class and one name."""
        from kg.resolve_corpus import FEATURES, PairModel

        # no pair reaches a threshold of 2, so no weights are needed (nor the shipped ones,
        # which training is about to replace)
        return self.settle(PairModel((0.0,) * len(FEATURES), 0.0, 2.0, FEATURES))

    def corpus_entities(self) -> list:
        """The named entities of the graph as :class:`kg.resolve_corpus.CorpusEntity` records:
        name, alternative names, class, mentions, articles, titles seen before the mentions,
        and the other named entities of their articles (read from the index)."""
        return [rec for rec in map(self.index.entity, self.index.all_entities())
                if rec is not None]

    def to_rdflib(self) -> Graph:
        from kg.serialize import from_oxigraph

        graph = Graph()
        bind_prefixes(graph)
        from_oxigraph(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()), graph)
        return graph


def _piece_graph(content_hash: str) -> ox.NamedNode:
    from kg.settle import piece_graph

    return piece_graph(content_hash)


def article_piece(ex: ArticleExtraction):
    """The :class:`kg.settle.Piece` of one extraction: its N-Triples and their summary."""
    return piece_of_ntriples(article_ntriples(ex), ex.article.content_hash)


def piece_of_ntriples(ntriples: bytes, content_hash: str):
    """The :class:`kg.settle.Piece` of N-Triples (made now, or earlier and kept in a cache):
    their summary and their own triples, from one parse."""
    from kg.corpus_index import summarise_triples
    from kg.settle import Piece, own_ntriples

    triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    return Piece(content_hash, ntriples, summarise_triples(triples, content_hash),
                 own_ntriples(triples))


def _extractor_ntriples() -> bytes:
    return _ArticleWriter().ntriples()


def extraction_graph(extractions) -> Graph:
    """The settled graph of an iterable of extractions, as an rdflib Graph (for tests and small
    inputs; ``kg build`` writes a :class:`CorpusGraph` directly)."""
    corpus = CorpusGraph()
    for ex in extractions:
        corpus.add(ex)
    return corpus.settle().to_rdflib()
