"""Batches of articles through an extractor, in input order: the pieces that local worker
processes (:mod:`kg.pipeline`) and a Dask cluster (:mod:`kg.distributed`) share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from kg.readers import Skipped
from kg.records import Article, ArticleExtraction

Extracted = ArticleExtraction | Skipped


@dataclass(frozen=True)
class Finished:
    """An article's extraction (its relations marked by the confidence floor, see
    :func:`confident`) and its graph piece (:class:`kg.settle.Piece`), both made where the
    article was extracted, so the parent only writes the piece into the store."""

    extraction: ArticleExtraction
    piece: object


def confident(ex: ArticleExtraction, floor: float | None) -> ArticleExtraction:
    """``ex`` with each relation marked asserted when the text asserts it and its confidence is
    at least ``floor`` (None: the default floor measured in training, see
    :func:`default_floor`). A relation below the floor is kept as a claim without its plain
    triple, so nothing is lost; events keep their confidence and are never dropped."""
    floor = default_floor() if floor is None else floor
    return replace(ex, relations=tuple(
        replace(r, asserted=r.factuality == "Asserted" and r.evidence.confidence >= floor)
        for r in ex.relations))


def default_floor() -> float:
    """The confidence an asserted relation needs by default: the lowest at which relations were
    at least 0.8 precise in cross-validation on CoNLL04 train (``kg/data/relation_model.json``)."""
    from kg.extract.relation_model import RelationModel

    return RelationModel.shipped().floor


def finish_batch(extractor, batch: list[Article], floor: float | None) -> list:
    """:func:`extract_batch`, each extraction turned into a :class:`Finished` (with its graph
    piece, :func:`kg.rdf.article_piece`); ``Skipped`` stays as it is."""
    from kg.rdf import article_piece

    out: list = []
    for item in extract_batch(extractor, batch):
        if isinstance(item, Skipped):
            out.append(item)
            continue
        ex = confident(item, floor)
        try:
            out.append(Finished(ex, article_piece(ex)))
        except Exception as exc:  # one bad article never stops the run
            out.append(Skipped(ex.article.path or ex.article.id,
                               f"graph failed: {type(exc).__name__}: {exc}"))
    return out


def extract_batch(extractor, batch: list[Article]) -> list[Extracted]:
    """Extractions of ``batch`` in order; an article the extractor fails on becomes ``Skipped``.

    The batch goes through ``nlp.pipe`` at once; only when that fails are its articles retried
    one by one, to find the bad one and keep the rest.
    """
    try:
        return list(extractor.extract_many(batch))
    except Exception:
        pass
    out: list[Extracted] = []
    for article in batch:
        try:
            out.append(extractor.extract(article))
        except Exception as exc:  # one bad article never stops the run
            out.append(Skipped(article.path or article.id,
                               f"extraction failed: {type(exc).__name__}: {exc}"))
    return out


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ordered_window(submitted: Iterable, size: int, result) -> Iterator:
    """Items of the batch results of ``submitted`` tasks in submission order, ``size`` in flight.

    ``result(task)`` waits for a task and returns its list of items.
    """
    from collections import deque

    window: deque = deque()
    for task in submitted:
        window.append(task)
        if len(window) >= size:
            yield from result(window.popleft())
    while window:
        yield from result(window.popleft())
