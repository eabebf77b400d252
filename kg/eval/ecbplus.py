"""ECB+ cross-document coreference: entities and events, within topics.

ECB+ (Cybulska & Vossen 2014) is news grouped in topics, each about two seminal events, with
entity and event mentions linked within and across documents. ``train_dev.jsonl`` (see the
README of the data folder) gives each document's text, tokens and mentions.

Scored here, following that README's mention rules:

- **entities**: mentions tagged HUMAN_PART_PER, HUMAN_PART_ORG, HUMAN_PART_GPE, LOC_GEO or
  LOC_FAC whose head is a name (``named``), in the checked sentences (``selected``). A name kg
  found matches a gold mention when its span holds the gold head token (less a possessive "'s"
  left on it); its entity is the node the settled corpus graph gives that mention.
- **events**: mentions tagged ACTION_* in the checked sentences; kg's event matches one when its
  trigger overlaps it, and its cluster is the corroborated event of the graph.

Key mentions kg did not find are singletons of its response. The baselines cluster the same key
mentions: by their exact text, by their last word lower-cased, and (events) by the lemma of
their head word. Pairs are counted across documents within a topic; MUC, B3 and CEAF-e take each
topic as one document, and add topics up by their counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Mapping

from kg.eval.coref import CorefScores, Fraction, coref_table
from kg.eval.datasets import DatasetError, json_lines
from kg.records import Article

ENTITY_TAGS = {"HUMAN_PART_PER": "PER", "HUMAN_PART_ORG": "ORG", "HUMAN_PART_GPE": "GPE",
               "LOC_GEO": "LOC", "LOC_FAC": "FAC"}
"""The ECB+ tags of the named mentions scored, and their coarse types."""


def is_event_tag(tag: str) -> bool:
    return tag.startswith("ACTION_")


@dataclass(frozen=True)
class EcbMention:
    doc: str
    start: int
    end: int
    head: tuple[int, int]  # character span of the head token (the whole mention for events)
    tag: str
    cluster: str
    text: str
    head_text: str


@dataclass(frozen=True)
class EcbDoc:
    article: Article
    topic: str
    split: str
    entities: tuple[EcbMention, ...]  # the scored named entity mentions
    events: tuple[EcbMention, ...]  # the scored event mentions
    annotated: tuple[tuple[int, int], ...]  # every entity mention's span, for mention precision
    selected: tuple[tuple[int, int], ...]  # the checked sentences' character spans

    def in_selected(self, start: int) -> bool:
        return any(a <= start < b for a, b in self.selected)


_CLITICS = ("'s", "\u2019s", "'", "\u2019")


def _clitic(token: str) -> int:
    """The length of a possessive clitic a head token ends with ("Lohan's", "Saints'"), which
    some ECB+ documents leave on the name's token though the corpus is PTB-tokenised."""
    for c in _CLITICS:
        if token.endswith(c) and len(token) > len(c) + 1:
            return len(c)
    return 0


def parse_ecbplus_doc(d: dict) -> EcbDoc:
    """One line of ``train_dev.jsonl`` as a document with its scored mentions."""
    try:
        doc_id, text, tokens = d["id"], d["text"], d["tokens"]
        entities, events, annotated = [], [], []
        for m in d["mentions"]:
            tag = m["tag"]
            if is_event_tag(tag) or tag.startswith("NEG_ACTION_"):
                if is_event_tag(tag) and m["selected"]:
                    toks = [tokens[i] for i in m["tokens"]]
                    events.append(EcbMention(doc_id, m["start"], m["end"], (m["start"], m["end"]),
                                             tag, m["cluster"], m["text"], toks[0][3]))
                continue
            annotated.append((m["start"], m["end"]))
            if tag in ENTITY_TAGS and m.get("named") and m["selected"]:
                head = tokens[m["head"]]
                end = head[1] - _clitic(head[3])  # "Lohan's": the name is "Lohan"
                entities.append(EcbMention(doc_id, m["start"], m["end"], (head[0], end), tag,
                                           m["cluster"], m["text"], head[3]))
        selected = tuple(tuple(d["sentences"][str(s)]) for s in d["selected_sentences"])
    except (KeyError, IndexError, TypeError) as exc:
        raise DatasetError(f"document {d.get('id', '?')}: not ECB+ JSON Lines ({exc!r})") from None
    return EcbDoc(Article(id=doc_id, text=text), str(d["topic"]), str(d.get("split", "")),
                  tuple(entities), tuple(events), tuple(annotated), selected)


def read_ecbplus(source: str | Path | IO[str], split: str | None = "dev") -> list[EcbDoc]:
    """The documents of ``split`` ("train", "dev"; None for all) of ``train_dev.jsonl``, or of
    a folder holding it."""
    p = Path(source) if not hasattr(source, "read") else None
    if p is not None and p.is_dir():
        p = p / "train_dev.jsonl"
        if not p.exists():
            raise DatasetError(f"no train_dev.jsonl in {source}")
    docs = []
    for _, d in json_lines(p or source, lambda n, exc: DatasetError(f"line {n}: not JSON: {exc}")):
        if not isinstance(d, dict):
            raise DatasetError("expected one JSON object a line (ECB+ train_dev.jsonl)")
        if split is None or d.get("split") == split:
            docs.append(parse_ecbplus_doc(d))
    return docs


@dataclass(frozen=True)
class Predicted:
    """A predicted mention (a name, or an event trigger) and the node it belongs to."""

    start: int
    end: int
    node: str


def _match_entities(doc: EcbDoc, names: list[Predicted]) -> dict[EcbMention, str]:
    out = {}
    for g in doc.entities:
        hits = [p for p in names if p.start <= g.head[0] and g.head[1] <= p.end]
        if hits:
            best = max(hits, key=lambda p: (min(p.end, g.end) - max(p.start, g.start), -p.start))
            out[g] = best.node
    return out


def _match_events(doc: EcbDoc, events: list[Predicted]) -> dict[EcbMention, str]:
    out = {}
    for g in doc.events:
        hits = [p for p in events if p.start < g.end and g.start < p.end]
        if hits:
            out[g] = min(hits, key=lambda p: (abs(p.start - g.start), p.start)).node
    return out


class MentionCounts(Fraction):
    """Mention detection: recall is found / gold, precision is kg's mentions on annotated
    mentions / kg's mentions (in the checked sentences)."""

    gold = property(lambda self: int(self.r_den))
    found = property(lambda self: int(self.r_num))
    predicted = property(lambda self: int(self.p_den))
    predicted_right = property(lambda self: int(self.p_num))


@dataclass
class EcbScores:
    entity_mentions: MentionCounts
    entities: list[CorefScores]
    event_mentions: MentionCounts
    events: list[CorefScores]
    events_found: list[CorefScores]  # on the key event mentions kg found only

    def tables(self) -> str:
        em, vm = self.entity_mentions, self.event_mentions
        return "\n\n".join([
            f"ECB+ named entity mentions (PER/ORG/GPE/LOC/FAC): gold {em.gold}, found "
            f"{em.found} (R {em.recall:.3f}); kg names {em.predicted}, on annotated mentions "
            f"{em.predicted_right} (P {em.precision:.3f}); F1 {em.f1:.3f}",
            coref_table("ECB+ entity coreference, within topics (pairs across documents)",
                        self.entities),
            f"ECB+ event mentions (ACTION_*): gold {vm.gold}, found by a kg event {vm.found} "
            f"(R {vm.recall:.3f}); kg events {vm.predicted}, on annotated mentions "
            f"{vm.predicted_right} (P {vm.precision:.3f})",
            coref_table("ECB+ event coreference, within topics, all key event mentions",
                        self.events),
            coref_table("ECB+ event coreference, on the key event mentions kg found",
                        self.events_found)])

    def to_dict(self) -> dict:
        def counts(c: MentionCounts) -> dict:
            return {"gold": c.gold, "found": c.found, "predicted": c.predicted,
                    "predicted_right": c.predicted_right, "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4), "f1": round(c.f1, 4)}
        return {"entity_mentions": counts(self.entity_mentions),
                "entities": [s.to_dict() for s in self.entities],
                "event_mentions": counts(self.event_mentions),
                "events": [s.to_dict() for s in self.events],
                "events_found": [s.to_dict() for s in self.events_found]}


def _last_word(text: str) -> str:
    words = [w for w in text.split() if any(c.isalnum() for c in w) and w != "'s"]
    return (words[-1] if words else text).lower()


def score_ecbplus(docs: Iterable[EcbDoc], names: Mapping[str, list[Predicted]],
                  events: Mapping[str, list[Predicted]],
                  lemmas: Mapping[tuple[str, int], str] | None = None) -> EcbScores:
    """Score kg's names and events (by document id) against the documents' key mentions.

    ``lemmas`` maps ``(doc id, start)`` of an event mention to the lemma of its head word,
    for the lemma baseline (the head text lower-cased when absent)."""
    lemmas = lemmas or {}
    by_topic: dict[str, list[EcbDoc]] = defaultdict(list)
    for d in docs:
        by_topic[d.topic].append(d)
    ent = {s: CorefScores.empty(s) for s in ("kg", "exact mention string", "last word, lower-cased")}
    ev = {s: CorefScores.empty(s) for s in ("kg", "head lemma")}
    ev_found = {s: CorefScores.empty(s) for s in ("kg", "head lemma")}
    em, vm = MentionCounts(), MentionCounts()
    for topic in sorted(by_topic):
        key, doc_of = {}, {}
        responses = {s: {} for s in ent}
        ekey, edoc_of = {}, {}
        eresp = {s: {} for s in ev}
        found_events = set()
        for d in by_topic[topic]:
            doc_names = names.get(d.article.id, [])
            matched = _match_entities(d, doc_names)
            em.r_den += len(d.entities)
            em.r_num += len(matched)
            for p in doc_names:
                if d.in_selected(p.start):
                    em.p_den += 1
                    em.p_num += any(p.start < b and a < p.end for a, b in d.annotated)
            for g in d.entities:
                m = (g.doc, g.start, g.end)
                key[m], doc_of[m] = g.cluster, g.doc
                responses["kg"][m] = matched.get(g, ("unfound",) + m)
                responses["exact mention string"][m] = g.text
                responses["last word, lower-cased"][m] = _last_word(g.text)
            doc_events = events.get(d.article.id, [])
            ematched = _match_events(d, doc_events)
            vm.r_den += len(d.events)
            vm.r_num += len(ematched)
            event_spans = [(g.start, g.end) for g in d.events]
            for p in doc_events:
                if d.in_selected(p.start):
                    vm.p_den += 1
                    vm.p_num += any(p.start < b and a < p.end for a, b in event_spans)
            for g in d.events:
                m = (g.doc, g.start, g.end)
                ekey[m], edoc_of[m] = g.cluster, g.doc
                eresp["kg"][m] = ematched.get(g, ("unfound",) + m)
                eresp["head lemma"][m] = lemmas.get((g.doc, g.start), g.head_text.lower())
                if g in ematched:
                    found_events.add(m)
        for s, scores in ent.items():
            scores.add(key, responses[s], doc_of)
        for s, scores in ev.items():
            scores.add(ekey, eresp[s], edoc_of)
        sub = {m: c for m, c in ekey.items() if m in found_events}
        for s, scores in ev_found.items():
            scores.add(sub, {m: eresp[s][m] for m in sub}, edoc_of)
    return EcbScores(em, list(ent.values()), vm, list(ev.values()), list(ev_found.values()))


def graph_predictions(extractions, corpus) -> tuple[dict[str, list[Predicted]], dict[str, list[Predicted]]]:
    """The names and event triggers of ``extractions``, each with the node the settled
    :class:`~kg.rdf.CorpusGraph` ``corpus`` gives it: the entity holding the mention, and the
    corroborated event a report belongs to (the report itself when it stands alone)."""
    from kg import iri
    from kg.namespaces import NEWS

    owner = {row["m"].value: row["e"].value for row in corpus.store.query(
        f"SELECT ?e ?m WHERE {{ ?e <{NEWS.mention}> ?m }}")}
    event_of = {row["r"].value: row["e"].value for row in corpus.store.query(
        f"SELECT ?e ?r WHERE {{ ?e <{NEWS.report}> ?r }}")}
    names: dict[str, list[Predicted]] = {}
    events: dict[str, list[Predicted]] = {}
    for ex in extractions:
        aid = ex.article.id
        out = names.setdefault(aid, [])
        for entity in ex.entities:
            if not entity.named:
                continue
            for m in entity.mentions:
                if m.kind != "name":
                    continue
                node = owner.get(str(iri.mention_iri(aid, m.span.start, m.span.end)))
                if node is not None:
                    out.append(Predicted(m.span.start, m.span.end, node))
        evs = events.setdefault(aid, [])
        for e in ex.events:
            report = str(iri.event_iri(aid, e.type, e.trigger.start, e.trigger.end))
            evs.append(Predicted(e.trigger.start, e.trigger.end, event_of.get(report, report)))
    return names, events


_CONTENT_POS = ("VERB", "NOUN", "ADJ", "PROPN")


def head_lemmas(docs: Iterable[EcbDoc], nlp) -> dict[tuple[str, int], str]:
    """``(doc id, start) -> lemma`` of each event mention's head word (its first verb, noun or
    adjective; else its first word), lemmatised by ``nlp`` over the document's text."""
    out = {}
    docs = list(docs)
    own = [name for name in nlp.pipe_names if name.startswith("kg_")]  # kg's extraction steps
    for d, parsed in zip(docs, nlp.pipe((d.article.text for d in docs), disable=own)):
        for g in d.events:
            toks = [t for t in parsed if g.start <= t.idx < g.end]
            head = next((t for t in toks if t.pos_ in _CONTENT_POS), toks[0] if toks else None)
            if head is not None:
                out[(g.doc, g.start)] = head.lemma_.lower()
    return out
