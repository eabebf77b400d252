"""Entity resolution on hand-made mentions (no model)."""

from kg.iri import entity_iri, entity_key, normalise_name, slug
from kg.resolve import NamedMention, acronym, cluster_mentions


def m(text, type_, name=None, start=0):
    return NamedMention(start, start + len(text), text, type_, name or text)


def test_surname_joins_the_full_name():
    clusters = cluster_mentions([m("Ismail Haniyeh", "Person"), m("Haniyeh", "Person"),
                                 m("Haniyeh", "Person")])
    (c,) = clusters
    assert c.key == "person/ismail-haniyeh" and c.label == "Ismail Haniyeh" and len(c.members) == 3


def test_ambiguous_surname_stays_apart():
    clusters = cluster_mentions([m("Joe Biden", "Person"), m("Hunter Biden", "Person"), m("Biden", "Person")])
    assert {c.key for c in clusters} == {"person/joe-biden", "person/hunter-biden", "person/biden"}


def test_acronym_joins_the_organisation():
    clusters = cluster_mentions([m("UN Security Council", "Organization", "United Nations Security Council"),
                                 m("UNSC", "Organization")])
    (c,) = clusters
    assert c.label == "United Nations Security Council"
    assert acronym("United Nations Security Council") == "UNSC"


def test_majority_type_wins_but_a_club_is_not_its_city():
    # a one-word name read once as a person joins its other reading
    (c,) = cluster_mentions([m("Burberry", "Organization"), m("Burberry", "Person"),
                             m("Burberry", "Organization")])
    assert c.type == "Organization"
    # "Leeds beat Chelsea ... fans in Leeds": the NER read the club and the city from their
    # context, and they stay two things
    clusters = cluster_mentions([m("Leeds", "Organization"), m("Leeds", "City"), m("Leeds", "Organization")])
    assert sorted(c.type for c in clusters) == ["City", "Organization"]


def test_keys_are_deterministic_and_iri_safe():
    assert entity_key("Person", "Hossein Amir-Abdollahian") == "person/hossein-amir-abdollahian"
    assert entity_key("City", "Tehran") == entity_key("Country", "tehran") == "place/tehran"
    assert normalise_name("Amir-Abdollahian’s") == "amir abdollahian"
    hostile = 'Robert"); DROP TABLE `x` {a} <b>'
    assert all(c.isalnum() or c == "-" for c in slug(hostile))
    assert " " not in str(entity_iri(entity_key("Organization", hostile)))
    assert slug("") != ""


def test_bare_surname_read_as_organisation_joins_the_person():
    clusters = cluster_mentions([m("Alastair Campbell", "Person"), m("Campbell", "Organization"),
                                 m("Campbell", "Organization")])
    (c,) = clusters
    assert (c.type, c.label) == ("Person", "Alastair Campbell")


def test_one_word_name_read_as_person_and_place_is_the_place():
    clusters = cluster_mentions([m("Manchester", "Person"), m("Manchester", "Person"),
                                 m("Manchester", "City")])
    (c,) = clusters
    assert (c.key, c.type) == ("place/manchester", "City")


# --- across articles: CorpusGraph.settle -------------------------------------------------------

def _article(article_id: str, *names: tuple[str, str, int]):
    """An extraction naming each (type, name) ``count`` times, as the extractor would key it."""
    from kg.records import Article, ArticleExtraction, Entity, Mention, Span

    text = " ".join(name for _, name, count in names for _ in range(count)) + "."
    sentence = Span(0, len(text), text)
    entities, pos = [], 0
    for type_, name, count in names:
        spans = []
        for _ in range(count):
            spans.append(Mention(Span(pos, pos + len(name), name), sentence))
            pos += len(name) + 1
        entities.append(Entity(entity_key(type_, name), type_, name, tuple(spans)))
    return ArticleExtraction(Article(article_id, text), tuple(entities), (), ())


def _people(graph):
    from rdflib import RDF, RDFS

    from kg.namespaces import NEWS

    found = {}
    for cls in (NEWS.Person, NEWS.Organization):
        for node in graph.subjects(RDF.type, cls):
            found[str(graph.value(node, RDFS.label))] = len(list(graph.objects(node, NEWS.mention)))
    return found


def test_partial_names_join_the_dominant_full_name_across_articles():
    from kg.rdf import extraction_graph

    graph = extraction_graph([
        _article("a", ("Person", "Tony Blair", 20), ("Person", "Cherie Blair", 2)),
        _article("b", ("Person", "Blair", 5)),                    # 20 >= 5 x 2: Tony Blair
        _article("c", ("Person", "George Bush", 3), ("Person", "George W Bush", 4)),
        _article("d", ("Person", "Bush", 2)),                     # 4 < 5 x 3: stays apart
        _article("e", ("Person", "Robert Kilroy Silk", 3)),
        _article("f", ("Person", "Kilroy Silk", 2), ("Person", "Silk", 1)),
        _article("g", ("Organization", "Kilroy-Silk", 2)),         # a person read as ORG
        _article("h", ("Organization", "Silk Road", 9)),           # no such person: stays
    ])
    people = _people(graph)
    assert people["Tony Blair"] == 25 and "Blair" not in people and people["Cherie Blair"] == 2
    assert people["Bush"] == 2
    assert people["Robert Kilroy Silk"] == 8 and "Kilroy Silk" not in people and "Kilroy-Silk" not in people
    assert people["Silk Road"] == 9


def test_a_name_typed_differently_across_articles_is_one_node_when_one_reading_dominates():
    from rdflib import RDF, RDFS

    from kg.namespaces import NEWS
    from kg.rdf import extraction_graph

    graph = extraction_graph([
        _article("a", ("Organization", "Microsoft", 9), ("Person", "Sri Lanka", 6)),
        _article("b", ("Place", "Microsoft", 3)),                # 9 >= 3 x 3: the organisation
        _article("c", ("Country", "Sri Lanka", 2)),              # a country of that name wins
        _article("d", ("City", "Chelsea", 5), ("Organization", "Chelsea", 4)),  # both stay
        _article("e", ("Organization", "Yukos", 9), ("City", "Glasgow", 4)),
        _article("f", ("Person", "Yukos", 8), ("Person", "Glasgow", 5)),  # one-word "people"
        _article("g", ("Person", "Christopher Hitchens", 1), ("Organization", "Hitchens", 1)),
        _article("h", ("Person", "Hitchens", 9)),  # folds into the full name first
    ])
    kinds = {}
    for node, label in graph.subject_objects(RDFS.label):
        for cls in graph.objects(node, RDF.type):
            if cls in (NEWS.Organization, NEWS.Place, NEWS.Person, NEWS.Country, NEWS.City):
                kinds.setdefault(str(label), []).append(
                    (cls.split("#")[-1], len(list(graph.objects(node, NEWS.mention)))))
    assert kinds["Microsoft"] == [("Organization", 12)]
    assert kinds["Sri Lanka"] == [("Country", 8)]
    assert sorted(kinds["Chelsea"]) == [("City", 5), ("Organization", 4)]
    assert kinds["Yukos"] == [("Organization", 17)] and kinds["Glasgow"] == [("City", 9)]
    assert kinds["Christopher Hitchens"] == [("Person", 10)]
    assert kinds["Hitchens"] == [("Organization", 1)]
