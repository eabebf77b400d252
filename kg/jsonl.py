"""The JSON Lines form of an extraction: what ``kg extract`` writes and ``kg eval`` reads.

One object per article with the keys ``id``, ``entities``, ``relations`` and ``events``; IRIs
are the ones the RDF graph uses, offsets are character offsets into the article text (end
exclusive). An unnamed role filler ("13 people") carries ``"unnamed": true``; a mention that is
no name carries its ``kind`` (``demonym``, ``nominal`` or ``pronoun``).
"""

from __future__ import annotations

from kg import iri
from kg.namespaces import NEWS
from kg.records import ArticleExtraction


def extraction_to_json(ex: ArticleExtraction) -> dict:
    """The JSON object of one article's extraction (see the module doc)."""
    article_id = ex.article.id
    entities = [{
        "id": str(iri.entity_iri(e.key)),
        "type": str(NEWS[e.type]),
        "label": e.label,
        "mentions": [{"start": m.span.start, "end": m.span.end, "text": m.span.text,
                      **({} if m.kind == "name" else {"kind": m.kind})}
                     for m in e.mentions],
        **({} if e.named else {"unnamed": True}),
    } for e in ex.entities]
    relations = [{
        "subject": str(iri.entity_iri(r.subject)),
        "predicate": str(NEWS[r.predicate]),
        "object": str(iri.entity_iri(r.object)),
        "subject_span": [r.subject_span.start, r.subject_span.end],
        "object_span": [r.object_span.start, r.object_span.end],
        "confidence": r.evidence.confidence,
        "factuality": r.factuality,
        "asserted": r.asserted,
        "rule": r.evidence.rule,
    } for r in ex.relations]
    events = []
    for e in ex.events:
        obj = {
            "id": str(iri.event_iri(article_id, e.type, e.trigger.start, e.trigger.end)),
            "type": str(NEWS[e.type]),
            "trigger": {"start": e.trigger.start, "end": e.trigger.end, "text": e.trigger.text},
            "arguments": [{"role": a.role, "entity": str(iri.entity_iri(a.entity)),
                           "start": a.span.start, "end": a.span.end, "text": a.span.text}
                          for a in e.arguments],
            "confidence": e.evidence.confidence,
            "factuality": e.factuality,
        }
        if e.date and len(e.date) == 10:
            obj["date"] = e.date
        elif e.date or e.date_text:
            obj["date_text"] = e.date or e.date_text
        if e.quote:
            obj["quote"] = e.quote
        if e.death_count is not None:
            obj["death_count"] = e.death_count
        if e.injury_count is not None:
            obj["injury_count"] = e.injury_count
        if e.at_least is not None:
            obj["at_least"] = e.at_least
        events.append(obj)
    return {"id": article_id, "entities": entities, "relations": relations, "events": events}
