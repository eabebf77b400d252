"""A minimal reference extractor: spaCy NER plus the relation model, nothing else.

It measures the relation model and spaCy's entities on their own, apart from the rule-based
extractor of :mod:`kg.extract`, and writes the same issue-2 records so the same scorer reads
them. ``kg eval conll04 PATH --extractor reference`` runs it.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from kg.eval.datasets import Conll04Doc
from kg.eval.mapping import NEWS
from kg.extract.relation_model import SIGNATURES, RelationModel, coarse_type, pair_features
from kg.records import Article

SPACY_TO_CLASS = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
                  "FAC": "Place", "NORP": "Group"}
RES = "https://w3id.org/kg-news/resource/"


# Titles CoNLL04 counts as part of a person's name ("President Lincoln", "Mrs. Parks");
# others ("Sen.", "Gov.", "Judge") stay outside, as they do in the gold annotation.
NAME_TITLES = frozenset({"president", "mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"})


def entity_class(label: str) -> str:
    return SPACY_TO_CLASS.get(label, "Other")


def refine_entity(ent):
    """Proposed boundary rules for spaCy entities (for the lead's entity code).

    - a leading determiner is not part of a name: "the Institute of Mechanics" -> "Institute of
      Mechanics";
    - a courtesy or presidential title just before a PERSON is: "President Lincoln".
    Returns a span of the same doc (possibly ``ent`` itself), or None when nothing is left.
    """
    doc, start, end = ent.doc, ent.start, ent.end
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if ent.label_ == "PERSON" and start > 0 and doc[start - 1].lower_ in NAME_TITLES:
        start -= 1
    if start >= end:
        return None
    if (start, end) == (ent.start, ent.end):
        return ent
    return doc[start:end]


def refined_entities(sent_or_doc, refine: bool = True) -> list[tuple[object, str]]:
    """(span, ontology class) of each entity, after :func:`refine_entity` when asked."""
    out = []
    for e in sent_or_doc.ents:
        span = refine_entity(e) if refine else e
        if span is not None:
            out.append((span, entity_class(e.label_)))
    return out


def candidate_relations(doc, model: RelationModel) -> list[tuple]:
    """Every type-compatible ordered pair of entities within a sentence, with P(relation)."""
    out = []
    for sent in doc.sents:
        ents = refined_entities(sent)
        for i, (h, ht) in enumerate(ents):
            for j, (t, tt) in enumerate(ents):
                if i == j:
                    continue
                pred = SIGNATURES.get((coarse_type(ht), coarse_type(tt)))
                if pred is None:
                    continue
                p = model.probabilities(pair_features(sent, h, t, ht, tt), pred)
                out.append(((h.start_char, h.end_char), ht, (t.start_char, t.end_char), tt, pred, p))
    return out


def make_record(article_id: str, doc, candidates: Iterable[tuple], threshold: float) -> dict:
    """An issue-2 record: one entity per mention (no resolution) and the accepted relations."""
    entities, ids = [], {}
    for e, cls in refined_entities(doc):
        iri = f"{RES}entity/{article_id}/{e.start_char}-{e.end_char}"
        ids[(e.start_char, e.end_char)] = iri
        entities.append({"id": iri, "type": NEWS + cls, "label": e.text,
                         "mentions": [{"start": e.start_char, "end": e.end_char, "text": e.text}]})
    relations = [{"subject": ids[h], "predicate": NEWS + pred, "object": ids[t],
                  "subject_span": list(h), "object_span": list(t), "confidence": round(p, 4)}
                 for h, _ht, t, _tt, pred, p in candidates if p >= threshold]
    return {"id": article_id, "entities": entities, "relations": relations, "events": []}


def run_reference(articles: Iterable[Article], nlp, model: RelationModel,
                  batch_size: int = 256) -> Iterator[dict]:
    """Issue-2 records for ``articles`` from spaCy NER and the relation model alone."""
    stream = ((a.text, a.id) for a in articles)
    for doc, article_id in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        yield make_record(article_id, doc, candidate_relations(doc, model), model.threshold)


def tune_threshold(model: RelationModel, docs: list[Conll04Doc], nlp,
                   grid=tuple(x / 20 for x in range(4, 19))) -> tuple[float, float]:
    """(best strict relation F1, its threshold) of the reference pipeline on ``docs``."""
    from kg.eval.scoring import score_conll04

    parsed = [(d.article.id, doc, candidate_relations(doc, model))
              for d, doc in zip(docs, nlp.pipe(d.article.text for d in docs))]
    best = (-1.0, 0.5)
    for th in grid:
        records = {i: make_record(i, doc, cands, th) for i, doc, cands in parsed}
        rel, _ = score_conll04(docs, records, keep_errors=False)
        best = max(best, (rel.micro.f1, th))
    return best
