"""SHACL validation of kg graphs against ``ontology/shapes.ttl``, reported in words a person can
act on: which node, which property, what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import SH

from kg.namespaces import ONTOLOGY_FILE, SHAPES_FILE


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"- {self.focus}{where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]

    def text(self) -> str:
        if self.conforms:
            return "the graph conforms to the kg shapes"
        lines = [f"the graph does not conform: {len(self.violations)} violation(s)"]
        lines += [str(v) for v in self.violations[:200]]
        if len(self.violations) > 200:
            lines.append(f"... and {len(self.violations) - 200} more")
        return "\n".join(lines)


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate ``graph`` against the kg shapes, with the ontology's class hierarchy."""
    from pyshacl import validate

    if len(graph) == 0:  # an empty graph would "conform" to every shape
        return ValidationReport(False, (Violation(
            "the graph", None, "holds no triples, so it is no kg graph (a JSON-LD file whose keys "
            "no context maps to IRIs reads as empty)", None),))
    conforms, results, _ = validate(graph, shacl_graph=_shapes(), ont_graph=_ontology(),
                                    inference="none", advanced=True, allow_warnings=False)
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        def value(p):
            v = results.value(result, p)
            return None if v is None else graph.namespace_manager.normalizeUri(v) \
                if hasattr(v, "n3") and not hasattr(v, "datatype") else str(v)
        violations.append(Violation(
            focus=value(SH.focusNode), path=value(SH.resultPath),
            message=str(results.value(result, SH.resultMessage) or "constraint violated"),
            value=value(SH.value)))
    violations.sort(key=lambda v: (v.focus or "", v.path or "", v.message))
    return ValidationReport(bool(conforms), tuple(violations))
