"""Events (issue 11): the taxonomy, the learned trigger classifier, roles, casualty figures and
the direct edges of events. Example sentences are our own, written for these tests (none is in
the classifier's training data, ``kg/train/trigger_senses.tsv``)."""

from __future__ import annotations

import json

import pytest

from kg.eval.mapping import ORIGINAL_KAIROS_TYPES, class_annotations, kairos_types
from kg.records import Article


# ------------------------------------------------------------------ taxonomy

def test_every_event_class_the_classifier_knows_is_in_the_ontology():
    from kg.extract.trigger_model import TriggerModel
    from kg.namespaces import NEWS

    model = TriggerModel.shipped()
    for cls in model.classes[1:]:
        NEWS[cls]  # a misspelt class raises
        assert cls in class_annotations(), cls


def test_kairos_type_is_inherited_and_the_eight_original_types_are_covered():
    types = kairos_types()
    assert types["Charge"] == "Justice.ChargeIndict"
    assert types["Visit"] == "Movement.Transportation"  # Visit is a Travel, and inherits it
    assert types["Sale"] == "Transaction.ExchangeBuySell"  # from Acquisition
    assert ORIGINAL_KAIROS_TYPES <= set(types.values())
    assert class_annotations()["Arrest"]["cameoCode"] == "173"
    assert "NaturalDisaster" not in types  # KAIROS has no type for it: scored as nothing


def test_trigger_lexicon_is_well_formed():
    from kg.extract.lexicon import DEFAULT_LEXICON, read_lexicon

    classes = set(class_annotations())
    table = read_lexicon(DEFAULT_LEXICON)
    assert len(table) > 200
    for (lemma, pos), cls in table.items():
        assert lemma == lemma.lower() and pos in {"NOUN", "VERB", "ADJ", "*"} and cls in classes


# ------------------------------------------------------------------ scoring

def _gold_doc():
    from kg.eval.datasets import GoldEvent, WikiEventsDoc

    text = "Police charged him. A bomb exploded."
    events = (GoldEvent((7, 14), "Justice.ChargeIndict.Unspecified", (), "charged"),
              GoldEvent((27, 35), "Conflict.Attack.DetonateExplode", (), "exploded"))
    return WikiEventsDoc(Article("d", text), events)


def test_all_types_scores_gold_kg_has_no_class_for_as_missed():
    from kg.eval.scoring import score_wikievents, score_wikievents_all

    doc = _gold_doc()
    rec = {"events": [{"type": "news#Attack", "trigger": {"start": 27, "end": 35}}]}
    eight, _ = score_wikievents([doc], {"d": rec})
    every, _ = score_wikievents([doc], {"d": rec}, types=None)
    assert eight.micro.f1 == 1.0  # the charge is outside the eight types
    assert (every.micro.tp, every.micro.fn) == (1, 1)
    rec["events"].append({"type": "news#Charge", "trigger": {"start": 7, "end": 14}})
    assert score_wikievents_all([doc], {"d": rec})["all_types_f1"] == 1.0


# ------------------------------------------------------------------ the classifier

def _toy_model():
    from kg.extract.trigger_model import TriggerModel

    return TriggerModel(["O", "Attack"], {"l=bomb": [0.0, 3.0], "c=nsubj:share": [2.0, -3.0]},
                        [0.0, -1.0], ["bomb/VERB", "shoot/VERB"], threshold=0.5)


def test_trigger_model_decides_on_candidates_only_and_round_trips(tmp_path):
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Rebels", "bomb", "a", "bridge"],
              pos=["NOUN", "VERB", "DET", "NOUN"], lemmas=["rebel", "bomb", "a", "bridge"],
              deps=["nsubj", "ROOT", "det", "dobj"], heads=[1, 1, 3, 1])
    model = _toy_model()
    assert model.triggers(doc) == {1: ("Attack", pytest.approx(model.calibrated(0.8808), abs=1e-3))}
    model.save(tmp_path / "m.json")
    from kg.extract.trigger_model import TriggerModel

    again = TriggerModel.load(tmp_path / "m.json")
    assert again.triggers(doc).keys() == {1} and again.candidates == model.candidates


def test_cross_validation_reports_the_standard_error_of_its_folds():
    from kg.train.triggers import standard_error

    assert standard_error([0.5, 0.7, 0.3, 0.5]) == pytest.approx(0.0816, abs=1e-4)
    assert standard_error([0.6]) == 0.0


def test_a_steep_calibration_map_gives_probabilities_without_overflow():
    # a Platt map fitted on well-separated folds can be steep: at L2 3e-4 training stopped with
    # an OverflowError in math.exp on a raw score near zero
    from kg.extract.trigger_model import TriggerModel

    model = TriggerModel(["O", "Attack"], {}, [0.0, 0.0], [], platt=(60.0, -5.0))
    assert model.calibrated(1e-9) == pytest.approx(0.0, abs=1e-12)
    assert model.calibrated(1 - 1e-9) == pytest.approx(1.0)
    assert 0 < model.calibrated(0.5) < 0.01


def test_trigger_component_saves_with_spacy_serialisation(tmp_path):
    from kg.extract.components import TriggerComponent

    comp = TriggerComponent(_toy_model())
    comp.to_disk(tmp_path / "kg_triggers")
    back = TriggerComponent(None).from_disk(tmp_path / "kg_triggers")
    assert back.model.weights == comp.model.weights


def test_training_is_deterministic_on_tiny_data():
    from kg.train.triggers import Example, fit_model

    examples = [Example(("l=bomb", "p=VERB"), "Attack", "bomb/VERB", "x"),
                Example(("l=bomb", "p=NOUN", "det=the"), "O", "bomb/NOUN", "x"),
                Example(("l=arrest", "p=VERB"), "Arrest", "arrest/VERB", "x")] * 3
    a = fit_model(examples, ["O", "Arrest", "Attack"], {"bomb/VERB"}, 1e-3, 50)
    b = fit_model(examples, ["O", "Arrest", "Attack"], {"bomb/VERB"}, 1e-3, 50)
    assert a.to_json() == b.to_json()
    assert a.best(("l=bomb", "p=VERB"))[0] == "Attack"


def test_class_of_gold_types():
    from kg.train.triggers import kg_class, rams_class

    assert kg_class("Contact.Contact.Broadcast", "say") == "Statement"
    assert kg_class("Contact.Contact.Meet", "meeting") == "Meeting"
    assert kg_class("Justice.ChargeIndict.Unspecified", "charge") == "Charge"
    assert kg_class("Cognitive.Inspection.SensoryObserve", "watch") is None
    assert rams_class("justice.initiatejudicialprocess.chargeindict") == "Charge"
    assert rams_class("movement.transportperson.evacuationrescue") == "Evacuation"


def test_senses_file_reads_marks():
    from kg.train.triggers import read_senses

    rows = read_senses()
    assert len(rows) > 100
    text, marks = rows[0]
    assert "[[" not in text and all(text[s:e] and cls for s, e, cls in marks)


# ------------------------------------------------------------------ the extractor

@pytest.fixture(scope="module")
def extract():
    from kg.extract import Extractor

    ex = Extractor()

    def run(text):
        return ex.extract(Article("t", text))

    return run


def _types(extraction):
    return {e.type for e in extraction.events}


@pytest.mark.model
@pytest.mark.parametrize("text, not_types", [
    # figures of speech are no attacks
    ("After weeks of wrangling a compromise was struck between the two unions.", {"Attack"}),
    ("Shares in the retailer shot up 9% in early trading on Thursday.", {"Attack"}),
    ("The format war over high-definition discs dragged on into the spring.", {"Attack"}),
    ("Tories attack Labour over hospital waiting lists.", {"Attack"}),
    ("The comedian was rushed to hospital after a heart attack on Friday.", {"Attack"}),
    ("AMD faces a fresh clash with Intel over chip prices.", {"Attack"}),
    ("A strong earthquake struck northern Chile on Tuesday.", {"Attack"}),
    # a dead leg and death threats are no deaths
    ("The winger limped off with a dead leg before half-time.", {"Death"}),
    ("The MP said she had received death threats after the vote.", {"Death"}),
    # sport and award "beat" is no injury
    ("Federer beat Nadal in four sets to take the title.", {"Injury", "Attack"}),
    ("The novel beat five others to the Booker prize.", {"Injury", "Attack"}),
    ("Chelsea beat Newcastle 3-1 at Stamford Bridge.", {"Injury", "Attack"}),
    # ... with a named loser, a passive, a prize or a deal ("beat X to the prize")
    ("Venus Williams beat Amelie Mauresmo 6-4 7-5 in the semi-final.", {"Injury", "Attack"}),
    pytest.param("Jacques Rogge said London had been beaten by Paris in the first round of "
                 "voting.", {"Injury", "Attack"}, marks=pytest.mark.xfail(strict=True, reason=(
                     "a known miss: reported speech and a place as the winner read as a beating "
                     "(Injury 0.58); docs/eval.md"))),
    ("Sideways beat Finding Neverland to the Golden Globe for best comedy.", {"Injury", "Attack"}),
    ("Barclays beat ABN Amro to the purchase of the South African bank.", {"Injury", "Attack"}),
])
def test_the_classifier_reads_the_sense_of_the_word(extract, text, not_types):
    assert not _types(extract(text)) & not_types


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Riot police beat the students with truncheons outside the university.",
    "The shopkeeper was beaten unconscious by three men who took the till.",
])
def test_a_real_beating_is_still_an_injury(extract, text):
    assert "Injury" in _types(extract(text))


@pytest.mark.model
def test_titles_and_nationality_words_do_not_hide_meeting_participants(extract):
    ex = extract("Nigerian President Bola Tinubu met Ghanaian Vice President John Mahama "
                 "in Accra on Monday.")
    meeting = next(e for e in ex.events if e.type == "Meeting")
    roles = {(a.role, a.entity) for a in meeting.arguments}
    assert ("participant", "person/bola-tinubu") in roles
    assert ("participant", "person/john-mahama") in roles
    assert any(r == "place" and "accra" in k for r, k in roles)
    assert any(r.predicate == "metWith" and {r.subject, r.object} ==
               {"person/bola-tinubu", "person/john-mahama"} for r in ex.relations)


@pytest.mark.model
def test_visit_destination_is_the_possessor_of_the_place_visited(extract):
    ex = extract("Tony Blair has visited Uganda's largest refugee camp.")
    visit = next(e for e in ex.events if e.type == "Visit")
    assert any(a.role == "destination" and a.entity.endswith("uganda") for a in visit.arguments)


@pytest.mark.model
def test_an_event_someone_was_not_at_is_not_asserted(extract):
    ex = extract("Mr Clarke, who was not at the Brussels summit, said he would resign.")
    assert all(e.factuality != "Asserted" for e in ex.events if e.type == "Meeting")


@pytest.mark.model
def test_a_planned_event_is_not_asserted(extract):
    ex = extract("Angela Merkel plans to visit Warsaw next week.")
    assert all(e.factuality != "Asserted" for e in ex.events if e.type == "Visit")


@pytest.mark.model
def test_the_possessor_of_a_nominal_event_is_its_patient(extract):
    ex = extract("Pete Doherty apologised to his fans after his arrest in a London hotel.")
    arrest = next(e for e in ex.events if e.type == "Arrest")
    roles = {(a.role, a.entity) for a in arrest.arguments}
    assert ("target", "person/pete-doherty") in roles
    assert ("actor", "person/pete-doherty") not in roles


@pytest.mark.model
@pytest.mark.parametrize("text, trigger, group, name", [
    # sentences of our own writing
    ("Rebels ambushed a convoy and killed 14 Kenyan soldiers near the border.", "killed",
     "14 Kenyan soldiers", "place/kenya"),
    ("Five Hamas fighters were killed in an air strike on Tuesday.", "killed", "Five Hamas fighters",
     "organization/hamas"),
    ("Police arrested three Greenpeace activists outside the plant.", "arrested",
     "three Greenpeace activists", "organization/greenpeace"),
    # the pattern as read on WikiEvents dev, training data of the role classifier:
    # suicide_ied_114, road_ied_12 and wiki_ied_bombings_1_news_3
    ("They killed 23 Afghan soldiers and injured another 15.", "killed", "23 Afghan soldiers",
     "place/afghanistan"),
    ("Seven Taliban militants were killed in two accidental explosions in Afghanistan's southern "
     "Kandahar province Friday night.", "killed", "Seven Taliban militants", "organization/taliban"),
    ("At Oxford St, the busiest bus station in Northern Ireland, four Ulsterbus workers and two "
     "soldiers were killed.", "killed", "four Ulsterbus workers", "organization/ulsterbus"),
])
def test_the_people_a_name_describes_undergo_the_event_not_the_name(extract, text, trigger, group, name):
    ex = extract(text)
    event = next(e for e in ex.events if e.trigger.text == trigger)
    targets = {a.span.text: a.entity for a in event.arguments if a.role == "target"}
    assert group in targets and targets[group].startswith("unnamed/")
    assert name not in targets.values()  # the soldiers died, not Kenya
    assert name in {e.key for e in ex.entities}  # the name is still a mention of its entity


@pytest.mark.model
@pytest.mark.parametrize("text, trigger, group", [
    # sentences of our own writing; the nouns are people in the role data (WikiEvents and RAMS)
    ("Two fans were injured in the crush.", "injured", "Two fans"),
    ("Police arrested three supporters after the match.", "arrested", "three supporters"),
])
def test_people_nouns_fill_roles_unnamed(extract, text, trigger, group):
    ex = extract(text)
    event = next(e for e in ex.events if e.trigger.text == trigger)
    assert ("target", group) in {(a.role, a.span.text) for a in event.arguments}


@pytest.mark.model
def test_a_name_before_its_people_keeps_the_actor_and_the_counted_group(extract):
    ex = extract("Taliban militants attacked a police post, killing 12 Afghan policemen.")
    attack = next(e for e in ex.events if e.type == "Attack")
    assert ("actor", "organization/taliban") in {(a.role, a.entity) for a in attack.arguments}
    report = next(e for e in ex.events if e.type == "CasualtyReport")
    assert [(a.role, a.span.text) for a in report.arguments] == [("affectedGroup", "12 Afghan policemen")]


@pytest.mark.model
def test_participial_and_coordinated_casualty_figures(extract):
    ex = extract("Militants stormed a hotel in the capital, killing at least 9 guests and injuring 31.")
    report = next(e for e in ex.events if e.type == "CasualtyReport")
    assert (report.death_count, report.injury_count, report.at_least) == (9, 31, True)
    assert isinstance(report.death_count, int)


@pytest.mark.model
@pytest.mark.parametrize("text", [
    # sentences of our own writing
    "The former minister, who led the party from 1997 to 2001, has died.",
    "The 1800 GMT deadline for the bids passed quietly.",
    "At 3-1 down the visitors were dead and buried.",
    "The doubles was a dead rubber after the hosts took the first three matches.",
    # BBC politics/308, entertainment/198, entertainment/276, sport/466 and sport/150
    "Sir Anthony Meyer, the Tory backbencher who challenged Margaret Thatcher for the party "
    "leadership in 1989, has died.",
    "Keaveney, who played Brookside's Marie Jackson when the Channel 4 soap began in 1982, died "
    "on Saturday.",
    "The judge agreed to extend his 2200 GMT curfew deadline by two hours so he could play the "
    "Brixton gig.",
    "Mardy Fish beat Tommy Robredo 7-6 (8-6) 6-2 in the final dead rubber to cut Spain's winning "
    "margin to 3-2.",
    "Forest played with a lot of players behind the ball in the first half, but at 2-0 they were "
    "dead and buried.",
    "The reporter was killed 2 days ago in Gaza.",
])
def test_years_times_scores_and_dead_rubbers_are_no_casualty_figures(extract, text):
    assert not [e for e in extract(text).events if e.type == "CasualtyReport"]


@pytest.mark.model
@pytest.mark.parametrize("text, counts", [
    ("The car bomb killed 14 soldiers and injured 20 others outside the base.", (14, 20, False)),
    # BBC entertainment/054: the injuries were read as 250 and the deaths lost
    ("Investigating the blasts which killed more than 250 people and wounded 1,000, the film Black "
     "Friday had been due to open across India on Friday.", (250, 1000, True)),
    # BBC business/346 and business/398: tsunami tolls the rule did not read before
    ("Insurers have sought to calm fears that they face huge losses after an earthquake and giant "
     "waves killed at least 38,000 people in southern Asia.", (38000, None, True)),
    ("Sri Lanka faces a bill for reconstruction after the tsunami which killed more than 30,000 of "
     "its people, its central bank says.", (30000, None, True)),
    # BBC business/262 and politics/290, which were right before and stay so
    ("More than 23,000 people have been killed following a massive underwater earthquake.",
     (23000, None, True)),
    ("Forsyth says 3000 died over 30 years of terrorism.", (3000, None, False)),
])
def test_finite_verb_before_its_figures(extract, text, counts):
    report = next(e for e in extract(text).events if e.type == "CasualtyReport")
    assert (report.death_count, report.injury_count, report.at_least) == counts
    assert report.trigger.text == report.trigger.text.strip(" ,.")


@pytest.mark.model
def test_events_have_calibrated_model_confidence(extract):
    ex = extract("A car bomb exploded outside the police station in Kirkuk.")
    attack = next(e for e in ex.events if e.type == "Attack")
    assert 0 < attack.evidence.confidence < 1 and attack.evidence.rule.startswith("model:")


@pytest.mark.model
def test_direct_edges_of_new_events(extract):
    ex = extract("Google acquired YouTube for $1.65bn in October.")
    assert any(r.predicate == "acquired" and r.subject == "organization/google" for r in ex.relations)
    ex = extract("Shell has appointed John Smith as its new finance director.")
    assert any(r.predicate == "appointedTo" and (r.subject, r.object) ==
               ("person/john-smith", "organization/shell") for r in ex.relations)
    ex = extract("Mark Thompson was appointed director general of the BBC.")
    appointment = next(e for e in ex.events if e.type == "Appointment")
    assert ("employer", "organization/bbc") in {(a.role, a.entity) for a in appointment.arguments}
    ex = extract("The Crown Prosecution Service charged Ian Brady with the murders.")
    assert "Charge" in _types(ex)
