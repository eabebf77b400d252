"""``kg eval``: score kg's extraction on CoNLL-2003 names, CoNLL04 relations and WikiEvents events."""

from __future__ import annotations

import json
import time

import click

from kg.eval.datasets import DatasetError, read_conll03, read_conll04, read_wikievents, resolve_split
from kg.eval.runner import PredictionsError, read_records


def _common(f):
    f = click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0,
                     help="Print N misses and N false alarms with their sentences.")(f)
    f = click.option("--predictions", type=click.Path(exists=True, dir_okay=False), default=None,
                     help="Score this `kg extract` JSONL instead of running the extractor.")(f)
    f = click.option("--extractor", type=click.Choice(["kg", "reference"]), default="kg",
                     show_default=True,
                     help="kg: the full extractor; reference: spaCy NER plus the relation model only.")(f)
    f = click.option("--model", default=None, help="spaCy pipeline to load.")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")(f)
    f = click.option("--dump-articles", type=click.File("w"), default=None,
                     help="Write the dataset's articles as JSONL for `kg extract` and exit.")(f)
    return click.argument("path", type=click.Path(exists=True))(f)


def _records(articles, predictions, extractor, model):
    if predictions:
        return read_records(predictions)
    if extractor == "reference":
        from kg.eval.runner import reference_records

        return {r["id"]: r for r in reference_records(articles, model)}
    try:
        from kg.eval.runner import extract_records

        return {r["id"]: r for r in extract_records(articles, model)}
    except ImportError as exc:
        raise click.ClickException(f"kg's extractor is not available ({exc}); "
                                   "use --extractor reference or --predictions FILE") from None


def _print_errors(scores, n: int) -> None:
    for kind in ("miss", "false alarm"):
        cases = [e for e in scores.errors if e.kind == kind][:n]
        if not cases:
            continue
        click.echo(f"\n{scores.task}: {len(cases)} {kind}{'es' if kind == 'miss' else 's'}")
        for e in cases:
            click.echo(f"  [{e.doc_id}] {e.description}\n      {e.context[:300]}")


def _report(tables, n_errors, as_json, extra):
    if as_json:
        click.echo(json.dumps({**extra, "scores": [t.to_dict() for t in tables]}, indent=2))
        return
    for t in tables:
        click.echo(t.table() + "\n")
    for k, v in extra.items():
        click.echo(f"{k}: {v}")
    if n_errors:
        for t in tables:
            _print_errors(t, n_errors)


def _text_file(path, read, *args):
    """``read(*args)``, with a binary file at ``path`` as a DatasetError."""
    try:
        return read(*args)
    except UnicodeDecodeError as exc:
        raise DatasetError(f"cannot read {path}: not UTF-8 text (byte {exc.start})") from None


@click.group("eval")
def eval_group():
    """Score kg's extraction on public benchmarks (dev splits; see docs/eval.md)."""


def _score_wikievents(docs, records, keep_errors=False):
    """The trigger tables over the 8 original types and over all types, then the arguments."""
    from kg.eval.scoring import score_wikievents

    eight, eight_args = score_wikievents(docs, records, keep_errors=keep_errors)
    every, every_args = score_wikievents(docs, records, keep_errors=keep_errors, types=None)
    return [eight, every, every_args, eight_args]


def _evaluate(path, dataset, n_errors, predictions, extractor, model, as_json, dump_articles,
              aside=False):
    """Read the split, get records (extract, or read --predictions), score and report."""
    from kg.eval.scoring import out_of_scope_events, score_conll03, score_conll04

    reader, scorer = {"conll04": (read_conll04, score_conll04),
                      "conll03": (read_conll03, score_conll03),
                      "wikievents": (read_wikievents, _score_wikievents)}[dataset]
    try:
        docs = _text_file(path, reader, resolve_split(path, dataset))
        if aside:
            from kg.extract.trigger_model import TriggerModel

            keep = set(TriggerModel.shipped().meta.get("aside", ()))
            docs = [d for d in docs if d.article.id in keep]
        if not docs:  # zero scores from nothing would read as a result
            raise DatasetError(f"{path} holds no {dataset} documents"
                               + (" the trigger model set aside" if aside else ""))
        articles = [d.article for d in docs]
        if dump_articles:
            from kg.eval.runner import write_articles

            click.echo(f"wrote {write_articles(articles, dump_articles)} articles", err=True)
            return
        t0 = time.time()
        records = _text_file(predictions or path, _records, articles, predictions, extractor, model)
        tables = scorer(docs, records, keep_errors=bool(n_errors))
    except (DatasetError, PredictionsError, OSError) as exc:
        raise click.ClickException(str(exc)) from None

    extra = {"articles": len(docs)}
    if dataset == "wikievents":
        extra["gold events of types kg has no class for"] = out_of_scope_events(docs)
        extra["trigger F1, 8 original types"] = round(tables[0].micro.f1, 3)
        extra["trigger F1, all types"] = round(tables[1].micro.f1, 3)
        extra["argument F1, all types"] = round(tables[2].micro.f1, 3)
    if dataset == "conll04":
        from kg.eval.scoring import (Counts, calibration_noise, reliability, relation_confidences,
                                     reliability_table)

        points = relation_confidences(docs, records)
        rows, ece = reliability([p for p, _r, _a in points], [r for _p, r, _a in points])
        asserted = [r for _p, r, a in points if a]
        extra["expected calibration error"] = round(ece, 4)
        noise = calibration_noise([p for p, _r, _a in points], trials=500)
        extra["expected calibration error of a perfectly calibrated extractor, by chance"] = round(noise, 4)
        named = Counts()
        for t in ("Peop", "Org", "Loc"):
            named.add(tables[1].counts(t))
        extra["entity micro F1 over Peop/Org/Loc (Other left out)"] = round(named.f1, 4)
        extra["asserted relation precision"] = round(sum(asserted) / len(asserted), 4) if asserted else 0.0
        extra["asserted relations"] = len(asserted)
        if not as_json:
            click.echo(reliability_table(points, noise) + "\n")
        else:
            extra["reliability"] = [{"low": lo, "high": hi, "n": n, "confidence": round(c, 4),
                                     "precision": round(p, 4)} for lo, hi, n, c, p in rows]
    extra["seconds"] = round(time.time() - t0, 1)
    _report(tables, n_errors, as_json, extra)


@eval_group.command("conll04")
@_common
def conll04(**options):
    """Strict relation (and entity) scores on a CoNLL04 split in SpERT JSON.

    PATH is a split file (conll04_dev.json) or a folder holding conll04_dev.json.
    """
    _evaluate(dataset="conll04", **options)


@eval_group.command("conll03")
@_common
def conll03(**options):
    """Strict PER/ORG/LOC NER scores on a CoNLL-2003 English file (MISC is left out).

    PATH is a file in the CoNLL-2003 format (eng.testa) or a folder holding eng.testa. Spans
    are compared as the dataset's tokens.
    """
    _evaluate(dataset="conll03", **options)


@eval_group.command("wikievents")
@_common
@click.option("--aside", is_flag=True,
              help="Score only the documents the trigger classifier's training set aside.")
def wikievents(**options):
    """Trigger and argument scores on WikiEvents JSONL (dev.jsonl).

    PATH is the JSONL file or a folder holding dev.jsonl. Trigger scores are printed over the
    8 KAIROS types kg's original classes map onto and over all gold types (gold of a type kg has
    no class for counts as missed); argument scores over all types and over the 8. WikiEvents dev
    is training data of the trigger classifier: ``--aside`` scores only the documents its
    training set aside (see docs/eval.md).
    """
    _evaluate(dataset="wikievents", **options)


@eval_group.command("ecbplus")
@click.argument("path", type=click.Path(exists=True))
@click.option("--split", type=click.Choice(["dev", "train"]), default="dev", show_default=True,
              help="Which topics of train_dev.jsonl to score.")
@click.option("--model", default=None, help="spaCy pipeline to load.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def ecbplus(path, split, model, as_json):
    """Cross-document coreference of entities and events on ECB+, within topics.

    PATH is train_dev.jsonl or the folder holding it. kg extracts every document of the split,
    builds and settles one corpus graph, and reads identity from it: named PER/ORG/GPE/LOC/FAC
    mentions (mention detection, then pairwise P/R/F1 across documents, MUC, B3, CEAF-e and
    CoNLL F1, beside the exact-string and last-word baselines), then ACTION_* event mentions
    beside a head-lemma baseline.
    """
    from kg.eval.ecbplus import graph_predictions, head_lemmas, read_ecbplus, score_ecbplus

    t0 = time.time()
    try:
        docs = _text_file(path, read_ecbplus, path, split)
    except (DatasetError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    if not docs:
        raise click.ClickException(f"{path} holds no ECB+ {split} documents")
    from kg.extract import Extractor
    from kg.pipeline import confident
    from kg.rdf import CorpusGraph

    extractor = Extractor(model=model)
    extractions = [confident(e, None) for e in extractor.extract_many(d.article for d in docs)]
    corpus = CorpusGraph()
    for ex in extractions:
        corpus.add(ex)
    corpus.settle()
    names, events = graph_predictions(extractions, corpus)
    scores = score_ecbplus(docs, names, events, head_lemmas(docs, extractor.nlp))
    extra = {"articles": len(docs), "topics": len({d.topic for d in docs}),
             "seconds": round(time.time() - t0, 1)}
    if as_json:
        click.echo(json.dumps({**extra, **scores.to_dict()}, indent=2))
        return
    click.echo(scores.tables() + "\n")
    for k, v in extra.items():
        click.echo(f"{k}: {v}")
