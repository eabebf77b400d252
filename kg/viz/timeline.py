"""The timeline picture (PNG, SVG or PDF): the events of an actor view by date and class.

One row per event class, a mark per event at its date, ISO dates on the axis. Event labels are
placed where they cover no other label and no mark (:func:`kg.viz.labels.place_labels`), the
busiest dates first; a label with no room is left out and counted, never piled on another, so
the picture stays readable at hundreds of events.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from kg.viz.labels import Box, LabelRequest, place_labels  # noqa: E402
from kg.viz.model import ActorView, timeline_events  # noqa: E402
from kg.viz.palette import EVENT_BORDER, colour_of  # noqa: E402

LABEL_POINTS = 8.5
_MAX_LABEL_CHARS = 48


@dataclass
class TimelineReport:
    """What the timeline picture shows and which labels it left out."""

    events: int
    labels: int = 0
    dropped_labels: list[str] = field(default_factory=list)
    boxes: dict[str, Box] = field(default_factory=dict)  # placed labels, in pixels


def _day(iso: str) -> date:
    parts = [int(p) for p in iso.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _short(label: str) -> str:
    text = label.split(": ", 1)[1] if ": " in label else label
    return text if len(text) <= _MAX_LABEL_CHARS else text[:_MAX_LABEL_CHARS - 1] + "…"


def draw_timeline(view: ActorView, out: str | Path | IO[bytes], *, fmt: str | None = None,
                  title: str = "Events in time", dpi: int = 150) -> TimelineReport:
    """Draw the dated events of ``view`` into ``out`` (a path, atomically, or a binary file).

    Example::

        report = draw_timeline(view, "timeline.png")
    """
    from kg.serialize import atomic_write

    if fmt is None:
        fmt = Path(out).suffix.lstrip(".").lower() if not hasattr(out, "write") else "png"
    events = timeline_events(view)
    kinds = sorted({t.kind for t in events})
    width = 14.0
    height = max(3.0, 1.2 + 0.9 * len(kinds) + 0.8)
    with plt.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "kg"}):
        fig = plt.figure(figsize=(width, height), dpi=dpi)
        report = TimelineReport(events=len(events))
        try:
            if not events:
                fig.text(0.5, 0.5, "No dated events to draw", ha="center", fontsize=16)
            else:
                _draw(fig, events, kinds, title, report, dpi)
            with nullcontext(out) if hasattr(out, "write") else atomic_write(out) as handle:
                fig.savefig(handle, format=fmt, dpi=dpi, facecolor="white")
        finally:
            plt.close(fig)
    return report


def _draw(fig, events, kinds, title, report: TimelineReport, dpi: int) -> None:
    height = fig.get_figheight()
    ax = fig.add_axes((0.12, 0.9 / height, 0.86, 1 - 1.6 / height))
    days = [_day(t.date) for t in events]
    lane = {k: i for i, k in enumerate(kinds)}
    xs = mdates.date2num(days)
    ys = [lane[t.kind] for t in events]
    span = max(xs) - min(xs) or 2.0
    ax.set_xlim(min(xs) - span * 0.03, max(xs) + span * 0.03)
    ax.set_ylim(-0.7, len(kinds) - 0.3)
    ax.set_yticks(range(len(kinds)), kinds, fontsize=10, fontweight="bold")
    ax.invert_yaxis()
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))  # ISO, whatever the locale
    ax.tick_params(axis="x", labelsize=9)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", lw=0.8)
    ax.scatter(xs, ys, s=46, c=[colour_of(t.kind, True) for t in events], edgecolors=EVENT_BORDER,
               linewidths=0.7, zorder=3)
    fig.text(0.01, 1 - 0.12 / height, title, ha="left", va="top", fontsize=14, fontweight="bold")
    fig.text(0.01, 1 - 0.44 / height, f"{len(events)} dated events, {days[0]} to {days[-1]}",
             ha="left", va="top", fontsize=9, color="#555")

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    frame_bb = ax.get_window_extent(renderer)
    frame = Box(frame_bb.x0, frame_bb.y0, frame_bb.x1, frame_bb.y1)
    radius = 3.6 * dpi / 72
    anchors = [to_px((x, y)) for x, y in zip(xs, ys)]
    obstacles = [Box(px - radius, py - radius, px + radius, py + radius) for px, py in anchors]

    def measure(text: str) -> tuple[float, float]:
        t = ax.text(0, 0, text, fontsize=LABEL_POINTS)
        bb = t.get_window_extent(renderer)
        t.remove()
        return bb.width + 4, bb.height + 2

    # In date order: a crowded stretch keeps the labels of its first events, the rest are counted.
    requests = []
    for i, (t, (px, py)) in enumerate(zip(events, anchors)):
        w, h = measure(_short(t.label))
        requests.append(LabelRequest(key=str(i), anchor=(px, py), width=w, height=h, radius=radius))
    boxes = place_labels(requests, obstacles, frame)
    report.boxes = boxes
    to_data = ax.transData.inverted().transform
    for i, t in enumerate(events):
        box = boxes.get(str(i))
        if box is None:
            report.dropped_labels.append(t.label)
            continue
        x, y = to_data(box.centre)
        ax.text(x, y, _short(t.label), fontsize=LABEL_POINTS, ha="center", va="center",
                color="#222", zorder=5)
        report.labels += 1
