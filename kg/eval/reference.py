"""A minimal reference extractor: spaCy NER plus the relation model, nothing else.

It measures the relation model and spaCy's entities on their own, apart from the rule-based
extractor of :mod:`kg.extract`, and writes the same issue-2 records so the same scorer reads
them. ``kg eval conll04 PATH --extractor reference`` runs it.
"""

from __future__ import annotations

from typing import Iterable, Iterator

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
    - a courtesy or presidential title just before a PERSON is: "President Lincoln";
    - a trailing possessive is not: "Oswald 's" -> "Oswald".
    Returns a span of the same doc (possibly ``ent`` itself), or None when nothing is left.
    """
    doc, start, end = ent.doc, ent.start, ent.end
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and doc[end - 1].tag_ == "POS":
        end -= 1
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
                p = model.calibrated(model.probabilities(pair_features(sent, h, t, ht, tt), pred))
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


# ------------------------------------------------------------------ events from the lexicon

NOT_TRIGGER_ENTS = frozenset({"DATE", "TIME", "PERSON", "ORG", "GPE", "NORP", "CARDINAL", "ORDINAL",
                              "WORK_OF_ART", "LAW"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
SUBJECT_TARGET = {("Death", "die"), ("Injury", "injured"), ("Death", "dead")}


def _arg_span(tok):
    """The entity span a token is part of, else the token's own characters."""
    if tok.ent_type_:
        for e in tok.doc.ents:
            if e.start <= tok.i < e.end:
                return e.start_char, e.end_char, e.text
    return tok.idx, tok.idx + len(tok), tok.text


def _conj_expand(tok):
    return [tok] + [c for c in tok.children if c.dep_ == "conj"]


def lexicon_arguments(trigger, event: str) -> list[tuple[str, object]]:
    """(role, token) arguments of a trigger by a few dependency rules."""
    args = []
    subj_role = "participant" if event == "Meeting" else "target" if event in ("Death", "Injury") and \
        trigger.pos_ != "VERB" or trigger.lemma_ == "die" else "actor"
    obj_role = {"Visit": "destination", "Meeting": "participant"}.get(event, "target")
    for c in trigger.children:
        if c.dep_ in ("nsubj",):
            args += [(subj_role, t) for t in _conj_expand(c)]
        elif c.dep_ == "nsubjpass":
            args += [("target", t) for t in _conj_expand(c)]
        elif c.dep_ in ("dobj", "attr") and trigger.pos_ == "VERB":
            args += [(obj_role, t) for t in _conj_expand(c)]
        elif c.dep_ == "agent":
            args += [("actor", p) for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "poss" and trigger.pos_ == "NOUN":
            args.append(("actor", c))
        elif c.dep_ == "compound" and c.ent_type_ in PLACE_LABELS:
            args.append(("place", c))
        elif c.dep_ == "prep":
            prep = c.lower_
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                if prep in ("in", "at", "near", "outside", "inside") and (p.ent_type_ in PLACE_LABELS or p.pos_ == "PROPN"):
                    args.append(("destination" if event == "Visit" else "place", p))
                elif prep == "to" and event == "Visit":
                    args.append(("destination", p))
                elif prep in ("on", "against") and event == "Attack":
                    args.append(("target", p))
                elif prep == "with" and event in ("Attack", "Injury", "Death", "Damage"):
                    args.append(("instrument", p))
                elif prep == "with" and event == "Meeting":
                    args.append(("participant", p))
                elif prep == "by" and trigger.pos_ == "NOUN":
                    args.append(("actor", p))
    # a participle modifying a noun ("soldiers killed in the blast") has that noun as target
    if trigger.dep_ in ("acl", "amod") and event in ("Death", "Injury", "Arrest", "Damage"):
        args.append(("target", trigger.head))
    return args


def lexicon_events(doc, lexicon: dict[tuple[str, str], str]) -> list[dict]:
    """Issue-2 event dicts for every token the lexicon reads as a trigger."""
    from kg.extract.lexicon import lexicon_lookup

    events = []
    for tok in doc:
        if tok.ent_type_ in NOT_TRIGGER_ENTS:
            continue
        cls = lexicon_lookup(lexicon, tok.lemma_.lower(), tok.pos_)
        if cls is None:
            continue
        arguments = []
        for role, a in lexicon_arguments(tok, cls):
            s, e, text = _arg_span(a)
            arguments.append({"role": role, "entity": f"{RES}mention/{s}-{e}", "start": s, "end": e,
                              "text": text})
        events.append({"id": f"{RES}event/{tok.idx}-{cls.lower()}", "type": NEWS + cls,
                       "trigger": {"start": tok.idx, "end": tok.idx + len(tok), "text": tok.text},
                       "arguments": arguments, "confidence": 0.5})
    return events


def run_reference_events(articles: Iterable[Article], nlp, lexicon) -> Iterator[dict]:
    """Issue-2 records holding only the events the trigger lexicon reads."""
    stream = ((a.text, a.id) for a in articles)
    for doc, article_id in nlp.pipe(stream, as_tuples=True, batch_size=16):
        yield {"id": article_id, "entities": [], "relations": [], "events": lexicon_events(doc, lexicon)}
