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

from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg import iri
from kg.namespaces import NEWS, SCHEMA, bind_prefixes
from kg.records import ArticleExtraction, Event, Evidence, Relation

_FACTUALITY = {"Asserted": NEWS.Asserted, "Reported": NEWS.Reported, "Hedged": NEWS.Hedged,
               "Negated": NEWS.Negated}
_ROLE = {"actor": NEWS.actor, "target": NEWS.target, "participant": NEWS.participant,
         "place": NEWS.place, "instrument": NEWS.instrument, "destination": NEWS.destination,
         "origin": NEWS.origin, "affectedGroup": NEWS.affectedGroup, "employer": NEWS.employer}


def date_literal(value: str) -> Literal:
    """``2024-03-26`` as xsd:date, ``2023-11`` as xsd:gYearMonth, ``2023`` as xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


class _ArticleWriter:
    """Writes the triples of one article's extraction into an rdflib Graph."""

    def __init__(self, extractor: str = "kg", extractor_version: str | None = None):
        from kg import __version__

        self.graph = Graph(bind_namespaces="none")
        self.extractor = iri.extractor_iri(extractor)
        self.graph.add((self.extractor, RDF.type, NEWS.Extractor))
        self.graph.set((self.extractor, RDFS.label, Literal(extractor)))
        self.graph.set((self.extractor, NEWS.extractorVersion,
                        Literal(extractor_version or __version__)))

    def add(self, ex: ArticleExtraction) -> Graph:
        g = self.graph
        a = ex.article
        art = iri.article_iri(a.id)
        g.add((art, RDF.type, SCHEMA.NewsArticle))
        g.add((art, SCHEMA.identifier, Literal(a.id)))
        g.add((art, NEWS.contentHash, Literal(a.content_hash)))
        # a label, so that every view names the article: its headline, else its id
        g.add((art, RDFS.label, Literal(a.title or f"article {a.id}")))
        if a.title:
            g.add((art, SCHEMA.headline, Literal(a.title)))
        if a.author:
            g.add((art, SCHEMA.author, Literal(a.author)))
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

        for entity in ex.entities:
            node = iri.entity_iri(entity.key)
            g.add((art, SCHEMA.mentions, node))  # the article-entity link, for a plain lookup
            g.add((node, RDF.type, NEWS[entity.type]))
            g.add((node, RDFS.label, Literal(entity.label)))
            if not entity.named:
                g.add((node, NEWS.unnamed, Literal(True)))
            for alias in entity.aliases:
                g.add((node, SKOS.altLabel, Literal(alias)))
            for m in entity.mentions:
                mention = iri.mention_iri(a.id, m.span.start, m.span.end)
                g.add((node, NEWS.mention, mention))
                self._span_node(mention, NEWS.Mention, art, m.sentence.text, m.span)
        for relation in _one_per_claim(ex.relations, a.id):
            self._add_relation(art, a.id, relation)
        labels = {entity.key: entity.label for entity in ex.entities}
        for event in ex.events:
            self._add_event(art, a.id, event, labels)
        return g

    def _span_node(self, node: URIRef, cls: URIRef, art: URIRef, sentence: str, span) -> None:
        """A stretch of an article: its text, offsets and sentence (mentions and evidence)."""
        g = self.graph
        g.add((node, RDF.type, cls))
        g.add((node, NEWS.article, art))
        g.add((node, NEWS.text, Literal(span.text)))
        g.add((node, NEWS.startOffset, Literal(span.start)))
        g.add((node, NEWS.endOffset, Literal(span.end)))
        g.add((node, NEWS.sentence, Literal(sentence)))

    def _evidence(self, owner: URIRef, art: URIRef, ev: Evidence) -> URIRef:
        g = self.graph
        node = iri.evidence_iri(owner)
        g.add((owner, NEWS.evidence, node))
        self._span_node(node, NEWS.Evidence, art, ev.sentence.text, ev.span)
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
        asserted = r.asserted and r.factuality == "Asserted"
        g.add((claim, NEWS.asserted, Literal(asserted)))
        if asserted:
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


def article_graph(ex: ArticleExtraction) -> Graph:
    """The triples one article contributes, as an rdflib Graph."""
    return _ArticleWriter().add(ex)


def article_ntriples(ex: ArticleExtraction) -> bytes:
    """:func:`article_graph` as N-Triples, the piece :class:`CorpusGraph` loads."""
    from kg.serialize import to_oxigraph

    return ox.serialize(to_oxigraph(article_graph(ex), quads=False, ordered=False),
                        format=ox.RdfFormat.N_TRIPLES)


_NS = str(NEWS._NS)
_RES_ENTITY = str(iri.RES) + "entity/"
_SETTLE_TYPES = f"""
PREFIX news: <{_NS}>
DELETE {{ ?e a ?lower }} WHERE {{
  VALUES (?lower ?higher) {{
    (news:Place news:Region) (news:Place news:City) (news:Place news:Country)
    (news:Region news:City) (news:Region news:Country) (news:City news:Country)
  }}
  ?e a ?lower , ?higher .
}}"""
_SETTLE_LABELS = f"""
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
DELETE {{ ?e rdfs:label ?other }} INSERT {{ ?e skos:altLabel ?other }} WHERE {{
  {{ SELECT ?e (MIN(STR(?l)) AS ?keep) WHERE {{ ?e rdfs:label ?l }}
     GROUP BY ?e HAVING (COUNT(?l) > 1) }}
  ?e rdfs:label ?other .
  FILTER (STR(?other) != ?keep)
}};
DELETE {{ ?e skos:altLabel ?l }} WHERE {{ ?e rdfs:label ?l ; skos:altLabel ?l }}"""
_ENTITIES = f"""
PREFIX news: <{_NS}>
PREFIX rdfs: <{RDFS}>
SELECT ?e ?label (SAMPLE(?c) AS ?class) WHERE {{
  ?e news:mention ?m ; rdfs:label ?label ; a ?c .
  FILTER NOT EXISTS {{ ?e news:unnamed true }}
}} GROUP BY ?e ?label"""
_ENTITY_MENTIONS = f"""
PREFIX news: <{_NS}>
SELECT ?e ?a ?t ?s WHERE {{
  ?e news:mention ?m . ?m news:article ?a ; news:text ?t ; news:sentence ?s .
  FILTER NOT EXISTS {{ ?e news:unnamed true }}
}}"""
_ALT_LABELS = f"SELECT ?e ?l WHERE {{ ?e <{SKOS.altLabel}> ?l }}"
_RES_EVENT = str(iri.RES) + "event/"
_EVENT_PLACES = f"""
PREFIX news: <{_NS}>
SELECT DISTINCT ?x WHERE {{ VALUES ?role {{ news:place news:destination news:origin }} ?ev ?role ?x }}"""
_EVENT_ACTORS = f"""
PREFIX news: <{_NS}>
SELECT DISTINCT ?x WHERE {{
  VALUES ?role {{ news:actor news:participant news:target news:employer }} ?ev ?role ?x }}"""
_EVENT_REPORTS = f"""
PREFIX news: <{_NS}>
PREFIX schema: <{SCHEMA}>
SELECT ?ev ?cls ?art ?date ?pub WHERE {{
  ?ev a ?cls ; news:evidence/news:article ?art .
  OPTIONAL {{ ?ev news:date ?date }}
  OPTIONAL {{ ?art schema:datePublished ?pub }}
  FILTER (STRSTARTS(STR(?ev), "{_RES_EVENT}"))
}}"""
_PLACE_ROLES = {str(NEWS.place), str(NEWS.destination)}
_EVENT_ROLES = f"""
PREFIX news: <{_NS}>
SELECT ?ev ?role ?x WHERE {{
  VALUES ?role {{ news:actor news:target news:participant news:affectedGroup news:place
                 news:destination }}
  ?ev ?role ?x .
  FILTER (STRSTARTS(STR(?ev), "{_RES_EVENT}"))
}}"""
# (event, report, class, first report): the event takes the first report's label, trigger and
# factuality (Asserted when any report asserts it), every report's evidence and roles
_CORROBORATE = f"""
PREFIX news: <{_NS}>
PREFIX rdfs: <{RDFS}>
PREFIX schema: <{SCHEMA}>
PREFIX xsd: <{XSD}>
INSERT {{ ?event a ?cls ; news:report ?r ; news:evidence ?e ; ?role ?x }} WHERE {{
  VALUES (?event ?r ?cls ?first) {{ $ROWS }}
  {{ ?r news:evidence ?e }} UNION {{
    VALUES ?role {{ news:actor news:target news:participant news:affectedGroup news:place
                   news:destination news:origin news:instrument }}
    ?r ?role ?x }}
}};
INSERT {{ ?event rdfs:label ?label ; news:trigger ?trigger }} WHERE {{
  VALUES (?event ?r ?cls ?first) {{ $ROWS }}
  FILTER (?r = ?first)
  ?r rdfs:label ?label ; news:trigger ?trigger .
}};
INSERT {{ ?event news:factuality ?f }} WHERE {{
  {{ SELECT ?event (IF(SUM(IF(?fr = news:Asserted, 1, 0)) > 0, news:Asserted, SAMPLE(?ff)) AS ?f)
    WHERE {{
      VALUES (?event ?r ?cls ?first) {{ $ROWS }}
      ?r news:factuality ?fr . ?first news:factuality ?ff .
    }} GROUP BY ?event }}
}};
INSERT {{ ?event news:reportCount ?n }} WHERE {{
  {{ SELECT ?event (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES (?event ?r ?cls ?first) {{ $ROWS }} }}
     GROUP BY ?event }}
}};
INSERT {{ ?event news:firstReported ?d }} WHERE {{
  {{ SELECT ?event (MIN(?pub) AS ?d) WHERE {{
      VALUES (?event ?r ?cls ?first) {{ $ROWS }}
      ?r news:evidence/news:article/schema:datePublished ?pub .
    }} GROUP BY ?event }}
}};
INSERT {{ ?event news:date ?d }} WHERE {{
  {{ SELECT ?event (SAMPLE(?date) AS ?d) WHERE {{
      VALUES (?event ?r ?cls ?first) {{ $ROWS }}
      ?r news:date ?date .
    }} GROUP BY ?event HAVING (COUNT(DISTINCT STR(?date)) = 1) }}
}};
DELETE {{ ?r a ?cls }} INSERT {{ ?r a news:EventReport }} WHERE {{
  VALUES (?event ?r ?cls ?first) {{ $ROWS }}
}}"""
_SINGLE_REPORT = f"""
PREFIX news: <{_NS}>
PREFIX schema: <{SCHEMA}>
PREFIX xsd: <{XSD}>
INSERT {{ ?ev news:reportCount "1"^^xsd:integer }} WHERE {{ VALUES ?ev {{ $NODES }} }};
INSERT {{ ?ev news:firstReported ?pub }} WHERE {{
  VALUES ?ev {{ $NODES }}
  {{ SELECT ?ev (MIN(?d) AS ?pub) WHERE {{
       VALUES ?ev {{ $NODES }} ?ev news:evidence/news:article/schema:datePublished ?d }}
     GROUP BY ?ev }}
}}"""


class CorpusGraph:
    """The graph of a corpus, assembled in a pyoxigraph store (in memory unless given one).

    ``add`` takes an extraction, ``add_ntriples`` a piece made earlier by
    :func:`article_ntriples` (say, from a cache); ``settle`` then makes the corpus-wide
    decisions. The result does not depend on the order pieces came in.
    """

    def __init__(self, store: ox.Store | None = None):
        """``store``: the (empty) store to assemble the graph in, say an on-disk one
        (:class:`kg.store.StoreBuild`); by default a new in-memory store."""
        self.store = ox.Store() if store is None else store
        self.add_ntriples(_extractor_ntriples())

    def add(self, ex: ArticleExtraction) -> None:
        self.add_ntriples(article_ntriples(ex))

    def add_ntriples(self, piece: bytes) -> None:
        self.store.load(piece, ox.RdfFormat.N_TRIPLES)

    def __len__(self) -> int:
        return len(self.store)

    def settle(self) -> "CorpusGraph":
        """One class per entity and one canonical name (:meth:`settle_names`), the nodes that
        are one thing across articles joined (:meth:`resolve_entities`, see
        :mod:`kg.resolve_corpus`), one event for the reports of one event across articles
        (:meth:`corroborate_events`), and symmetric relations both ways (:meth:`_both_ways`)."""
        self.settle_names()
        self.resolve_entities()
        self.store.update(_SETTLE_LABELS)
        self.corroborate_events()
        self._both_ways()
        return self

    def event_reports(self) -> list:
        """Every article's event node as a :class:`kg.corroborate.EventReport`."""
        from kg.corroborate import EventReport

        rows: dict[str, dict] = {}
        for r in self.store.query(_EVENT_REPORTS):
            rows[r["ev"].value] = {"cls": r["cls"].value.rsplit("#", 1)[-1], "art": r["art"].value,
                                   "date": r["date"].value if r["date"] else None,
                                   "pub": r["pub"].value if r["pub"] else None,
                                   "who": set(), "where": set()}
        for r in self.store.query(_EVENT_ROLES):
            row = rows.get(r["ev"].value)
            if row is not None and not r["x"].value.startswith(_RES_ENTITY + "unnamed/"):
                row["where" if r["role"].value in _PLACE_ROLES else "who"].add(r["x"].value)
        return [EventReport(node, row["cls"], row["art"], row["date"], frozenset(row["who"]),
                            frozenset(row["where"]), row["pub"])
                for node, row in sorted(rows.items())]

    def corroborate_events(self) -> int:
        """One ``news:Event`` for the reports of one event across articles
        (:mod:`kg.corroborate`), and return how many events several articles report.

        The event takes its class, the first report's label and trigger, every report's
        evidence and role fillers, ``news:reportCount``, ``news:firstReported`` and a date only
        when every dated report gives the same; each report becomes a ``news:EventReport`` linked
        by ``news:report`` and keeps its own date, figures and evidence. An event one article
        alone reports keeps its node, with ``news:reportCount 1``."""
        from kg.corroborate import corroborate

        reports = self.event_reports()
        by_node = {r.node: r for r in reports}
        groups = corroborate(reports)
        rows, grouped = [], set()
        for group in groups:
            members = sorted((by_node[n] for n in group), key=lambda r: (r.published or "9999", r.node))
            event = iri.reported_event_iri(members[0].cls, members[0].node)
            for r in members:
                rows.append(f"(<{event}> <{r.node}> <{_NS}{r.cls}> <{members[0].node}>)")
                grouped.add(r.node)
        if rows:
            self.store.update(_CORROBORATE.replace("$ROWS", " ".join(rows)))
        singles = " ".join(f"<{r.node}>" for r in reports if r.node not in grouped)
        if singles:
            self.store.update(_SINGLE_REPORT.replace("$NODES", singles))
        return len(groups)

    def settle_names(self) -> "CorpusGraph":
        """The first step of :meth:`settle`: one class per node (a place keeps its most specific
        reading) and one canonical name (the others become skos:altLabel)."""
        self.store.update(_SETTLE_TYPES)
        self.store.update(_SETTLE_LABELS)
        return self

    def _both_ways(self) -> None:
        """A symmetric relation (``news:metWith``) holds both ways: its plain triple is written
        in both directions, so SPARQL and Cypher find it from either end; the claim keeps the
        direction the article gave."""
        from kg.ontology import load_ontology

        symmetric = " ".join(f"<{p}>" for p in sorted(load_ontology().symmetric))
        if symmetric:
            self.store.update(f"INSERT {{ ?b ?p ?a }} WHERE {{ VALUES ?p {{ {symmetric} }} "
                              f"?a ?p ?b . FILTER (?a != ?b) }}")

    def corpus_entities(self) -> list:
        """The named entities of the graph as :class:`kg.resolve_corpus.CorpusEntity` records:
        name, alternative names, class, mentions, articles, titles seen before the mentions,
        and the other named entities of their articles."""
        from kg.resolve_corpus import CorpusEntity, about_sport, is_country, titles_before

        rows = {r["e"].value: (r["label"].value, r["class"].value)
                for r in self.store.query(_ENTITIES)}
        alt: dict[str, list[str]] = {}
        for r in self.store.query(_ALT_LABELS):
            if r["e"].value in rows:
                alt.setdefault(r["e"].value, []).append(r["l"].value)
        mentions: dict[str, int] = {}
        articles: dict[str, set[str]] = {}
        titles: dict[str, set[str]] = {}
        in_article: dict[str, set[str]] = {}
        sport: dict[str, int] = {}
        for r in self.store.query(_ENTITY_MENTIONS):
            e, a = r["e"].value, r["a"].value
            mentions[e] = mentions.get(e, 0) + 1
            sport[e] = sport.get(e, 0) + about_sport(r["s"].value)
            articles.setdefault(e, set()).add(a)
            in_article.setdefault(a, set()).add(e)
            found = titles_before(r["t"].value, r["s"].value)
            if found:
                titles.setdefault(e, set()).update(found)
        placed = {r["x"].value for r in self.store.query(_EVENT_PLACES)}
        acted = {r["x"].value for r in self.store.query(_EVENT_ACTORS)}
        out = []
        for e, (label, cls) in sorted(rows.items()):
            neighbours = set().union(*(in_article[a] for a in articles.get(e, ()))) - {e}
            out.append(CorpusEntity(e, label, cls.rsplit("#", 1)[-1], mentions.get(e, 0),
                                    tuple(sorted(alt.get(e, ()))), frozenset(articles.get(e, ())),
                                    frozenset(titles.get(e, ())), frozenset(neighbours),
                                    is_country(label), 2 * sport.get(e, 0) > mentions.get(e, 0),
                                    e in placed, e in acted))
        return out

    def resolve_entities(self, model=None) -> int:
        """Join the nodes :func:`kg.resolve_corpus.resolve_entities` finds to be one thing, and
        return how many went. Each kept node takes its group's class and keeps the IRIs of the
        others as ``owl:sameAs`` aliases, so links into the graph made before stay good."""
        from kg.resolve_corpus import resolve_entities

        decided = resolve_entities(self.corpus_entities(), model)
        pairs = {old: new for old, (new, _cls) in decided.items() if old != new}
        if not decided:
            return 0
        kept = {new: cls for _old, (new, cls) in decided.items()}
        values = " ".join(f"(<{node}> <{_NS}{cls}>)" for node, cls in sorted(kept.items()))
        self.store.update(f"""
DELETE {{ ?e a ?t }} WHERE {{ VALUES (?e ?c) {{ {values} }} ?e a ?t . FILTER (?t != ?c) }};
INSERT {{ ?e a ?c }} WHERE {{ VALUES (?e ?c) {{ {values} }} }}""")
        self._merge(pairs)
        same = " ".join(f"(<{new}> <{old}>)" for old, new in sorted(pairs.items()))
        if same:
            self.store.update(f"INSERT {{ ?new <{OWL.sameAs}> ?old }} WHERE {{ "
                              f"VALUES (?new ?old) {{ {same} }} }}")
        return len(pairs)

    def _merge(self, pairs: dict[str, str]) -> None:
        """Move every triple of each old node onto its new one: its names become altLabels, its
        classes go, and triples that point at it point at the new node."""
        if not pairs:
            return
        values = " ".join(f"(<{old}> <{new}>)" for old, new in pairs.items())
        self.store.update(f"""
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
DELETE {{ ?old ?p ?o }} INSERT {{ ?new ?q ?o }} WHERE {{
  VALUES (?old ?new) {{ {values} }}
  ?old ?p ?o .
  BIND (IF(?p = rdfs:label, skos:altLabel, ?p) AS ?q)
  FILTER (?p != rdf:type)
}};
DELETE {{ ?old a ?t }} WHERE {{ VALUES (?old ?new) {{ {values} }} ?old a ?t }};
DELETE {{ ?s ?p ?old }} INSERT {{ ?s ?p ?new }} WHERE {{
  VALUES (?old ?new) {{ {values} }}
  ?s ?p ?old .
}}""")

    def to_rdflib(self) -> Graph:
        from kg.serialize import from_oxigraph

        graph = Graph()
        bind_prefixes(graph)
        from_oxigraph(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()), graph)
        return graph


def _extractor_ntriples() -> bytes:
    from kg.serialize import to_oxigraph

    return ox.serialize(to_oxigraph(_ArticleWriter().graph, quads=False, ordered=False),
                        format=ox.RdfFormat.N_TRIPLES)


def extraction_graph(extractions) -> Graph:
    """The settled graph of an iterable of extractions, as an rdflib Graph (for tests and small
    inputs; ``kg build`` writes a :class:`CorpusGraph` directly)."""
    corpus = CorpusGraph()
    for ex in extractions:
        corpus.add(ex)
    return corpus.settle().to_rdflib()
