"""kg viz without a browser: the actor view, layout, label placement, the page text, the static
picture and the command line. The graphs are the hand-made ones of tests/conftest.py."""

from __future__ import annotations

import io
import itertools
import math
import os
import re

import numpy as np
import pytest
from PIL import Image
from rdflib import RDF, RDFS, Literal, URIRef

import kg
from click.testing import CliRunner
from conftest import synthetic_records
from kg.cli import main
from kg.namespaces import NEWS
from kg.property_graph import to_property_graph
from kg.viz import FocusNotFound, UnknownPictureFormat, output_format, write_viz
from kg.viz.html import generate_html, page_data
from kg.viz.labels import Box, LabelRequest, place_labels
from kg.viz.layout import layout_positions
from kg.viz.model import ActorView, ViewEdge, ViewNode, actor_view
from kg.viz.picture import draw_picture

RES = "https://w3id.org/kg-news/resource/"
HANIYEH = RES + "entity/person/ismail-haniyeh"
TEHRAN = RES + "entity/place/tehran"


def _edges(view: ActorView, type_: str) -> list[ViewEdge]:
    return [e for e in view.edges if e.type == type_]


def _png_pixels(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    image.verify()
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float)


# --- the actor view ----------------------------------------------------------------------------


def test_unnamed_role_fillers_are_not_drawn(small_graph):
    people = URIRef(RES + "entity/unnamed/a1/13-people")
    attack = URIRef(RES + "event/a1/50-attack")
    for triple in [(people, RDF.type, NEWS.Group), (people, RDFS.label, Literal("13 people")),
                   (people, NEWS.unnamed, Literal(True)), (attack, RDF.type, NEWS.Attack),
                   (attack, NEWS.actor, URIRef(HANIYEH)), (attack, NEWS.target, people)]:
        small_graph.add(triple)
    pg = to_property_graph(small_graph)
    assert pg.nodes[str(people)]["unnamed"] is True  # the projection keeps it
    for events in ("fold", "show"):
        assert "13 people" not in {n.label for n in actor_view(pg, events=events).nodes}


def test_fold_draws_actors_with_relations_and_events_as_edges(small_graph):
    view = actor_view(to_property_graph(small_graph))
    kinds = {n.label: n.kind for n in view.nodes}
    assert kinds == {"Ismail Haniyeh": "Person", "Hossein Amir-Abdollahian": "Person",
                     "Hamas": "Organization", "UN Security Council": "Organization",
                     "Tehran": "City", "Iran": "Country", "Israel": "Country",
                     "Palestinians": "Group"}
    assert not any(n.is_event for n in view.nodes)
    visit, = _edges(view, "VISIT")
    assert (visit.source, visit.target) == (HANIYEH, TEHRAN)
    assert visit.date == "2024-03-26"
    assert visit.event_label == "Visit: Ismail Haniyeh to Tehran"
    assert visit.evidence[0].sentence.startswith("Hamas chief Ismail Haniyeh arrived in Tehran")
    assert visit.evidence[0].title == "Haniyeh in Tehran"
    leader, = _edges(view, "LEADER_OF")
    assert leader.label == "leader of" and leader.evidence[0].confidence == pytest.approx(0.7)
    # Participants of a meeting meet each other and its place.
    assert len(_edges(view, "MEETING")) == 3
    # A reported claim has no asserted triple, so the projection (and the picture) omits it.
    assert not _edges(view, "KILLED")


def test_show_draws_events_as_nodes_with_role_edges(small_graph):
    view = actor_view(to_property_graph(small_graph), events="show")
    events = {n.kind for n in view.nodes if n.is_event}
    assert events == {"Visit", "Meeting", "Statement", "Resolution", "CasualtyReport", "Attack"}
    roles = {e.type for e in view.edges if e.event}
    assert {"ACTOR", "DESTINATION", "PARTICIPANT", "PLACE", "AFFECTED_GROUP"} <= roles
    hamas_statement = next(e for e in view.edges if e.event and e.event.endswith("1700-statement"))
    assert hamas_statement.date is None and hamas_statement.date_text == "early Tuesday"
    report = next(e for e in view.edges if e.type == "AFFECTED_GROUP")
    assert ("deathCount", "32414") in report.facts


def test_focus_keeps_actors_within_hops(small_graph):
    pg = to_property_graph(small_graph)
    one = actor_view(pg, focus="haniyeh", hops=1)   # an alias, any case
    assert one.focus == "Ismail Haniyeh"
    assert {n.label for n in one.nodes} == {"Ismail Haniyeh", "Hamas", "Tehran", "Iran",
                                            "Hossein Amir-Abdollahian"}
    assert "Israel" not in {n.label for n in actor_view(pg, focus="Ismail Haniyeh", hops=5).nodes}
    assert {n.label for n in actor_view(pg, focus="Ismail Haniyeh", hops=0).nodes} == {
        "Ismail Haniyeh"}


def test_focus_on_an_unknown_name_lists_close_matches(small_graph):
    with pytest.raises(FocusNotFound) as caught:
        actor_view(to_property_graph(small_graph), focus="Ismail Hanieh")
    assert caught.value.close_matches[0] == "Ismail Haniyeh"
    assert "Close matches: 'Ismail Haniyeh'" in str(caught.value)
    with pytest.raises(FocusNotFound) as caught:
        actor_view(to_property_graph(small_graph), focus="Zzyzx")
    assert caught.value.close_matches == [] and "No close matches" in str(caught.value)


def test_a_graph_without_relations_has_no_actors(graph_builder):
    b = graph_builder()
    b.entity(NEWS.Person, "person/ismail-haniyeh", "Ismail Haniyeh")
    view = actor_view(to_property_graph(b.graph))
    assert view.empty
    assert view.left_out == {"entities with no edge to draw": 1}


# --- layout and labels -------------------------------------------------------------------------


def test_layout_is_deterministic_and_places_every_node(small_graph):
    view = actor_view(to_property_graph(small_graph), events="show")
    first, second = layout_positions(view), layout_positions(view)
    assert first == second
    assert set(first) == {n.id for n in view.nodes}
    points = np.array(list(first.values()))
    assert np.isfinite(points).all()
    # No two nodes on top of each other.
    assert min(math.dist(a, b) for a, b in itertools.combinations(first.values(), 2)) > 0.15


def test_communities_do_not_change_with_the_hash_seed():
    """A component is laid out as a subgraph of the view, whose nodes networkx iterates in the
    order of a set of their names, which follows the run's string hash seed; Louvain then found
    other communities, and the same graph came out as a different picture on every run."""
    import subprocess
    import sys

    script = ("import json, networkx as nx; from kg.viz.layout import communities; "
              "g = nx.relabel_nodes(nx.barabasi_albert_graph(300, 1, seed=3), lambda i: f'n{i}'); "
              "g.add_nodes_from(f'alone{i}' for i in range(400)); "
              "part = g.subgraph(set(nx.node_connected_component(g, 'n0'))); "
              "print(json.dumps(communities(part), sort_keys=True))")
    found = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
             for seed in range(1, 7)}
    assert len(found) == 1


def test_labels_never_overlap_and_stay_in_the_frame():
    frame = Box(0, 0, 400, 300)
    requests = [LabelRequest(key=str(i), anchor=(200 + (i % 3) * 4, 150 + (i // 3) * 4),
                             width=60, height=12, radius=5) for i in range(12)]
    boxes = place_labels(requests, [Box(195, 145, 215, 165)], frame)
    assert len(boxes) == 12
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.overlaps(b)
    assert all(b.inside(frame) and not b.overlaps(Box(195, 145, 215, 165)) for b in boxes.values())


def test_a_label_with_no_room_is_dropped_not_piled_up():
    frame = Box(0, 0, 200, 20)   # room for one label left and one right of the anchor
    requests = [LabelRequest(key=str(i), anchor=(100, 10), width=90, height=15) for i in range(3)]
    assert sorted(place_labels(requests, [], frame)) == ["0", "1"]


# --- the page ----------------------------------------------------------------------------------


def test_page_is_self_contained(small_graph):
    text = generate_html(actor_view(to_property_graph(small_graph)), title="Seed")
    assert "Copyright (c) 2016-2025, The Cytoscape Consortium" in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)
    assert not re.search(r"""(fetch|XMLHttpRequest|import)\(\s*['"]https?:""", text)


def test_page_data_escapes_article_text_inside_the_script(graph_builder):
    b = graph_builder()
    a = b.entity(NEWS.Person, "person/a", "A </script><b>")
    c = b.entity(NEWS.Country, "place/c", "C")
    b.relation(a, NEWS.visited, c, "He said </script><script>alert(1)</script> & left.")
    text = generate_html(actor_view(to_property_graph(b.graph)))
    assert text.count("</script>") == 3   # the data, the library and the page script
    assert "alert(1)" in text and "<script>alert" not in text


def test_page_data_counts_and_positions(small_graph):
    view = actor_view(to_property_graph(small_graph))
    data = page_data(view)
    assert len(data["nodes"]) == len(view.nodes) and len(data["edges"]) == len(view.edges)
    assert {k["name"] for k in data["kinds"]} == {"Person", "Organization", "Group", "Country",
                                                  "City"}
    assert data["dateMin"] == "2024-03-26" and data["dateMax"] == "2024-03-26"
    haniyeh = next(n for n in data["nodes"] if n["id"] == HANIYEH)
    assert haniyeh["size"] == max(n["size"] for n in data["nodes"])   # the busiest is largest


def test_empty_page_says_there_are_no_actors(graph_builder):
    text = generate_html(actor_view(to_property_graph(graph_builder().graph)))
    assert 'id="empty"' in text and "No actors to draw" in text
    assert "cytoscape" not in text


# --- the static picture ------------------------------------------------------------------------


@pytest.mark.parametrize("events", ["fold", "show"])
def test_picture_is_a_valid_png_with_legible_labels(small_graph, events):
    view = actor_view(to_property_graph(small_graph), events=events)
    out = io.BytesIO()
    report = draw_picture(view, out, fmt="png", title="Seed")
    pixels = _png_pixels(out.getvalue())
    assert pixels.std() > 10   # not blank
    assert report.dropped_labels == []
    assert report.node_labels == len(view.nodes)
    for a, b in itertools.combinations(report.boxes.values(), 2):
        assert not a.overlaps(b)


def test_picture_of_an_empty_graph_says_so(graph_builder):
    out = io.BytesIO()
    draw_picture(actor_view(to_property_graph(graph_builder().graph)), out, fmt="png")
    assert _png_pixels(out.getvalue()).std() > 1


def test_write_viz_picks_the_format_from_the_extension(small_graph, tmp_path):
    report = write_viz(small_graph, tmp_path / "a.svg")
    assert report.format == "svg" and (tmp_path / "a.svg").read_text().startswith("<?xml")
    assert output_format("x.HTM") == "html"
    with pytest.raises(UnknownPictureFormat):
        output_format("x.gif")


@pytest.mark.parametrize("articles,top", [(20, None), (200, None), (200, 15)])
def test_picture_draws_only_what_it_labels(tmp_path, articles, top):
    from kg.viz import DEFAULT_TOP
    from kg.viz.model import top_actors

    graph = kg.KnowledgeGraph.from_extractions(synthetic_records(articles))
    view = top_actors(actor_view(to_property_graph(graph.to_rdflib())), top or DEFAULT_TOP)
    assert len(view.nodes) == min(top or DEFAULT_TOP, len(view.nodes))
    report = draw_picture(view, tmp_path / "actors.png")
    assert report.unlabelled == []
    drawn = {n.id for n in report.view.nodes}
    assert {k[2:] for k in report.boxes if k.startswith("n:")} == drawn  # every node its label
    boxes = list(report.boxes.values())
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    written = graph.viz(tmp_path / "cli.svg", top=top)
    assert written.nodes == len(drawn)
    everyone = len(actor_view(to_property_graph(graph.to_rdflib())).nodes)
    assert (f"beyond the top {top or DEFAULT_TOP}" in written.summary()) == (everyone > len(drawn))


def test_timeline_picture_at_200_articles(tmp_path):
    from kg.viz.timeline import draw_timeline

    graph = kg.KnowledgeGraph.from_extractions(synthetic_records(200))
    report = draw_timeline(actor_view(to_property_graph(graph.to_rdflib())), tmp_path / "timeline.png")
    assert report.events == 400 and report.labels >= 20
    assert report.labels + len(report.dropped_labels) == report.events
    boxes = list(report.boxes.values())
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert (tmp_path / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = CliRunner().invoke(main, ["viz", str(graph_file_of(graph, tmp_path)), "-o",
                                       str(tmp_path / "t.svg"), "--timeline"])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "t.svg").read_text()
    assert "2005-01-01" in svg or "2005-03-01" in svg


def graph_file_of(graph, tmp_path):
    path = tmp_path / "g.ttl"
    graph.serialize(path)
    return path


def test_top_actors_keeps_no_lone_node():
    from kg.viz.model import top_actors

    hub = [ViewNode(id=f"h{i}", label=f"Hub {i}", kind="Person") for i in range(3)]
    lone = ViewNode(id="lone", label="Lone", kind="Person")
    others = [ViewNode(id=f"o{i}", label=f"Other {i}", kind="City") for i in range(6)]
    edges = [ViewEdge(id=f"e{i}", source="h0", target=f"h{1 + i % 2}", type="MET_WITH", label="met with")
             for i in range(4)]
    edges += [ViewEdge(id=f"l{i}", source="lone", target=f"o{i}", type="VISITED", label="visited")
              for i in range(6)]  # the lone node is busy, but with nodes outside the top
    edges += [ViewEdge(id="x", source="h1", target="o0", type="VISITED", label="visited")]
    view = ActorView(nodes=tuple(hub + [lone] + others), edges=tuple(edges))
    top = top_actors(view, 3)
    kept = {n.id for n in top.nodes}
    assert "lone" not in kept and len(kept) == 3
    assert all(any(e.source == n or e.target == n for e in top.edges) for n in kept)
    assert "entities beyond the top 3" in top.left_out


def test_viz_timeline_page_opens_on_the_timeline(tmp_path):
    from conftest import news_records

    graph = kg.KnowledgeGraph.from_extractions(news_records())
    graph.viz(tmp_path / "t.html", timeline=True)
    graph.viz(tmp_path / "a.html")
    timeline, actors = (tmp_path / "t.html").read_text(), (tmp_path / "a.html").read_text()
    assert '<body class="timeline-first">' in timeline and "<title>Events in time</title>" in timeline
    assert '<body class="timeline-first">' not in actors
    data = page_data(actor_view(to_property_graph(graph.to_rdflib())))
    assert [(e["kind"], e["date"]) for e in data["events"]] == [("Meeting", "2005-01-10"),
                                                                 ("Visit", "2005-02-01")]
