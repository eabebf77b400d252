"""The shape of the code: kg's modules import one another without circles."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

KG = Path(__file__).resolve().parents[1] / "kg"


def _modules() -> dict[str, Path]:
    out = {}
    for path in KG.rglob("*.py"):
        parts = path.relative_to(KG.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def import_graph() -> nx.DiGraph:
    """Module -> module it imports, at the top or inside a function (a lazy import only hides a
    circle). ``from kg.extract import events`` is an import of ``kg.extract.events``; a module
    importing a package it lies in is not counted (Python has run that package's
    ``__init__`` before the module anyway)."""
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [node.module, *subs]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph.add_edge(name, target)
    return graph


def test_no_module_of_kg_imports_one_that_imports_it_back():
    graph = import_graph()
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert circles == []
    # kg.distributed (Dask workers) needs nothing of the local run
    assert not nx.has_path(graph, "kg.distributed", "kg.pipeline")
    # training code lives apart from evaluation: nothing under kg.eval imports kg.train
    assert not [(a, b) for a, b in graph.edges if a.startswith("kg.eval") and b.startswith("kg.train")]


def test_the_import_graph_sees_lazy_imports():
    graph = import_graph()
    # kg.pipeline imports kg.distributed inside a function
    assert graph.has_edge("kg.pipeline", "kg.distributed")
    assert graph.has_edge("kg.extract.components", "kg.extract.events")


def test_disjoint_sets_keep_the_lowest_root_whatever_the_order_of_unions():
    from kg.disjoint_sets import DisjointSets

    for order in ([(4, 2), (2, 0), (5, 3)], [(5, 3), (0, 2), (2, 4)]):
        sets = DisjointSets(6)
        roots = [sets.union(a, b) for a, b in order]
        assert sets.groups() == [[0, 2, 4], [1], [3, 5]]
        assert sets.find(4) == 0 and sets.find(5) == 3
    assert roots == [3, 0, 0]
