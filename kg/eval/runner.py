"""Run an extractor over a benchmark's articles and collect issue-2 records by article id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.records import Article


class PredictionsError(ValueError):
    """A predictions file that is not ``kg extract`` JSON Lines."""


def extract_records(articles: Iterable[Article], model: str | None = None) -> Iterator[dict]:
    """Issue-2 records from kg's own extractor (:class:`kg.extract.Extractor`)."""
    from kg.extract import Extractor
    from kg.jsonl import extraction_to_json

    extractor = Extractor(model=model)
    for extraction in extractor.extract_many(articles):
        yield extraction_to_json(extraction)


def reference_records(articles: Iterable[Article], model: str | None = None,
                      relation_model: str | None = None) -> Iterator[dict]:
    """Issue-2 records from spaCy NER plus the relation model alone (see :mod:`kg.eval.reference`)."""
    from kg.eval.reference import run_reference
    from kg.eval.train_relations import load_nlp
    from kg.extract.relation_model import RelationModel

    yield from run_reference(articles, load_nlp(model), RelationModel.load(relation_model))


def read_records(source: str | Path | IO[str]) -> dict[str, dict]:
    """Records of a ``kg extract`` JSON Lines file, by article id."""
    f = source if hasattr(source, "read") else open(source, encoding="utf-8")
    out = {}
    try:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                out[str(rec["id"])] = rec
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise PredictionsError(f"line {lineno}: not an extraction record ({exc})") from None
    finally:
        if f is not source:
            f.close()
    return out


def write_articles(articles: Iterable[Article], out: IO[str]) -> int:
    """Write articles as the ``{id, text}`` JSON Lines ``kg extract`` reads; returns the count."""
    n = 0
    for a in articles:
        out.write(json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) + "\n")
        n += 1
    return n
