"""Cross-article events: three outlets reporting one meeting give one news:Event (no model)."""

import datetime as dt

from rdflib import RDF, Literal
from rdflib.namespace import XSD

from kg.corroborate import EventReport, compatible_dates, corroborate
from kg.iri import entity_iri, entity_key
from kg.namespaces import NEWS


def _report(article_id, published, trigger, date=None, deaths=None, place="Tehran",
            who=("Ismail Haniyeh", "Ali Khamenei"), cls="Meeting"):
    from kg.records import (Argument, Article, ArticleExtraction, Entity, Event, Evidence,
                            Mention, Span)

    names = list(who) + ([place] if place else [])
    text = " ".join(names) + f" {trigger} ."
    sent = Span(0, len(text), text)
    entities, args, pos = [], [], 0
    for n, name in enumerate(names):
        type_ = "City" if name == place else "Person"
        span = Span(pos, pos + len(name), name)
        entities.append(Entity(entity_key(type_, name), type_, name, (Mention(span, sent),)))
        role = "place" if name == place else ("actor" if n == 0 else "participant")
        args.append(Argument(role, entity_key(type_, name), span))
        pos += len(name) + 1
    trig = Span(pos, pos + len(trigger), trigger)
    event = Event(cls, trig, tuple(args), Evidence(sent, Span(0, trig.end, text[:trig.end]), 0.9, "test"),
                  date=date, death_count=deaths)
    return ArticleExtraction(Article(article_id, text, date=published), tuple(entities), (), (event,))


def test_three_reports_of_one_meeting_are_one_event_each_keeping_its_own_figures():
    from kg.rdf import extraction_graph

    graph = extraction_graph([
        _report("bbc", dt.date(2024, 3, 27), "met", "2024-03-26", deaths=3),
        _report("afp", dt.date(2024, 3, 26), "held talks", "2024-03", deaths=5),
        _report("ap", dt.date(2024, 3, 28), "met", None),
        _report("other", dt.date(2024, 3, 28), "met", "2024-04-02"),     # another day
        _report("elsewhere", dt.date(2024, 3, 28), "met", place="Doha"),  # another place
    ])
    (event,) = graph.subjects(NEWS.reportCount, Literal(3, datatype=XSD.integer))
    assert (event, RDF.type, NEWS.Meeting) in graph
    assert graph.value(event, NEWS.firstReported) == Literal("2024-03-26", datatype=XSD.date)
    reports = set(graph.objects(event, NEWS.report))
    assert len(reports) == 3 and all((r, RDF.type, NEWS.EventReport) in graph for r in reports)
    # the figures stay beside their reports; the event carries no date the reports disagree on
    assert sorted(int(graph.value(r, NEWS.deathCount)) for r in reports
                  if graph.value(r, NEWS.deathCount) is not None) == [3, 5]
    assert graph.value(event, NEWS.date) is None
    assert (event, NEWS.actor, entity_iri("person/ismail-haniyeh")) in graph
    assert len(set(graph.objects(event, NEWS.evidence))) == 3
    # the other day and the other place stay events of their own, each reported once
    singles = set(graph.subjects(NEWS.reportCount, Literal(1, datatype=XSD.integer)))
    assert len(singles) == 2 and all((s, RDF.type, NEWS.Meeting) in graph for s in singles)
    from kg.validate import validate_graph
    assert validate_graph(graph).conforms


def test_corroboration_is_order_independent_and_needs_a_shared_participant():
    a = EventReport("ev:a", "Attack", "art:1", "2024-03-26", frozenset({"p:x"}), frozenset(), "2024-03-26")
    b = EventReport("ev:b", "Attack", "art:2", "2024", frozenset({"p:x"}), frozenset(), "2024-03-27")
    c = EventReport("ev:c", "Attack", "art:3", "2024-03-26", frozenset({"p:y"}), frozenset(), "2024-03-27")
    d = EventReport("ev:d", "Attack", "art:1", None, frozenset({"p:x"}), frozenset(), "2024-03-26")
    assert corroborate([a, b, c, d]) == corroborate([d, c, b, a]) == [["ev:a", "ev:b"]]
    assert compatible_dates("2024-03", "2024-03-26") and not compatible_dates("2024-03-25", "2024-03-26")


def test_undated_reports_need_a_common_place_and_statements_stay_apart():
    """Nothing says when an undated report happened, and one speaker says many things: on the
    whole (undated) BBC corpus, 44 attacks in Iraq had become one event, one "Statement: Gordon
    Brown" 102 reports and one "Statement: Tony Blair" 45."""
    undated = [EventReport(f"ev:{n}", "Attack", f"art:{n}", None, frozenset({"p:iraq"}), frozenset())
               for n in range(3)]
    assert corroborate(undated) == []
    # with one place named by both, two undated reports may still be one event
    here = [EventReport(f"ev:p{n}", "Attack", f"art:{n}", None, frozenset({"p:iraq"}),
                        frozenset({"p:falluja"})) for n in range(2)]
    assert corroborate(here) == [["ev:p0", "ev:p1"]]
    said = [EventReport(f"ev:s{n}", "Statement", f"art:{n}", "2024-03-26", frozenset({"p:brown"}),
                        frozenset(), "2024-03-26") for n in range(3)]
    assert corroborate(said) == []
    # a report whose text gives no date still joins one of a dated article
    dated = EventReport("ev:d", "Attack", "art:9", None, frozenset({"p:iraq"}), frozenset(), "2024-03-26")
    other = EventReport("ev:e", "Attack", "art:8", "2024-03-26", frozenset({"p:iraq"}), frozenset(), "2024-03-27")
    assert corroborate([dated, other]) == [["ev:d", "ev:e"]]


def test_the_corroborated_event_keeps_every_role_of_its_reports():
    """Every event role of ``kg.namespaces.EVENT_ROLES`` goes from the reports to the event:
    an appointment reported twice keeps its employer."""
    from dataclasses import replace

    from kg.rdf import extraction_graph

    def appointment(article_id, published):
        ex = _report(article_id, published, "appointed", "2024-03-26", who=("Jane Doe", "Acme"),
                     cls="Appointment")
        (event,) = ex.events
        args = tuple(replace(a, role="employer") if a.role == "participant" else a
                     for a in event.arguments)
        return replace(ex, events=(replace(event, arguments=args),))

    graph = extraction_graph([appointment("bbc", dt.date(2024, 3, 26)),
                              appointment("afp", dt.date(2024, 3, 27))])
    (event,) = graph.subjects(NEWS.reportCount, Literal(2, datatype=XSD.integer))
    assert (event, NEWS.employer, entity_iri("person/acme")) in graph
    assert (event, NEWS.actor, entity_iri("person/jane-doe")) in graph
