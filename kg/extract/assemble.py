"""The article's entities: named mentions clustered into entities (:mod:`kg.resolve`), and the
finished :class:`~kg.records.ArticleExtraction` of one parsed article."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.index import EntityIndex, sentence_span
from kg.extract.mentions import MentionCandidate, find_mentions
from kg.extract.text import PreparedText
from kg.iri import article_key, entity_key
from kg.records import ArticleExtraction, Entity, Event, Mention, Span
from kg.resolve import NamedMention, cluster_mentions


@dataclass
class ResolvedNames:
    """The named mentions of one Doc, clustered into the article's entities."""

    named: list[MentionCandidate]  # name and demonym mentions, in text order
    pronouns: list[int]  # token indices of person pronouns
    clusters: list
    index: EntityIndex
    cluster_of: dict[int, str]  # position in ``named`` -> entity key

    def names_of(self, type_: str) -> list[tuple[int, int, str]]:
        """``(token start, token end, entity key)`` of the name mentions of entities of a class."""
        return [(c.token_start, c.token_end, self.cluster_of[i]) for i, c in enumerate(self.named)
                if self.index.type_of[self.cluster_of[i]] == type_ and c.kind == "name"]

    def name_mentions(self) -> list[tuple[int, int, str, str]]:
        """``(token start, token end, entity key, class)`` of the name mentions (no demonyms)."""
        return [(c.token_start, c.token_end, self.cluster_of[i], self.index.type_of[self.cluster_of[i]])
                for i, c in enumerate(self.named) if c.kind == "name"]


def resolve_names(doc: Doc, article_id: str) -> ResolvedNames:
    """Find the mentions of ``doc`` and cluster its names into entities (:mod:`kg.resolve`)."""
    candidates = find_mentions(doc)
    named = [c for c in candidates if c.kind in ("name", "demonym")]
    pronouns = [c.token_start for c in candidates if c.kind == "pronoun"]
    clusters = cluster_mentions([NamedMention(c.start, c.end, c.text, c.type, c.name) for c in named])
    index = EntityIndex({}, {}, {}, scope=article_key(article_id))
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
    return ResolvedNames(named, pronouns, clusters, index, cluster_of)


def assemble(doc: Doc, article, prep: PreparedText, names: ResolvedNames, relations, events) -> ArticleExtraction:
    """The extraction record of one article from what the components read."""
    entities = _entities(names.clusters, names.named, names.index, doc)
    entities += _unnamed_entities(names.index, events, doc)
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
    return sentence_span(span.sent if span is not None else doc[:].sent)


def _entities(clusters, named: list[MentionCandidate], index: EntityIndex, doc: Doc) -> list[Entity]:
    extra: dict[str, list[tuple[Span, str]]] = {}
    for key, span, kind in index.extra_mentions:
        extra.setdefault(key, []).append((span, kind))
    out = []
    for cluster in clusters:
        spans = {(named[m].start, named[m].end): (Span(named[m].start, named[m].end, named[m].text),
                                                  named[m].kind)
                 for m in cluster.members}
        for span, kind in extra.get(cluster.key, []):
            spans.setdefault((span.start, span.end), (span, kind))
        mentions = tuple(Mention(s, _sentence_of(doc, s.start), kind)
                         for _, (s, kind) in sorted(spans.items()))
        out.append(Entity(cluster.key, cluster.type, cluster.label, mentions, cluster.aliases))
    return out


def _unnamed_entities(index: EntityIndex, events: list[Event], doc: Doc) -> list[Entity]:
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
