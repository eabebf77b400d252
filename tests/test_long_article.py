"""Extraction stays linear in article length: nothing walks the whole document per token.

Timings are in ``bench/long_article.py``; this checks the cause of the quadratic cost the
issue measured (spaCy rebuilds ``Doc.text`` from every token on each access, and the rules read
it per trigger) and that a long article gives the facts its parts give.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from kg.extract import extract_from_doc
from kg.extract.text import prepare_text
from kg.records import Article

pytestmark = pytest.mark.model

PARAGRAPH = ("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday. “We reject the occupation,” "
             "Haniyeh said. Israel rejected the call, officials said. Foreign Minister Hossein "
             "Amir-Abdollahian met Haniyeh in Tehran.\n\n")


class CountingDoc(Doc):
    """A ``Doc`` that counts how often its whole text is joined."""

    text_reads = 0

    @property
    def text(self):
        type(self).text_reads += 1
        return super().text


def _parse_counting(nlp, text: str) -> CountingDoc:
    plain = nlp.make_doc(text)
    doc = CountingDoc(nlp.vocab, words=[t.text for t in plain],
                      spaces=[bool(t.whitespace_) for t in plain])
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def test_whole_text_is_joined_a_bounded_number_of_times(extractor):
    prep = prepare_text(PARAGRAPH * 40)
    doc = _parse_counting(extractor.nlp, prep.text)
    assert doc.text == prep.text
    CountingDoc.text_reads = 0
    extraction = extract_from_doc(doc, Article("long", prep.text), prep, extractor.models)
    assert len(extraction.events) >= 40  # the rules did run on every paragraph
    assert CountingDoc.text_reads <= 2


def test_long_article_gives_what_its_paragraphs_give(extractor):
    one = extractor.extract(Article("a", PARAGRAPH))
    many = extractor.extract(Article("a", PARAGRAPH * 50))

    def facts(ex):
        return {(r.subject, r.predicate, r.object, r.factuality) for r in ex.relations}

    assert facts(one) and facts(one) <= facts(many)
    assert len(many.events) >= 50
