"""From extraction records to the RDF graph of record, laid out as ``docs/graph-layout.md`` says.

:class:`GraphBuilder` adds one :class:`~kg.records.ArticleExtraction` at a time, so a corpus
streams through it; entities shared by articles meet on their deterministic IRIs. Every direct
edge and every event reaches its evidence (article, sentence, offsets, extractor, confidence)
through plain RDF nodes.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg import iri
from kg.namespaces import NEWS, SCHEMA, bind_prefixes
from kg.records import ArticleExtraction, Event, Evidence, Relation

_PLACE_RANK = {"Country": 4, "City": 3, "Region": 2, "Place": 1}
_FACTUALITY = {"Asserted": NEWS.Asserted, "Reported": NEWS.Reported, "Hedged": NEWS.Hedged,
               "Negated": NEWS.Negated}
_ROLE = {"actor": NEWS.actor, "target": NEWS.target, "participant": NEWS.participant,
         "place": NEWS.place, "instrument": NEWS.instrument, "destination": NEWS.destination,
         "origin": NEWS.origin, "affectedGroup": NEWS.affectedGroup}


def date_literal(value: str) -> Literal:
    """``2024-03-26`` as xsd:date, ``2023-11`` as xsd:gYearMonth, ``2023`` as xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


class GraphBuilder:
    """Accumulates article extractions into one rdflib Graph."""

    def __init__(self, graph: Graph | None = None, extractor: str = "kg rules",
                 extractor_version: str | None = None):
        from kg import __version__

        self.graph = graph if graph is not None else Graph()
        bind_prefixes(self.graph)
        self.extractor = iri.extractor_iri(extractor)
        self.graph.add((self.extractor, RDF.type, NEWS.Extractor))
        self.graph.set((self.extractor, RDFS.label, Literal(extractor)))
        self.graph.set((self.extractor, NEWS.extractorVersion,
                        Literal(extractor_version or __version__)))

    def add(self, ex: ArticleExtraction) -> None:
        g = self.graph
        a = ex.article
        art = iri.article_iri(a.id)
        self._retract_article(art)
        g.add((art, RDF.type, SCHEMA.NewsArticle))
        g.add((art, SCHEMA.identifier, Literal(a.id)))
        g.add((art, NEWS.contentHash, Literal(a.content_hash)))
        if a.title:
            g.add((art, SCHEMA.headline, Literal(a.title)))
        if a.url:
            g.add((art, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI)))
        if a.date:
            g.add((art, SCHEMA.datePublished, Literal(a.date.isoformat(), datatype=XSD.date)))
        if a.source:
            g.add((art, NEWS.source, Literal(a.source)))
        if ex.dateline:
            g.add((art, NEWS.dateline, Literal(ex.dateline)))
        if ex.dateline_place:
            g.add((art, SCHEMA.contentLocation, iri.entity_iri(ex.dateline_place)))

        labels = {}
        for entity in ex.entities:
            node = iri.entity_iri(entity.key)
            labels[entity.key] = self._add_entity_type(node, entity.type, entity.label)
            for alias in entity.aliases:
                g.add((node, SKOS.altLabel, Literal(alias)))
            for m in entity.mentions:
                mention = iri.mention_iri(a.id, m.span.start, m.span.end)
                g.add((node, NEWS.mention, mention))
                g.add((mention, RDF.type, NEWS.Mention))
                g.add((mention, NEWS.article, art))
                g.add((mention, NEWS.text, Literal(m.span.text)))
                g.add((mention, NEWS.startOffset, Literal(m.span.start)))
                g.add((mention, NEWS.endOffset, Literal(m.span.end)))
                g.add((mention, NEWS.sentence, Literal(m.sentence.text)))
        for relation in ex.relations:
            self._add_relation(art, a.id, relation)
        for event in ex.events:
            self._add_event(art, a.id, event, labels)

    def _retract_article(self, art: URIRef) -> None:
        """Re-adding an article replaces what an earlier version of it gave."""
        g = self.graph
        if (art, RDF.type, SCHEMA.NewsArticle) not in g:
            return
        from kg.incremental import retract_article

        retract_article(g, art)

    def _add_entity_type(self, node: URIRef, type_: str, label: str) -> str:
        g = self.graph
        current = [t for t in g.objects(node, RDF.type)]
        new = NEWS[type_]
        if not current:
            g.add((node, RDF.type, new))
            g.add((node, RDFS.label, Literal(label)))
            return label
        # one class per node: a place keeps its most specific reading across articles
        old = current[0]
        old_name = str(old).rsplit("#", 1)[-1]
        if _PLACE_RANK.get(type_, 0) > _PLACE_RANK.get(old_name, 0) and old_name in _PLACE_RANK:
            g.remove((node, RDF.type, None))
            g.add((node, RDF.type, new))
        existing = g.value(node, RDFS.label)
        return str(existing) if existing is not None else label

    def _evidence(self, owner: URIRef, art: URIRef, ev: Evidence) -> URIRef:
        g = self.graph
        node = iri.evidence_iri(owner)
        g.add((owner, NEWS.evidence, node))
        g.add((node, RDF.type, NEWS.Evidence))
        g.add((node, NEWS.article, art))
        g.add((node, NEWS.sentence, Literal(ev.sentence.text)))
        g.add((node, NEWS.text, Literal(ev.span.text)))
        g.add((node, NEWS.startOffset, Literal(ev.span.start)))
        g.add((node, NEWS.endOffset, Literal(ev.span.end)))
        g.add((node, NEWS.confidence, Literal(Decimal(str(round(ev.confidence, 4))), datatype=XSD.decimal)))
        g.add((node, NEWS.extractor, self.extractor))
        g.add((node, NEWS.rule, Literal(ev.rule)))
        return node

    def _add_relation(self, art: URIRef, article_id: str, r: Relation) -> None:
        g = self.graph
        s, p, o = iri.entity_iri(r.subject), NEWS[r.predicate], iri.entity_iri(r.object)
        claim = iri.claim_iri(article_id, r.subject, r.predicate, r.object,
                              r.evidence.span.start, r.evidence.span.end)
        g.add((claim, RDF.type, NEWS.Claim))
        g.add((claim, RDF.subject, s))
        g.add((claim, RDF.predicate, p))
        g.add((claim, RDF.object, o))
        g.add((claim, NEWS.factuality, _FACTUALITY[r.factuality]))
        if r.attributed_to:
            g.add((claim, NEWS.attributedTo, iri.entity_iri(r.attributed_to)))
        self._evidence(claim, art, r.evidence)
        if r.factuality == "Asserted":
            g.add((s, p, o))

    def _add_event(self, art: URIRef, article_id: str, e: Event, labels: dict[str, str]) -> None:
        g = self.graph
        node = iri.event_iri(article_id, e.type, e.trigger.start, e.trigger.end)
        g.add((node, RDF.type, NEWS[e.type]))
        g.add((node, RDFS.label, Literal(event_label(e, labels))))
        g.add((node, NEWS.trigger, Literal(e.trigger.text)))
        g.add((node, NEWS.factuality, _FACTUALITY[e.factuality]))
        if e.cameo:
            g.add((node, NEWS.cameoCode, Literal(e.cameo)))
        for arg in e.arguments:
            g.add((node, _ROLE[arg.role], iri.entity_iri(arg.entity)))
        if e.date:
            g.add((node, NEWS.date, date_literal(e.date)))
        if e.date_text:
            g.add((node, NEWS.dateText, Literal(e.date_text)))
        if e.quote:
            g.add((node, NEWS.quote, Literal(e.quote)))
        if e.factuality != "Asserted":
            speaker = next((a.entity for a in e.arguments if a.role == "actor"), None)
            if e.factuality == "Reported" and speaker:
                g.add((node, NEWS.attributedTo, iri.entity_iri(speaker)))
        if e.factuality == "Negated":
            g.add((node, NEWS.negated, Literal(True)))
        if e.death_count is not None:
            g.add((node, NEWS.deathCount, Literal(e.death_count, datatype=XSD.integer)))
        if e.injury_count is not None:
            g.add((node, NEWS.injuryCount, Literal(e.injury_count, datatype=XSD.integer)))
        if e.at_least is not None:
            g.add((node, NEWS.atLeast, Literal(e.at_least)))
        self._evidence(node, art, e.evidence)


def merge_partial_person_names(graph: Graph) -> int:
    """Across articles, a person named by one word ("Haniyeh") is the one person of the graph
    whose full name ends with it; the one-word node is folded into the full one. Ambiguous
    surnames stay apart. Returns the number of nodes merged."""
    people = {s: str(graph.value(s, RDFS.label)) for s in graph.subjects(RDF.type, NEWS.Person)}
    by_surname: dict[str, list[URIRef]] = {}
    for node, label in people.items():
        words = iri.normalise_name(label).split()
        if len(words) > 1:
            by_surname.setdefault(words[-1], []).append(node)
    merged = 0
    for node, label in people.items():
        words = iri.normalise_name(label).split()
        hosts = by_surname.get(words[0], []) if len(words) == 1 else []
        if len(hosts) != 1:
            continue
        host = hosts[0]
        for p, o in list(graph.predicate_objects(node)):
            graph.remove((node, p, o))
            if p == RDFS.label:
                graph.add((host, SKOS.altLabel, o))
            elif p != RDF.type:
                graph.add((host, p, o))
        for s, p in list(graph.subject_predicates(node)):
            graph.remove((s, p, node))
            graph.add((s, p, host))
        merged += 1
    return merged


def event_label(e: Event, labels: dict[str, str]) -> str:
    """A readable name: ``"Visit: Ismail Haniyeh to Tehran (2024-03-26)"``."""
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
        text += ": " + who + (" - " + where if where else "")
    if e.date:
        text += f" ({e.date})"
    return text


def extraction_graph(extractions) -> Graph:
    """The graph of an iterable of extractions (a convenience for tests and small inputs)."""
    builder = GraphBuilder()
    for ex in extractions:
        builder.add(ex)
    merge_partial_person_names(builder.graph)
    return builder.graph



