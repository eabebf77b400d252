"""kg eval: dataset readers, the pure scorers, the CLI and the shipped relation model and trigger
lexicon, on small hand-made files in tests/data (no benchmark data, no spaCy model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.eval.cli import eval_group
from kg.eval.datasets import DatasetError, parse_conll04, read_conll04, read_wikievents
from kg.eval.mapping import conll04_class_map, conll04_relation_map
from kg.eval.runner import PredictionsError, read_records
from kg.eval.scoring import out_of_scope_events, score_conll04, score_wikievents, to_tokens

DATA = Path(__file__).parent / "data"
CONLL = DATA / "eval_conll04.json"
CONLL_PRED = DATA / "eval_conll04_pred.jsonl"
WIKI = DATA / "eval_wikievents.jsonl"
WIKI_PRED = DATA / "eval_wikievents_pred.jsonl"
NEWS = "https://w3id.org/kg-news/ontology#"


def test_conll04_reader_gives_character_spans_of_space_joined_tokens():
    docs = read_conll04(CONLL)
    assert [d.article.id for d in docs] == ["conll04-1", "conll04-2"]
    text = docs[0].article.text
    assert text.startswith("John Wilkes Booth , who")
    (rel,) = docs[0].relations
    assert text[slice(*rel.head)] == "John Wilkes Booth"
    assert text[slice(*rel.tail)] == "President Lincoln"
    assert (rel.head_type, rel.tail_type, rel.type) == ("Peop", "Peop", "Kill")


def test_conll04_reader_rejects_other_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tokens": []}')
    with pytest.raises(DatasetError):
        read_conll04(bad)


def test_predicates_and_classes_map_through_the_ontology_hierarchy():
    rels, classes = conll04_relation_map(), conll04_class_map()
    assert rels["leaderOf"] == rels["memberOf"] == rels["spokespersonFor"] == "Work_For"
    assert (rels["killed"], rels["basedIn"], rels["livesIn"], rels["locatedIn"]) == (
        "Kill", "OrgBased_In", "Live_In", "Located_In")
    assert "visited" not in rels
    assert classes["City"] == classes["Country"] == classes["Region"] == classes["Place"] == "Loc"
    assert (classes["Person"], classes["Organization"]) == ("Peop", "Org")
    assert "Group" not in classes  # scores as Other


def test_conll04_scoring_is_strict_on_spans_types_and_relation():
    rel, ent = score_conll04(read_conll04(CONLL), read_records(CONLL_PRED))
    # Kill: "Lincoln" is not the gold span "President Lincoln": one false alarm and one miss.
    assert (rel.per_type["Kill"].tp, rel.per_type["Kill"].fp, rel.per_type["Kill"].fn) == (0, 1, 1)
    # leaderOf counts as Work_For; Tehran (City) in Iran (Country) is Loc in Loc.
    assert rel.per_type["Work_For"].tp == 1
    assert rel.per_type["Located_In"].tp == 1
    # livesIn has no gold; visited maps to no CoNLL04 type and is not scored.
    assert rel.per_type["Live_In"].fp == 1
    m = rel.micro
    assert (m.tp, m.fp, m.fn) == (2, 2, 1)
    assert m.precision == pytest.approx(0.5) and m.recall == pytest.approx(2 / 3)
    assert (ent.micro.tp, ent.micro.fp, ent.micro.fn) == (5, 1, 1)
    kinds = {(e.kind, e.description) for e in rel.errors}
    assert ("miss", "Kill('John Wilkes Booth':Peop, 'President Lincoln':Peop)") in kinds


def test_conll04_wrong_entity_type_is_wrong():
    docs = read_conll04(CONLL)
    records = read_records(CONLL_PRED)
    for e in records["conll04-2"]["entities"]:
        if e["label"] == "Hamas":
            e["type"] = NEWS + "Group"
    rel, _ = score_conll04(docs, records)
    assert rel.per_type["Work_For"].tp == 0 and rel.per_type["Work_For"].fp == 1


def test_mentions_inside_a_token_score_as_that_token():
    text = "Rebels killed Tekle in Ethiopia."
    assert to_tokens((23, 31), text) == (23, 32)  # "Ethiopia" in the token "Ethiopia."
    assert to_tokens((14, 19), text) == (14, 19)  # already whole tokens
    assert to_tokens((0, 3), text) == (0, 6)
    data = [{"tokens": text.split(), "orig_id": 9,
             "entities": [{"type": "Peop", "start": 2, "end": 3}, {"type": "Loc", "start": 4, "end": 5}],
             "relations": [{"type": "Live_In", "head": 0, "tail": 1}]}]
    records = {"conll04-9": {"id": "conll04-9", "entities": [
        {"id": "p", "type": NEWS + "Person", "label": "Tekle",
         "mentions": [{"start": 14, "end": 19, "text": "Tekle"}]},
        {"id": "e", "type": NEWS + "Country", "label": "Ethiopia",
         "mentions": [{"start": 23, "end": 31, "text": "Ethiopia"}]}],
        "relations": [{"subject": "p", "predicate": NEWS + "livesIn", "object": "e",
                       "subject_span": [14, 19], "object_span": [23, 31], "confidence": 0.8}],
        "events": []}}
    rel, ent = score_conll04(parse_conll04(data), records)
    assert (rel.micro.tp, rel.micro.fp, rel.micro.fn) == (1, 0, 0)
    assert (ent.micro.tp, ent.micro.fp, ent.micro.fn) == (2, 0, 0)


def test_missing_record_counts_as_nothing_found():
    rel, _ = score_conll04(read_conll04(CONLL), {})
    assert (rel.micro.tp, rel.micro.fp, rel.micro.fn) == (0, 0, 3)


def test_wikievents_reader_joins_sentences_with_newlines():
    (doc,) = read_wikievents(WIKI)
    text = doc.article.text
    assert text.count("\n") == 1 and text.endswith("Police arrested the driver .")
    triggers = [text[slice(*e.trigger)] for e in doc.events]
    assert triggers == ["exploded", "killing", "arrested", "arrested"]
    assert [text[slice(*a.span)] for a in doc.events[0].arguments] == ["car bomb", "Kabul"]
    assert doc.events[0].type2 == "Conflict.Attack"
    assert out_of_scope_events([doc]) == 0  # the ChargeIndict gold has a class now: Charge


def test_wikievents_scoring_by_overlap_type_and_role():
    triggers, arguments = score_wikievents(read_wikievents(WIKI), read_records(WIKI_PRED))
    # "bomb exploded" overlaps "exploded"; Death matches Life.Die; Meeting on "Police" is a false
    # alarm; Ceasefire maps to no KAIROS type; the arrest is missed; ChargeIndict is out of scope.
    assert triggers.per_type["Conflict.Attack"].tp == 1
    assert triggers.per_type["Life.Die"].tp == 1
    assert triggers.per_type["Contact.Contact"].fp == 1
    assert triggers.per_type["Justice.ArrestJailDetain"].fn == 1
    t = triggers.micro
    assert (t.tp, t.fp, t.fn) == (2, 1, 1)
    # Arguments: instrument and place of the attack and the victim of the death are right;
    # "soldiers" as attack target is not a gold argument of it; the Kabul place of the death
    # and both arguments of the missed arrest are misses.
    a = arguments.micro
    assert (a.tp, a.fp, a.fn) == (3, 1, 3)


def test_wikievents_gold_trigger_matches_only_one_prediction():
    docs = read_wikievents(WIKI)
    rec = read_records(WIKI_PRED)["wiki-1"]
    rec["events"].append(dict(rec["events"][0], id="ev:again"))
    triggers, _ = score_wikievents(docs, {"wiki-1": rec})
    assert (triggers.per_type["Conflict.Attack"].tp, triggers.per_type["Conflict.Attack"].fp) == (1, 1)


def test_movement_place_scores_as_destination():
    from kg.eval.scoring import _role_matches

    assert _role_matches("place", "Destination", "Movement.Transportation")
    assert not _role_matches("place", "Destination", "Conflict.Attack")
    assert _role_matches("actor", "Jailer", "Justice.ArrestJailDetain")


def test_cli_scores_a_predictions_file():
    result = CliRunner().invoke(eval_group, ["conll04", str(CONLL), "--predictions", str(CONLL_PRED),
                                             "--errors", "1"])
    assert result.exit_code == 0, result.output
    assert "CoNLL04 relations (strict)" in result.output
    micro = next(line for line in result.output.splitlines() if line.startswith("micro"))
    assert micro.split()[1:3] == ["3", "4"]  # gold, predicted
    assert "1 miss" in result.output and "1 false alarm" in result.output


def test_cli_json_output_for_wikievents():
    result = CliRunner().invoke(eval_group, ["wikievents", str(WIKI), "--predictions", str(WIKI_PRED),
                                             "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    trig = data["scores"][0]["types"]["micro"]
    assert trig["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert data["gold events of types kg has no class for"] == 0
    assert data["trigger F1, 8 original types"] == pytest.approx(0.667, abs=1e-3)
    # over all types the ChargeIndict gold counts as a miss
    assert data["scores"][1]["task"].endswith("(all types)")
    assert data["trigger F1, all types"] == pytest.approx(4 / 7, abs=1e-3)


def test_cli_dumps_articles_for_kg_extract(tmp_path):
    out = tmp_path / "articles.jsonl"
    result = CliRunner().invoke(eval_group, ["conll04", str(CONLL), "--dump-articles", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(l) for l in out.read_text().splitlines()]
    assert lines[0] == {"id": "conll04-1", "text": read_conll04(CONLL)[0].article.text}


def test_cli_missing_path_is_a_usage_error():
    result = CliRunner().invoke(eval_group, ["conll04", "no/such/file.json"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_cli_broken_predictions_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"id": "conll04-1"}\nnot json\n')
    result = CliRunner().invoke(eval_group, ["conll04", str(CONLL), "--predictions", str(bad)])
    assert result.exit_code == 1
    assert "line 2: not an extraction record" in result.output
    assert "Traceback" not in result.output


def test_read_records_rejects_lines_without_id(tmp_path):
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"entities": []}\n')
    with pytest.raises(PredictionsError):
        read_records(bad)


# ------------------------------------------------------------------ relation model and lexicon

def _toy_model():
    from kg.extract.relation_model import NONE, PREDICATES, RelationModel

    classes = [NONE, *PREDICATES]
    w = {"bw=assassinated": [0.0, 0.0, 2.0, 0.0, 0.0, 0.0],
         "ord=ht": [0.0, 0.0, 2.0, 0.0, 0.0, 0.0]}  # head before tail
    return RelationModel(classes, w, [2.5, 0, 0, 0, 0, 0], threshold=0.5)


def test_relation_model_uses_features_and_respects_type_signatures():
    import spacy

    nlp = spacy.blank("en")
    doc = nlp("Booth assassinated Lincoln .")
    model = _toy_model()
    pred, p = model.predict(doc[:], doc[0:1], doc[2:3], "Person", "Person")
    assert pred == "killed" and p > 0.8
    assert model.predict(doc[:], doc[0:1], doc[2:3], "Person", "Group") == (None, 1.0)
    other = nlp("Booth met Lincoln .")
    assert model.predict(other[:], other[0:1], other[2:3], "Person", "Person")[0] is None
    assert model.predict_sentence(doc[:], [(doc[0:1], "Person"), (doc[2:3], "Person")]) == [
        (0, 1, "killed", pytest.approx(p))]


def test_relation_model_round_trips_through_json(tmp_path):
    from kg.extract.relation_model import RelationModel

    path = tmp_path / "m.json"
    _toy_model().save(path)
    loaded = RelationModel.load(path)
    assert loaded.weights["bw=assassinated"][2] == 2.0 and loaded.threshold == 0.5


def test_shipped_relation_model_is_small_plain_json():
    from kg.extract.relation_model import DEFAULT_PATH, PREDICATES, RelationModel

    assert DEFAULT_PATH.stat().st_size < 10_000_000
    model = RelationModel.load()
    assert set(PREDICATES) <= set(model.classes)
    assert 0 < model.threshold < 1


def test_relation_model_gives_relation_records_for_unknown_pairs():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Booth assassinated Lincoln . Booth assassinated Lincoln .")
    model = _toy_model()
    mentions = [(0, 1, "booth", "Person"), (2, 3, "lincoln", "Person"),
                (4, 5, "booth", "Person"), (6, 7, "lincoln", "Person")]
    rels = model.relations(doc, mentions)
    assert [(r.subject, r.predicate, r.object) for r in rels] == [("booth", "killed", "lincoln")] * 2
    assert (rels[1].subject_span.start, rels[1].object_span.text) == (29, "Lincoln")
    assert rels[0].evidence.sentence.text == "Booth assassinated Lincoln ."
    assert rels[0].evidence.rule == "model:conll04-relations"
    assert model.relations(doc, mentions, known={("booth", "lincoln")}) == []


def test_calibration_noise_is_what_a_perfect_predictor_shows_by_chance():
    """A perfectly calibrated predictor's ECE on few predictions is well above 0; on many it
    falls towards 0; and a predictor sure of every answer shows none."""
    from kg.eval.scoring import calibration_noise

    few = calibration_noise([0.6] * 50, trials=400)
    many = calibration_noise([0.6] * 5000, trials=50)
    assert 0.03 < few < 0.09  # E|k/n - p| for n = 50, p = 0.6 is about 0.055
    assert many < 0.01
    assert calibration_noise([1.0] * 30 + [0.0] * 30, trials=50) == 0.0
    assert calibration_noise([0.6] * 50, trials=400) == few  # seeded
