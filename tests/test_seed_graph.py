"""The seed article, dated 2024-03-26, gives the graph the issue asks for (named facts, not a
text diff)."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from kg.namespaces import NEWS, RES

pytestmark = pytest.mark.model

HANIYEH = RES["entity/person/ismail-haniyeh"]
TEHRAN = RES["entity/place/tehran"]
HAMAS = RES["entity/organization/hamas"]
IRAN = RES["entity/place/iran"]
ISRAEL = RES["entity/place/israel"]
UNSC = RES["entity/organization/united-nations-security-council"]
ABDOLLAHIAN = RES["entity/person/hossein-amir-abdollahian"]


def _ask(graph, query: str) -> bool:
    return bool(graph.query("PREFIX news: <https://w3id.org/kg-news/ontology#>\n"
                            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
                            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query).askAnswer)


def test_one_person_node_for_haniyeh_with_all_mentions(seed_graph, seed_extraction):
    people = [s for s in seed_graph.subjects(RDF.type, NEWS.Person)
              if "haniyeh" in str(seed_graph.value(s, RDFS.label)).lower()]
    assert people == [HANIYEH]
    assert seed_graph.value(HANIYEH, RDFS.label) == Literal("Ismail Haniyeh")
    texts = {str(seed_graph.value(m, NEWS.text)) for m in seed_graph.objects(HANIYEH, NEWS.mention)}
    assert {"Ismail Haniyeh", "Haniyeh", "The Hamas leader"} <= texts
    article = seed_extraction.article.text
    haniyeh_mentions = article.count("Haniyeh")
    assert len(list(seed_graph.objects(HANIYEH, NEWS.mention))) >= haniyeh_mentions


def test_haniyeh_visited_tehran_as_edge_and_dated_event_with_evidence(seed_graph):
    assert (HANIYEH, NEWS.visited, TEHRAN) in seed_graph
    assert _ask(seed_graph, f"""ASK {{
        ?v a news:Visit ; news:actor <{HANIYEH}> ; news:destination <{TEHRAN}> ;
           news:date "2024-03-26"^^xsd:date ; news:evidence ?e .
        ?e news:sentence ?s ; news:startOffset ?a ; news:endOffset ?b ; news:confidence ?c .
        FILTER(CONTAINS(?s, "Haniyeh arrived in Tehran on Tuesday"))
    }}""")
    assert _ask(seed_graph, f"""ASK {{
        ?c rdf:subject <{HANIYEH}> ; rdf:predicate news:visited ; rdf:object <{TEHRAN}> ;
           news:factuality news:Asserted ; news:evidence/news:sentence ?s .
    }}""")


def test_haniyeh_leads_hamas(seed_graph):
    assert (HANIYEH, NEWS.leaderOf, HAMAS) in seed_graph


def test_resolution_of_the_security_council_dated_the_day_before(seed_graph):
    assert _ask(seed_graph, f"""ASK {{ ?r a news:Resolution ; news:actor <{UNSC}> ;
                                        news:date "2024-03-25"^^xsd:date }}""")
    assert seed_graph.value(UNSC, RDFS.label) == Literal("United Nations Security Council")


def test_israel_rejected_the_ceasefire_call(seed_graph):
    assert (ISRAEL, NEWS.rejected, UNSC) in seed_graph
    assert _ask(seed_graph, f"""ASK {{ ?c rdf:subject <{ISRAEL}> ; rdf:predicate news:rejected ;
        news:evidence/news:sentence ?s . FILTER(CONTAINS(?s, "Israel rejected the cease-fire call")) }}""")


def test_amir_abdollahian_is_a_person_tied_to_iran_who_met_haniyeh(seed_graph):
    assert (ABDOLLAHIAN, RDF.type, NEWS.Person) in seed_graph
    assert (ABDOLLAHIAN, NEWS.worksFor, IRAN) in seed_graph
    assert (HANIYEH, NEWS.metWith, ABDOLLAHIAN) in seed_graph


def test_casualty_figures_are_integers(seed_graph):
    report = next(seed_graph.subjects(RDF.type, NEWS.CasualtyReport))
    deaths = seed_graph.value(report, NEWS.deathCount)
    injuries = seed_graph.value(report, NEWS.injuryCount)
    assert (deaths.datatype, deaths.toPython()) == (XSD.integer, 32414)
    assert (injuries.datatype, injuries.toPython()) == (XSD.integer, 74787)
    assert seed_graph.value(report, NEWS.atLeast).toPython() is True
    assert seed_graph.value(report, NEWS.affectedGroup) == RES["entity/group/palestinians"]


def test_no_entity_made_of_boilerplate(seed_graph):
    labels = {str(o) for s, o in seed_graph.subject_objects(RDFS.label)
              if str(s).startswith(str(RES) + "entity/")}
    for junk in ("Supreme", "T/RE1/P2", "Israel Launches Iron Wall Operation", "MINA",
                 "Mi’raj News Agency", "Jenin", "United States", "Gaza City"):
        assert junk not in labels, junk


def test_dateline_is_the_articles_place(seed_graph):
    from kg.namespaces import SCHEMA

    article = next(seed_graph.subjects(RDF.type, SCHEMA.NewsArticle))
    assert seed_graph.value(article, SCHEMA.contentLocation) == TEHRAN
    assert str(seed_graph.value(article, NEWS.dateline)) == "Tehran, MINA"
    # the dateline's place is no actor of any event
    assert not _ask(seed_graph, f"ASK {{ ?e news:actor <{TEHRAN}> }}")


def test_statements_carry_speaker_and_quote(seed_graph):
    assert _ask(seed_graph, f"""ASK {{ ?s a news:Statement ; news:actor <{HANIYEH}> ; news:quote ?q .
        FILTER(CONTAINS(?q, "unprecedented isolation")) }}""")


def test_seed_graph_conforms_to_the_shapes(seed_graph):
    from kg.validate import validate_graph

    report = validate_graph(seed_graph)
    assert report.conforms, report.text()


def test_every_fact_reaches_evidence_that_matches_the_article_text(seed_graph, seed_extraction):
    text = seed_extraction.article.text
    rows = list(seed_graph.query("""
        PREFIX news: <https://w3id.org/kg-news/ontology#>
        SELECT ?owner ?start ?end ?span ?sentence WHERE {
            { ?owner a news:Claim } UNION { ?owner a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* news:Event }
            ?owner news:evidence ?e .
            ?e news:startOffset ?start ; news:endOffset ?end ; news:text ?span ; news:sentence ?sentence ;
               news:article ?a ; news:extractor ?x ; news:confidence ?c .
        }"""))
    owners = {r.owner for r in rows}
    claims = set(seed_graph.subjects(RDF.type, NEWS.Claim))
    assert claims and claims <= owners
    for r in rows:
        assert text[int(r.start):int(r.end)] == str(r.span)
        assert str(r.span) in str(r.sentence) and str(r.sentence) in text
