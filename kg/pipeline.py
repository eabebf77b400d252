"""The whole run: read inputs, extract in parallel, write JSON Lines or the graph, report.

Articles stream through in batches; one bad input is reported on stderr and skipped while the
run goes on. Workers are processes, each with its own spaCy pipeline.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator

from kg.readers import Skipped, Warning_, iter_articles
from kg.records import Article, ArticleExtraction


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
                 + (f", {self.cached} from cache" if self.cached else "") + ")"]
        for title, counter in (("entities", self.entities), ("facts", self.relations),
                               ("events", self.events)):
            lines.append(f"{title}: {sum(counter.values())}")
            lines.extend(f"  {name:<28} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"skipped inputs: {len(self.skipped)}")
        lines.extend(f"  {s.source}: {s.reason}" for s in self.skipped)
        if self.triples is not None:
            lines.append(f"wrote {self.triples} triples to {self.output}")
        elif self.output:
            lines.append(f"wrote {self.output}")
        return "\n".join(lines)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _articles(inputs: Iterable[str], default_date: date | None, report: RunReport) -> Iterator[Article]:
    for item in iter_articles(inputs, default_date=default_date):
        if isinstance(item, Skipped):
            report.skipped.append(item)
            print(str(item), file=sys.stderr)
        elif isinstance(item, Warning_):
            report.warnings.append(item)
            print(str(item), file=sys.stderr)
        else:
            yield item


# one Extractor per worker process
_WORKER = None


def _init_worker(model: str | None) -> None:
    global _WORKER
    from kg.extract import Extractor

    _WORKER = Extractor(model)


def _extract_batch(batch: list[Article]) -> list[ArticleExtraction]:
    return list(_WORKER.extract_many(batch))


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_stream(articles: Iterable[Article], model: str | None = None, jobs: int | None = None,
                   batch_size: int = 16) -> Iterator[ArticleExtraction]:
    """Extractions of ``articles`` in input order, on ``jobs`` worker processes."""
    jobs = jobs or default_jobs()
    if jobs == 1:
        from kg.extract import Extractor

        yield from Extractor(model).extract_many(articles)
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn" if sys.platform == "darwin" else "fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model,)) as pool:
        for batch in pool.imap(_extract_batch, _batches(articles, batch_size), chunksize=1):
            yield from batch


def run_extract(inputs, output: str, default_date=None, model=None, jobs=None,
                quiet: bool = False) -> RunReport:
    """``kg extract``: write one JSON object per article to ``output``."""
    from kg.jsonl import extraction_to_json
    from kg.serialize import atomic_write

    report = RunReport(output=output)
    started = time.perf_counter()
    with atomic_write(output, "w") as handle:
        for ex in extract_stream(_articles(inputs, default_date, report), model=model, jobs=jobs):
            report.count(ex)
            handle.write(json.dumps(extraction_to_json(ex), ensure_ascii=False) + "\n")
    report.seconds = time.perf_counter() - started
    return report


def run_build(inputs, output: str, default_date=None, model=None, jobs=None, quiet: bool = False,
              cache_dir: str | None = None) -> RunReport:
    """``kg build``: extract ``inputs`` and write their graph to ``output``."""
    from kg.rdf import GraphBuilder
    from kg.serialize import format_for, write_graph

    format_for(output)  # fail on an unknown extension before any work
    report = RunReport(output=output)
    started = time.perf_counter()
    builder = GraphBuilder()
    for ex in extract_stream(_articles(inputs, default_date, report), model=model, jobs=jobs):
        report.count(ex)
        builder.add(ex)
    write_graph(builder.graph, output)
    report.triples = len(builder.graph)
    report.seconds = time.perf_counter() - started
    return report
