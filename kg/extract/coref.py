"""Mentions that are no names: a description ("the Hamas leader") and a pronoun ("he") join
the entity they stand for."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from kg.extract.index import EntityIndex, token_span
from kg.extract.relations import title_predicate
from kg.records import Relation, Span


def nominal_mentions(doc: Doc, index: EntityIndex, relations: list[Relation]) -> None:
    """"The Hamas leader" is the one person the article names as leader of Hamas."""
    holders: dict[tuple[str, str], set[str]] = {}
    for r in relations:
        holders.setdefault((r.predicate, r.object), set()).add(r.subject)
    for token in doc:
        if token.i in index.key_at or token.pos_ != "NOUN":
            continue
        predicate = title_predicate([token.text])
        if predicate is None or not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            continue
        for child in token.children:
            org = index.key_at.get(child.i)
            if child.dep_ in ("compound", "amod", "poss") and org:
                people = holders.get((predicate, org), set())
                if len(people) == 1:
                    person = next(iter(people))
                    det = min(c.i for c in token.children if c.dep_ == "det")
                    span = token_span(doc, det, token.i + 1)
                    index.key_at[token.i] = person
                    index.span_at[token.i] = span
                    index.extra_mentions.append((person, span, "nominal"))
                break


_MASCULINE = {"he", "him", "his"}
_FEMININE = {"she", "her"}


def pronoun_mentions(doc: Doc, index: EntityIndex, pronouns: list[int]) -> None:
    """"He", "his": a person named before it within three sentences. The candidates are the
    persons named there whose gender, as far as earlier pronouns tell, does not clash; the
    latest subject among them wins, else the nearest mention."""
    sent_starts = [s.start for s in doc.sents]
    gender: dict[str, str] = {}
    for i in pronouns:
        token = doc[i]
        g = "m" if token.lower_ in _MASCULINE else "f"
        sent_idx = bisect_right(sent_starts, i) - 1
        floor = sent_starts[max(0, sent_idx - 3)]
        candidates: list[tuple[int, str]] = []  # (token index, person key), nearest first
        for j in range(i - 1, floor - 1, -1):
            key = index.key_at.get(j)
            if key and index.type_of.get(key) == "Person" and gender.get(key, g) == g \
                    and doc[j].lower_ not in _MASCULINE | _FEMININE:
                candidates.append((j, key))
        if not candidates:
            continue
        subjects = [(j, k) for j, k in candidates if doc[j].dep_ in ("nsubj", "nsubjpass")
                    or doc[j].head.dep_ in ("nsubj", "nsubjpass") and doc[j].head.i in index.key_at]
        key = (subjects or candidates)[0][1]
        gender[key] = g
        span = Span(token.idx, token.idx + len(token.text), token.text)
        index.key_at[i] = key
        index.span_at[i] = span
        index.extra_mentions.append((key, span, "pronoun"))
