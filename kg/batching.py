"""Batches of articles through an extractor, in input order: the pieces that local worker
processes (:mod:`kg.pipeline`) and a Dask cluster (:mod:`kg.distributed`) share."""

from __future__ import annotations

from typing import Iterable, Iterator

from kg.readers import Skipped
from kg.records import Article, ArticleExtraction

Extracted = ArticleExtraction | Skipped


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
