"""The trained parts: the names components, the trainers on tiny data, calibration and the
assertion floor."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
import spacy
from spacy.tokens import Span as SpacySpan

from kg.eval.datasets import iob_spans, parse_conll03
from kg.records import Article, ArticleExtraction, Evidence, Relation, Span


def _doc(words, names, ontonotes, prefer=()):
    """A hand-made Doc after ``kg_entities``: ``names`` as the names NER left them in
    ``doc.ents``, ``ontonotes`` as ``kg_stash_ontonotes`` kept them."""
    import kg.extract.names  # noqa: F401  (registers the components)

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_entities", config={"prefer_ontonotes": [list(p) for p in prefer]})
    doc = spacy.tokens.Doc(nlp.vocab, words=words)
    doc.spans["ontonotes"] = [SpacySpan(doc, a, b, label=lab) for a, b, lab in ontonotes]
    doc.set_ents([SpacySpan(doc, a, b, label=lab) for a, b, lab in names])
    return nlp.get_pipe("kg_entities")(doc)


def test_names_decide_names_and_ontonotes_fills_the_rest():
    # "Leeds beat Chelsea on Tuesday": the names NER reads two clubs, OntoNotes a city, a
    # person and a date
    doc = _doc(["Leeds", "beat", "Chelsea", "on", "Tuesday", "."],
               [(0, 1, "ORG"), (2, 3, "ORG")],
               [(0, 1, "GPE"), (2, 3, "PERSON"), (4, 5, "DATE")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Leeds", "ORG"), ("Chelsea", "ORG"),
                                                      ("Tuesday", "DATE")]
    assert [e.label_ for e in doc.spans["kg_names"]] == ["ORG", "ORG"]


def test_a_name_ontonotes_alone_reads_is_dropped():
    doc = _doc(["Shadow", "Home", "Secretary", "spoke"], [], [(0, 2, "PERSON")])
    assert list(doc.ents) == []


def test_places_keep_the_ontonotes_class_and_misc_its_kind():
    doc = _doc(["Iranian", "troops", "left", "Mount", "Sinai", "for", "the", "Oscars"],
               [(0, 1, "MISC"), (3, 5, "LOC"), (7, 8, "MISC")],
               [(0, 1, "NORP"), (3, 5, "LOC"), (7, 8, "EVENT")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Iranian", "NORP"), ("Mount Sinai", "LOC"),
                                                      ("Oscars", "EVENT")]
    doc = _doc(["Kenyan", "runners", "won", "in", "Blu-ray"], [(0, 1, "MISC"), (4, 5, "MISC"), ], [])
    # a demonym the gazetteer knows is a nationality word; anything else stays MISC (Other)
    assert [(e.text, e.label_) for e in doc.ents] == [("Kenyan", "NORP"), ("Blu-ray", "MISC")]


def test_measured_preferences_let_ontonotes_decide_a_pair_of_labels():
    words = ["Analysts", "at", "Gartner", "said", "so"]
    assert [e.label_ for e in _doc(words, [(2, 3, "PER")], [(2, 3, "ORG")]).ents] == ["PERSON"]
    doc = _doc(words, [(2, 3, "PER")], [(2, 3, "ORG")], prefer=[("PER", "ORG")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Gartner", "ORG")]
    # only the same words: an OntoNotes span of other words does not decide
    doc = _doc(words, [(2, 3, "PER")], [(1, 3, "ORG")], prefer=[("PER", "ORG")])
    assert [e.label_ for e in doc.ents] == ["PERSON"]


def test_a_location_ontonotes_did_not_read_is_a_gpe():
    doc = _doc(["He", "flew", "to", "Kabul"], [(3, 4, "LOC")], [])
    assert [(e.text, e.label_) for e in doc.ents] == [("Kabul", "GPE")]


CONLL03 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996-08-22 CD I-NP O
"""


def test_conll03_reader_gives_documents_with_character_spans():
    docs = parse_conll03(iter(CONLL03.splitlines()))
    assert len(docs) == 2
    text = docs[0].article.text
    assert text == "EU rejects German call .\nPeter Blackburn"
    assert [(text[a:b], t) for (a, b), t in ((e.span, e.type) for e in docs[0].entities)] == \
        [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert iob_spans(["I-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-LOC"]) == \
        [(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "LOC")]


def test_conll03_scoring_is_strict_widens_to_tokens_and_leaves_misc_and_pronouns_out():
    from kg.eval.scoring import score_conll03

    docs = parse_conll03(iter(CONLL03.splitlines()))
    news = "https://w3id.org/kg-news/ontology#"
    record = {"id": docs[0].article.id, "entities": [
        {"id": "e1", "type": news + "Organization", "mentions": [{"start": 0, "end": 2}]},
        {"id": "e2", "type": news + "Person", "mentions": [{"start": 25, "end": 30},  # "Peter"
                                                          {"start": 11, "end": 17, "kind": "pronoun"}]},
        {"id": "e3", "type": news + "Other", "mentions": [{"start": 11, "end": 17}]},
    ]}
    record2 = {"id": docs[1].article.id, "entities": [
        {"id": "e4", "type": news + "City", "mentions": [{"start": 0, "end": 7}]}]}  # "BRUSSEL"
    (scores,) = score_conll03(docs, {record["id"]: record, record2["id"]: record2})
    assert (scores.counts("ORG").tp, scores.counts("PER").fp, scores.counts("PER").fn) == (1, 1, 1)
    assert scores.counts("LOC").tp == 1  # widened to the token "BRUSSELS"
    assert set(scores.per_type) == {"PER", "ORG", "LOC"}


def test_cli_eval_conll03_reads_predictions(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    gold = tmp_path / "eng.testa"
    gold.write_text(CONLL03, encoding="utf-8")
    news = "https://w3id.org/kg-news/ontology#"
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "conll03-0", "entities": [
        {"id": "e", "type": news + "Organization", "mentions": [{"start": 0, "end": 2}]}]}) + "\n")
    result = CliRunner().invoke(main, ["eval", "conll03", str(tmp_path), "--predictions", str(pred),
                                       "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    micro = out["scores"][0]["types"]["micro"]
    assert (micro["precision"], round(micro["recall"], 3)) == (1.0, 0.333)


# ------------------------------------------------------------------ calibration and the floor

def test_platt_map_recovers_a_known_calibration():
    from kg.train.relations import platt, reliability

    # scores that are overconfident: the true probability is sigmoid(0.5 * logit(score))
    import random

    rng = random.Random(0)
    scores, right = [], []
    for _ in range(4000):
        s = rng.uniform(0.02, 0.98)
        z = 0.5 * math.log(s / (1 - s))
        scores.append(s)
        right.append(rng.random() < 1 / (1 + math.exp(-z)))
    a, b = platt(scores, right)
    assert abs(a - 0.5) < 0.1 and abs(b) < 0.15
    calibrated = [1 / (1 + math.exp(-(a * math.log(s / (1 - s)) + b))) for s in scores]
    _rows, ece_raw = reliability(scores, right)
    rows, ece = reliability(calibrated, right)
    assert ece < 0.03 < ece_raw
    assert sum(n for _lo, _hi, n, _c, _p in rows) == 4000


def test_f1_counts_uncovered_gold_as_misses_and_folds_are_balanced():
    from kg.train.relations import f1_at, folds_of

    assert f1_at([0.9, 0.2, 0.7], [True, True, False], n_gold=4, threshold=0.5) == 2 / 6
    fold = folds_of(10, k=5, seed=0)
    assert sorted(fold) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4] and fold == folds_of(10, k=5, seed=0)


def test_relation_model_applies_its_calibration_and_rule_table():
    from kg.extract.relation_model import RelationModel

    table = {"title Work_For": {"right": 7, "n": 8, "confidence": 0.8},
             "verb visited": {"right": 5, "n": 8, "confidence": 0.6}}
    model = RelationModel(["NONE", "killed"], {}, [0.0, 0.0], calibration=(2.0, 0.0),
                          rule_confidence=table)
    assert model.calibrated(0.5) == pytest.approx(0.5)
    assert model.calibrated(0.75) == pytest.approx(0.9)  # sigmoid(2 * logit(0.75)) = 9/10
    # leaderOf is a worksFor: it takes the measurement of the title rules' Work_For relations
    assert model.rule_probability("title:chief", "leaderOf") == 0.8
    assert model.rule_probability("verb:visit", "visited") == 0.6
    assert model.rule_probability("verb:meet", "metWith") is None
    # CoNLL04's pooled rules speak for CoNLL04's types; the BBC judgments for the others
    model.rule_confidence["*"] = {"right": 1, "n": 2, "confidence": 0.5}
    assert model.rule_probability("verb:meet", "metWith") is None
    assert model.rule_probability("residence:of", "livesIn") == 0.5
    model.rule_confidence["judged *"] = {"right": 3, "n": 4, "confidence": 0.667}
    assert model.rule_probability("verb:meet", "metWith") == 0.667
    (r,) = model.calibrate(_extraction([0.99]).relations)  # rule "model:x": the model's own
    assert r.evidence.confidence == 0.99


def _extraction(confidences, factuality="Asserted"):
    from kg.records import Entity, Mention

    span, acme, sentence = Span(0, 5, "Alpha"), Span(16, 20, "Acme"), Span(0, 20, "Alpha works for Acme")
    rels = tuple(Relation(f"person/p{i}", "worksFor", "organization/acme", span, acme,
                          Evidence(sentence, sentence, c, "model:x"), factuality=factuality)
                 for i, c in enumerate(confidences))
    entities = tuple(Entity(f"person/p{i}", "Person", f"Alpha {i}", (Mention(span, sentence),))
                     for i in range(len(confidences)))
    entities += (Entity("organization/acme", "Organization", "Acme", (Mention(acme, sentence),)),)
    return ArticleExtraction(Article("a", "Alpha works for Acme", date=dt.date(2024, 3, 26)),
                             entities, rels, ())


def test_below_the_floor_a_relation_stays_a_claim_without_its_triple():
    from kg import pipeline

    ex = pipeline.confident(_extraction([0.95, 0.4]), 0.6)
    assert [r.asserted for r in ex.relations] == [True, False]
    assert [r.asserted for r in pipeline.confident(_extraction([0.95, 0.4]), 0.3).relations] == [True, True]
    reported = pipeline.confident(_extraction([0.95], factuality="Reported"), 0.1)
    assert [r.asserted for r in reported.relations] == [False]
    # the default floor is the one training measured
    assert 0.0 < pipeline.default_floor() < 1.0
    assert pipeline.confident(_extraction([0.999]), None).relations[0].asserted


def test_rdf_of_a_relation_below_the_floor_has_the_claim_and_no_triple():
    from rdflib import Literal

    from kg import pipeline
    from kg.iri import entity_iri
    from kg.namespaces import NEWS
    from kg.rdf import article_graph

    ex = pipeline.confident(_extraction([0.4]), 0.6)
    g = article_graph(ex)
    s, o = entity_iri("person/p0"), entity_iri("organization/acme")
    assert (s, NEWS.worksFor, o) not in g
    (claim,) = list(g.subjects(NEWS.asserted, Literal(False)))
    assert g.value(claim, NEWS.factuality) == NEWS.Asserted


# ------------------------------------------------------------------ the pipeline as components

def test_relation_model_component_saves_and_loads_its_weights(tmp_path):
    from kg.extract.components import RelationModelComponent
    from kg.extract.relation_model import RelationModel

    model = RelationModel(["NONE", "killed"], {"bw=shot": [0.0, 1.5]}, [0.5, 0.0], threshold=0.4,
                          calibration=(0.9, 0.1), floor=0.6,
                          rule_confidence={"title Work_For": {"right": 3, "n": 4, "confidence": 0.667}})
    RelationModelComponent(model).to_disk(tmp_path / "kg_relation_model")
    back = RelationModelComponent(RelationModel([], {}, [])).from_disk(tmp_path / "kg_relation_model")
    assert back.model.to_json() == model.to_json()


@pytest.mark.model
def test_the_whole_pipeline_round_trips_through_spacy_serialisation(tmp_path):
    from kg.nlp import load_pipeline

    nlp = load_pipeline()
    assert nlp.pipe_names[-10:] == ["kg_stash_ontonotes", "kg_names", "kg_entities", "kg_triggers",
                                    "kg_mentions", "kg_titles", "kg_coref", "kg_events",
                                    "kg_relation_model", "kg_assemble"]
    text = "Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday."
    before = nlp(text)._.kg_extraction
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")(text)._.kg_extraction
    assert [(r.subject, r.predicate, r.object, r.evidence.confidence) for r in again.relations] == \
        [(r.subject, r.predicate, r.object, r.evidence.confidence) for r in before.relations]
    assert [e.key for e in again.entities] == [e.key for e in before.entities]
    assert [(e.type, e.evidence.confidence) for e in again.events] == \
        [(e.type, e.evidence.confidence) for e in before.events]


def test_numpy_matrix_products_give_the_annotations_blis_gives(monkeypatch):
    """kg.nlp.numpy_matmul hands every neural layer's products to numpy (thinc's blis wheel
    was 3x slower here); tags, parse and entities come out as with blis, and the contextual
    vectors within float rounding. KG_BLAS=blis leaves thinc's default."""
    from thinc.api import Model

    from kg.nlp import numpy_matmul, resolve_model_name

    def ops_of(nlp):
        return {node.ops.use_blis for _n, c in nlp.pipeline
                if isinstance(getattr(c, "model", None), Model) for node in c.model.walk()}

    texts = ["Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.",
             "Kenyan President William Ruto met Ethiopian Prime Minister Abiy Ahmed in Addis "
             "Ababa on Wednesday, and shares in Safaricom rose 4% to 31 shillings.",
             "WASHINGTON, March 26, 2024 (Reuters) - The firm said it would cut 1,200 jobs."]
    blis_nlp, fast = spacy.load(resolve_model_name()), spacy.load(resolve_model_name())
    monkeypatch.setenv("KG_BLAS", "blis")
    numpy_matmul(fast)
    assert ops_of(fast) == {True}
    monkeypatch.delenv("KG_BLAS")
    numpy_matmul(fast)
    assert ops_of(blis_nlp) == {True} and ops_of(fast) == {False}
    for a, b in zip(blis_nlp.pipe(texts), fast.pipe(texts)):
        assert [(t.tag_, t.dep_, t.head.i, t.lemma_) for t in a] == \
            [(t.tag_, t.dep_, t.head.i, t.lemma_) for t in b]
        assert [(e.start, e.end, e.label_) for e in a.ents] == \
            [(e.start, e.end, e.label_) for e in b.ents]
        assert abs(a.tensor - b.tensor).max() < 1e-4


# ------------------------------------------------------------------ the trainers on tiny data

@pytest.mark.model
def test_names_ner_trainer_fine_tunes_saves_and_learns_preferences(tmp_path):
    from kg.train import ner

    docs = parse_conll03(iter(CONLL03.splitlines()))
    sentences = ner.conll03_sentences(docs, group=2) + ner.conll04_sentences([
        {"tokens": ["Booth", "shot", "Lincoln", "on", "Friday", "."],
         "entities": [{"type": "Peop", "start": 0, "end": 1}, {"type": "Peop", "start": 2, "end": 3},
                      {"type": "Other", "start": 4, "end": 5}], "relations": []}])
    assert sentences[0].text == "EU rejects German call .\nPeter Blackburn"
    assert sentences[-1].missing == ((22, 28),)  # "Friday", CoNLL04's Other: unknown, not outside
    nlp = ner.base_pipeline()
    history = ner.train(nlp, sentences * 4, 2, seed=0, held_out=sentences, log=lambda s: None)
    assert len(history) == 2 and all(0.0 <= h <= 1.0 for h in history)
    prefer, table = ner.learn_preferences(nlp, sentences, min_count=1, log=lambda s: None)
    assert all(len(p) == 2 for p in prefer) and isinstance(table, dict)
    nlp.to_disk(tmp_path / "names")
    again = spacy.load(tmp_path / "names")
    assert set(ner.LABELS) <= set(again.get_pipe("ner").labels)
    # the same seed, the same model
    twin = ner.base_pipeline()
    ner.train(twin, sentences * 4, 2, seed=0, log=lambda s: None)
    text = "Peter Blackburn met EU officials in Brussels ."
    assert [(e.text, e.label_) for e in twin(text).ents] == [(e.text, e.label_) for e in nlp(text).ents]


def test_relation_trainer_fits_and_cross_validates_on_tiny_data():
    from kg.extract.relation_model import NONE, PREDICATES
    from kg.train.relations import fit, folds_of, out_of_fold

    examples = _toy_pairs(20, 3)
    model = fit(examples, [NONE, *PREDICATES], l2=1e-3, epochs=200).model()
    assert model.probabilities(["tp=PER>PER", "bw=shot"], "killed") > 0.8
    assert model.probabilities(["tp=PER>PER", "bw=met"], "killed") < 0.2
    oof = out_of_fold(examples, folds_of(20, 5, 0), 1e-3, 5, 200)
    assert sorted(i for i, _p, _q in oof) == list(range(20))
    assert all(pred == "killed" for _i, pred, _q in oof)
    right = [(q >= 0.5) == (examples[i].label == "killed") for i, _p, q in oof]
    assert sum(right) >= 18


def test_the_model_scores_a_rules_reading_and_may_overrule_it():
    from kg.extract.relation_model import NONE, PREDICATES, RelationModel

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Acme chief Alpha spoke . Beta of Acme spoke .")
    classes = [NONE, *PREDICATES]
    weights = {"rule=title:leaderOf": [0.0, 3.0, 0, 0, 0, 0], "rule=apposition:worksFor": [3.0, 0, 0, 0, 0, 0]}
    model = RelationModel(classes, weights, [0.0] * 6, threshold=0.5)
    mentions = [(0, 1, "organization/acme", "Organization"), (2, 3, "person/alpha", "Person"),
                (5, 6, "person/beta", "Person"), (7, 8, "organization/acme", "Organization")]

    def reading(rule, predicate, subj, obj):
        s, o = doc[subj:subj + 1], doc[obj:obj + 1]
        return Relation(f"person/{s.text.lower()}", predicate, "organization/acme",
                        Span(s.start_char, s.end_char, s.text), Span(o.start_char, o.end_char, o.text),
                        Evidence(Span(0, 10, "x"), Span(0, 10, "x"), 0.5, rule))

    title = reading("title:chief", "leaderOf", 2, 0)
    appos = reading("apposition:of", "worksFor", 5, 7)
    nominal = Relation("person/alpha", "worksFor", "organization/acme", Span(0, 3, "the"), Span(0, 4, "Acme"),
                       Evidence(Span(0, 10, "x"), Span(0, 10, "x"), 0.5, "title:chief"))
    kept, overruled = model.score_rules(doc, [title, appos, nominal], mentions)
    # (the component keeps an overruled reading too, with the model's low confidence)
    assert [r.evidence.rule for r in kept] == ["title:chief+model", "title:chief"]
    assert kept[0].predicate == "leaderOf" and kept[0].evidence.confidence > 0.9
    assert [r.evidence.rule for r in overruled] == ["apposition:of+model"]
    # what the model scored keeps its confidence; the rest takes its rule's measurement
    model.rule_confidence = {"*": {"right": 1, "n": 2, "confidence": 0.5}}
    assert [r.evidence.confidence for r in model.calibrate(kept)] == [kept[0].evidence.confidence, 0.5]


def test_shapes_accept_a_claim_below_the_floor_and_reject_a_triple_it_does_not_back():
    from rdflib import Literal

    from kg import pipeline
    from kg.iri import entity_iri
    from kg.namespaces import NEWS
    from kg.rdf import article_graph
    from kg.validate import validate_graph

    g = article_graph(pipeline.confident(_extraction([0.4]), 0.6))
    assert validate_graph(g).conforms
    s, o = entity_iri("person/p0"), entity_iri("organization/acme")
    g.add((s, NEWS.worksFor, o))  # a plain triple only an unasserted claim stands behind
    report = validate_graph(g)
    assert not report.conforms and "not asserted" in report.text()
    g.remove((s, NEWS.worksFor, o))
    (claim,) = g.subjects(NEWS.asserted, Literal(False))
    g.set((claim, NEWS.asserted, Literal(True)))  # asserted, but its triple is missing
    assert not validate_graph(g).conforms


def test_casualty_figures_are_exact_integers():
    from kg.extract.casualties import _count

    assert _count("100000000000000000000000") == 10 ** 23  # no float on the way
    assert (_count("32,414"), _count("1.5 million"), _count("12 thousand")) == (32414, 1500000, 12000)
    assert _count("1.2.3") is None


def test_the_shipped_relation_model_scores_as_the_mean_of_the_fold_models():
    from kg.extract.relation_model import NONE, PREDICATES, RelationModel
    from kg.train.relations import Fitted, average_models

    classes = [NONE, *PREDICATES]
    a = Fitted({"bw=shot": [0.0, 0, 2.0, 0, 0, 0]}, [0.5, 0, 0, 0, 0, 0])
    b = Fitted({"bw=met": [1.0, 0, 0, 0, 0, 0], "bw=shot": [0.0, 0, 1.0, 0, 0, 0]}, [0.0, 0, 0, 0, 0, 0])
    mean_fit = average_models([a, b])
    weights, bias = mean_fit.weights, mean_fit.bias
    assert weights == {"bw=shot": [0.0, 0, 1.5, 0, 0, 0], "bw=met": [0.5, 0, 0, 0, 0, 0]}
    assert bias == [0.25, 0, 0, 0, 0, 0]
    mean = RelationModel(classes, weights, bias)
    feats = ["bw=shot", "bw=met"]
    # the logit of the mean model is the mean of the two models' logits
    import math

    def logit(m):
        p = m.probabilities(feats, "killed")
        return math.log(p / (1 - p))

    assert logit(mean) == pytest.approx((logit(a.model()) + logit(b.model())) / 2)



def test_nested_out_of_fold_scores_each_pair_once_with_a_mean_of_models_that_never_saw_it():
    from kg.train.relations import folds_of, out_of_fold

    examples = _toy_pairs(30, 4)
    fold = folds_of(30, 5, 0)
    models: list = []
    nested = out_of_fold(examples, fold, 1e-3, 5, 150, models, nested=True)
    plain = out_of_fold(examples, fold, 1e-3, 5, 150)
    assert sorted(i for i, _p, _q in nested) == list(range(30))
    assert len(models) == 5
    # each fold's model is a mean of four models fitted on three fifths: it has seen less, and it
    # is not the plain fold model
    assert [q for *_x, q in nested] != [q for *_x, q in plain]
    right = [(q >= 0.5) == (examples[i].label == "killed") for i, _p, q in nested]
    assert sum(right) >= 27


def _toy_pairs(n: int, noise: int) -> list:
    """``n`` person pairs, every other one "shot" (killed), with ``noise`` meaningless features."""
    from kg.extract.relation_model import NONE
    from kg.train.relations import PairExample

    return [PairExample(["tp=PER>PER", "bw=shot" if k % 2 == 0 else "bw=met", f"noise={k % noise}"],
                        "killed" if k % 2 == 0 else NONE, k, True) for k in range(n)]
