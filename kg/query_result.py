"""The result and error types every query engine of kg shares: SPARQL on pyoxigraph
(:mod:`kg.query`), Cypher embedded (:mod:`kg.embedded_cypher`) and Cypher on Neo4j
(:mod:`kg.neo4j_store`). :mod:`kg.query` re-exports them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_NAMESPACES = {
    "news": "https://w3id.org/kg-news/ontology#",
    "res": "https://w3id.org/kg-news/resource/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
_COMPACT = sorted(_NAMESPACES.items(), key=lambda kv: -len(kv[1]))


class QuerySyntaxError(ValueError):
    """A query that does not parse; the message names the line and column."""


class QueryError(RuntimeError):
    """A query that parsed but could not run (an unsupported feature, a type clash)."""


class UnsupportedFeature(QueryError):
    """Valid Cypher that the embedded engine cannot run; Neo4j can (``--neo4j``)."""


class IRI(str):
    """A value that is an IRI (a string everywhere, written as a compact name in tables)."""

    __slots__ = ()

    def compact(self) -> str:
        """``news:visited``, ``res:entity/person/ismail-haniyeh``, or the IRI itself."""
        for prefix, ns in _COMPACT:
            if self.startswith(ns) and len(self) > len(ns):
                return f"{prefix}:{self[len(ns):]}"
        return str(self)


@dataclass(frozen=True)
class QueryResult:
    """Columns and rows of plain values, whichever engine produced them.

    A SPARQL CONSTRUCT or DESCRIBE also keeps its ``triples`` (pyoxigraph terms), to be written
    as RDF; its rows are then ``subject predicate object``.
    """

    columns: list[str]
    rows: list[tuple[Any, ...]]
    triples: list | None = None

    def records(self) -> list[dict[str, Any]]:
        """The rows as objects mapping each column to its value."""
        return [dict(zip(self.columns, row)) for row in self.rows]


_CYPHER_PARAMETER = re.compile(
    r'"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*'" r"|//[^\n]*|/\*.*?\*/|`[^`]*`"
    r"|\$(\w+)", re.S)
NEO4J_HINT = "run it on Neo4j with --neo4j (after kg load GRAPH --neo4j URI)"


def cypher_parameters(query: str) -> list[str]:
    """The ``$name`` parameters a Cypher query uses (outside its strings and comments)."""
    return list(dict.fromkeys(m.group(1) for m in _CYPHER_PARAMETER.finditer(query)
                              if m.group(1)))


