"""``kg viz``: the actor pictures from the command line (registered in :mod:`kg.cli`)."""

from __future__ import annotations

import click

from kg.cli_errors import EXIT_STATUS


@click.command("viz", epilog=EXIT_STATUS)
@click.argument("graph", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="actors.html for the interactive page; .png, .svg or .pdf for a picture.")
@click.option("--focus", default=None, metavar="NAME",
              help="Centre on the actor with this name or alias.")
@click.option("--hops", type=click.IntRange(min=0), default=2, show_default=True,
              help="With --focus: how many actor-to-actor steps to keep.")
@click.option("--events", type=click.Choice(["fold", "show"]), default="fold", show_default=True,
              help="Fold events into actor-to-actor edges, or show them as nodes.")
@click.option("--title", default=None, help="Title of the page or picture.")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="Draw only the N most connected actors (pictures: 40 by default; every drawn "
                   "node has its label).")
@click.option("--timeline", is_flag=True,
              help="The events by date and class: a page opened on its timeline, or a "
                   "timeline picture.")
def viz(graph, output, focus, hops, events, title, top, timeline):
    """Draw who relates to whom in GRAPH: an offline HTML page or a static picture.

    \b
    kg viz out/graph.ttl -o actors.html
    kg viz out/graph.ttl -o actors.png --focus "Ismail Haniyeh" --hops 1
    kg viz out/graph.ttl -o actors.png --top 25
    kg viz out/graph.ttl -o timeline.svg --timeline
    """
    from kg.cli_errors import read_graph_file
    from kg.serialize import WriteFailed
    from kg.viz import FocusNotFound, UnknownPictureFormat, output_format, write_viz

    try:
        output_format(output)   # a wrong extension fails before the graph is read
    except UnknownPictureFormat as exc:
        raise click.UsageError(str(exc)) from None
    rdf = read_graph_file(graph).store  # projected from the store: no rdflib graph is made
    try:
        report = write_viz(rdf, output, events=events, focus=focus, hops=hops, title=title,
                           top=top, timeline=timeline)
    except FocusNotFound as exc:
        raise click.BadParameter(str(exc), param_hint="'--focus'") from None
    except WriteFailed as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(report.summary())
