"""Run an extractor over a benchmark's articles and collect issue-2 records by article id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.eval.datasets import json_lines
from kg.records import Article


class PredictionsError(ValueError):
    """A predictions file that is not ``kg extract`` JSON Lines."""


def extract_records(articles: Iterable[Article], model: str | None = None) -> Iterator[dict]:
    """Issue-2 records from kg's own extractor (:class:`kg.extract.Extractor`), with the
    default assertion floor applied as ``kg extract`` applies it."""
    from kg.extract import Extractor
    from kg.jsonl import extraction_to_json
    from kg.pipeline import confident

    extractor = Extractor(model=model)
    for extraction in extractor.extract_many(articles):
        yield extraction_to_json(confident(extraction, None))


def reference_records(articles: Iterable[Article], model: str | None = None,
                      relation_model: str | None = None) -> Iterator[dict]:
    """Issue-2 records from spaCy NER, the relation model and the trigger lexicon alone
    (see :mod:`kg.eval.reference`)."""
    from kg.eval.reference import run_reference, run_reference_events
    from kg.nlp import load_pipeline as load_nlp
    from kg.extract.lexicon import DEFAULT_LEXICON, read_lexicon
    from kg.extract.relation_model import RelationModel

    nlp = load_nlp(model)
    articles = list(articles)
    events = {r["id"]: r["events"] for r in run_reference_events(articles, nlp, read_lexicon(DEFAULT_LEXICON))}
    for record in run_reference(articles, nlp, RelationModel.load(relation_model)):
        record["events"] = events[record["id"]]
        yield record


def read_records(source: str | Path | IO[str]) -> dict[str, dict]:
    """Records of a ``kg extract`` JSON Lines file, by article id."""
    def not_a_record(lineno: int, exc: Exception) -> PredictionsError:
        return PredictionsError(f"line {lineno}: not an extraction record ({exc})")

    out = {}
    for lineno, rec in json_lines(source, not_a_record):
        try:
            out[str(rec["id"])] = rec
        except (KeyError, TypeError) as exc:
            raise not_a_record(lineno, exc) from None
    return out


def write_articles(articles: Iterable[Article], out: IO[str]) -> int:
    """Write articles as the ``{id, text}`` JSON Lines ``kg extract`` reads; returns the count."""
    n = 0
    for a in articles:
        out.write(json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) + "\n")
        n += 1
    return n
