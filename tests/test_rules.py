"""Extraction rules on short hand-written sentences, with the real spaCy model."""

from __future__ import annotations

from datetime import date

import pytest

from kg.records import Article

pytestmark = pytest.mark.model

ANCHOR = date(2024, 3, 26)  # a Tuesday


def read(extractor, text: str, when: date | None = ANCHOR):
    return extractor.extract(Article("t", text, date=when))


def facts(ex, factuality="Asserted"):
    return {(r.subject, r.predicate, r.object) for r in ex.relations if r.factuality == factuality}


def events(ex, type_):
    return [e for e in ex.events if e.type == type_]


def test_demonym_means_the_state_before_state_nouns(extractor):
    ex = read(extractor, "Iranian officials met Hamas leaders in Tehran.")
    assert ("place/iran", "Country") in {(e.key, e.type) for e in ex.entities}


def test_demonym_that_only_describes_is_no_entity(extractor):
    ex = read(extractor, "The Palestinian enclave is under siege.")
    assert not ex.entities


def test_plural_demonym_is_the_people(extractor):
    ex = read(extractor, "Thousands of Palestinians fled south.")
    assert ("group/palestinians", "Group") in {(e.key, e.type) for e in ex.entities}


def test_title_gives_leader_of(extractor):
    ex = read(extractor, "Hezbollah chief Hassan Nasrallah spoke on television.")
    assert ("person/hassan-nasrallah", "leaderOf", "organization/hezbollah") in facts(ex)


def test_state_title_ties_person_to_country(extractor):
    ex = read(extractor, "Egyptian Foreign Minister Sameh Shoukry arrived in Amman.")
    assert ("person/sameh-shoukry", "worksFor", "place/egypt") in facts(ex)
    assert ("person/sameh-shoukry", "visited", "place/amman") in facts(ex)


def test_spokesperson_title(extractor):
    ex = read(extractor, "Pentagon spokesman John Kirby said the talks went well.")
    assert ("person/john-kirby", "spokespersonFor", "organization/pentagon") in facts(ex)


def test_visit_verb_gives_edge_and_dated_event(extractor):
    ex = read(extractor, "Antony Blinken visited Cairo on Monday.")
    assert ("person/antony-blinken", "visited", "place/cairo") in facts(ex)
    (visit,) = events(ex, "Visit")
    assert visit.date == "2024-03-25"
    assert visit.cameo == "042"


def test_meeting_with_talks(extractor):
    ex = read(extractor, "Emmanuel Macron held talks with Joe Biden in Berlin.")
    assert ("person/emmanuel-macron", "metWith", "person/joe-biden") in facts(ex)
    (meeting,) = events(ex, "Meeting")
    assert ("place", "place/berlin") in {(a.role, a.entity) for a in meeting.arguments}


@pytest.mark.parametrize("verb,predicate", [("condemned", "condemned"), ("praised", "praised"),
                                            ("thanked", "thanked"), ("accused", "accused"),
                                            ("rejected", "rejected")])
def test_stance_verbs(extractor, verb, predicate):
    ex = read(extractor, f"Turkey {verb} Israel on Friday.")
    assert ("place/turkey", predicate, "place/israel") in facts(ex)


def test_based_in(extractor):
    ex = read(extractor, "Amnesty International, which is headquartered in London, published a report.")
    assert ("organization/amnesty-international", "basedIn", "place/london") in facts(ex)


def test_negated_visit_is_not_asserted(extractor):
    ex = read(extractor, "Benjamin Netanyahu did not visit Washington.")
    assert ("person/benjamin-netanyahu", "visited", "place/washington") not in facts(ex)
    (visit,) = events(ex, "Visit")
    assert visit.factuality == "Negated"


def test_denied_visiting_is_not_asserted(extractor):
    ex = read(extractor, "Hamas denied visiting Cairo.")
    assert not facts(ex)
    assert all(e.factuality == "Negated" for e in events(ex, "Visit"))


def test_claims_in_reported_speech_are_attributed_not_asserted(extractor):
    ex = read(extractor, "Joe Biden said that Vladimir Putin visited Pyongyang.")
    assert ("person/vladimir-putin", "visited", "place/pyongyang") not in facts(ex)
    reported = [r for r in ex.relations if r.factuality == "Reported"]
    assert [(r.subject, r.object, r.attributed_to) for r in reported] == [
        ("person/vladimir-putin", "place/pyongyang", "person/joe-biden")]
    (statement,) = events(ex, "Statement")
    assert statement.quote == "that Vladimir Putin visited Pyongyang"


def test_agency_reports_are_sourcing_not_speech(extractor):
    ex = read(extractor, "Ismail Haniyeh arrived in Tehran, Anadolu Agency reports.")
    assert ("person/ismail-haniyeh", "visited", "place/tehran") in facts(ex)


def test_hedged_event(extractor):
    ex = read(extractor, "Israeli forces may attack Rafah.")
    assert all(e.factuality == "Hedged" for e in events(ex, "Attack"))


def test_casualty_report(extractor):
    ex = read(extractor, "More than 1,200 people were killed and 3,400 wounded in the fighting.")
    (report,) = events(ex, "CasualtyReport")
    assert (report.death_count, report.injury_count, report.at_least) == (1200, 3400, True)


def test_killed_gives_edge_and_death(extractor):
    ex = read(extractor, "John Wilkes Booth killed Abraham Lincoln.")
    assert ("person/john-wilkes-booth", "killed", "person/abraham-lincoln") in facts(ex)
    assert events(ex, "Death")


def test_boilerplate_lines_give_nothing(extractor):
    text = ("Kyiv, Reuters – Ukrainian President Volodymyr Zelensky visited Kharkiv on Sunday.\n"
            "Also Read: Vladimir Putin Visits Beijing As Xi Jinping Hosts Summit\n"
            "[Protesters clash with police as Emmanuel Macron visits Marseille]\n"
            "By Jane Doe\n(T/RE1/P2)\nReuters News Agency\n")
    ex = read(extractor, text)
    labels = {e.label for e in ex.entities}
    assert "Xi Jinping" not in labels and "Vladimir Putin" not in labels and "Jane Doe" not in labels
    assert "Emmanuel Macron" not in labels and not events(ex, "Protest")
    assert "Volodymyr Zelensky" in labels
    assert ex.dateline == "Kyiv, Reuters"
    assert ("person/volodymyr-zelensky", "leaderOf", "place/ukraine") in facts(ex)


def test_headline_tagged_as_organisation_is_dropped(extractor):
    ex = read(extractor, "Israel Launches Iron Wall Operation In Jenin\nTroops entered Jenin on Tuesday.")
    assert "Israel Launches Iron Wall Operation" not in {e.label for e in ex.entities}


def test_surname_and_acronym_resolve_within_article(extractor):
    ex = read(extractor, "The UN Security Council met on Monday. Linda Thomas-Greenfield spoke. "
                         "The UNSC later adjourned. Thomas-Greenfield left.")
    keys = [e.key for e in ex.entities]
    assert keys.count("organization/united-nations-security-council") == 1
    assert "organization/unsc" not in keys
    council = next(e for e in ex.entities if e.key == "organization/united-nations-security-council")
    assert {m.span.text for m in council.mentions} >= {"UN Security Council", "UNSC"}


def test_unresolvable_date_is_kept_as_text(extractor):
    ex = read(extractor, "Protesters rallied in Paris in recent weeks.", when=None)
    dated = [e for e in ex.events if e.date]
    assert not dated


@pytest.mark.parametrize("text,org,place", [
    ("Hamas, a group based in Gaza, said nothing.", "organization/hamas", "place/gaza-strip"),
])
def test_based_in_variants(extractor, text, org, place):
    assert (org, "basedIn", place) in facts(read(extractor, text))


def test_pronoun_takes_the_subject_of_matching_gender(extractor):
    ex = read(extractor, "Angela Merkel met Joe Biden in Berlin on Monday. Later she said the talks were useful.")
    (statement,) = events(ex, "Statement")
    assert statement.arguments[0].entity == "person/angela-merkel"


def test_fired_from_a_job_is_no_attack(extractor):
    assert not events(read(extractor, "If they do not vote, the company will fire them."), "Attack")
    assert events(read(extractor, "Soldiers fired on protesters in Khartoum."), "Attack")


@pytest.mark.parametrize("text,person,place", [
    ("Soviet historian Roy Medvedev wrote the book.", "person/roy-medvedev", "place/soviet-union"),
    ("Emily Dickinson was born in Amherst.", "person/emily-dickinson", "place/amherst"),
    ("Gordon Parks is a native of Kansas.", "person/gordon-parks", "place/kansas"),
])
def test_residence_and_nationality(extractor, text, person, place):
    assert (person, "livesIn", place) in facts(read(extractor, text))


def test_place_in_an_organisations_phrase(extractor):
    # the rule reads it; the CoNLL04 classifier gives such readings little confidence
    # ("Sun Hung Kai Properties" itself the names NER misses: see docs/eval.md)
    ex = read(extractor, "Jardine Matheson, a Hong Kong trading firm, bought the site.")
    assert ("organization/jardine-matheson", "basedIn", "place/hong-kong") in facts(ex)


def test_no_learned_relation_between_a_speaker_and_what_was_said(extractor):
    ex = read(extractor, "Ismail Haniyeh said the UN resolution underscored Israel's isolation.")
    assert not [r for r in ex.relations if r.evidence.rule.startswith("model:")]


def test_words_in_quotation_marks_are_reported_not_asserted(extractor):
    ex = read(extractor, "He praised the resistance against “crimes and genocide” committed by Israel.")
    assert [e.factuality for e in events(ex, "Death")] == ["Reported"]


def test_unnamed_people_and_places_fill_event_roles(extractor):
    ex = read(extractor, "A bomb exploded outside a bakery in Lyon, injuring 13 people. "
                         "Police arrested a suspect. Three soldiers were killed by gunmen.")
    unnamed = {e.key: e for e in ex.entities if not e.named}
    by_label = {e.label: e for e in unnamed.values()}
    assert {"13 people", "police", "suspect", "three soldiers", "bakery"} <= set(by_label)
    assert by_label["13 people"].type == by_label["three soldiers"].type == "Group"
    assert by_label["suspect"].type == "Person" and by_label["bakery"].type == "Place"
    assert all(k.startswith("unnamed/") for k in unnamed)  # scoped to the article
    (injury,) = events(ex, "Injury")
    assert [(a.role, a.entity) for a in injury.arguments] == [("target", by_label["13 people"].key)]
    (arrest,) = events(ex, "Arrest")
    assert {(a.role, a.entity) for a in arrest.arguments} == {
        ("actor", by_label["police"].key), ("target", by_label["suspect"].key)}
    (death,) = events(ex, "Death")
    assert ("target", by_label["three soldiers"].key) in {(a.role, a.entity) for a in death.arguments}
    # direct relations join named entities only: no killed(gunmen, three soldiers)
    assert not any(r.subject in unnamed or r.object in unnamed for r in ex.relations)


def test_unnamed_fillers_stay_apart_across_articles_and_out_of_statements(extractor):
    a = extractor.extract(Article("a", "Two soldiers were killed in Kabul.", date=ANCHOR))
    b = extractor.extract(Article("b", "Two soldiers were killed in Herat.", date=ANCHOR))
    key_a = {e.key for e in a.entities if not e.named}
    key_b = {e.key for e in b.entities if not e.named}
    assert key_a and key_b and not key_a & key_b
    ex = read(extractor, "Officials said the talks would resume.")
    assert not [e for e in ex.entities if not e.named]
    assert not events(ex, "Statement")  # a statement needs a named speaker


def test_subject_of_a_dying_verb_is_the_dead(extractor):
    # (the trigger classifier reads "perished" here below its threshold: 0.17)
    ex = read(extractor, "Some six million people died in the famine.")
    (death,) = events(ex, "Death")
    assert {a.role for a in death.arguments} == {"target"}


def test_visits_and_meetings_need_a_party(extractor):
    ex = read(extractor, "Drones were flying low. The meeting was postponed.")
    assert not events(ex, "Visit") and not events(ex, "Meeting")
    ex = read(extractor, "Antony Blinken flew to Cairo. He met Sameh Shoukry.")
    assert (events(ex, "Visit") or events(ex, "Travel")) and events(ex, "Meeting")


def test_person_spans_lose_stray_lowercase_words_and_peerages(extractor):
    from kg.extract.mentions import person_name

    ex = read(extractor, "Lucy rang Lucy yesterday. Vincent van Gogh painted it.")
    labels = {e.label for e in ex.entities if e.type == "Person"}
    assert labels == {"Lucy", "Vincent van Gogh"}
    assert person_name("Baroness Kennedy") == "Kennedy"
    ex = read(extractor, "He tried to introduce them when he was Home Secretary. The Finance Bill passed.")
    assert not {"Home", "Bill"} & {e.label for e in ex.entities}


def test_whom_one_speaks_to_is_no_employer(extractor):
    ex = read(extractor, "Mr Hain, Leader of the Commons, told BBC Radio Four's Today programme "
                         "that the plans were fair. Michael Howard told the BBC that he was angry.")
    assert not [r for r in ex.relations if r.predicate == "worksFor" and "bbc" in r.object]


def test_countries_side_by_side_are_not_located_in_each_other(extractor):
    ex = read(extractor, "In Northern Ireland it was just over 66,000, in Wales just over 59,000 "
                         "and in Scotland 53,000.")
    assert not [r for r in ex.relations if r.predicate == "locatedIn"]


@pytest.mark.parametrize("text, person, predicate", [
    # a sentence of our own writing
    ("The Liberal Democrat leader Jo Parr spoke first.", "person/jo-parr", "leaderOf"),
    # BBC politics/326, politics/087 and politics/040
    ("Liberal Democrat leader Charles Kennedy avoided suggesting anyone was playing politics with "
     "the issue.", "person/charles-kennedy", "leaderOf"),
    ("Liberal Democrat chairman Matthew Taylor said there needed to be a quick, fair and firm "
     "asylum system.", "person/matthew-taylor", "leaderOf"),
    ("But Liberal Democrat peer Lord Carlile, the government's independent reviewer of "
     "anti-terrorism laws, said it was possible some of the detainees could now be released.",
     "person/carlile", "worksFor"),
])
def test_two_names_that_spell_an_alias_are_one_organisation(extractor, text, person, predicate):
    # the NER reads "Liberal" (ORG) and "Democrat" (NORP); no party is called "Liberal"
    ex = read(extractor, text)
    assert "organization/liberal" not in {e.key for e in ex.entities}
    assert (person, predicate, "organization/liberal-democrats") in {
        (r.subject, r.predicate, r.object) for r in ex.relations}


@pytest.mark.parametrize("text, name", [
    # a sentence of our own writing
    ("Dana Roe, a senior analyst at Brightwater, expects rates to fall.", "organization/brightwater"),
    # BBC business/111, politics/217 and sport/232: the NER had read them as places
    ('"The best part of the news this morning was that the company announced a structure '
     'simplification," said Arjan Sweere, an analyst at Petercam.', "organization/petercam"),
    ('Michael Raftery, project manager at the Hansard Society, said: "The Y Vote Mock Elections '
     'for schools mirror the excitement of a real election."', "organization/hansard-society"),
    ("Gray, who has been caretaker manager, was assistant boss when Hoddle was manager at "
     "Southampton.", "organization/southampton"),
])
def test_a_name_after_a_job_and_at_is_the_employer(extractor, text, name):
    ex = read(extractor, text)
    assert name in {e.key for e in ex.entities}


def test_a_place_after_a_job_and_at_stays_a_place_when_the_name_is_cut_or_a_country(extractor):
    ex = read(extractor, "She is an executive at the London Stock Exchange. He was an adviser at "
                         "France's embassy. Students at Beijing's Tiananmen Square protested.")
    keys = {e.key for e in ex.entities}
    assert "organization/london" not in keys and "organization/tiananmen-square" not in keys


@pytest.mark.parametrize("text", [
    # sentences of our own writing
    "Portugal face Norway in Oslo next week.",
    "The squad flew home after the defeat by Argentina in Buenos Aires.",
    # BBC sport/327, sport/349 and sport/129 (all 67 such readings on the BBC corpus are wrong)
    "France play what Sella believes is their hardest game of the Six Nations against Ireland in "
    "Dublin on Saturday 12 March.",
    "England have now equalled an 18-year low of four successive championship defeats, including "
    "France in Paris last season, and have lost four in a row under Andy Robinson.",
    "Wales have a clutch of injury worries before Wednesday's international friendly against "
    "Hungary in Cardiff.",
])
def test_no_country_lies_in_a_city(extractor, text):
    ex = read(extractor, text)
    kinds = {e.key: e.type for e in ex.entities}
    assert not [r for r in ex.relations if r.predicate == "locatedIn"
                and kinds.get(r.subject) == "Country" and kinds.get(r.object) == "City"]
    ex = read(extractor, "The talks were held in Oslo, Norway.")
    assert ("place/oslo", "locatedIn", "place/norway") in {(r.subject, r.predicate, r.object)
                                                          for r in ex.relations}


def test_month_named_with_in_is_the_latest_such_month(extractor):
    ex = read(extractor, "Thousands protested in Paris in January. Police arrested two men earlier this month.")
    (protest,) = events(ex, "Protest")
    (arrest,) = events(ex, "Arrest")
    assert (protest.date, arrest.date) == ("2024-01", "2024-03")


def test_labour_strikes_and_mass_destruction_are_no_attack_or_damage(extractor):
    ex = read(extractor, "Unison will start balloting 800,000 workers on strikes. Following a "
                         "48-hour strike, the government banned rallies. He denied owning "
                         "weapons of mass destruction.")
    assert not events(ex, "Attack") and not events(ex, "Damage")
    ex = read(extractor, "A US air strike hit the convoy. Israeli strikes killed 12 people in Gaza. "
                         "The army carried out two strikes on the town.")
    assert len([e for e in events(ex, "Attack") if "strike" in e.trigger.text]) == 3


def test_an_organisation_holding_a_conference_does_not_meet_its_speakers(extractor):
    ex = read(extractor, "Speaking at Labour's spring conference in Gateshead, Gordon Brown "
                         "claimed the NHS was safe.")
    assert not [r for r in ex.relations if r.predicate == "metWith"]
    (meeting,) = events(ex, "Meeting")
    assert {(a.role, a.entity) for a in meeting.arguments} == {
        ("actor", "organization/labour-party"), ("participant", "person/gordon-brown"),
        ("place", "place/gateshead")}


def test_party_and_nationality_words_are_no_part_of_a_name(extractor):
    ex = read(extractor, "Briton Tim Henman won again. Tory Liam Fox said it was wrong.")
    people = {e.label for e in ex.entities if e.type == "Person"}
    assert {"Tim Henman", "Liam Fox"} <= people
    assert not {"Briton Tim Henman", "Tory Liam Fox"} & people


def test_a_bare_number_of_victims_and_a_rank_fill_roles(extractor):
    ex = read(extractor, "A major general was killed in Syria. Fifteen were injured in the blast.")
    labels = {e.label: e for e in ex.entities if not e.named}
    assert {"major general", "fifteen people"} <= set(labels)
    assert labels["fifteen people"].type == "Group" and labels["major general"].type == "Person"
    (injury,) = events(ex, "Injury")
    assert [a.span.text for a in injury.arguments if a.role == "target"] == ["Fifteen"]


def test_who_suffered_a_participle_or_a_relative_clause(extractor):
    ex = read(extractor, "The clash left at least one student injured. Ismail Haniyeh, who was "
                         "killed in Tehran, led Hamas.")
    (injury,) = events(ex, "Injury")
    assert [(a.role, a.span.text) for a in injury.arguments] == [("target", "at least one student")]
    (death,) = events(ex, "Death")
    assert ("target", "person/ismail-haniyeh") in {(a.role, a.entity) for a in death.arguments}


def test_a_relative_pronoun_is_its_noun_not_the_noun_s_conjuncts(extractor):
    ex = read(extractor, "Belli's clients have included Jack Ruby, who killed Lee Harvey Oswald, "
                         "and Jim and Tammy Bakker.")
    killed = {(r.subject, r.object) for r in ex.relations if r.predicate == "killed"}
    assert killed == {("person/jack-ruby", "person/lee-harvey-oswald")}
