"""The docs say what the code does: no machine's paths, terms and IRIs the graph really has,
counts that match, and an install that prints no packaging warnings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kg import iri
from kg.namespaces import NEWS

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NUMBERS = {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


@pytest.mark.parametrize("path", DOCS + sorted((ROOT / "bench").glob("*.py"))
                         + sorted((ROOT / "scripts").glob("*.py")) + [ROOT / "Makefile"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_absolute_path_of_one_machine(path):
    text = path.read_text(encoding="utf-8")
    assert not re.findall(r"(?<![\w.])/(?:work|root|home)/\S+", text)


def test_graph_layout_names_only_iris_and_terms_the_graph_has():
    text = (ROOT / "docs" / "graph-layout.md").read_text(encoding="utf-8")
    buckets = set(re.findall(r"res:entity/([a-z]+)/", text))
    assert buckets and buckets <= {*iri._BUCKETS.values(), "unnamed"}, buckets
    for term in set(re.findall(r"\bnews:([A-Za-z]+)", text)):
        NEWS[term]  # a term the ontology lacks raises


def test_query_counts_match_the_queries_folder():
    pairs = len(list((ROOT / "queries").glob("*.rq")))
    for path in (ROOT / "README.md", ROOT / "docs" / "queries.md"):
        (word,) = re.findall(r"holds (\w+) analyst questions", path.read_text(encoding="utf-8"))
        assert NUMBERS[word] == pairs, path.name
    assert len(list((ROOT / "queries").glob("*.cypher"))) == pairs


def test_the_install_prints_no_packaging_warnings():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)  # an SPDX expression, not a table
    (setuptools,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77
    install = [line for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line]
    assert install and all("PYTHONWARNINGS=ignore" in line for line in install)
