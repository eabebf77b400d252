"""Run SPARQL and Cypher on a kg graph, embedded, and format the results.

- SPARQL runs on pyoxigraph (an embedded RDF store, far faster than rdflib's SPARQL), with the
  prefixes ``news rdf rdfs xsd schema prov skos`` predeclared.
- Cypher runs on the property-graph projection (:mod:`kg.property_graph`) loaded into Ladybug,
  an embedded graph database (:mod:`kg.embedded_cypher` says how a query is read as on Neo4j:
  dates are ISO strings in the embedded view, and ``date("2024-03-26")`` literals become
  ``"2024-03-26"``).
- Neo4j queries are run by :mod:`kg.neo4j_store` and come back as the same :class:`QueryResult`.

Values in a result are plain JSON values: str, int, float, bool, None, lists and dicts, with
dates as ISO strings, so results from the three engines compare equal.

Example::

    >>> graph = EmbeddedGraph.from_file("out/graph.ttl")
    >>> print(format_result(graph.sparql("SELECT ?s WHERE { ?s a news:Person }"), "json"))
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cached_property
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.property_graph import LABELS, to_property_graph
from kg.query_result import (_NAMESPACES, IRI, NEO4J_HINT, QueryError, QueryResult,  # noqa: F401
                             QuerySyntaxError, UnsupportedFeature, cypher_parameters)

SPARQL_PREFIXES = dict(_NAMESPACES)
FORMATS = ("table", "json", "csv", "tsv")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdf")
"""How ``kg query`` may write the result of a CONSTRUCT or DESCRIBE (table means ttl, json
means jsonld)."""

_XSD = SPARQL_PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                      "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                      "unsignedInt", "unsignedLong", "unsignedShort")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}


class QueryFileNotFound(FileNotFoundError):
    """A query given as a file name that names no file."""


_QUERY_FILE = re.compile(r"\S+\.(?:rq|sparql|cypher|cql|txt)|\S*/\S*", re.I)


def read_query(text_or_path: str) -> str:
    """The query itself, or the contents of the file it names; a word that looks like a query
    file (``visits.rq``, ``queries/x``) but names none raises :class:`QueryFileNotFound`."""
    if "\n" in text_or_path or len(text_or_path) >= 4096:
        return text_or_path
    candidate = Path(text_or_path)
    try:
        is_file = candidate.is_file()
    except OSError:  # longer than a file name may be ("File name too long"): it is the query
        return text_or_path
    if is_file:
        return candidate.read_text(encoding="utf-8")
    if _QUERY_FILE.fullmatch(text_or_path.strip()):
        raise QueryFileNotFound(f"no such query file: {text_or_path}")
    return text_or_path


def plain_value(value: Any) -> Any:
    """A value as plain JSON data: dates as ISO strings, nodes as property maps."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime
        return value.iso_format()
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items() if k != LABELS}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "items") and hasattr(value, "keys"):  # neo4j Node / Relationship
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


# ---------------------------------------------------------------------------------------------
# SPARQL on pyoxigraph

def _oxigraph_value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)


def store_from_graph(graph: Graph) -> ox.Store:
    """An in-memory pyoxigraph store holding the triples of an rdflib graph."""
    from kg.serialize import store_of

    return store_of(graph)


def store_from_file(path: str | Path) -> ox.Store:
    """An in-memory pyoxigraph store loaded straight from an RDF file (fast: no rdflib), every
    triple in the default graph."""
    from kg.serialize import UnknownFormat, UnreadableGraph, read_store

    try:
        return read_store(path)
    except (UnknownFormat, UnreadableGraph) as exc:
        raise QueryError(str(exc)) from None


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
# What the parser expected, in the message pyoxigraph gives: a token list, useless to a person.
_EXPECTED = re.compile(r"expected one of .*", re.S)
_UNKNOWN_PREFIX = re.compile(r"(?<![\w?$<])([A-Za-z][\w.-]*|):(?=[\w\\%])")
_SCANNED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
    r"|(\bVALUES\s+[?$](\w+)\s*\{\s*UNDEF\s*\})", re.I)


def query_parameters(query: str) -> list[str]:
    """The parameters a SPARQL query declares, each as ``VALUES ?name { UNDEF }`` (unbound, so
    the query runs on any graph without it)."""
    return [m.group(2) for m in _SCANNED.finditer(query) if m.group(2)]


def parameter_term(value: Any) -> ox.NamedNode | ox.Literal:
    """An RDF term for a parameter value: IRIs stay IRIs, dates become ``xsd:date``, numbers
    ``xsd:integer`` or ``xsd:decimal``, booleans ``xsd:boolean``, text a plain string."""
    from decimal import Decimal

    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if isinstance(value, IRI) or type(value).__name__ == "URIRef":
        return ox.NamedNode(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, (float, Decimal)):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "decimal"))
    if isinstance(value, datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "dateTime"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    return ox.Literal(str(value))


def parse_parameter(text: str) -> tuple[str, Any]:
    """``name=value`` from the command line: ``<...>`` is an IRI, ``2024-03-20`` a date, ``12``
    an integer, ``0.5`` a number, ``true``/``false`` a boolean, anything else text."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise ValueError(f"expected NAME=VALUE, got {text!r}")
    if re.fullmatch(r"<[^<>\s]+>", value):
        return name, IRI(value[1:-1])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return name, date.fromisoformat(value)
        except ValueError:
            pass
    if re.fullmatch(r"[+-]?\d+", value):
        return name, int(value)
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        from decimal import Decimal

        return name, Decimal(value)
    if value in ("true", "false"):
        return name, value == "true"
    return name, value


def bind_parameters(query: str, params: dict[str, Any] | None) -> str:
    """``query`` with each declared ``VALUES ?name { UNDEF }`` holding the value of ``params``.

    The value goes in as an RDF term written by pyoxigraph (quoted and escaped), never as the
    text it was given, so a parameter cannot change the query's shape. A parameter the query
    does not declare is an error that lists those it does.
    """
    if not params:
        return query
    declared = query_parameters(query)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        offer = ", ".join(declared) if declared else "none (declare one with VALUES ?name { UNDEF })"
        raise QueryError(f"the query has no parameter {', '.join(unknown)}; its parameters: {offer}")

    def fill(m: re.Match) -> str:
        if not m.group(2) or m.group(2) not in params:
            return m.group(0)
        return f"VALUES ?{m.group(2)} {{ {parameter_term(params[m.group(2)])} }}"

    return _SCANNED.sub(fill, query)


def _syntax_message(message: str, query: str) -> str:
    match = _POSITION.match(message)
    if not match:
        return message
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    detail = _EXPECTED.sub("", detail.splitlines()[0] if detail else "").strip(" ,;") or ""
    lines = query.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if not detail:
        token = text[max(column - 1, 0):].split(None, 1)
        detail = f"unexpected {token[0][:40]!r}" if token else "unexpected end of query"
    if "prefix not found" in message.lower():
        declared = set(SPARQL_PREFIXES) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", query))
        unknown = [p for p in _UNKNOWN_PREFIX.findall(text[:column]) if p not in declared]
        if unknown:
            detail = (f"unknown prefix {unknown[-1] + ':'!r}: declare it with PREFIX, or use one "
                      f"of {' '.join(p + ':' for p in SPARQL_PREFIXES)}")
    return f"line {line}, column {column}: {detail[:200]}"


def run_sparql(store: ox.Store, query: str, params: dict[str, Any] | None = None,
               allow_service: bool = False) -> QueryResult:
    """Run a SPARQL query; SELECT gives its variables, ASK one ``ask`` column, CONSTRUCT and
    DESCRIBE give ``subject predicate object`` rows and their ``triples``. IRIs come back as
    :class:`IRI` strings; ``params`` are bound by :func:`bind_parameters`.

    ``SERVICE`` (a request to another server) is refused unless ``allow_service``, and ``LOAD``
    always: see :mod:`kg.sparql_policy`."""
    from kg.sparql_policy import QueryRefused, check_query

    query = bind_parameters(query, params)
    try:
        check_query(query, allow_service)
    except QueryRefused as exc:
        raise QueryError(str(exc)) from None
    try:
        result = store.query(query, prefixes=SPARQL_PREFIXES, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["ask"], [(bool(result),)])
        if isinstance(result, ox.QuerySolutions):  # solutions are computed as they are read
            columns = [v.value for v in result.variables]
            rows = [tuple(_oxigraph_value(solution[c]) for c in columns) for solution in result]
            return QueryResult(columns, rows)
        triples = list(result)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error at {_syntax_message(str(exc), query)}") from None
    except (OSError, RuntimeError) as exc:  # a SERVICE that failed or replied nonsense, ...
        raise QueryError(f"SPARQL query failed: {exc}") from None
    rows = [(_oxigraph_value(t.subject), _oxigraph_value(t.predicate), _oxigraph_value(t.object))
            for t in triples]
    return QueryResult(["subject", "predicate", "object"], rows, triples)


# ---------------------------------------------------------------------------------------------
# Cypher, embedded (kg.embedded_cypher) or on Neo4j

def run_cypher(pg: nx.MultiDiGraph, query: str, *, params: dict[str, Any] | None = None
               ) -> QueryResult:
    """Run Cypher on a networkx property-graph projection (:func:`to_property_graph`), loaded
    into the embedded engine for this one query (:class:`kg.embedded_cypher.CypherGraph`, which
    says what it reads and what it refuses). A graph that is queried more than once is better
    held as an :class:`EmbeddedGraph`, which loads it once."""
    from kg.embedded_cypher import CypherGraph, records_of_networkx

    return CypherGraph(records_of_networkx(pg)).run(query, params)


# ---------------------------------------------------------------------------------------------
# Files in, results out

class EmbeddedGraph:
    """A graph queried in-process: SPARQL on pyoxigraph, Cypher on its projection in Ladybug.

    Shares its query interface (``sparql``, ``cypher``, the ``supports_*`` flags) with
    :class:`kg.neo4j_store.Neo4jStore`. Made from an rdflib graph, a file, or a pyoxigraph store
    (every triple in its default graph); each engine's copy of the graph is made on first use.

    Example::

        >>> g = EmbeddedGraph.from_file("out/graph.ttl")
        >>> g.cypher("MATCH (p:Person) RETURN p.label AS name").rows
    """

    supports_sparql = True
    supports_cypher = True
    persistent = False

    def __init__(self, graph: Graph | None = None, path: str | Path | None = None,
                 store: ox.Store | None = None):
        if sum(x is not None for x in (graph, path, store)) != 1:
            raise ValueError("give one of a graph, a path or a store")
        self._graph = graph
        self._path = Path(path) if path is not None else None
        self._store = store

    @classmethod
    def from_file(cls, path: str | Path) -> EmbeddedGraph:
        """A graph read lazily from an RDF file (SPARQL loads it straight into pyoxigraph)."""
        return cls(path=path)

    @cached_property
    def graph(self) -> Graph:
        """The rdflib graph."""
        if self._graph is None:
            if self._store is None and self._path is not None:
                self.store  # noqa: B018  (reads the file, with kg's error messages)
            from kg.serialize import graph_of_store

            self._graph = graph_of_store(self._store)
        return self._graph

    @cached_property
    def store(self) -> ox.Store:
        """The pyoxigraph store."""
        if self._store is None:
            self._store = (store_from_file(self._path) if self._graph is None
                           else store_from_graph(self._graph))
        return self._store

    @cached_property
    def property_graph(self) -> nx.MultiDiGraph:
        """The property-graph projection as networkx (:func:`to_property_graph`), read from
        the store."""
        return to_property_graph(self.store)

    @cached_property
    def cypher_graph(self):
        """The projection loaded into the embedded Cypher engine
        (:class:`kg.embedded_cypher.CypherGraph`), streamed from the store: no rdflib graph
        and no networkx copy is made."""
        from kg.embedded_cypher import CypherGraph
        from kg.property_graph import property_graph_records

        return CypherGraph(property_graph_records(self.store))

    def sparql(self, query: str, params: dict[str, Any] | None = None,
               allow_service: bool = False) -> QueryResult:
        """Run a SPARQL query; ``params`` bind the variables it declares with
        ``VALUES ?name { UNDEF }`` (see :func:`bind_parameters`); ``SERVICE`` only if
        ``allow_service`` (see :func:`run_sparql`)."""
        return run_sparql(self.store, query, params, allow_service)

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a Cypher query on the embedded engine (:mod:`kg.embedded_cypher`); ``params``
        fill ``$name``."""
        return self.cypher_graph.run(query, params)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a result as an aligned text ``table`` (IRIs as compact names: ``news:visited``,
    ``res:entity/place/tehran``), ``json`` (a list of objects), ``csv`` or ``tsv``."""
    if fmt == "json":
        return json.dumps(result.records(), ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    from kg.terminal import printable

    cells = [[printable((v.compact() if isinstance(v, IRI) else _cell(v)).replace("\n", " "))
              for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(result.columns, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
