"""The learned role classifier (kg.extract.role_model) and its trainer (kg.train.roles), on
sentences and data of our own writing."""

from __future__ import annotations

import json

import pytest


def _parsed(words, heads, deps, pos):
    import spacy
    from spacy.tokens import Doc

    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos,
               lemmas=[w.lower() for w in words])


def test_dependency_path_goes_up_to_the_common_head_and_down_with_prepositions():
    from kg.extract.role_model import dependency_path

    # Rebels attacked the base in Kabul
    doc = _parsed(["Rebels", "attacked", "the", "base", "in", "Kabul"], [1, 1, 3, 1, 1, 4],
                  ["nsubj", "ROOT", "det", "dobj", "prep", "pobj"],
                  ["NOUN", "VERB", "DET", "NOUN", "ADP", "PROPN"])
    attacked, rebels, base, kabul = doc[1], doc[0], doc[3], doc[5]
    assert dependency_path(attacked, rebels) == "vnsubj"
    assert dependency_path(attacked, base) == "vdobj"
    assert dependency_path(attacked, kabul) == "vprep:in vpobj"
    assert dependency_path(rebels, base) == "^nsubj vdobj"
    assert dependency_path(attacked, attacked) == "self"


def test_a_path_longer_than_the_limit_is_far():
    from kg.extract.role_model import MAX_PATH, dependency_path

    n = MAX_PATH + 2  # a chain: each word the head of the next
    doc = _parsed([f"w{i}" for i in range(n)], [0] + list(range(n - 1)), ["ROOT"] + ["dep"] * (n - 1),
                  ["NOUN"] * n)
    assert dependency_path(doc[0], doc[n - 1]) == "far"
    assert dependency_path(doc[0], doc[MAX_PATH]) != "far"


def _model():
    from kg.extract.role_model import RoleModel

    # the subject acts, "in" or a city gives the place, anything else is no argument
    return RoleModel(["none", "actor", "place"],
                     {"path=vnsubj": [0.0, 4.0, 0.0], "path=vprep:in vpobj": [0.0, 0.0, 4.0],
                      "ct=City": [0.0, 0.0, 4.0]},
                     [1.0, 0.0, 0.0])


def test_the_model_chooses_roles_and_round_trips(tmp_path):
    from kg.extract.role_model import RoleModel

    model = _model()
    assert model.role(["path=vnsubj"]) == "actor"
    assert model.role(["path=vprep:in vpobj", "ct=City"]) == "place"
    assert model.role(["path=vdobj"]) is None
    model.save(tmp_path / "r.json")
    again = RoleModel.load(tmp_path / "r.json")
    assert again.classes == model.classes and again.role(["path=vnsubj"]) == "actor"


@pytest.mark.model
def test_the_events_component_takes_the_models_roles_under_the_class_constraints():
    from kg.extract import Extractor
    from kg.extract.role_model import use_role_model
    from kg.records import Article

    text = "Rebels from Chad attacked Acme Corp in Kabul on Monday."
    ex = Extractor()
    with use_role_model(None):
        rules = next(e for e in ex.extract(Article("r", text)).events if e.type == "Attack")
    with use_role_model(_model()):
        learned = next(e for e in ex.extract(Article("r", text)).events if e.type == "Attack")
    roles = {(a.role, a.entity.rsplit("/", 1)[-1]) for a in learned.arguments}
    # the toy model makes the subject the actor and a city the place, Chad a country no place
    # ("from Chad" is no role for it), and leaves the rules' target Acme Corp its role
    assert {(a.role, a.entity.rsplit("/", 1)[-1]) for a in rules.arguments} == {
        ("target", "acme-corp"), ("place", "kabul")}
    assert ("place", "kabul") in roles and ("target", "acme-corp") in roles
    assert not any(k == "chad" for _r, k in roles)


def test_gold_roles_map_onto_kg_roles():
    from kg.train.roles import kg_role, rams_role

    assert rams_role("evt089arg01victim") == "Victim"
    assert kg_role("Victim", None) == "target"
    assert kg_role("Participant", "participant") == "participant"
    assert kg_role("Participant", None) == "actor"
    assert kg_role("JudgeCourt", None) is None


def _tiny_data(root):
    """Two WikiEvents-style documents and two RAMS passages of our own writing."""
    (root / "wikievents").mkdir(parents=True)
    (root / "rams").mkdir()
    docs = []
    for n, (text, trig, args) in enumerate([
            ("Rebels attacked the army base in Kabul on Monday.", "attacked",
             [("Rebels", "Attacker"), ("Kabul", "Place")]),
            ("Police arrested John Smith in London on Friday.", "arrested",
             [("Police", "Jailer"), ("John Smith", "Detainee"), ("London", "Place")]),
            ("Gunmen attacked a convoy in Baghdad.", "attacked", [("Baghdad", "Place")]),
            ("Troops arrested Ali Hassan in Basra.", "arrested", [("Ali Hassan", "Detainee")]),
            ("Rebels attacked a school in Mosul.", "attacked", [("Mosul", "Place")])]):
        words = text[:-1].split() + ["."]
        offsets, pos = [], 0
        for w in words:
            pos = text.index(w, pos)
            offsets.append(pos)
            pos += len(w)
        def tok(phrase):
            first = words.index(phrase.split()[0])
            return first, first + len(phrase.split())
        mentions = [{"id": f"m{i}", "start": tok(a)[0], "end": tok(a)[1], "text": a}
                    for i, (a, _r) in enumerate(args)]
        ts, te = tok(trig)
        docs.append({"doc_id": f"d{n}", "tokens": words, "text": text,
                     "sentences": [[[[w, offsets[i], offsets[i] + len(w)] for i, w in enumerate(words)], text]],
                     "entity_mentions": mentions,
                     "event_mentions": [{"id": "e", "event_type": "Conflict.Attack.Unspecified" if trig == "attacked"
                                         else "Justice.ArrestJailDetain.Unspecified",
                                         "trigger": {"start": ts, "end": te, "text": trig},
                                         "arguments": [{"entity_id": f"m{i}", "role": r, "text": a}
                                                       for i, (a, r) in enumerate(args)]}]})
    (root / "wikievents" / "dev.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    rams = [{"doc_key": "r1", "sentences": [["Soldiers", "killed", "two", "men", "in", "Gaza", "."]],
             "evt_triggers": [[1, 1, [["life.die.n/a", 1.0]]]],
             "gold_evt_links": [[[1, 1], [0, 0], "evt1arg01killer"], [[1, 1], [5, 5], "evt1arg02place"]]}]
    (root / "rams" / "dev.jsonlines").write_text("\n".join(json.dumps(r) for r in rams) + "\n")


@pytest.mark.model
def test_the_trainer_cross_validates_and_writes_a_model_deterministically(tmp_path):
    from kg.extract.role_model import RoleModel
    from kg.train.roles import train

    _tiny_data(tmp_path / "data")
    a = train(tmp_path / "data", tmp_path / "a.json", folds=2, l2s=(1e-2,), epochs=20, force=True)
    b = train(tmp_path / "data", tmp_path / "b.json", folds=2, l2s=(1e-2,), epochs=20, force=True)
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert a["examples"] > 0 and {"actor", "place"} <= set(a["labels"])
    assert 0.0 <= a["cv_argument_f1_by_l2"][1e-2] <= 1.0 and a == b
    model = RoleModel.load(tmp_path / "a.json")
    assert model.classes[0] == "none" and model.meta["aside"]


@pytest.mark.model
def test_the_trainer_ships_no_model_that_the_rules_beat(tmp_path):
    from kg.train.roles import train

    _tiny_data(tmp_path / "data")
    out = tmp_path / "r.json"
    out.write_text("{}")
    report = train(tmp_path / "data", out, folds=2, l2s=(1e-2,), epochs=20)
    beats = report["cv_argument_f1_by_l2"][1e-2] > report["cv_argument_f1_rules"]
    assert report["shipped"] == beats and out.exists() == beats


def test_any_common_noun_is_an_unnamed_filler_of_its_kind():
    from kg.extract.index import UNNAMED, EntityIndex

    # The army shelled a convoy near the station on Monday
    words = ["The", "army", "shelled", "a", "convoy", "near", "the", "station", "on", "Monday"]
    doc = _parsed(words, [1, 2, 2, 4, 2, 2, 7, 5, 2, 8],
                  ["det", "nsubj", "ROOT", "det", "dobj", "prep", "det", "pobj", "prep", "pobj"],
                  ["DET", "NOUN", "VERB", "DET", "NOUN", "ADP", "DET", "NOUN", "ADP", "NOUN"])
    doc[9].ent_type_ = "DATE"
    index = EntityIndex(key_at={}, type_of={}, span_at={}, scope="a1")
    army, convoy, station = (index.noun_filler(doc[i]) for i in (1, 4, 7))
    assert index.type_of[army[0]] == "Organization" and army[1].text == "The army"
    assert index.type_of[convoy[0]] == "Other" and convoy[1].text == "a convoy"
    assert index.type_of[station[0]] == "Place" and station[0].startswith(UNNAMED)
    assert index.noun_filler(doc[9]) is None  # a date is no filler
    assert index.noun_filler(doc[2]) is None  # nor a verb
    # the rules' own fillers stay people and places: no thing, no organisation noun
    assert index.unnamed_fillers(doc[4]) == [] and index.unnamed_fillers(doc[1]) == []


def test_an_unnamed_thing_is_an_instrument_or_what_was_attacked_never_a_victim():
    from kg.extract.role_model import thing_fits

    assert thing_fits("target", "Attack", "Other", named=False)  # "attacked a convoy"
    assert thing_fits("target", "Damage", "Other", named=False)  # "damaged two cars"
    assert thing_fits("instrument", "Death", "Other", named=False)  # "killed with a knife"
    assert not thing_fits("target", "Request", "Other", named=False)  # "ordered an urgent report"
    assert not thing_fits("target", "Death", "Other", named=False)  # "killing off demand"
    assert thing_fits("target", "Death", "Group", named=False)  # "killed three soldiers"
    assert thing_fits("target", "Request", "Other", named=True)  # a name keeps the rules' test


@pytest.mark.model
def test_the_model_may_give_a_common_noun_a_role_under_the_thing_constraint():
    from kg.extract import Extractor
    from kg.extract.role_model import RoleModel, use_role_model
    from kg.records import Article

    # a toy model: every unnamed thing is a target, a drone an instrument
    model = RoleModel(["none", "target", "instrument"],
                      {"ct=Other": [0.0, 4.0, 0.0], "clem=drone": [0.0, 0.0, 8.0]}, [1.0, 0.0, 0.0])
    ex = Extractor()
    with use_role_model(model):
        attacked = ex.extract(Article("t1", "Rebels attacked a convoy with drones.")).events
        demanded = ex.extract(Article("t2", "The minister demanded an urgent report.")).events
    attack = next(e for e in attacked if e.type == "Attack")
    request = [e for e in demanded if e.type == "Request"]
    roles = {(a.role, a.entity.rsplit("/", 1)[-1]) for a in attack.arguments}
    assert ("target", "convoy") in roles and ("instrument", "drones") in roles
    # the toy model makes the report a target; a thing is no recipient
    assert request and not any(a.entity.endswith("urgent-report")
                               for e in request for a in e.arguments)
