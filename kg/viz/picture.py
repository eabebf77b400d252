"""The static picture (PNG, SVG or PDF) of an actor view, drawn with matplotlib for reports.

Uses the same positions, colours and sizes as the page. Node labels, then edge labels, are put
where they cover no other label and no node (:func:`kg.viz.labels.place_labels`); a label moved
away from its node gets a thin leader line. Large graphs label their busiest nodes only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from kg.serialize import atomic_write  # noqa: E402
from kg.viz.labels import Box, LabelRequest, place_labels  # noqa: E402
from kg.viz.layout import Positions, layout_positions  # noqa: E402
from kg.viz.model import ActorView  # noqa: E402
from kg.viz.palette import EVENT_BORDER, KIND_COLOURS, colour_of, node_size  # noqa: E402

PICTURE_FORMATS = ("png", "svg", "pdf")
_MAX_NODE_LABELS = 80
_MAX_EDGE_LABELS = 120
_MAX_ARROWS = 400


@dataclass
class PictureReport:
    """What the picture shows and which labels it had to leave out."""

    nodes: int
    edges: int
    node_labels: int = 0
    edge_labels: int = 0
    dropped_labels: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # ids of nodes drawn without a label
    boxes: dict[str, Box] = field(default_factory=dict)  # placed labels, in pixels
    view: ActorView | None = None  # what was drawn


def draw_picture(view: ActorView, out: str | Path | IO[bytes], *, fmt: str | None = None,
                 title: str = "Actors", positions: Positions | None = None,
                 dpi: int = 150) -> PictureReport:
    """Draw ``view`` into ``out`` (a path, whose suffix picks the format, or a binary file).

    Example::

        report = draw_picture(view, "actors.png", title="Seed graph")
        assert not report.dropped_labels
    """
    if fmt is None:
        fmt = Path(out).suffix.lstrip(".").lower() if not hasattr(out, "write") else "png"
    if fmt not in PICTURE_FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {', '.join(PICTURE_FORMATS)}")
    if positions is None:
        positions = layout_positions(view)
    from kg.viz.model import without

    # text.parse_math off: names are text, never mathtext ("Ke$ha, A$AP Rocky" lost its "$"s
    # to italics, and "$\\frac{" raised)
    with plt.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "kg",
                         "path.simplify": True, "text.parse_math": False}):
        fig, report = _figure(view, positions, title, dpi)
        # A node is drawn only with its label: those whose label found no room go, and the
        # picture is drawn again (the rest keep their places).
        for _ in range(6):
            if not report.unlabelled:
                break
            plt.close(fig)
            view = without(view, set(report.unlabelled))
            fig, report = _figure(view, positions, title, dpi)
        report.view = view
        try:
            with nullcontext(out) if hasattr(out, "write") else atomic_write(out) as handle:
                fig.savefig(handle, format=fmt, dpi=dpi, facecolor="white",
                            metadata={"Software": "kg viz"} if fmt == "png" else None)
        finally:
            plt.close(fig)
    return report


def _figure(view: ActorView, positions: Positions, title: str, dpi: int):
    if view.empty:
        fig = plt.figure(figsize=(8, 4.5), dpi=dpi)
        fig.text(0.5, 0.55, "No actors to draw", ha="center", fontsize=20)
        fig.text(0.5, 0.42, "The graph has no entities that take part in a relation or an event.",
                 ha="center", fontsize=11, color="#555")
        return fig, PictureReport(nodes=0, edges=0)

    xs = [positions[n.id][0] for n in view.nodes]
    ys = [positions[n.id][1] for n in view.nodes]
    span_x, span_y = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    n = len(view.nodes)
    header = 0.9   # inches for the title, summary and legend
    width = min(24.0, max(10.0, 2.2 * math.sqrt(n) + 4))
    height = min(24.0, max(6.0, (width - 0.4) * span_y / span_x + header + 0.4))
    fig = plt.figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0.01, 0.01, 0.98, 1 - (header + 0.1) / height))
    ax.set_axis_off()
    mx, my = span_x * 0.06 + 0.5, span_y * 0.06 + 0.5
    ax.set_xlim(min(xs) - mx, max(xs) + mx)
    ax.set_ylim(min(ys) - my, max(ys) + my)
    ax.autoscale(False)

    degrees = view.degrees()
    by_id = {nd.id: nd for nd in view.nodes}
    # Marker diameter in points: the page's pixel sizes, a little smaller on paper, and never
    # wider than the typical gap between nodes (one layout unit), so big graphs keep room for
    # labels.
    unit_pt = width * 0.98 * 72 / (span_x + 2 * mx)
    diam = {nd.id: max(2.5, min(node_size(degrees[nd.id]) * 0.75, 0.6 * unit_pt))
            for nd in view.nodes}

    # Edges: one line per pair of nodes, whichever way; labels of parallel edges merged.
    pairs: dict[tuple[str, str], list] = defaultdict(list)
    for e in view.edges:
        if e.source != e.target:
            pairs[tuple(sorted((e.source, e.target)))].append(e)
    if len(pairs) <= _MAX_ARROWS:
        for (s, t), edges in pairs.items():
            forward = any(e.source == s for e in edges)
            backward = any(e.source == t for e in edges)
            style = "<|-|>" if forward and backward else "-|>"
            a, b = (s, t) if forward else (t, s)
            ax.add_patch(FancyArrowPatch(positions[a], positions[b], arrowstyle=style,
                                         mutation_scale=9, color="#9aa5b1", lw=0.9,
                                         shrinkA=diam[a] / 2 + 1, shrinkB=diam[b] / 2 + 1,
                                         zorder=1))
    else:
        ax.add_collection(LineCollection([(positions[s], positions[t]) for s, t in pairs],
                                         colors="#9aa5b1", linewidths=0.4, alpha=0.6, zorder=1))

    order = sorted(view.nodes, key=lambda nd: (-degrees[nd.id], nd.label))
    for is_event, marker in ((False, "o"), (True, "D")):
        group = [nd for nd in order if nd.is_event == is_event]
        if not group:
            continue
        ax.scatter([positions[nd.id][0] for nd in group], [positions[nd.id][1] for nd in group],
                   s=[(diam[nd.id] * (0.9 if is_event else 1.0)) ** 2 for nd in group],
                   c=[colour_of(nd.kind, is_event) for nd in group], marker=marker,
                   edgecolors=EVENT_BORDER if is_event else "#00000066", linewidths=0.8,
                   zorder=3)

    top = 1 - 0.12 / height
    fig.text(0.01, top, title, ha="left", va="top", fontsize=14, fontweight="bold")
    fig.text(0.01, top - 0.32 / height, view.summary(), ha="left", va="top", fontsize=9,
             color="#555")
    kinds = sorted({nd.kind for nd in view.nodes if not nd.is_event},
                   key=lambda k: list(KIND_COLOURS).index(k) if k in KIND_COLOURS else 99)
    handles = [Line2D([], [], marker="o", ls="", markersize=8, markerfacecolor=colour_of(k),
                      markeredgecolor="#0006", label=k) for k in kinds]
    if any(nd.is_event for nd in view.nodes):
        handles.append(Line2D([], [], marker="D", ls="", markersize=7, label="Event",
                              markerfacecolor=colour_of("Event", True),
                              markeredgecolor=EVENT_BORDER))
    fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.995, top + 0.04 / height),
               ncol=min(len(handles), 9), fontsize=9, frameon=False)

    report = PictureReport(nodes=n, edges=len(view.edges))
    _label(fig, ax, view, positions, diam, degrees, by_id, pairs, order, report, dpi)
    return fig, report


def _label(fig, ax, view, positions, diam, degrees, by_id, pairs, order, report, dpi):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    to_data = ax.transData.inverted().transform
    px_per_pt = dpi / 72.0
    frame_bb = ax.get_window_extent(renderer)
    frame = Box(frame_bb.x0, frame_bb.y0, frame_bb.x1, frame_bb.y1)

    obstacles = []
    anchor = {}
    for nd in view.nodes:
        x, y = to_px(positions[nd.id])
        r = diam[nd.id] / 2 * px_per_pt
        anchor[nd.id] = (x, y, r)
        obstacles.append(Box(x - r, y - r, x + r, y + r))

    def measure(text: str, size: float) -> tuple[float, float]:
        t = ax.text(0, 0, text, fontsize=size, bbox=_BBOX)
        bb = t.get_window_extent(renderer)
        t.remove()
        return bb.width, bb.height

    node_size_pt = 10 if len(view.nodes) <= 60 else 8
    labelled = order if len(order) <= _MAX_NODE_LABELS else order[:_MAX_NODE_LABELS]
    requests = []
    for nd in labelled:
        x, y, r = anchor[nd.id]
        w, h = measure(nd.label, node_size_pt)
        requests.append(LabelRequest(key=f"n:{nd.id}", anchor=(x, y), width=w, height=h,
                                     radius=r))
    edge_texts = {}
    if len(pairs) <= _MAX_EDGE_LABELS:
        for (s, t), edges in sorted(pairs.items()):
            names = list(dict.fromkeys(e.label for e in edges))
            text = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
            edge_texts[(s, t)] = text
            w, h = measure(text, 7.5)
            requests.append(LabelRequest(key=f"e:{s}|{t}", anchor=anchor[s][:2],
                                         along=anchor[t][:2], width=w, height=h))
    boxes = place_labels(requests, obstacles, frame)
    report.boxes = boxes

    for nd in labelled:
        box = boxes.get(f"n:{nd.id}")
        if box is None:
            report.dropped_labels.append(nd.label)
            report.unlabelled.append(nd.id)
            continue
        cx, cy = box.centre
        x, y, r = anchor[nd.id]
        dx, dy = to_data((cx, cy))
        if math.hypot(cx - x, cy - y) - r > max(box.x1 - box.x0, box.y1 - box.y0) / 2 + 12:
            # Moved well away from its node: a leader line says whose label it is.
            ax.plot(*zip(positions[nd.id], (dx, dy)), color="#666", lw=0.5, zorder=2)
        ax.text(dx, dy, nd.label, fontsize=node_size_pt, ha="center", va="center", zorder=5,
                bbox=_BBOX, color="#111")
        report.node_labels += 1
    for (s, t), text in edge_texts.items():
        box = boxes.get(f"e:{s}|{t}")
        if box is None:
            report.dropped_labels.append(text)
            continue
        dx, dy = to_data(box.centre)
        ax.text(dx, dy, text, fontsize=7.5, ha="center", va="center", zorder=4,
                bbox=_EDGE_BBOX, color="#334", style="italic")
        report.edge_labels += 1


_BBOX = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85}
_EDGE_BBOX = {"boxstyle": "round,pad=0.15", "fc": "#f4f6f8", "ec": "none", "alpha": 0.9}
