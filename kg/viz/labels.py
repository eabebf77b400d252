"""Label placement that keeps labels off each other and off the nodes.

Greedy and deterministic: labels are placed in priority order (busiest nodes first); each tries
positions around its anchor, nearest ring first, and takes the first whose box overlaps no label
placed before it, no node and stays inside the frame. A label with no free spot within reach is
dropped rather than piled on top of another (the caller decides whether that is acceptable).
Pure geometry in display units (pixels), so it is testable without drawing anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        return not (self.x1 + pad <= other.x0 or other.x1 + pad <= self.x0
                    or self.y1 + pad <= other.y0 or other.y1 + pad <= self.y0)

    def inside(self, frame: Box) -> bool:
        return (self.x0 >= frame.x0 and self.y0 >= frame.y0
                and self.x1 <= frame.x1 and self.y1 <= frame.y1)

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class LabelRequest:
    """A label of ``width`` x ``height`` to put near ``anchor``, clear of a disc of ``radius``.

    ``along`` (a second point) makes it an edge label: candidates then lie along the segment
    from ``anchor`` to ``along`` instead of around a node.
    """

    key: str
    anchor: tuple[float, float]
    width: float
    height: float
    radius: float = 0.0
    along: tuple[float, float] | None = None


# Directions tried around a node: right, left, below, above, then the diagonals.
_DIRECTIONS = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1),
               (0.5, -1), (-0.5, -1), (0.5, 1), (-0.5, 1)]
_RINGS = (2.0, 10.0, 22.0, 38.0, 60.0)


def _node_candidates(req: LabelRequest):
    ax, ay = req.anchor
    w, h = req.width, req.height
    for gap in _RINGS:
        for dx, dy in _DIRECTIONS:
            norm = math.hypot(dx, dy)
            ux, uy = dx / norm, dy / norm
            # Push the box out until its nearest side clears the node by `gap`.
            reach = req.radius + gap
            cx = ax + ux * reach + math.copysign(w / 2, ux) * (abs(ux) > 1e-9)
            cy = ay + uy * reach + math.copysign(h / 2, uy) * (abs(uy) > 1e-9)
            yield Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), gap


def _edge_candidates(req: LabelRequest):
    (x0, y0), (x1, y1) = req.anchor, req.along
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx_, ny_ = -(y1 - y0) / length, (x1 - x0) / length
    w, h = req.width, req.height
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
        for shift in (0.0, h * 0.8, -h * 0.8, h * 1.8, -h * 1.8):
            cx = x0 + (x1 - x0) * t + nx_ * shift
            cy = y0 + (y1 - y0) * t + ny_ * shift
            yield Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), abs(shift)


def place_labels(requests: list[LabelRequest], obstacles: list[Box], frame: Box,
                 *, pad: float = 1.5) -> dict[str, Box]:
    """Boxes for as many labels as fit, in the order given (put the important ones first).

    Args:
        requests: labels to place.
        obstacles: boxes no label may cover (node markers).
        frame: the drawable area; labels stay inside it.
        pad: minimum gap between two labels, in pixels.

    Returns:
        ``{key: box}`` for the labels placed; no two boxes overlap.
    """
    placed: dict[str, Box] = {}
    grid = _Grid(cell=40.0)
    for ob in obstacles:
        grid.add(ob)
    for req in requests:
        candidates = _edge_candidates(req) if req.along is not None else _node_candidates(req)
        for box, _ in candidates:
            if box.inside(frame) and not grid.hits(box, pad):
                placed[req.key] = box
                grid.add(box)
                break
    return placed


class _Grid:
    """A uniform grid of boxes, so each overlap test looks at a few neighbours only."""

    def __init__(self, cell: float):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box, pad: float = 0.0):
        c = self.cell
        for i in range(int(np.floor((box.x0 - pad) / c)), int(np.floor((box.x1 + pad) / c)) + 1):
            for j in range(int(np.floor((box.y0 - pad) / c)), int(np.floor((box.y1 + pad) / c)) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: Box, pad: float) -> bool:
        return any(box.overlaps(other, pad) for key in self._keys(box, pad)
                   for other in self.cells.get(key, ()))
