"""Colours and sizes shared by the HTML page and the static picture, so both read the same."""

from __future__ import annotations

import math

# Colour-blind-friendly (Okabe-Ito based) colours, one per entity class.
KIND_COLOURS = {
    "Person": "#0072B2",
    "Organization": "#E69F00",
    "Group": "#CC79A7",
    "Country": "#D55E00",
    "City": "#009E73",
    "Region": "#56B4E9",
    "Place": "#8C6D31",
    "Other": "#7F7F7F",
}
EVENT_COLOUR = "#F0E442"
EVENT_BORDER = "#8A7F00"


def colour_of(kind: str, is_event: bool = False) -> str:
    """The fill colour of a node of class ``kind``."""
    if is_event:
        return EVENT_COLOUR
    return KIND_COLOURS.get(kind, KIND_COLOURS["Other"])


def node_size(degree: int, *, smallest: float = 14.0, largest: float = 70.0) -> float:
    """Node diameter in pixels at zoom 1, growing with the square root of the degree."""
    return round(min(largest, smallest + 7.0 * math.sqrt(max(degree, 0))), 1)
