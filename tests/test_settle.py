"""The corpus steps on what changed (kg.settle): after any run of additions and removals the
settled graph is the one a build from scratch of the same articles gives, and a change reaches
only the entities and reports it touches. Hand-made extractions, no model."""

from __future__ import annotations

import random
from datetime import date

import pyoxigraph as ox
import pytest

from kg import iri
from kg.corpus_index import CorpusIndex, summarise
from kg.rdf import CorpusGraph, article_ntriples, article_piece
from kg.records import (Argument, Article, ArticleExtraction, Entity, Event, Evidence, Mention,
                        Relation, Span)

NAMES = [("Person", "Tony Blair"), ("Person", "Blair"), ("Person", "Mr Blair"),
         ("Person", "Cherie Blair"), ("Person", "Mrs Blair"), ("Person", "Gordon Brown"),
         ("Person", "Brown"), ("Organization", "Advanced Micro Devices"),
         ("Organization", "AMD"), ("Organization", "Intel Corp."), ("Organization", "Intel"),
         ("City", "London"), ("Place", "London"), ("Country", "United Kingdom"),
         ("Country", "UK"), ("City", "Paris"), ("Organization", "Manchester United"),
         ("Organization", "United"), ("Person", "Jacques Chirac"), ("Person", "Chirac")]


def _extraction(n: int, rng: random.Random, edit: int = 0) -> ArticleExtraction:
    chosen = rng.sample(NAMES, rng.randint(2, 6))
    sentences, entities, offset = [], [], 0
    for k, (cls, name) in enumerate(chosen):
        text = f"{name} said {'the club won' if k % 3 == 0 else 'talks went well'}."
        sentence = Span(offset, offset + len(text), text)
        mention = Mention(Span(offset, offset + len(name), name), sentence)
        key = iri.entity_key(cls, name)
        aliases = ("the firm",) if cls == "Organization" and rng.random() < 0.3 else ()
        entities.append(Entity(key, cls, name, (mention,), aliases))
        sentences.append(text)
        offset += len(text) + 1
    body = " ".join(sentences) + (f" Edit {edit}." if edit else "")
    article = Article(id=f"a{n}", text=body, title=f"Story {n}",
                      date=date(2024, 3, 1 + n % 3) if n % 4 else None)
    people = [e for e in entities if e.type in ("Person", "Organization")]
    places = [e for e in entities if e.type in ("City", "Place", "Country")]
    events, relations = [], []
    if len(people) >= 2:
        a, b = people[0], people[1]
        sent = a.mentions[0].sentence
        ev = Evidence(sent, sent, 0.9, "test")
        args = [Argument("participant", a.key, a.mentions[0].span),
                Argument("participant", b.key, b.mentions[0].span)]
        if places and rng.random() < 0.5:
            args.append(Argument("place", places[0].key, places[0].mentions[0].span))
        events.append(Event("Meeting", Span(sent.start, sent.start + 4, body[sent.start:sent.start + 4]),
                            tuple(args), ev, date=rng.choice([None, "2024-03", "2024-03-02"])))
        relations.append(Relation(a.key, "metWith", b.key, a.mentions[0].span,
                                  b.mentions[0].span, ev))
    return ArticleExtraction(article, tuple(entities), tuple(relations), tuple(events))


def _settled(corpus: CorpusGraph) -> set[str]:
    return {str(q.triple) for q in corpus.store.quads_for_pattern(None, None, None,
                                                                   ox.DefaultGraph())}


def _scratch(extractions) -> set[str]:
    corpus = CorpusGraph()
    for ex in sorted(extractions, key=lambda e: e.article.content_hash, reverse=True):
        corpus.add(ex)
    return _settled(corpus.settle())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_run_of_additions_and_removals_gives_the_graph_built_from_scratch(seed):
    rng = random.Random(seed)
    pool = [_extraction(n, rng) for n in range(40)]
    pool += [_extraction(n, random.Random(seed * 100 + n), edit=1) for n in range(8)]  # same ids
    corpus, current = CorpusGraph(), {}
    merged_once = grouped_once = False
    for _step in range(6):
        for h in rng.sample(sorted(current), min(len(current), rng.randint(0, 6))):
            corpus.remove(h)
            del current[h]
        for ex in rng.sample(pool, 10):
            corpus.add(ex)
            current[ex.article.content_hash] = ex
        corpus.settle()
        assert _settled(corpus) == _scratch(current.values())
        merged_once |= corpus.last_update.merged > 0
        grouped_once |= corpus.last_update.events > 0
    assert merged_once and grouped_once  # nodes (Blair, AMD, ...) and reports were joined


def test_a_change_reaches_only_what_it_touches_and_no_change_does_nothing():
    rng = random.Random(7)
    corpus = CorpusGraph()
    for n in range(30):
        corpus.add(_extraction(n, rng))
    corpus.settle()
    everything = corpus.last_update.entities
    before = _settled(corpus)
    corpus.settle()
    assert corpus.last_update.added == corpus.last_update.removed == 0
    assert _settled(corpus) == before
    # one article naming only Paris (no name of it is like another's) touches Paris alone
    sent = Span(0, 20, "Paris was quiet now.")
    paris = Entity(iri.entity_key("City", "Paris"), "City", "Paris",
                   (Mention(Span(0, 5, "Paris"), sent),))
    lone = ArticleExtraction(Article(id="lone", text=sent.text), (paris,), (), ())
    corpus.add(lone)
    corpus.settle()
    assert corpus.last_update.added == 1 and corpus.last_update.entities == 1 < everything


def test_the_index_gives_each_entity_the_record_of_the_whole_corpus():
    sent = Span(0, 40, "Mrs Blair met Tony Blair in London today.")
    blair = Entity(iri.entity_key("Person", "Blair"), "Person", "Blair",
                   (Mention(Span(4, 9, "Blair"), sent),))
    tony = Entity(iri.entity_key("Person", "Tony Blair"), "Person", "Tony Blair",
                  (Mention(Span(14, 24, "Tony Blair"), sent),), ("Tony",))
    london = Entity(iri.entity_key("City", "London"), "City", "London",
                    (Mention(Span(28, 34, "London"), sent),))
    place = Entity(iri.entity_key("Place", "London"), "Place", "Londres",
                   (Mention(Span(28, 34, "London"), sent),))
    one = ArticleExtraction(Article(id="one", text=sent.text), (blair, tony, london), (), ())
    two = ArticleExtraction(Article(id="two", text=sent.text), (tony, place), (), ())
    index = CorpusIndex()
    for ex in (one, two):
        index.add(summarise(article_ntriples(ex), ex.article.content_hash))
    rec = index.entity(str(iri.entity_iri(tony.key)))
    assert (rec.label, rec.cls, rec.mentions, rec.names) == ("Tony Blair", "Person", 2, ("Tony",))
    assert rec.neighbours == {str(iri.entity_iri(blair.key)), str(iri.entity_iri(london.key))}
    assert len(rec.articles) == 2
    assert index.entity(str(iri.entity_iri(blair.key))).titles == {"mrs"}
    # one place node read as a City in one article and a Place in another: the City, and the
    # least name, with the other as an alternative name
    town = index.entity(str(iri.entity_iri(london.key)))
    assert (town.cls, town.label, town.names) == ("City", "London", ("Londres",))


def test_a_worker_piece_carries_its_summary():
    ex = _extraction(3, random.Random(3))
    piece = article_piece(ex)
    assert piece.content_hash == ex.article.content_hash
    assert piece.summary.article_id == "a3"
    named = {e[0] for e in piece.summary.entities}
    assert named == {str(iri.entity_iri(e.key)) for e in ex.entities}
    assert len(piece.summary.reports) == len(ex.events)


def _names(article_id: str, *names: tuple[str, str], repeat: int = 1) -> ArticleExtraction:
    """One article naming each of ``names`` (class, name) ``repeat`` times."""
    text, entities = "", []
    for cls, name in names:
        mentions = []
        for _ in range(repeat):
            sentence = Span(len(text), len(text) + len(name) + 6, f"{name} spoke")
            mentions.append(Mention(Span(len(text), len(text) + len(name), name), sentence))
            text += f"{name} spoke. "
        entities.append(Entity(iri.entity_key(cls, name), cls, name, tuple(mentions)))
    return ArticleExtraction(Article(id=article_id, text=text), tuple(entities), (), ())


def _same_as(corpus: CorpusGraph) -> set[tuple[str, str]]:
    return {(q.subject.value.rsplit("/", 1)[-1], q.object.value.rsplit("/", 1)[-1])
            for q in corpus.store.quads_for_pattern(
                None, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), None)}


def test_a_group_held_together_by_a_removed_node_falls_apart():
    # "Blair" joins Tony Blair (he dominates Cherie Blair); with the articles naming "Blair"
    # gone, nothing joins Tony Blair any more, though no article left names him with them
    tony = _names("tony", ("Person", "Tony Blair"), repeat=6)
    cherie = _names("cherie", ("Person", "Cherie Blair"))
    bare = _names("bare", ("Person", "Blair"))
    corpus = CorpusGraph()
    for ex in (tony, cherie, bare):
        corpus.add(ex)
    corpus.settle()
    assert _same_as(corpus) == {("tony-blair", "blair")}
    corpus.remove(bare.article.content_hash)
    corpus.settle()
    assert _same_as(corpus) == set()
    assert _settled(corpus) == _scratch([tony, cherie])


def test_a_block_that_becomes_small_enough_is_compared_again():
    # 201 names share the surname key "smith": too common a key, so "Smith" joins no one;
    # once one of them goes, the key counts again and "Smith" joins John Smith, who dominates
    others = [_names(f"o{i}", ("Person", f"Name{i} Smith")) for i in range(199)]
    john = _names("john", ("Person", "John Smith"), repeat=6)
    bare = _names("bare", ("Person", "Smith"))
    corpus = CorpusGraph()
    for ex in others + [john, bare]:
        corpus.add(ex)
    corpus.settle()
    assert _same_as(corpus) == set()
    corpus.remove(others[0].article.content_hash)
    corpus.settle()
    assert _same_as(corpus) == {("john-smith", "smith")}
    assert _settled(corpus) == _scratch(others[1:] + [john, bare])


def test_a_store_is_flushed_each_time_its_writes_reach_the_limit(tmp_path):
    import pyoxigraph as ox

    from kg.settle import FlushEvery

    flushes = []

    class Store:  # a real on-disk store that notes its flushes (pyoxigraph's Store is final)
        def __init__(self, path):
            self.store = ox.Store(str(path))

        def flush(self):
            flushes.append(True)
            self.store.flush()

    first, second = FlushEvery(Store(tmp_path / "a"), 10), FlushEvery(Store(tmp_path / "b"), 10)
    for _ in range(3):
        first.wrote(4)  # 4, 8, 12: one flush, then 0 again
    second.wrote(9)  # a count of its own, not the first store's
    assert len(flushes) == 1 and (first.count, second.count) == (0, 9)


@pytest.mark.parametrize("batch", [1, 300, 1 << 20])
def test_pieces_spooled_to_disk_settle_as_a_build_from_scratch(tmp_path, monkeypatch, batch):
    """The pieces wait in a file beside an on-disk store until settle (kg.rdf.PieceSpool), and are
    bulk-loaded in batches of lines: whatever the batch (one line, a few, all), additions and
    removals over several settles give the graph built from scratch in memory (its pieces in a
    temporary file), and the file is gone."""
    from kg.rdf import PieceSpool

    monkeypatch.setattr(PieceSpool, "BATCH", batch)
    rng = random.Random(5)
    pool = [_extraction(n, rng) for n in range(30)]
    spool = tmp_path / "pieces.nq"
    corpus = CorpusGraph(ox.Store(str(tmp_path / "store")), CorpusIndex(tmp_path / "index.sqlite"),
                         ox.Store(str(tmp_path / "pieces")), spool=spool)
    current = {}
    for step in range(3):
        for h in sorted(current)[:step * 2]:
            corpus.remove(h)
            del current[h]
        for ex in pool[step * 10:step * 10 + 12]:
            corpus.add(ex)
            current[ex.article.content_hash] = ex
        assert spool.exists()  # nothing loaded before settle
        corpus.settle()
        assert not spool.exists() and not (tmp_path / "pieces.nq.own").exists()
        assert _settled(corpus) == _scratch(current.values())


def test_own_triples_made_by_the_worker_give_the_graph_read_back_from_the_pieces():
    """Each piece's own triples come from its worker as N-Triples (kg.settle.own_ntriples), with
    the piece's entity IRIs, which settle maps to the nodes the corpus keeps; without them the
    parent reads each piece back from the pieces store. Both give the same graph, through merges
    (Blair, AMD, Intel)."""
    from dataclasses import replace

    rng = random.Random(11)
    pool = [_extraction(n, rng) for n in range(40)]
    graphs = []
    for keep_own in (True, False):
        corpus = CorpusGraph()
        for ex in pool:
            piece = article_piece(ex)
            assert piece.own is not None
            corpus.add_piece(piece if keep_own else replace(piece, own=None))
        corpus.settle()
        assert corpus.last_update.merged > 0
        graphs.append(_settled(corpus))
    assert graphs[0] == graphs[1]


def test_entities_are_mapped_only_where_a_term_stands_not_inside_literals():
    from kg.corpus_index import ENTITY
    from kg.settle import map_entities

    a, b, c = (f"{ENTITY}person/{n}" for n in ("blair", "tony-blair", "brown"))
    text = (f'<urn:x> <urn:p> <{a}> .\n<{a}> <urn:q> <urn:x> .\n'
            f'<urn:x> <urn:said> "see <{a}> ." .\n<urn:x> <urn:p> <{c}> .\n').encode()
    mapped = map_entities(text, {a: b, c: c}.__getitem__).decode().splitlines()
    assert mapped == [f"<urn:x> <urn:p> <{b}> .", f"<{b}> <urn:q> <urn:x> .",
                      f'<urn:x> <urn:said> "see <{a}> ." .', f"<urn:x> <urn:p> <{c}> ."]
