"""The whole run: read inputs, extract in parallel, write JSON Lines or the graph, report.

Articles stream through in batches, in input order, so memory stays flat however long the
corpus; one bad input or one article the extractor fails on is reported on stderr and skipped
while the run goes on. Extraction runs in this process (``jobs=1``), on a pool of worker
processes each with its own spaCy pipeline (``jobs=N``), or on an existing Dask cluster
(``dask="tcp://scheduler:8786"``, see :mod:`kg.distributed`). With a cache directory,
``run_build`` reads only new or changed articles (see :mod:`kg.cache`)::

    report = run_build(["corpus/"], "graph.ttl", jobs=2, cache_dir="cache/")
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from datetime import date
from typing import Iterable, Iterator

from kg.batching import (Extracted, Finished, batches, confident, default_floor,  # noqa: F401
                         extract_batch, finish_batch, ordered_window)
from kg.readers import Skipped, Warning_, iter_articles
from kg.records import Article, ArticleExtraction
from kg.terminal import printable

# articles per nlp.pipe call and per task sent to a worker
BATCH_SIZE = 16


@dataclass
class RunReport:
    """What a run did, for the summary a person reads."""

    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    triples: int | None = None
    output: str | None = None
    seconds: float = 0.0
    cached: int = 0
    unchanged: int = 0  # already in the store: not read again
    removed: int = 0  # in the store, no longer in the inputs: taken out
    settle: object = None  # what the corpus steps did (kg.settle.UpdateReport)
    echo: bool = True  # name skips and warnings on stderr as they happen (the CLI does)

    def count(self, ex: ArticleExtraction) -> None:
        self.articles += 1
        self.entities.update(e.type for e in ex.entities)
        self.relations.update(r.predicate for r in ex.relations if r.factuality == "Asserted")
        self.relations.update(f"({r.factuality.lower()}) {r.predicate}" for r in ex.relations
                              if r.factuality != "Asserted")
        self.events.update(e.type for e in ex.events)

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        lines = [f"articles read: {self.articles}  ({self.seconds:.1f} s, {rate:.1f} articles/s"
                 + (f", {self.cached} from cache" if self.cached else "")
                 + (f", {self.unchanged} unchanged in the store" if self.unchanged else "")
                 + (f", {self.removed} taken out" if self.removed else "") + ")"]
        for title, counter in (("entities", self.entities), ("facts", self.relations),
                               ("events", self.events)):
            lines.append(f"{title}: {sum(counter.values())}")
            lines.extend(f"  {name:<28} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        if self.settle is not None:
            done = self.settle
            phases = ", ".join(f"{k} {v:.1f}" for k, v in done.seconds.items() if v >= 0.05)
            lines.append(f"corpus steps: {done.entities} entities and {done.reports} event reports "
                         f"settled again for {done.added} articles in and {done.removed} out "
                         f"({sum(done.seconds.values()):.1f} s" + (f": {phases}" if phases else "")
                         + ")")
        elif self.unchanged and self.unchanged == self.articles:
            lines.append("corpus steps: none (nothing new)")
        lines.append(f"skipped inputs: {len(self.skipped)}"
                     + (" (named above)" if self.skipped and self.echo else ""))
        if not self.echo:  # else each was printed as it happened
            lines.extend(printable(f"  {s.source}: {s.reason}") for s in self.skipped)
        if not self.articles:
            lines.append("nothing was read" + (f": {self.output} was not written"
                                               if self.output and self.output != "-" else ""))
        elif self.triples is not None and self.output:
            lines.append(f"wrote {self.triples} triples to {self.output}")
        elif self.triples is not None:
            lines.append(f"graph: {self.triples} triples")
        elif self.output and self.output != "-":
            lines.append(f"wrote {self.output}")
        return "\n".join(lines)

    @property
    def failed(self) -> bool:
        """Whether the run should exit 1: an input was skipped, or nothing was read at all."""
        return bool(self.skipped) or not self.articles


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _articles(inputs: Iterable[str], default_date: date | None, report: RunReport) -> Iterator[Article]:
    for item in iter_articles(inputs, default_date=default_date):
        if isinstance(item, Skipped):
            _skip(report, item)
        elif isinstance(item, Warning_):
            report.warnings.append(item)
            if report.echo:
                _echo(str(item))
        else:
            yield item


def _echo(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(printable(message), file=sys.stderr)  # above the progress bar, not through it


def _skip(report: RunReport, item: Skipped) -> None:
    report.skipped.append(item)
    if report.echo:
        _echo(str(item))


def count_articles(inputs: Iterable[str]) -> int | None:
    """A cheap count of the articles ``inputs`` hold, for the progress bar; None for stdin.

    Files are counted, not read, except JSON Lines, whose lines are counted.
    """
    from pathlib import Path

    from kg.readers import JSONL_SUFFIXES, READ_SUFFIXES, folder_files

    total = 0
    for spec in inputs:
        if spec == "-":
            return None
        if not isinstance(spec, (str, os.PathLike)):  # an Article or a dict: one article
            total += 1
            continue
        path = Path(spec)
        files = folder_files(path) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            suffix = file.suffix.lower()
            if suffix in READ_SUFFIXES and suffix not in JSONL_SUFFIXES:
                total += 1  # a page; an archive or a feed counts as one too (a guess)
            elif suffix in JSONL_SUFFIXES:
                try:
                    with open(file, "rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    pass
    return total


def progress(items: Iterable, total, quiet: bool, desc: str = "extract") -> Iterable:
    """``items`` with a progress bar on stderr (articles/s, ETA) once a run passes 2 s.

    Quiet with ``quiet`` or when stderr is not a terminal. ``total`` is a count, or a function
    that gives one: it is only called when the bar shows (counting may read every input).
    """
    if quiet or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    if callable(total):
        total = total()
    return tqdm(items, total=total, desc=desc, unit=" articles", file=sys.stderr, delay=2.0,
                dynamic_ncols=True, smoothing=0.1)


# --- extraction ----------------------------------------------------------------------------

# one Extractor per worker process
_WORKER = None


def _init_worker(model: str | None) -> None:
    global _WORKER
    from kg.extract import Extractor

    _WORKER = Extractor(model)


def _extract_in_worker(batch: list[Article]) -> list[Extracted]:
    return extract_batch(_WORKER, batch)


def _finish_in_worker(batch: list[Article], floor: float | None) -> list:
    return finish_batch(_WORKER, batch, floor)


def extract_stream(articles: Iterable[Article], model: str | None = None, jobs: int | None = None,
                   batch_size: int = BATCH_SIZE, dask: str | None = None, pieces: bool = False,
                   min_confidence: float | None = None) -> Iterator:
    """Extractions of ``articles`` in input order, with ``Skipped`` for articles that failed.

    ``jobs`` worker processes (default: all cores), or the Dask cluster at ``dask``. At most a
    few batches per worker are in flight, so memory does not grow with the corpus. With
    ``pieces``, each is a :class:`kg.batching.Finished`: the extraction with its relations marked
    by ``min_confidence`` and its graph piece, both made by the worker.
    """
    chunks = batches(articles, batch_size)
    first = next(chunks, None)
    if first is None:  # nothing to extract (say, all cached): load no model, start no worker
        return
    chunks = itertools.chain([first], chunks)
    if dask:
        from kg.distributed import extract_on_dask

        yield from extract_on_dask(itertools.chain.from_iterable(chunks), dask, model=model,
                                   batch_size=batch_size, pieces=pieces, floor=min_confidence)
        return
    jobs = jobs or default_jobs()
    if jobs == 1:
        from kg.extract import Extractor

        extractor = Extractor(model)
        for batch in chunks:
            yield from (finish_batch(extractor, batch, min_confidence) if pieces
                        else extract_batch(extractor, batch))
        return
    import multiprocessing as mp

    global _WORKER
    from kg.extract import Extractor

    # The pipeline is loaded once, here, before any worker starts: a model that cannot load
    # fails now, once (workers that failed in their initializer were respawned forever), and
    # forked workers share the loaded model instead of each loading its own.
    _WORKER = Extractor(model)
    # fork shares the loaded code and model; spawn where fork is unsafe
    ctx = mp.get_context("spawn" if sys.platform == "darwin" else "fork")
    spawned = ctx.get_start_method() != "fork"
    with ctx.Pool(jobs, initializer=_init_worker if spawned else None,
                  initargs=(model,) if spawned else ()) as pool:
        # Pool.imap would read the whole input ahead; a window of 2 batches a worker keeps
        # the workers busy and memory flat
        tasks = (pool.apply_async(_finish_in_worker, (batch, min_confidence)) if pieces
                 else pool.apply_async(_extract_in_worker, (batch,)) for batch in chunks)
        yield from ordered_window(tasks, 2 * jobs, lambda pending: pending.get())


def _extractions(stream: Iterable[Extracted], report: RunReport,
                 min_confidence: float | None = None) -> Iterator[ArticleExtraction]:
    for item in stream:
        if isinstance(item, Skipped):
            _skip(report, item)
        else:
            yield confident(item, min_confidence)


# --- commands ------------------------------------------------------------------------------

def run_extract(inputs, output: str, default_date=None, model=None, jobs=None,
                quiet: bool = False, dask: str | None = None,
                min_confidence: float | None = None) -> RunReport:
    """``kg extract``: write one JSON object per article to ``output``, atomically; ``"-"``
    streams the lines to standard output instead, one as each article is done."""
    from kg.jsonl import extraction_to_json
    from kg.serialize import atomic_write

    report = RunReport(output=output)
    started = time.perf_counter()
    stream = extract_stream(_articles(inputs, default_date, report), model=model, jobs=jobs,
                            dask=dask)
    with ExitStack() as opened:
        # opened on the first article: when nothing is read, the old file stays as it was
        handle = sys.stdout if output == "-" else None
        for ex in progress(_extractions(stream, report, min_confidence),
                           partial(count_articles, inputs), quiet):
            if handle is None:
                handle = opened.enter_context(atomic_write(output, "w"))
            report.count(ex)
            handle.write(json.dumps(extraction_to_json(ex), ensure_ascii=False) + "\n")
            if output == "-":
                handle.flush()
    report.seconds = time.perf_counter() - started
    return report


def build_corpus(inputs, default_date=None, model=None, jobs=None, quiet: bool = False,
                 cache_dir: str | None = None, dask: str | None = None,
                 min_confidence: float | None = None, echo: bool = True, target=None):
    """Extract ``inputs`` and bring their settled graph up to date; returns the
    :class:`~kg.rdf.CorpusGraph` (None when a ``target`` store needed no change) and the
    :class:`RunReport`. ``quiet`` hides the progress bar, ``echo`` names skips and warnings on
    stderr as they happen (they are in the report either way).

    Workers return each article's graph piece (N-Triples) with its extraction; this process only
    writes pieces into the store, then settles the corpus where the pieces reach
    (:mod:`kg.settle`). ``target`` is a :class:`kg.store.StoreBuild`: the articles its store
    already holds (by content hash) are neither extracted nor read again, those it holds that
    ``inputs`` no longer have leave it, and with no change at all the store is not touched.
    Without a target the graph is built in memory. With ``cache_dir``, only articles whose content
    hash is not in the cache are extracted; the others come from their cached pieces (no NLP).
    Either way the graph is the one a build from scratch gives.
    """
    from kg.rdf import CorpusGraph, article_ntriples, piece_of_ntriples

    report = RunReport(echo=echo)
    started = time.perf_counter()
    live: set[str] = target.live if target is not None else set()
    corpus = CorpusGraph() if target is None else None

    def writable():
        nonlocal corpus
        if corpus is None:
            corpus = CorpusGraph(*target.open(), spool=target.spool)
        return corpus

    seen: set[str] = set()
    total = partial(count_articles, inputs)  # counted only if a progress bar shows
    with ExitStack() as opened:
        cache = None
        if cache_dir is not None:
            from kg.cache import ExtractionCache, extractor_fingerprint

            cache = opened.enter_context(
                ExtractionCache(cache_dir, extractor_fingerprint(model, min_confidence)))

        def todo() -> Iterator[Article]:
            for article in _articles(inputs, default_date, report):
                digest = article.content_hash
                if digest in seen:
                    continue
                seen.add(digest)
                if digest in live:  # in the store already: nothing to read
                    report.articles += 1
                    report.unchanged += 1
                    continue
                entry = cache.get_entry(digest) if cache is not None else None
                if entry is None:
                    yield article
                    continue
                ex, piece = entry
                report.cached += 1
                report.count(ex)
                writable().add_piece(piece_of_ntriples(
                    piece if piece is not None else article_ntriples(ex), digest))

        stream = extract_stream(todo(), model=model, jobs=jobs, dask=dask, pieces=True,
                                min_confidence=min_confidence)
        for item in progress(stream, total, quiet):
            if isinstance(item, Skipped):
                _skip(report, item)
                continue
            report.count(item.extraction)
            if cache is not None:  # committed in batches: a killed run keeps what it extracted
                cache.put(item.extraction, item.piece.ntriples)
            writable().add_piece(item.piece)
    gone = live - seen
    if report.articles and gone:
        for digest in sorted(gone):
            writable().remove(digest)
    report.removed = len(gone) if report.articles else 0
    if corpus is not None and report.articles:  # nothing to settle when nothing was read
        corpus.settle()
        report.settle = corpus.last_update
    if corpus is not None:
        report.triples = len(corpus)
    elif target is not None and report.articles:
        report.triples = target.previous_triples
    report.seconds = time.perf_counter() - started
    return corpus, report


def run_build(inputs, output: str, default_date=None, model=None, jobs=None, quiet: bool = False,
              cache_dir: str | None = None, dask: str | None = None,
              min_confidence: float | None = None) -> RunReport:
    """:func:`build_corpus`, then write the graph to ``output`` (atomically, in the format of
    its extension)."""
    from kg.serialize import format_for, write_store

    format_for(output)  # fail on an unknown extension before any work
    corpus, report = build_corpus(inputs, default_date=default_date, model=model, jobs=jobs,
                                  quiet=quiet, cache_dir=cache_dir, dask=dask,
                                  min_confidence=min_confidence)
    report.output = output
    if not report.articles:  # an empty or all-skipped input never replaces the graph
        return report
    started = time.perf_counter()
    write_store(corpus.store, output)
    report.seconds += time.perf_counter() - started
    return report
