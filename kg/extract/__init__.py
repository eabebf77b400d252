"""Extraction: from an :class:`~kg.records.Article` to an :class:`~kg.records.ArticleExtraction`.

The spaCy ``Doc`` lives only inside this package. Extraction is a spaCy pipeline
(:func:`kg.nlp.load_pipeline`): ``en_core_web_sm``, kg's trained names NER and the merge of the
two NERs (:mod:`kg.extract.names`), then one registered component per decision
(:mod:`kg.extract.components`). :class:`Extractor` streams articles through ``nlp.pipe`` and
hands back plain records::

    extractor = Extractor()
    for extraction in extractor.extract_many(articles):
        ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from spacy.tokens import Doc

from kg import __version__
from kg.extract.assemble import ResolvedNames, resolve_names
from kg.extract.components import add_components, run_components
from kg.extract.relation_model import RelationModel
from kg.extract.text import PreparedText, prepare_text
from kg.records import Article, ArticleExtraction

__all__ = ["Extractor", "LearnedModels", "ResolvedNames", "extract_from_doc", "resolve_names"]

EXTRACTOR_NAME = "kg"
EXTRACTOR_VERSION = __version__


class Extractor:
    """kg's extraction pipeline (see :func:`kg.nlp.load_pipeline`) over articles.

    ``learned=False`` leaves out the trained relation classifier (the rules alone, with their
    measured confidences left as the rules give them)."""

    BATCH_SIZE = 32

    def __init__(self, model: str | None = None, nlp=None, batch_size: int = BATCH_SIZE,
                 learned: bool = True):
        if nlp is None:
            from kg.nlp import load_pipeline

            nlp = load_pipeline(model)
        add_components(nlp)
        self.nlp = nlp
        self.batch_size = batch_size
        self.models = LearnedModels.load() if learned else None
        self._disable = [] if learned else ["kg_relation_model"]

    def extract(self, article: Article) -> ArticleExtraction:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[Article]) -> Iterator[ArticleExtraction]:
        """Extractions of ``articles`` in order, streamed through ``nlp.pipe``."""
        def docs() -> Iterator[Doc]:
            for article in articles:
                prep = prepare_text(article.text)
                doc = self.nlp.make_doc(prep.text)
                doc._.kg_article, doc._.kg_prepared = article, prep
                yield doc

        for doc in self.nlp.pipe(docs(), batch_size=self.batch_size, disable=self._disable):
            yield doc._.kg_extraction


@dataclass(frozen=True)
class LearnedModels:
    """The relation classifier trained on CoNLL04 (``kg/data/relation_model.json``), for the
    pairs the rules leave alone, with the measured confidences of the rules."""

    relations: RelationModel

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "LearnedModels":
        return cls(RelationModel.shipped())


def extract_from_doc(doc: Doc, article: Article, prep: PreparedText,
                     models: LearnedModels | None = None) -> ArticleExtraction:
    """Run kg's extraction components on ``doc``, a parse of ``prep.text`` through the names
    components, and return the extraction. Without ``models`` the relation classifier is off."""
    doc._.kg_article, doc._.kg_prepared, doc._.kg_state = article, prep, None
    return run_components(doc, models.relations if models is not None else None)._.kg_extraction
