"""ECB+ scoring and the resolver's training, on hand-made documents (no model, no data)."""

import json

from kg.eval.coref import b_cubed, ceaf_e, max_assignment, muc, pairwise
from kg.eval.ecbplus import Predicted, parse_ecbplus_doc, score_ecbplus


def test_coreference_metrics_on_a_small_example():
    key = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    response = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    m = muc(key, response)
    assert (m.precision, m.recall) == (0.5, 0.5)
    b = b_cubed(key, response)
    assert round(b.precision, 4) == round((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, 4) and b.recall == 0.8
    c = ceaf_e(key, response)
    assert round(c.precision, 4) == round((0.8 + 2 / 3 + 1) / 3, 4)
    docs = {"a": "d1", "b": "d2", "c": "d1", "d": "d2", "e": "d1"}
    p = pairwise(key, response, docs)  # cross-document links: a-b, c-d (key); a-b, b-c (response)
    assert (p.precision, p.recall) == (0.5, 0.5)
    assert max_assignment([[1, 0], [0.9, 0.2]]) == 1.2


def _doc(doc_id, topic, text, mentions):
    tokens, pos = [], 0
    for word in text.split(" "):
        tokens.append([pos, pos + len(word), 0, word])
        pos += len(word) + 1
    ms = []
    for n, (word, tag, cluster) in enumerate(mentions):
        i = next(k for k, t in enumerate(tokens) if t[3] == word)
        ms.append({"m_id": str(n), "tag": tag, "tokens": [i], "start": tokens[i][0],
                   "end": tokens[i][1], "text": word, "cluster": cluster, "selected": True,
                   "head": i, "named": tag.startswith(("HUMAN", "LOC"))})
    return parse_ecbplus_doc({"id": doc_id, "topic": topic, "split": "train", "text": text,
                              "tokens": tokens, "sentences": {"0": [0, len(text)]},
                              "selected_sentences": [0], "mentions": ms})


def test_score_ecbplus_counts_pairs_across_documents_within_topics():
    d1 = _doc("1_1", "1", "Reid entered Promises", [("Reid", "HUMAN_PART_PER", "R"),
                                                     ("entered", "ACTION_OCCURRENCE", "E"),
                                                     ("Promises", "LOC_FAC", "P")])
    d2 = _doc("1_2", "1", "Tara Reid entered rehab", [("Reid", "HUMAN_PART_PER", "R"),
                                                      ("entered", "ACTION_OCCURRENCE", "E")])
    names = {"1_1": [Predicted(0, 4, "n:reid"), Predicted(13, 21, "n:promises")],
             "1_2": [Predicted(0, 9, "n:reid")]}
    events = {"1_1": [Predicted(5, 12, "ev:1")], "1_2": [Predicted(10, 17, "ev:1")]}
    s = score_ecbplus([d1, d2], names, events)
    kg, exact, last = s.entities
    assert s.entity_mentions.found == 3 and kg.pairs.f1 == 1.0 and kg.conll_f1 == 1.0
    assert exact.pairs.f1 == 1.0  # "Reid" and "Reid": the gold texts
    assert s.events[0].pairs.f1 == 1.0 and s.event_mentions.found == 2
    assert json.dumps(s.to_dict()) and "CoNLL F1" in s.tables()


def test_a_possessive_left_on_a_head_token_is_not_part_of_the_name():
    # ECB+ train documents leave "'s" on some tokens though the corpus is PTB-tokenised:
    # "Lohan's" (topic 1), "Cam Newton's" (topic 30), "Creighton's" and "Saints'" (topics 31, 24)
    d1 = _doc("1_1", "1", "Lohan's lawyer spoke", [("Lohan's", "HUMAN_PART_PER", "L")])
    d2 = _doc("1_2", "1", "the Saints' coach left", [("Saints'", "HUMAN_PART_ORG", "S")])
    assert d1.entities[0].head == (0, 5) and d2.entities[0].head == (4, 10)
    names = {"1_1": [Predicted(0, 5, "n:lohan")], "1_2": [Predicted(4, 10, "n:saints")]}
    s = score_ecbplus([d1, d2], names, {})
    assert s.entity_mentions.found == 2
    d3 = _doc("1_3", "1", "Jones said so", [("Jones", "HUMAN_PART_PER", "J")])
    assert d3.entities[0].head == (0, 5)  # no clitic: the whole token


def test_the_resolver_trains_on_tiny_synthetic_data(tmp_path):
    from kg.records import Article, ArticleExtraction, Entity, Mention, Span
    from kg.iri import entity_key
    from kg.resolve_corpus import PairModel
    from kg.train.resolver import train

    def ex(doc_id, name, type_="Person"):
        text = f"{name} spoke ."
        sent = Span(0, len(text), text)
        e = Entity(entity_key(type_, name), type_, name, (Mention(Span(0, len(name), name), sent),))
        return ArticleExtraction(Article(doc_id, text), (e,), (), ())

    docs, exs = [], []
    for topic, (full, bare) in enumerate([("Tara Reid", "Reid"), ("Mark Felt", "Felt"),
                                          ("Hewlett-Packard", "HP"), ("Ann Lee", "Lee")], 1):
        for n, name in enumerate((full, bare, full)):
            doc_id = f"{topic}_{n}"
            text = f"{name} spoke ."
            docs.append(_doc(doc_id, str(topic), text,
                             [(name.split()[-1], "HUMAN_PART_PER", f"C{topic}")]))
            exs.append(ex(doc_id, name, "Organization" if "H" in name[:1] else "Person"))
    model = PairModel.from_json(train(docs, exs, folds=2, echo=lambda *_: None))
    assert 0 < model.threshold < 1 and len(model.weights) == len(model.features)
