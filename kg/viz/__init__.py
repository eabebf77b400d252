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

import rdflib

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


def write_viz(graph: rdflib.Graph, output: str | Path, *, events: EventsMode = "fold",
              focus: str | None = None, hops: int = 2, title: str | None = None) -> VizReport:
    """Draw the actors of ``graph`` into ``output``; the extension picks page or picture.

    Args:
        graph: the RDF graph of record.
        output: ``.html`` for the interactive page; ``.png``, ``.svg`` or ``.pdf`` for a picture.
        events: ``"fold"`` events into actor-to-actor edges, or ``"show"`` them as nodes.
        focus: centre on the actor with this name (label or alias).
        hops: with ``focus``, how many actor-to-actor steps to keep.
        title: the page or picture title (default: taken from the output file name).

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
        title = f"Actors around {view.focus}" if view.focus else "Actors"
    positions = layout_positions(view)
    dropped: list[str] = []
    if fmt == "html":
        from kg.viz.html import write_html

        write_html(view, output, title=title, positions=positions)
    else:
        from kg.viz.picture import draw_picture

        dropped = draw_picture(view, output, fmt=fmt, title=title,
                               positions=positions).dropped_labels
    return VizReport(output=str(output), format=fmt, nodes=len(view.nodes), edges=len(view.edges),
                     seconds=time.perf_counter() - started, left_out=dict(view.left_out),
                     dropped_labels=dropped)
