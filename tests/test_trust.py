"""The relation and entity errors of issue "Facts you can trust", each on sentences of our own
writing, read by the real pipeline (the trained names NER included)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.pipeline import confident
from kg.records import Article

pytestmark = pytest.mark.model


def read(extractor, text: str):
    return confident(extractor.extract(Article("t", text, date=date(2024, 3, 26))), None)


def types(ex) -> dict[str, str]:
    return {e.label: e.type for e in ex.entities}


def triples(ex, asserted_only: bool = False):
    return {(r.subject, r.predicate, r.object) for r in ex.relations
            if r.asserted or not asserted_only}


def test_a_nationality_before_a_title_is_no_employer(extractor):
    ex = read(extractor, "Mourners laid flowers for the slain Dutch director Theo van Gogh.")
    assert not any(o == "place/netherlands" and p in ("leaderOf", "worksFor", "memberOf",
                                                     "spokespersonFor")
                   for _s, p, o in triples(ex))
    # a government title still makes the state the employer
    ex = read(extractor, "Kenyan Foreign Minister Musalia Mudavadi flew home.")
    assert ("person/musalia-mudavadi", "worksFor", "place/kenya") in triples(ex)


def test_the_organisation_nearest_the_title_holds_it(extractor):
    ex = read(extractor, "UK Green Party leader Sian Berry spoke to reporters in Leeds.")
    assert not any(p == "leaderOf" and o == "place/united-kingdom" for _s, p, o in triples(ex))


def test_names_in_a_list_say_nothing_of_each_other(extractor):
    ex = read(extractor, "Retailers such as Dell, LG and Samsung cut their prices again.")
    names = {"Dell", "LG", "Samsung"}
    keys = {e.key for e in ex.entities if e.label in names}
    assert not any(s in keys and o in keys for s, _p, o in triples(ex))


def test_an_organisation_of_a_country_is_no_person(extractor):
    ex = read(extractor, "Sales at General Motors of the US fell sharply in May.")
    assert "Person" not in types(ex).values()
    assert not any(p == "livesIn" for _s, p, _o in triples(ex))


@pytest.mark.parametrize("text, name, cls", [
    ("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.", "Hamas", "Organization"),
    ("BT said its profits rose as the telecoms group cut its debt.", "BT", "Organization"),
    ("Shares in Sony fell after the electronics group cut its forecast.", "Sony", "Organization"),
    ("Leeds beat Chelsea 2-1 at Elland Road on Saturday.", "Leeds", "Organization"),
    # What shares or a stake are held in is a company, alone in its sentence too ("Shares
    # in Burberry" read a city before). Checked on BBC business/223 ("Shares in Wembley were
    # up 56 pence", "a 22% stake in Wembley"), business/341 ("Shares in Jarvis were up more
    # than 16%") and business/466 ("Shares in Southwest fell 65 cents"): on the whole corpus
    # it retypes 11 entities, all rightly, and none of the markets ("Pernod's shares in London").
    ("Shares in Burberry fell 3% on Monday.", "Burberry", "Organization"),
    ("Shares in Gartner slipped on Tuesday.", "Gartner", "Organization"),
    ("The brewer bought a 20% stake in Carlsfield last year.", "Carlsfield", "Organization"),
    ("Pernod's shares in London rose 4% on the news.", "London", "City"),
    # a name written as the kind of shares is a company's, never a person's (BBC business/140:
    # "Baoshan stock climbed"); a place so written is the market ("Tokyo shares fell")
    ("Investors sold Mortimer Kane shares after the warning.", "Mortimer Kane", "Organization"),
    ("Tokyo shares fell for a third day.", "Tokyo", "City"),
    # a name before the title of one who runs a firm or a club, and that one's name, is what
    # they run (BBC business/058 "Electrolux chief executive Hans Straberg", sport/159 "Chelsea
    # boss Jose Mourinho", sport/109 "Livi manager Richard Gough"); a city's mayor and a
    # person's aide run no organisation
    ("Burberry chief executive Rose Marie Bravo said sales rose.", "Burberry", "Organization"),
    ("Chelsea boss Jose Mourinho has praised his players.", "Chelsea", "Organization"),
    ("Blair aide Jonathan Powell left Downing Street.", "Blair", "Person"),
])
def test_names_are_typed_from_their_context(extractor, text, name, cls):
    assert types(read(extractor, text)).get(name) == cls


def test_a_firms_chief_executive_leads_the_firm(extractor):
    ex = read(extractor, "Burberry chief executive Rose Marie Bravo said sales rose.")
    assert ("person/rose-marie-bravo", "leaderOf", "organization/burberry") in triples(ex)


def test_hamas_chief_leads_hamas_and_lives_in_no_organisation(extractor):
    ex = read(extractor, "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.")
    facts = triples(ex)
    assert ("person/ismail-haniyeh", "leaderOf", "organization/hamas") in facts
    assert not any(p == "livesIn" and o == "organization/hamas" for _s, p, o in facts)


def test_title_words_are_no_person(extractor):
    ex = read(extractor, "Shadow Home Secretary David Davis said the plan was wrong.")
    people = {e.label for e in ex.entities if e.type == "Person"}
    assert people == {"David Davis"}
    ex = read(extractor, "Lib Dem Home Affairs spokesman Mark Oaten agreed with him.")
    assert {e.label for e in ex.entities if e.type == "Person"} == {"Mark Oaten"}


def test_a_datelines_agency_is_the_source_not_a_fact(extractor):
    text = "WASHINGTON, March 26, 2024 (Reuters) - Hamas chief Ismail Haniyeh arrived in Tehran."
    ex = read(extractor, text)
    assert not any("reuters" in s or "reuters" in o for s, _p, o in triples(ex))
    assert "Reuters" not in {e.label for e in ex.entities}


def test_every_relation_confidence_is_a_measured_probability(extractor):
    from kg.extract.relation_model import RelationModel, model_scored

    model = RelationModel.load()
    ex = read(extractor, "Hamas chief Ismail Haniyeh met Iranian Foreign Minister Hossein "
                         "Amir-Abdollahian in Tehran, where the minister lives.")
    assert ex.relations
    for r in ex.relations:
        if model_scored(r.evidence.rule):  # read or scored by the calibrated classifier
            assert model.threshold <= r.evidence.confidence < 1
        else:  # a rule's measured share of right readings
            assert r.evidence.confidence == model.rule_probability(r.evidence.rule, r.predicate)


@pytest.mark.parametrize("text, bad", [
    ("The Whitbread Novel of the Year award went to Andrea Levy.", "Whitbread"),
    ("Critics praised The Life and Death of Peter Sellers at the festival.", "Life and Death"),
])
def test_titles_of_works_and_awards_are_no_people(extractor, text, bad):
    people = {e.label for e in read(extractor, text).entities if e.type == "Person"}
    assert not any(bad in p for p in people)


@pytest.mark.parametrize("text, name", [
    # the three BBC sentences the rule was checked on (entertainment/146, 097 and 357)
    ("He won a Grammy in 1998 and is nominated for two more this year.", "Grammy"),
    ("Mel Gibson has vowed not to campaign for an Oscar for his movie.", "Oscar"),
    ("Blanchett, who won a Bafta in 1999 for her leading role in Elizabeth, said so.", "Bafta"),
    ("The film won an Oscar.", "Oscar"),
])
def test_a_name_with_an_indefinite_article_is_a_thing(extractor, text, name):
    assert types(read(extractor, text)).get(name, "Other") == "Other"


def test_an_indefinite_article_of_the_noun_after_a_name_keeps_the_person(extractor):
    ex = read(extractor, "An adviser to Yasser Arafat met a Netanyahu aide in Cairo.")
    assert types(ex).get("Yasser Arafat") == "Person"


@pytest.mark.parametrize("text, name", [
    # BBC tech/347, tech/337 and business/316, where the rule was checked
    ("Ben Wood, principal analyst at research firm Gartner, said so.", "Gartner"),
    ("Weiner, a research director at analyst firm Gartner, has followed the market.", "Gartner"),
    ("Meanwhile, German magazine Der Spiegel said the talks had failed.", "Der Spiegel"),
    ("Fashion house Burberry opened a shop in Paris.", "Burberry"),
    ("Dell, the computer maker, cut its prices again.", "Dell"),
])
def test_a_descriptor_noun_types_the_name(extractor, text, name):
    ex = read(extractor, text)
    assert types(ex).get(name) == "Organization"
    assert not any(p == "livesIn" for _s, p, _o in triples(ex))


@pytest.mark.parametrize("text, name", [
    # BBC entertainment/075, entertainment/116, entertainment/189, tech/008 and tech/257, where
    # these works and programs had been organisations or people
    ("Mike Leigh's award-winning abortion drama Vera Drake has scooped seven nominations at this "
     "year's British Independent Film Awards.", "Vera Drake"),
    ("Lennon recorded his final album Double Fantasy at the studio in 1979.", "Double Fantasy"),
    ("Long-running soap EastEnders won the best popular drama moment title.", "EastEnders"),
    ("The original Zafi virus appeared in April this year.", "Zafi"),
    ("In July a variant of the MyDoom virus slowed down searches on Google.", "MyDoom"),
    # and sentences of our own writing
    ("The hit musical Chicago Nights opens in Manchester next week.", "Chicago Nights"),
    ("Her debut novel Brick Lane was shortlisted for the prize.", "Brick Lane"),
])
def test_a_work_or_program_named_by_its_noun_is_a_thing(extractor, text, name):
    assert types(read(extractor, text)).get(name) == "Other"


@pytest.mark.parametrize("text, name, type_", [
    ("Sony's PSP console goes on sale in March.", "Sony", "Organization"),
    ("The Nintendo handheld sold a million units.", "Nintendo", "Organization"),
    ("He told the Today programme Mr Blair had refused.", "Blair", "Person"),
    ("MTV is to show Advance Warning on all 25 of its channels.", "MTV", "Organization"),
    ("A single Microsoft licence now covers every PC in the office.", "Microsoft", "Organization"),
])
def test_a_maker_before_its_product_noun_keeps_its_class(extractor, text, name, type_):
    assert types(read(extractor, text)).get(name) == type_


def test_a_headline_sport_word_is_no_place_and_clubs_are_no_cities(extractor):
    ex = read(extractor, "SOCCER - LEEDS HOLD CHELSEA\nLeeds drew 1-1 with Chelsea at Elland Road.")
    labels = {e.label.casefold(): e.type for e in ex.entities}
    assert "soccer" not in labels
    assert labels.get("leeds") == "Organization"
    # the club is no place (the NER reads this Chelsea as a person: an error left, see docs/eval.md)
    assert labels.get("chelsea") not in ("City", "Region", "Place", "Country")


@pytest.mark.parametrize("text, verb, event", [
    ("The Norwegian foreign minister is to visit Chile and Peru next month.", "visit", True),
    # BBC politics/135, business/392, business/320 (and 338: "is to hold an emergency meeting")
    ("Foreign Secretary Jack Straw is to visit Thailand and Indonesia this week.", "visit", True),
    ("Bosses of Deutsche Boerse and the London Stock Exchange are to meet amid talk that a "
     "takeover bid for the LSE will be raised.", "meet", False),
    ("The World Trade Organisation (WTO) is to hold membership talks with both Iraq and "
     "Afghanistan.", "talks", True),
])
def test_what_someone_is_to_do_is_planned_not_asserted(extractor, text, verb, event):
    ex = read(extractor, text)
    assert not [r for r in ex.relations if r.asserted]
    planned = [e for e in ex.events if verb in e.trigger.text]
    assert planned or not event  # "are to meet" names no one to meet: an event is not required
    assert all(e.factuality != "Asserted" for e in planned)
    # and the same sentence without "is to" is a fact
    done = read(extractor, text.replace(" is to visit", " visited").replace(" is to hold", " held"))
    if " is to visit" in text:
        assert [r for r in done.relations if r.asserted and r.predicate == "visited"]


@pytest.mark.parametrize("text, subject, predicate, obj", [
    # a sentence of our own writing
    ("Former Acme chairman John Ward opened the new library.", "person/john-ward", "leaderOf",
     "organization/acme"),
    # BBC sport/270, politics/289 and politics/013
    ("Former Southampton manager Gordon Strachan has rejected the chance to become Portsmouth's "
     "new boss.", "person/gordon-strachan", "worksFor", "organization/southampton"),
    ("Former Labour leader Neil Kinnock has officially been made a life peer during a ceremony "
     "in the House of Lords.", "person/neil-kinnock", "leaderOf", "organization/labour-party"),
    ("Former Tory chancellor Ken Clarke says Mr Howard has a bigger problem.", "person/ken-clarke",
     "leaderOf", "organization/conservative-party"),
    ("Neil Kinnock, the former leader of the Labour Party, backed the plan.", "person/neil-kinnock",
     "leaderOf", "organization/labour-party"),
])
def test_a_former_title_is_a_claim_about_the_past_never_asserted(extractor, text, subject,
                                                                 predicate, obj):
    ex = read(extractor, text)
    claim = next(r for r in ex.relations if (r.subject, r.predicate, r.object) == (subject, predicate, obj))
    assert claim.factuality == "Former" and not claim.asserted
    assert (subject, predicate, obj) not in triples(ex, asserted_only=True)


def test_a_former_title_says_nothing_of_other_organisations(extractor):
    # BBC politics/062: Galloway was a Labour MP; Respect, which he founded, is no former role
    ex = read(extractor, "In Bethnal Green, former Labour MP George Galloway, who founded the "
                         "anti-war party Respect, is standing against sitting MP Oona King.")
    assert any(r.object == "organization/labour-party" and r.factuality == "Former" for r in ex.relations)
    respect = [r for r in ex.relations if r.object == "organization/respect"]
    assert respect and all(r.factuality != "Former" for r in respect)
    ex = read(extractor, "Arsenal manager Arsene Wenger praised his players.")
    assert ("person/arsene-wenger", "worksFor", "organization/arsenal") in triples(ex, True)


@pytest.mark.parametrize("text, subject, predicate, obj", [
    # sentences of our own writing
    ("Jane Doe, chief economist at Acme Bank, said rates would rise.", "person/jane-doe",
     "worksFor", "organization/acme-bank"),
    ("Labour deputy leader John Prescott said so.", "person/john-prescott", "worksFor",
     "organization/labour-party"),
    # BBC tech/371, tech/217 and politics/131: officers under the head, read as its leaders before
    ('"A couple of years ago, DTT had a bad image," said Olivier Gerolami, chief operating officer '
     'of TNT.', "person/olivier-gerolami", "worksFor", "organization/tnt"),
    ('"E-mail security attacks remain unabated in their persistence and ferocity," said Mark '
     'Sunner, chief technology officer at MessageLabs.', "person/mark-sunner", "worksFor",
     "organization/messagelabs"),
    ("Craig Mackey, assistant chief constable of Gloucestershire Police, said: \"We have always "
     "considered that our responses were proportionate.\"", "person/craig-mackey", "worksFor",
     "organization/gloucestershire-police"),
    # BBC tech/251, sport/164 (shortened) and politics/207: heads of one function
    ('"There are no technical or economic reasons for not providing equivalent access to services '
     'for deaf people," said RNID technology director, Guido Gybels.', "person/guido-gybels",
     "worksFor", "organization/rnid"),
    ('"He is a fine player," said Spurs sporting director Frank Arnesen.', "person/frank-arnesen",
     "worksFor", "organization/spurs"),
    ("Alan Milburn, Labour's head of elections strategy, has played a key role in the plan.",
     "person/alan-milburn", "worksFor", "organization/labour-party"),
    ("John Smith, director of corporate marketing for Intel, said so.", "person/john-smith",
     "worksFor", "organization/intel"),
    ("Acme Corp sales chief Jo Parr said orders were up.", "person/jo-parr", "worksFor",
     "organization/acme-corp"),
    # BBC politics/216, business/059 and business/131: chiefs of one function
    ("Javier Solana, EU foreign policy chief, says phone-tap evidence works in the courts of other "
     "European countries.", "person/javier-solana", "worksFor", "organization/european-union"),
    ("The prosecution's star witness, former WorldCom financial chief Scott Sullivan, has said "
     "that Mr Ebbers ordered accounting adjustments.", "person/scott-sullivan", "worksFor",
     "organization/worldcom"),
    ('"This is positive news for the international investment community," Global Asset '
     'Management investment chief David Smith said.', "person/david-smith", "worksFor",
     "organization/global-asset-management"),
    # an opposition portfolio (our own sentence; BBC politics/282, 095, 354: "Tory shadow
    # chancellor Oliver Letwin")
    ("Tory shadow chancellor Ann Lee attacked the Budget.", "person/ann-lee", "worksFor",
     "organization/conservative-party"),
    ("Meanwhile, Tory shadow chancellor Oliver Letwin accused Mr Blair of \"misrepresenting\" the "
     "party's proposals and questioned how Labour would fund its own plans.", "person/oliver-letwin",
     "worksFor", "organization/conservative-party"),
    # heads of the whole organisation, as before (BBC tech/254 and politics/359)
    ("Tom White, head of the NAO, said so.", "person/tom-white", "leaderOf", "organization/nao"),
    ('"The take-up rate for broadband is accelerating at a terrific pace," said Ben Verwaayen, '
     "BT's chief executive.", "person/ben-verwaayen", "leaderOf", "organization/bt"),
    ("He was speaking as Sir Digby Jones, CBI director general, warned Mr Brown not to be tempted.",
     "person/digby-jones", "leaderOf", "organization/cbi"),
])
def test_the_title_noun_decides_leadership(extractor, text, subject, predicate, obj):
    ex = read(extractor, text)
    roles = {(r.subject, r.predicate, r.object) for r in ex.relations if r.subject == subject}
    assert (subject, predicate, obj) in roles
    assert predicate == "leaderOf" or (subject, "leaderOf", obj) not in roles


@pytest.mark.parametrize("words, predicate", [
    (["chief", "executive"], "leaderOf"), (["chief", "economist"], "worksFor"),
    (["chief", "operating", "officer"], "worksFor"), (["director", "general"], "leaderOf"),
    (["deputy", "leader"], "worksFor"), (["vice", "president"], "worksFor"),
    (["shadow", "chancellor"], "worksFor"), (["foreign", "policy", "chief"], "worksFor"),
    (["chief"], "leaderOf"),
    (["Prime", "Minister"], "leaderOf"), (["spokesman"], "spokespersonFor"), (["MP"], "memberOf"),
    (["chief"], "leaderOf"), (["novelist"], None), (["technology", "director"], "worksFor"),
    (["managing", "director"], "leaderOf"), (["director"], "leaderOf"), (["sales", "head"], "worksFor"),
])
def test_title_predicate_reads_the_title_noun(words, predicate):
    from kg.extract.relations import title_predicate

    assert title_predicate(words) == predicate


@pytest.mark.parametrize("text", [
    # BBC politics/237, politics/281 (Robert Kilroy-Silk) and politics/089 (David McLetchie)
    "The MEP said his party would only admit foreigners who were required.",
    "The MEP said he was ashamed to have joined the party.",
    "The MSP had been a partner for Tods Murray which has a client opposing the development.",
    # our own
    "The veteran MEP voted against the budget on Tuesday.",
])
def test_a_member_title_on_its_own_names_no_organisation(extractor, text):
    ex = read(extractor, text)
    assert not {"MEP", "MSP"} & set(types(ex))


def test_a_party_member_title_makes_the_person_a_member(extractor):
    ex = read(extractor, "Labour MEP Richard Corbett said the vote had been close.")
    assert ("person/richard-corbett", "memberOf", "organization/labour-party") in triples(ex)


def test_an_initial_and_a_surname_in_a_team_sheet_is_a_person(extractor):
    # BBC sport/331 and sport/339 ("G Gregan (Aus, capt)" an organisation, "B Lima (Samoa)" a
    # city), sport/416 ("M Bortolami (Italy)", "L Nitoglia" a city), sport/405 ("K Maggs")
    ex = read(extractor, "B Lima (Samoa), J Fourie (S Africa); A Mehrtens (NZ) G Gregan (Aus, capt); "
                         "M Bortolami (Italy), K Maggs (Ireland), L Nitoglia (Italy).")
    t = types(ex)
    for name in ("B Lima", "J Fourie", "G Gregan", "M Bortolami", "K Maggs", "L Nitoglia"):
        assert t.get(name) == "Person", (name, t)
    assert t.get("South Africa") == "Country"  # the compass point spelled out


def test_a_compass_point_and_a_place_is_no_person(extractor):
    ex = read(extractor, "Referees: H Webb (S Yorkshire). Talks with S. Korea resumed on Monday.")
    t = types(ex)
    assert t.get("H Webb") == "Person" and t.get("South Korea") == "Country"
    assert t.get("S Yorkshire") != "Person"
