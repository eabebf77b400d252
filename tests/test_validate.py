"""kg's SHACL validator gives pySHACL's verdicts, on the seed graph and on graphs that break each
kind of constraint of ontology/shapes.ttl (pySHACL is the reference here, and only here)."""

from __future__ import annotations

from functools import lru_cache

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from kg.namespaces import NEWS, ONTOLOGY_FILE, RES, SCHEMA, SHAPES_FILE, bind_prefixes
from kg.validate import validate_graph

pytestmark = pytest.mark.model


@lru_cache(maxsize=1)
def _reference_inputs():
    return Graph().parse(SHAPES_FILE), Graph().parse(ONTOLOGY_FILE)


def _name(names: Graph, node) -> str | None:
    if node is None:
        return None
    return str(node) if isinstance(node, Literal) else names.namespace_manager.normalizeUri(node)


def pyshacl_verdict(graph: Graph):
    from pyshacl import validate

    shapes, ontology = _reference_inputs()
    conforms, results, _ = validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                    inference="none", advanced=True, allow_warnings=False)
    names = Graph()
    bind_prefixes(names)
    found = {(_name(names, results.value(r, SH.focusNode)), _name(names, results.value(r, SH.resultPath)),
              _name(names, results.value(r, SH.value)))
             for r in results.subjects(SH.resultSeverity, SH.Violation)}
    return bool(conforms), found


def kg_verdict(graph: Graph):
    report = validate_graph(graph)
    return report.conforms, {(v.focus, v.path, v.value) for v in report.violations}


def _one(graph: Graph, cls) -> URIRef:
    return sorted(graph.subjects(RDF.type, cls))[0]


def _asserted_claim(graph: Graph) -> URIRef:
    return sorted(c for c in graph.subjects(RDF.type, NEWS.Claim)
                  if (c, NEWS.factuality, NEWS.Asserted) in graph
                  and graph.value(c, RDF.predicate) != NEWS.metWith)[0]


def _set(graph, s, p, o):
    graph.remove((s, p, None))
    graph.add((s, p, o))


def _no_label(g):
    g.remove((_one(g, NEWS.Person), RDFS.label, None))


def _two_labels(g):
    g.add((_one(g, NEWS.Person), RDFS.label, Literal("Another Name")))


def _empty_label(g):
    _set(g, _one(g, NEWS.Person), RDFS.label, Literal(""))


def _no_mention(g):
    g.remove((_one(g, NEWS.Country), NEWS.mention, None))


def _tagged_alias(g):
    g.add((_one(g, NEWS.Person), SKOS.altLabel, Literal("Ismaïl", lang="fr")))


def _unnamed_not_true(g):
    g.add((_one(g, NEWS.Person), NEWS.unnamed, Literal("yes")))


def _unnamed_in_relation(g):
    person = _one(g, NEWS.Person)
    g.add((person, NEWS.unnamed, Literal(True)))


def _relation_without_claim(g):
    people = sorted(g.subjects(RDF.type, NEWS.Person))
    g.add((people[0], NEWS.praised, people[1]))


def _related_to_without_claim(g):
    people = sorted(g.subjects(RDF.type, NEWS.Person))
    g.add((people[0], NEWS.relatedTo, people[1]))


def _offsets_reversed(g):
    mention = _one(g, NEWS.Mention)
    _set(g, mention, NEWS.startOffset, Literal(10 ** 6, datatype=XSD.integer))


def _negative_offset(g):
    _set(g, _one(g, NEWS.Evidence), NEWS.startOffset, Literal(-1, datatype=XSD.integer))


def _ill_typed_offset(g):
    _set(g, _one(g, NEWS.Mention), NEWS.endOffset, Literal("twelve", datatype=XSD.integer))


def _confidence_above_one(g):
    _set(g, _one(g, NEWS.Evidence), NEWS.confidence, Literal("1.5", datatype=XSD.decimal))


def _confidence_as_double(g):
    _set(g, _one(g, NEWS.Evidence), NEWS.confidence, Literal("0.5", datatype=XSD.double))


def _extractor_untyped(g):
    extractor = _one(g, NEWS.Extractor)
    g.remove((extractor, RDF.type, NEWS.Extractor))


def _claim_predicate_outside_list(g):
    _set(g, _asserted_claim(g), RDF.predicate, NEWS.relatedTo)


def _asserted_triple_missing(g):
    claim = _asserted_claim(g)
    g.remove((g.value(claim, RDF.subject), g.value(claim, RDF.predicate), g.value(claim, RDF.object)))


def _reported_claim_asserted(g):
    _set(g, _asserted_claim(g), NEWS.factuality, NEWS.Reported)


def _impossible_event_date(g):
    _set(g, _one(g, NEWS.Visit), NEWS.date, Literal("2024-02-30", datatype=XSD.date))


def _event_date_as_text(g):
    _set(g, _one(g, NEWS.Visit), NEWS.date, Literal("2024-03-26"))


def _cameo_letters(g):
    _set(g, _one(g, NEWS.Visit), NEWS.cameoCode, Literal("ABC"))


def _casualties_uncounted(g):
    report = _one(g, NEWS.CasualtyReport)
    g.remove((report, NEWS.deathCount, None))
    g.remove((report, NEWS.injuryCount, None))


def _statement_without_speaker(g):
    g.remove((_one(g, NEWS.Statement), NEWS.actor, None))


def _article_twice_identified(g):
    g.add((_one(g, SCHEMA.NewsArticle), SCHEMA.identifier, Literal("another")))


def _article_date_yesterday(g):
    _set(g, _one(g, SCHEMA.NewsArticle), SCHEMA.datePublished, Literal("yesterday", datatype=XSD.date))


def _place_is_a_person(g):
    _set(g, _one(g, NEWS.Visit), NEWS.destination, _one(g, NEWS.Person))


def _mention_of_no_article(g):
    _set(g, _one(g, NEWS.Mention), NEWS.article, RES["article/nowhere"])


BREAKS = [_no_label, _two_labels, _empty_label, _no_mention, _tagged_alias, _unnamed_not_true,
          _unnamed_in_relation, _relation_without_claim, _related_to_without_claim,
          _offsets_reversed, _negative_offset, _ill_typed_offset, _confidence_above_one,
          _confidence_as_double, _extractor_untyped, _claim_predicate_outside_list,
          _asserted_triple_missing, _reported_claim_asserted, _impossible_event_date,
          _event_date_as_text, _cameo_letters, _casualties_uncounted, _statement_without_speaker,
          _article_twice_identified, _article_date_yesterday, _place_is_a_person,
          _mention_of_no_article]


def test_the_seed_graph_conforms_for_both(seed_graph):
    assert kg_verdict(seed_graph) == pyshacl_verdict(seed_graph) == (True, set())


@pytest.mark.parametrize("break_it", BREAKS, ids=lambda f: f.__name__.strip("_"))
def test_a_broken_graph_gets_pyshacls_verdict(seed_graph, break_it):
    graph = Graph()
    graph += seed_graph
    break_it(graph)
    ours, theirs = kg_verdict(graph), pyshacl_verdict(graph)
    assert theirs[0] is False, "the mutation must break a shape"
    assert ours == theirs


def test_messages_name_what_is_wrong(seed_graph):
    graph = Graph()
    graph += seed_graph
    _no_label(graph)
    _relation_without_claim(graph)
    report = validate_graph(graph)
    messages = {v.message for v in report.violations}
    assert "every entity has exactly one canonical name (rdfs:label)" in messages
    assert any(m.startswith(f"direct relation {NEWS.praised} to ") and
               m.endswith(" has no claim with evidence") for m in messages)


def test_not_exists_becomes_minus_only_where_it_means_the_same():
    from kg.validate import anti_joins

    safe = "?this news:p ?o . FILTER NOT EXISTS { ?c news:q ?this ; news:r ?o } FILTER NOT EXISTS { ?c news:s ?this }"
    assert anti_joins(safe) == ("?this news:p ?o . MINUS { ?c news:q ?this ; news:r ?o } "
                                "MINUS { ?c news:s ?this }")
    # ?o is bound only inside OPTIONAL: NOT EXISTS sees it unbound, MINUS would not
    optional = "?this news:p ?x . OPTIONAL { ?this news:q ?o } FILTER NOT EXISTS { ?c news:r ?o }"
    assert anti_joins(optional) == optional
    # no variable shared: NOT EXISTS removes every row if the pattern matches, MINUS none
    unshared = "?this news:p ?x . FILTER NOT EXISTS { ?c news:r ?d }"
    assert anti_joins(unshared) == unshared
    # a variable only in a FILTER expression is not bound by the group
    filtered = "?this news:p ?x . FILTER (?y != 1) FILTER NOT EXISTS { ?c news:r ?y }"
    assert anti_joins(filtered) == filtered


def test_a_shape_feature_the_validator_lacks_is_an_error_not_a_skip():
    from kg.validate import UnsupportedShape, _node_shape_checks

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ] .""", format="turtle")
    with pytest.raises(UnsupportedShape, match="nodeKind"):
        _node_shape_checks(shapes, URIRef("http://example.org/S"))
