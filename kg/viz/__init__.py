"""Pictures of who relates to whom: an interactive offline HTML page and a static image.

The one entry point the CLI calls is :func:`write_viz`; the stages are importable on their own:

    RDF graph --to_property_graph--> MultiDiGraph --actor_view--> ActorView
              --layout_positions--> positions --generate_html / draw_picture--> file

Example::

    from kg.viz import write_viz
    report = write_viz(rdf_graph, "actors.html", focus="Ismail Haniyeh", hops=2)
    print(report.summary())
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.viz.model import ActorView, EventsMode, FocusNotFound, actor_view

OUTPUT_FORMATS = ("html", "png", "svg", "pdf")

__all__ = ["OUTPUT_FORMATS", "ActorView", "FocusNotFound", "UnknownPictureFormat", "VizReport",
           "actor_view", "write_viz"]


class UnknownPictureFormat(ValueError):
    """The output's extension names no format ``kg viz`` writes."""


@dataclass
class VizReport:
    """What :func:`write_viz` wrote."""

    output: str
    format: str
    nodes: int
    edges: int
    seconds: float
    left_out: dict[str, int] = field(default_factory=dict)
    dropped_labels: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"wrote {self.output} ({self.format}): {self.nodes} nodes, {self.edges} edges "
                f"in {self.seconds:.1f}s")
        for reason, count in self.left_out.items():
            text += f"; {count} {reason} not drawn"
        if self.dropped_labels:
            text += f"; {len(self.dropped_labels)} labels left out for lack of room"
        return text


def output_format(output: str | Path) -> str:
    """The format named by ``output``'s extension; raises :class:`UnknownPictureFormat`."""
    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in OUTPUT_FORMATS:
        raise UnknownPictureFormat(
            f"cannot tell the format of {str(output)!r}: use a .html, .png, .svg or .pdf file")
    return fmt


DEFAULT_TOP = 40
"""How many of the most connected actors a static picture draws by default."""


def write_viz(graph, output: str | Path, *, events: EventsMode = "fold",
              focus: str | None = None, hops: int = 2, title: str | None = None,
              top: int | None = None, timeline: bool = False) -> VizReport:
    """Draw the actors of ``graph`` into ``output``; the extension picks page or picture.

    Args:
        graph: the RDF graph of record: a pyoxigraph store (read with SPARQL, a chunk of
            nodes at a time: :func:`kg.property_graph.property_graph_records`) or an rdflib graph.
        output: ``.html`` for the interactive page; ``.png``, ``.svg`` or ``.pdf`` for a picture.
        events: ``"fold"`` events into actor-to-actor edges, or ``"show"`` them as nodes.
        focus: centre on the actor with this name (label or alias).
        hops: with ``focus``, how many actor-to-actor steps to keep.
        title: the page or picture title (default: "Actors", or "Events in time").
        top: draw only the ``top`` most connected actors (a picture draws
            :data:`DEFAULT_TOP` by default, the page all of them); a picture draws no node
            without its label, leaving out those it finds no room for.
        timeline: the events by date and class instead of the network: a page opened on its
            timeline (the network beside it), or a timeline picture.

    Raises:
        UnknownPictureFormat: the output's extension is not one of :data:`OUTPUT_FORMATS`.
        FocusNotFound: ``focus`` names no actor; it carries close matches.
    """
    from kg.property_graph import to_property_graph
    from kg.viz.layout import layout_positions

    started = time.perf_counter()
    fmt = output_format(output)
    view = actor_view(to_property_graph(graph), events=events, focus=focus, hops=hops)
    if title is None:
        title = ("Events in time" if timeline else
                 f"Actors around {view.focus}" if view.focus else "Actors")
    if top is not None or (fmt != "html" and not timeline):
        from kg.viz.model import top_actors

        view = top_actors(view, DEFAULT_TOP if top is None else top)
    dropped: list[str] = []
    if fmt == "html":
        from kg.viz.html import write_html

        write_html(view, output, title=title, positions=layout_positions(view),
                   timeline_first=timeline)
    elif timeline:
        from kg.viz.timeline import draw_timeline

        dropped = draw_timeline(view, output, fmt=fmt, title=title).dropped_labels
    else:
        from kg.viz.picture import draw_picture

        drawn = draw_picture(view, output, fmt=fmt, title=title, positions=layout_positions(view))
        dropped, view = drawn.dropped_labels, drawn.view
    return VizReport(output=str(output), format=fmt, nodes=len(view.nodes), edges=len(view.edges),
                     seconds=time.perf_counter() - started, left_out=dict(view.left_out),
                     dropped_labels=dropped)
