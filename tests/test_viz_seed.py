"""The pictures of the real seed graph (built with the spaCy model): legible, nothing piled up."""

from __future__ import annotations

import io
import itertools

import pytest

from kg.property_graph import to_property_graph
from kg.viz.model import actor_view
from kg.viz.picture import draw_picture

pytestmark = pytest.mark.model


@pytest.mark.parametrize("events", ["fold", "show"])
def test_seed_picture_labels_do_not_overlap(seed_graph, events):
    view = actor_view(to_property_graph(seed_graph), events=events)
    assert {"Ismail Haniyeh", "Tehran", "Iran", "Hamas"} <= {n.label for n in view.nodes}
    report = draw_picture(view, io.BytesIO(), fmt="png")
    assert report.node_labels == len(view.nodes)   # every actor named
    # With events drawn as nodes the picture is busier: an edge label may give way.
    assert len(report.dropped_labels) <= (0 if events == "fold" else 2)
    for a, b in itertools.combinations(report.boxes.values(), 2):
        assert not a.overlaps(b)


def test_seed_focus_on_haniyeh(seed_graph):
    view = actor_view(to_property_graph(seed_graph), focus="Ismail Haniyeh", hops=1)
    labels = {n.label for n in view.nodes}
    assert {"Ismail Haniyeh", "Tehran", "Hamas"} <= labels
    assert "Gaza Strip" not in labels   # only Israel's attack reaches it
