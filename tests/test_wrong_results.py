"""Values come out as they went in: exports stay valid, numbers stay numbers, names stay names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.cli import main
from kg.namespaces import NEWS
from kg.neo4j_store import _neo4j_value
from kg.property_graph import to_graphml_graph, to_property_graph, write_graphml
from kg.validate import validate_graph
from kg.viz.model import actor_view
from kg.viz.picture import draw_picture


def _graph_with_names(graph_builder, *names):
    gb = graph_builder()
    people = [gb.entity(NEWS.Person, f"person/p{i}", name) for i, name in enumerate(names)]
    for a, b in zip(people, people[1:]):
        gb.relation(a, NEWS.metWith, b, f"{a} met {b}.")
    return gb


def test_graphml_with_control_characters_in_names_is_valid_xml(graph_builder, tmp_path):
    gb = _graph_with_names(graph_builder, "Nul\x00Name", "Bell\x07 and \x1b[2J", "Fine")
    out = tmp_path / "g.graphml"
    write_graphml(gb.graph, out)
    root = ET.parse(out).getroot()          # raised "not well-formed (invalid token)"
    labels = {d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")}
    assert "Nul\\x00Name" in labels and "Bell\\x07 and \\x1b[2J" in labels and "Fine" in labels


def test_a_count_beyond_64_bits_is_exact_and_loads_as_text(graph_builder):
    gb = graph_builder()
    huge = 10 ** 23
    report = gb.event(NEWS.CasualtyReport, 0, "casualties", "10^23 people were killed.")
    gb.graph.add((report, NEWS.deathCount, Literal(huge, datatype=XSD.integer)))
    pg = to_property_graph(gb.graph)
    assert pg.nodes[str(report)]["deathCount"] == huge      # not 99999999999999991611392
    assert _neo4j_value(huge) == "100000000000000000000000" and _neo4j_value(12) == 12
    assert _neo4j_value([1, huge]) == [1, "100000000000000000000000"]
    assert to_graphml_graph(pg).nodes[str(report)]["deathCount"] == "100000000000000000000000"


@pytest.mark.parametrize("name", ["Ke$ha, A$AP Rocky", "$\\frac{$", "50$ and $5", "Ke$ha"])
def test_dollar_signs_in_names_are_text_not_mathtext(graph_builder, tmp_path, name):
    import matplotlib.text

    gb = _graph_with_names(graph_builder, name, "Somebody Else")
    drawn = []
    original = matplotlib.text.Text.draw

    def record(self, renderer):
        drawn.append((self.get_text(), self._preprocess_math(self.get_text())[1]))
        return original(self, renderer)

    matplotlib.text.Text.draw = record
    try:
        draw_picture(actor_view(to_property_graph(gb.graph)), tmp_path / "p.png")  # raised on "$\frac{"
    finally:
        matplotlib.text.Text.draw = original
    assert (name, False) in drawn   # drawn as plain text, not as mathtext


@pytest.mark.model
def test_a_plain_related_to_triple_without_a_claim_does_not_conform(seed_graph):
    from rdflib import Graph

    graph = Graph()
    graph += seed_graph
    assert validate_graph(graph).conforms
    people = sorted(graph.subjects(RDF.type, NEWS.Person))
    graph.add((people[0], NEWS.relatedTo, people[1]))
    report = validate_graph(graph)
    assert not report.conforms
    assert [v.message for v in report.violations] == [
        f"direct relation {NEWS.relatedTo} to {people[1]} has no claim with evidence"]


def test_export_graphml_cli_of_control_characters(graph_builder, tmp_path):
    gb = _graph_with_names(graph_builder, "Esc\x1bape", "Other")
    src = tmp_path / "g.ttl"
    gb.graph.serialize(src, format="turtle")
    out = tmp_path / "g.graphml"
    assert CliRunner().invoke(main, ["export", str(src), "-o", str(out)]).exit_code == 0
    ET.parse(out)
