"""Shared fixtures: small hand-made RDF graphs laid out as in docs/graph-layout.md, and the
real Neo4j started by scripts/with-neo4j.sh."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import NEWS, RES, SCHEMA


class GraphBuilder:
    """Writes entities, claims, events and articles into an rdflib graph by hand."""

    def __init__(self, article_key: str = "a1", headline: str = "Haniyeh in Tehran",
                 published: str = "2024-03-26"):
        self.graph = Graph()
        self.article_key = article_key
        self.article = RES[f"article/{article_key}"]
        g = self.graph
        g.add((self.article, RDF.type, SCHEMA.NewsArticle))
        g.add((self.article, SCHEMA.identifier, Literal(article_key)))
        g.add((self.article, SCHEMA.headline, Literal(headline)))
        g.add((self.article, SCHEMA.datePublished, Literal(published, datatype=XSD.date)))
        g.add((self.article, NEWS.source, Literal("MINA")))

    def entity(self, cls: URIRef, key: str, label: str, *alt: str) -> URIRef:
        iri = RES[f"entity/{key}"]
        self.graph.add((iri, RDF.type, cls))
        self.graph.add((iri, RDFS.label, Literal(label)))
        for name in alt:
            self.graph.add((iri, SKOS.altLabel, Literal(name)))
        mention = RES[f"mention/{self.article_key}/{key}"]
        self.graph.add((self.article, SCHEMA.mentions, iri))
        self.graph.add((iri, NEWS.mention, mention))
        self.graph.add((mention, RDF.type, NEWS.Mention))
        self.graph.add((mention, NEWS.article, self.article))
        self.graph.add((mention, NEWS.text, Literal(label)))
        return iri

    def _evidence(self, holder: URIRef, sentence: str, start: int, confidence: float) -> None:
        ev = RES["evidence/" + hashlib.sha1(f"{holder}{start}".encode()).hexdigest()[:12]]
        g = self.graph
        g.add((holder, NEWS.evidence, ev))
        g.add((ev, RDF.type, NEWS.Evidence))
        g.add((ev, NEWS.article, self.article))
        g.add((ev, NEWS.sentence, Literal(sentence)))
        g.add((ev, NEWS.startOffset, Literal(start)))
        g.add((ev, NEWS.endOffset, Literal(start + len(sentence))))
        g.add((ev, NEWS.confidence, Literal(str(confidence), datatype=XSD.decimal)))

    def relation(self, subject: URIRef, predicate: URIRef, obj: URIRef, sentence: str,
                 start: int = 0, factuality: URIRef = NEWS.Asserted,
                 confidence: float = 0.9) -> URIRef:
        digest = hashlib.sha1(f"{self.article_key}{subject}{predicate}{obj}".encode())
        claim = RES["claim/" + digest.hexdigest()[:12]]
        g = self.graph
        if factuality == NEWS.Asserted:
            g.add((subject, predicate, obj))
        g.add((claim, RDF.type, NEWS.Claim))
        g.add((claim, RDF.subject, subject))
        g.add((claim, RDF.predicate, predicate))
        g.add((claim, RDF.object, obj))
        g.add((claim, NEWS.factuality, factuality))
        g.add((claim, NEWS.asserted, Literal(factuality == NEWS.Asserted)))
        self._evidence(claim, sentence, start, confidence)
        return claim

    def event(self, cls: URIRef, start: int, label: str, sentence: str,
              day: str | None = None, **roles_and_values) -> URIRef:
        iri = RES[f"event/{self.article_key}/{start}-{cls.split('#')[-1].lower()}"]
        g = self.graph
        g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, Literal(label)))
        g.add((iri, NEWS.factuality, NEWS.Asserted))
        if day:
            g.add((iri, NEWS.date, Literal(day, datatype=XSD.date)))
        for name, value in roles_and_values.items():
            for v in value if isinstance(value, list) else [value]:
                g.add((iri, NEWS[name], v if isinstance(v, URIRef) else Literal(v)))
        self._evidence(iri, sentence, start, 0.8)
        return iri


def haniyeh_graph() -> Graph:
    """A small graph shaped like the seed article's."""
    b = GraphBuilder()
    haniyeh = b.entity(NEWS.Person, "person/ismail-haniyeh", "Ismail Haniyeh", "Haniyeh")
    hamas = b.entity(NEWS.Organization, "organization/hamas", "Hamas")
    tehran = b.entity(NEWS.City, "place/tehran", "Tehran")
    iran = b.entity(NEWS.Country, "place/iran", "Iran")
    minister = b.entity(NEWS.Person, "person/hossein-amir-abdollahian", "Hossein Amir-Abdollahian")
    israel = b.entity(NEWS.Country, "place/israel", "Israel")
    unsc = b.entity(NEWS.Organization, "organization/un-security-council", "UN Security Council")
    palestinians = b.entity(NEWS.Group, "group/palestinians", "Palestinians")
    b.graph.add((b.article, SCHEMA.contentLocation, tehran))

    s1 = "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday for talks."
    b.relation(haniyeh, NEWS.visited, tehran, s1, start=15)
    b.relation(haniyeh, NEWS.leaderOf, hamas, s1, start=15, confidence=0.7)
    b.relation(tehran, NEWS.locatedIn, iran, s1, start=15)
    s2 = "At a joint press conference with Hossein Amir-Abdollahian, Haniyeh said it."
    b.relation(haniyeh, NEWS.metWith, minister, s2, start=400)
    b.relation(minister, NEWS.worksFor, iran, s2, start=400)
    s3 = "Haniyeh also thanked Iran for its support to the Palestinian people."
    b.relation(haniyeh, NEWS.thanked, iran, s3, start=900)
    b.relation(israel, NEWS.rejected, unsc, "Israel rejected the cease-fire call.", start=300)
    b.relation(israel, NEWS.killed, haniyeh, "Israel reportedly killed Haniyeh.", start=1500,
               factuality=NEWS.Reported)

    b.event(NEWS.Visit, 15, "Visit: Ismail Haniyeh to Tehran", s1, "2024-03-26",
            actor=haniyeh, destination=tehran, trigger="arrived", cameoCode="042")
    b.event(NEWS.Meeting, 400, "Meeting: Ismail Haniyeh, Hossein Amir-Abdollahian", s2,
            "2024-03-26", participant=[haniyeh, minister], place=tehran, trigger="conference")
    b.event(NEWS.Statement, 420, "Statement: Ismail Haniyeh", s2, "2024-03-26", actor=haniyeh,
            quote="unprecedented isolation", trigger="said", cameoCode="010")
    b.event(NEWS.Resolution, 200, "Resolution: UN Security Council", "The UN passed a resolution.",
            "2024-03-25", actor=unsc, trigger="passed", cameoCode="013")
    report = b.event(NEWS.CasualtyReport, 1200, "CasualtyReport: Palestinians",
                     "At least 32,414 Palestinians have since been killed and 74,787 injured.",
                     "2024-03-26", affectedGroup=palestinians, place=israel)
    b.graph.add((report, NEWS.deathCount, Literal(32414)))
    b.graph.add((report, NEWS.injuryCount, Literal(74787)))
    b.graph.add((report, NEWS.atLeast, Literal(True)))
    b.event(NEWS.Statement, 1700, "Statement: Hamas", "Hamas said talks would focus on Gaza.",
            None, actor=hamas, dateText="early Tuesday", trigger="said")
    # one attack that two articles report, each with its own date and toll (issue 12)
    s4 = "An Israeli strike on Gaza killed 12 people."
    strike = b.event(NEWS.Attack, 1800, "Attack: Israel", s4, "2024-03-26", actor=israel,
                     trigger="strike", reportCount=2)
    b.graph.add((strike, NEWS.firstReported, Literal("2024-03-26", datatype=XSD.date)))
    for start, day, deaths, text in ((1801, "2024-03-26", 12, s4),
                                     (1802, "2024-03-25", 15, "Israel's strike killed 15.")):
        r = b.event(NEWS.Attack, start, "Attack: Israel", text, day, actor=israel,
                    trigger="strike", deathCount=deaths)
        b.graph.remove((r, RDF.type, NEWS.Attack))
        b.graph.add((r, RDF.type, NEWS.EventReport))
        b.graph.add((strike, NEWS.report, r))
    return b.graph


@pytest.fixture
def small_graph() -> Graph:
    """The hand-made seed-like graph, fresh for each test."""
    return haniyeh_graph()


@pytest.fixture
def graph_builder():
    """The :class:`GraphBuilder` class, to make graphs by hand in a test."""
    return GraphBuilder


@pytest.fixture(scope="session")
def neo4j_settings() -> dict[str, str]:
    """URI, user and password of the real Neo4j that scripts/with-neo4j.sh started.

    Without NEO4J_URI the test is skipped on a laptop but FAILS in CI (env CI set): a missing
    Neo4j must never pass silently there.
    """
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        message = "NEO4J_URI is not set: run through scripts/with-neo4j.sh (make test)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {"uri": uri, "user": os.environ.get("NEO4J_USER", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD", "")}


# --- the seed article, extracted once per session with the real spaCy model --------------------

SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds")
SEED_DATE = date(2024, 3, 26)


@pytest.fixture(scope="session")
def extractor():
    from kg.extract import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_extraction(extractor):
    from kg.readers import iter_articles

    (article,) = [a for a in iter_articles([SEED_DIR], default_date=SEED_DATE)]
    return extractor.extract(article)


@pytest.fixture(scope="session")
def seed_graph(seed_extraction):
    from kg.rdf import extraction_graph

    return extraction_graph([seed_extraction])


# --- hand-made extraction records: two articles that share their people ---------------------

def _record(article_id: str, text: str, day: str, facts: list[tuple[str, str, str, str, str]],
            events: list[tuple[str, str, list[tuple[str, str]], str | None]] = (),
            title: str | None = None):
    """An ArticleExtraction of ``text`` with entities (type, name) found by their first
    occurrence, relations ``(subject type, subject, predicate, object type, object)`` and events
    ``(type, trigger, [(role, name)], date)``, each with the sentence as evidence."""
    from kg.iri import entity_key
    from kg.records import (Argument, Article, ArticleExtraction, Entity, Event, Evidence,
                            Mention, Relation, Span)

    sentence = Span(0, len(text), text)
    types: dict[str, str] = {}
    for st, s, _, ot, o in facts:
        types.setdefault(s, st)
        types.setdefault(o, ot)
    for _, _, roles, _ in events:
        for _, name in roles:
            types.setdefault(name, "Person")

    def span(name: str) -> Span:
        start = text.index(name)
        return Span(start, start + len(name), name)

    entities = tuple(Entity(entity_key(t, n), t, n, (Mention(span(n), sentence),))
                     for n, t in types.items())
    key = {n: entity_key(t, n) for n, t in types.items()}
    relations = tuple(Relation(key[s], p, key[o], span(s), span(o),
                               Evidence(sentence, sentence, 0.9, "test:hand-made"))
                      for _, s, p, _, o in facts)
    evs = tuple(Event(kind, span(trigger), tuple(Argument(role, key[n], span(n)) for role, n in roles),
                      Evidence(sentence, sentence, 0.8, "test:hand-made"), date=day_)
                for kind, trigger, roles, day_ in events)
    article = Article(article_id, text, title=title, date=date.fromisoformat(day))
    return ArticleExtraction(article, entities, relations, evs)


def news_records():
    """Two hand-made articles: Blair meets Bush in Washington, then Bush visits London."""
    one = _record("wire-1", "Tony Blair met George Bush in Washington on Monday.", "2005-01-10",
                  [("Person", "Tony Blair", "metWith", "Person", "George Bush"),
                   ("Person", "Tony Blair", "visited", "City", "Washington")],
                  [("Meeting", "met", [("participant", "Tony Blair"), ("participant", "George Bush"),
                                       ("place", "Washington")], "2005-01-10")],
                  title="Blair in Washington")
    two = _record("wire-2", "George Bush visited London and met Tony Blair.", "2005-02-01",
                  [("Person", "George Bush", "visited", "City", "London"),
                   ("Person", "George Bush", "metWith", "Person", "Tony Blair")],
                  [("Visit", "visited", [("actor", "George Bush"), ("destination", "London")],
                    "2005-02-01")],
                  title="Bush in London")
    return [one, two]


@pytest.fixture
def records():
    """:func:`news_records`: two hand-made ArticleExtractions sharing Blair and Bush."""
    return news_records()


_FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hamid", "Ines", "Jonas",
          "Karim", "Lena", "Marco", "Nadia", "Omar", "Paula", "Rafael", "Sara", "Tomas", "Yusuf"]
_LAST = ["Abbas", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanov",
         "Jensen", "Khan", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt"]
_PLACES = ["Vienna", "Cairo", "Lisbon", "Oslo", "Ankara", "Nairobi", "Lima", "Hanoi", "Quito",
           "Dakar", "Sofia", "Tunis", "Riga", "Accra", "Bogota", "Manila"]
_ORGS = ["Harbour Union", "Northern Bank", "Green Party", "Metro Council", "River Trust",
         "Star Airlines", "Delta Foundation", "Civic Forum"]


def synthetic_records(articles: int, seed: int = 1):
    """``articles`` hand-made extractions over a shared cast (people, places, organisations), with
    relations and dated events spread over 2005: a stand-in for a BBC-sized corpus in tests that
    must not need the shared data."""
    import random

    rng = random.Random(seed)
    people = [f"{f} {l}" for f in _FIRST for l in _LAST]
    rng.shuffle(people)
    cast = people[: max(8, articles // 2)]
    out = []
    for n in range(articles):
        who = rng.sample(cast[: 6 + n // 2], 3)
        place = rng.choice(_PLACES)
        org = rng.choice(_ORGS)
        day = f"2005-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = (f"{who[0]} met {who[1]} in {place}. {who[0]} visited {place}. "
                f"{who[2]} works for {org}. {who[1]} said it went well.")
        out.append(_record(
            f"syn-{n}", text, day,
            [("Person", who[0], "metWith", "Person", who[1]),
             ("Person", who[0], "visited", "City", place),
             ("Person", who[2], "worksFor", "Organization", org)],
            [("Meeting", "met", [("participant", who[0]), ("participant", who[1]),
                                 ("place", place)], day),
             ("Visit", "visited", [("actor", who[0]), ("destination", place)], day),
             ("Statement", "said", [("actor", who[1])], day)],
            title=f"Story {n}"))
    return out
