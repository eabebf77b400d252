"""Extraction: from an :class:`~kg.records.Article` to an :class:`~kg.records.ArticleExtraction`.

The spaCy ``Doc`` lives only inside this package. :class:`Extractor` streams articles through
``nlp.pipe`` and hands back plain records::

    extractor = Extractor()
    for extraction in extractor.extract_many(articles):
        ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from spacy.tokens import Doc

from kg import __version__
from kg.extract import facts
from kg.extract.mentions import MentionCandidate, find_mentions
from kg.extract.relation_model import EntityTypeModel, RelationModel
from kg.extract.text import PreparedText, prepare_text
from kg.iri import article_key, entity_key
from kg.records import Article, ArticleExtraction, Entity, Event, Mention, Span
from kg.resolve import NamedMention, cluster_mentions

EXTRACTOR_NAME = "kg rules"
EXTRACTOR_VERSION = __version__


class Extractor:
    """Rule-based extraction on a spaCy pipeline (see :func:`kg.nlp.load_pipeline`)."""

    def __init__(self, model: str | None = None, nlp=None, batch_size: int = 32,
                 learned: bool = True):
        if nlp is None:
            from kg.nlp import load_pipeline

            nlp = load_pipeline(model)
        self.nlp = nlp
        self.batch_size = batch_size
        self.models = LearnedModels.load() if learned else None

    def extract(self, article: Article) -> ArticleExtraction:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[Article]) -> Iterator[ArticleExtraction]:
        """Extractions of ``articles`` in order, streamed through ``nlp.pipe``."""
        prepared = ((prepare_text(a.text), a) for a in articles)
        stream = ((p.text, (p, a)) for p, a in prepared)
        for doc, (prep, article) in self.nlp.pipe(stream, as_tuples=True, batch_size=self.batch_size):
            yield extract_from_doc(doc, article, prep, self.models)


@dataclass(frozen=True)
class LearnedModels:
    """The small models trained on CoNLL04 (``kg/data/relation_model.json``): an entity re-typer
    and a relation classifier for the pairs the rules leave alone."""

    relations: RelationModel
    entity_types: EntityTypeModel

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "LearnedModels":
        return cls(RelationModel.load(), EntityTypeModel.load())


def extract_from_doc(doc: Doc, article: Article, prep: PreparedText,
                     models: LearnedModels | None = None) -> ArticleExtraction:
    """Read entities, relations and events from ``doc``, the parse of ``prep.text``.

    Without ``models`` only the rules run (the learned re-typer and relation classifier are off).
    """
    candidates = find_mentions(doc, models.entity_types if models else None)
    named = [c for c in candidates if c.kind in ("name", "demonym")]
    pronouns = [c.token_start for c in candidates if c.kind == "pronoun"]
    clusters = cluster_mentions([NamedMention(c.start, c.end, c.text, c.type, c.name) for c in named])

    index = facts.EntityIndex({}, {}, {}, scope=article_key(article.id))
    cluster_of: dict[int, str] = {}
    for cluster in clusters:
        index.type_of[cluster.key] = cluster.type
        for m in cluster.members:
            cluster_of[m] = cluster.key
    for i, cand in enumerate(named):
        span = Span(cand.start, cand.end, cand.text)
        for t in range(cand.token_start, cand.token_end):
            index.key_at[t] = cluster_of[i]
            index.span_at[t] = span

    def names_of(type_: str) -> list[tuple[int, int, str]]:
        return [(c.token_start, c.token_end, cluster_of[i]) for i, c in enumerate(named)
                if index.type_of[cluster_of[i]] == type_ and c.kind == "name"]

    persons, organisations = names_of("Person"), names_of("Organization")
    relations = facts.title_relations(doc, index, persons)
    relations += facts.residence_relations(doc, index, persons)
    relations += facts.organisation_places(doc, index, organisations)
    facts.nominal_mentions(doc, index, relations)
    facts.pronoun_mentions(doc, index, pronouns)

    casualties = facts.find_casualties(doc, index)
    # a speech verb in the trigger lexicon is read once, as the statement with its speaker
    statements = facts.find_statements(doc, index)
    spoken = {d.trigger.i for d in statements}
    # a statement is somebody's: a lexicon reading with no speaker is dropped
    drafts = [d for d in facts.find_events(doc, index)
              if not (d.type == "Statement" and (d.trigger.i in spoken
                                                 or not any(r == "actor" for r, _, _ in d.args)))]
    drafts += statements
    drafts.sort(key=lambda d: d.trigger.i)
    facts.date_events(drafts, article.date)
    facts.relative_event_dates(doc, drafts, index)
    drafts = facts.merge_coreferent_events(drafts)
    relations += facts.verb_relations(doc, index, drafts)
    relations += facts.event_relations(doc, drafts)
    if models is not None:
        relations += facts.learned_relations(doc, index, models.relations, named, cluster_of,
                                             relations)
    events = [facts.to_event(doc, d) for d in drafts]
    events += [facts.casualty_event(c) for c in casualties]

    entities = _entities(clusters, named, index, doc) + _unnamed_entities(index, events, doc)
    dateline_key = None
    if prep.dateline_place is not None:
        dateline_entity = _dateline_entity(prep, doc, entities)
        dateline_key = dateline_entity.key
        entities = [e for e in entities if e.key != dateline_key] + [dateline_entity]
    return ArticleExtraction(article=article, entities=tuple(entities), relations=tuple(relations),
                             events=tuple(events), dateline_place=dateline_key,
                             dateline=prep.dateline.text if prep.dateline else None)


def _sentence_of(doc: Doc, start: int) -> Span:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return facts.sentence_span(span.sent if span is not None else doc[:].sent)


def _entities(clusters, named: list[MentionCandidate], index: facts.EntityIndex, doc: Doc) -> list[Entity]:
    extra: dict[str, list[Span]] = {}
    for key, span in index.extra_mentions:
        extra.setdefault(key, []).append(span)
    out = []
    for cluster in clusters:
        spans = {(named[m].start, named[m].end): Span(named[m].start, named[m].end, named[m].text)
                 for m in cluster.members}
        for span in extra.get(cluster.key, []):
            spans.setdefault((span.start, span.end), span)
        mentions = tuple(Mention(s, _sentence_of(doc, s.start)) for _, s in sorted(spans.items()))
        out.append(Entity(cluster.key, cluster.type, cluster.label, mentions, cluster.aliases))
    return out


def _unnamed_entities(index: facts.EntityIndex, events: list[Event], doc: Doc) -> list[Entity]:
    """The unnamed role fillers the kept events use ("13 people"), one entity each."""
    used = {a.entity for e in events for a in e.arguments}
    out = []
    for key, (type_, label, spans) in index.unnamed.items():
        if key in used:
            mentions = tuple(Mention(s, _sentence_of(doc, s.start))
                             for s in sorted(spans, key=lambda s: (s.start, s.end)))
            out.append(Entity(key, type_, label, mentions, named=False))
    return out


def _dateline_entity(prep: PreparedText, doc: Doc, entities: list[Entity]) -> Entity:
    from kg.extract.lexicon import gazetteer

    place = prep.dateline_place
    gaz = gazetteer()
    name = place.text.title() if place.text.isupper() else place.text
    type_ = "City"
    if name.casefold() in gaz.aliases:
        name, type_ = gaz.aliases[name.casefold()]
    elif name.casefold() in gaz.country_of:
        name, type_ = gaz.country_of[name.casefold()], "Country"
    key = entity_key(type_, name)
    mention = Mention(place, prep.dateline)
    existing = next((e for e in entities if e.key == key), None)
    if existing is not None:
        return Entity(key, existing.type, existing.label, (mention,) + existing.mentions, existing.aliases)
    return Entity(key, type_, name, (mention,))
