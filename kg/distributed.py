"""Extraction on an existing Dask cluster, for corpora one machine is too slow for.

Batches of articles go to the cluster as tasks; each worker keeps one spaCy pipeline per model
(per thread), so a model loads once per worker, not once per task. Results come back in input
order, with a bounded number of batches in flight, so memory stays flat::

    for item in extract_on_dask(articles, "tcp://scheduler:8786"):
        ...   # ArticleExtraction, or Skipped for an article the extractor failed on

Workers need kg and the spaCy model installed, as on this machine.
"""

from __future__ import annotations

import threading
from typing import Iterable, Iterator

from kg.records import Article

_local = threading.local()


class DaskUnavailable(RuntimeError):
    """The scheduler cannot be reached or has no workers."""


def _extract_on_worker(batch: list[Article], model: str | None, pieces: bool = False,
                       floor: float | None = None) -> list:
    from kg.batching import extract_batch, finish_batch

    extractors = getattr(_local, "extractors", None)
    if extractors is None:
        extractors = _local.extractors = {}
    if model not in extractors:
        from kg.extract import Extractor

        extractors[model] = Extractor(model)
    if pieces:
        return finish_batch(extractors[model], batch, floor)
    return extract_batch(extractors[model], batch)


def extract_on_dask(articles: Iterable[Article], address: str, model: str | None = None,
                    batch_size: int = 32, timeout: float = 30, pieces: bool = False,
                    floor: float | None = None) -> Iterator:
    """Extractions of ``articles`` in input order, computed on the Dask scheduler at ``address``;
    with ``pieces``, :class:`kg.batching.Finished` extractions with their graph pieces (relations
    marked by the confidence ``floor``), made on the workers."""
    from distributed import Client

    from kg.batching import batches, ordered_window

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        if threads == 0:
            raise DaskUnavailable(f"the Dask scheduler at {address} has no workers")
        tasks = (client.submit(_extract_on_worker, batch, model, pieces, floor, pure=False)
                 for batch in batches(articles, batch_size))
        yield from ordered_window(tasks, 2 * threads, lambda future: future.result())
    finally:
        client.close()
