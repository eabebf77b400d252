"""Run SPARQL and Cypher on a kg graph, embedded, and format the results.

- SPARQL runs on pyoxigraph (an embedded RDF store, far faster than rdflib's SPARQL), with the
  prefixes ``news rdf rdfs xsd schema prov skos`` predeclared.
- Cypher runs on the property-graph projection (:mod:`kg.property_graph`) through grand-cypher.
  grand-cypher reads a subset of Cypher; see docs/queries.md. Two small bridges keep a query
  portable to Neo4j: dates are ISO strings in the embedded view, and ``date("2024-03-26")``
  literals become ``"2024-03-26"`` before parsing.
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
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.property_graph import LABELS, to_property_graph

SPARQL_PREFIXES = {
    "news": "https://w3id.org/kg-news/ontology#",
    "res": "https://w3id.org/kg-news/resource/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
_COMPACT = sorted(SPARQL_PREFIXES.items(), key=lambda kv: -len(kv[1]))
FORMATS = ("table", "json", "csv", "tsv")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdf")
"""How ``kg query`` may write the result of a CONSTRUCT or DESCRIBE (table means ttl, json
means jsonld)."""

_XSD = SPARQL_PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                      "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                      "unsignedInt", "unsignedLong", "unsignedShort")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}


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
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


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
# Cypher on the networkx projection

_CYPHER_TOKENS = re.compile(
    r'"(?:[^"\\]|\\.)*"'            # a double-quoted string: left alone
    r"|'((?:[^'\\]|\\.)*)'"       # a single-quoted string: becomes double-quoted
    r"|//[^\n]*"                     # a comment: dropped
    r"|\bdate\(\s*[\"']([0-9]{4}-[0-9]{2}-[0-9]{2})[\"']\s*\)"  # date("...") -> "..."
    r"|\$(\w+)"                      # a parameter
    r"|\b(count)\s*\(\s*\*\s*\)"        # count(*)
    r"|(?<![.\w])(OPTIONAL\s+MATCH|WITH|UNWIND|CALL|MERGE|CREATE|DELETE|DETACH|SET|REMOVE|UNION"
    r"|FOREACH|LOAD\s+CSV|EXISTS\s*\()\b",
    re.I)
_FIRST_VARIABLE = re.compile(r"\bMATCH\s*\(\s*([A-Za-z_]\w*)", re.I)
NEO4J_HINT = "run it on Neo4j with --neo4j (after kg load GRAPH --neo4j URI)"


def _cypher_literal(value: Any) -> str:
    value = plain_value(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise QueryError(f"the embedded engine takes text, numbers, booleans and dates as "
                     f"parameters, not {type(value).__name__}; {NEO4J_HINT}")


def cypher_parameters(query: str) -> list[str]:
    """The ``$name`` parameters a Cypher query uses (outside its strings and comments)."""
    return list(dict.fromkeys(m.group(3) for m in _CYPHER_TOKENS.finditer(query) if m.group(3)))


def bridge_cypher(query: str, params: dict[str, Any] | None = None) -> str:
    """Cypher as grand-cypher reads it: single-quoted strings double-quoted, comments dropped,
    ``date("2024-03-26")`` as the ISO string the embedded view holds, ``$name`` parameters as
    literals (quoted by :func:`json.dumps`; one given no value is null), ``count(*)`` as a count
    of the first matched node.
    Features it does not have (WITH, OPTIONAL MATCH, UNWIND, writes...) raise
    :class:`UnsupportedFeature`, naming them."""
    params = params or {}
    used: set[str] = set()

    def bridge(m: re.Match) -> str:
        text = m.group(0)
        if text.startswith('"'):
            return text
        if m.group(1) is not None:
            inner = re.sub(r"\\(.)", lambda e: e.group(1) if e.group(1) in "'\\" else e.group(0),
                           m.group(1))
            return json.dumps(inner, ensure_ascii=False)
        if text.startswith("//"):
            return ""
        if m.group(2):
            return f'"{m.group(2)}"'
        if m.group(3):  # a parameter given no value is null, as kg passes it to Neo4j
            used.add(m.group(3))
            return _cypher_literal(params.get(m.group(3)))
        if m.group(4):
            first = _FIRST_VARIABLE.search(query)
            if first is None:
                raise UnsupportedFeature("the embedded Cypher engine counts rows with "
                                         "count(variable): name the first node of the MATCH, or "
                                         + NEO4J_HINT)
            return f"COUNT({first.group(1)})"
        feature = re.sub(r"\s+", " ", m.group(5)).rstrip("( ").upper()
        raise UnsupportedFeature(f"the embedded Cypher engine does not support {feature}; "
                                 + NEO4J_HINT)

    bridged = _CYPHER_TOKENS.sub(bridge, query)
    unused = sorted(set(params) - used)
    if unused:
        raise QueryError(f"the query has no parameter {', '.join('$' + u for u in unused)}")
    return bridged


def embedded_view(pg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The projection as grand-cypher sees it: dates as ISO strings (they compare in order)."""
    def iso(value: Any) -> Any:
        return value.isoformat() if isinstance(value, (date, datetime)) else value

    view = nx.MultiDiGraph()
    for node, data in pg.nodes(data=True):
        view.add_node(node, **{k: iso(v) for k, v in data.items()})
    for u, v, key, data in pg.edges(keys=True, data=True):
        view.add_edge(u, v, key=key, **{k: iso(x) for k, x in data.items()})
    return view


def pattern_view(view: nx.MultiDiGraph, query: str, tree=None) -> nx.MultiDiGraph:
    """The part of ``view`` a query's patterns can match, when they say which: if every
    relationship pattern names its types and every pattern of a node alone names its labels,
    only edges of those types (with their ends) and nodes of those labels can take part in a
    match, so the rest is left out before grand-cypher searches (it scans the whole graph for
    each pattern). Otherwise ``view`` itself. ``query`` is bridged Cypher; ``tree`` its parse,
    when the caller has it."""
    from grandcypher import _GrandCypherGrammar
    from lark import Tree

    if re.search(r"\[[^\]]*\*", query):
        return view  # a variable-length pattern may match zero hops: a node with no such edge
    tree = tree if tree is not None else _GrandCypherGrammar.parse(query)

    def types(node) -> set[str] | None:
        found = [c for c in node.children if isinstance(c, Tree) and c.data == "type_list"]
        return {str(t) for t in found[0].children} if found else None

    edge_types: set[str] = set()
    node_labels: set[str] = set()
    for clause in tree.iter_subtrees():
        if clause.data not in ("match_clause", "optional_match_clause"):
            continue
        edges = [c for c in clause.children if isinstance(c, Tree) and c.data == "edge_match"]
        nodes = [c for c in clause.children if isinstance(c, Tree) and c.data == "node_match"]
        for edge in edges:
            typed = types(edge)
            if not typed:
                return view  # (a)-->(b) may use any relationship
            edge_types |= typed
        if not edges:
            for node in nodes:
                labels = types(node)
                if not labels:
                    return view  # (n) alone may be any node
                node_labels |= labels
        else:  # a labelled node on a path is reached through its typed edges
            for node in nodes:
                node_labels |= types(node) or set()
    if not edge_types and not node_labels:
        return view
    part = nx.MultiDiGraph()
    for node, data in view.nodes(data=True):
        if node_labels & data.get("__labels__", set()):
            part.add_node(node, **data)
    for u, v, key, data in view.edges(keys=True, data=True):
        if edge_types & set(data.get("__labels__", ())):
            for end in (u, v):
                if end not in part:
                    part.add_node(end, **view.nodes[end])
            part.add_edge(u, v, key=key, **data)
    return part


def _return_aliases(tree) -> list[str]:
    """The ``AS`` names of the RETURN clause of a parsed query, in order (empty when an item has
    none).

    Also refuses undirected relationship patterns, which grand-cypher parses but never matches
    on a directed graph: a silent empty result would be wrong.
    """
    from lark import Token, Tree

    for edge in tree.find_data("edge_match"):
        arrows = {c.type for c in edge.children if isinstance(c, Token)}
        if not arrows & {"LEFT_ANGLE", "RIGHT_ANGLE"}:
            raise UnsupportedFeature("the embedded Cypher engine does not support undirected "
                                     "relationship patterns (they would never match): write -> "
                                     f"or <-, or {NEO4J_HINT}")
    names = []
    for item in tree.find_data("return_item"):
        alias = item.children[-1]
        if not (isinstance(alias, Tree) and alias.data == "alias"):
            return []
        names.append(str(alias.children[0]))
    return names


def run_cypher(pg: nx.MultiDiGraph, query: str, *, prepared: bool = False,
               params: dict[str, Any] | None = None) -> QueryResult:
    """Run Cypher on a property-graph projection with grand-cypher (:func:`bridge_cypher` says
    what it reads and what it refuses).

    ``prepared`` says ``pg`` is already an :func:`embedded_view` (saves a copy per query).
    """
    from grandcypher import GrandCypher
    from lark.exceptions import UnexpectedInput, VisitError

    view = pg if prepared else embedded_view(pg)
    query = bridge_cypher(query, params)
    try:
        from grandcypher import _GrandCypherGrammar

        tree = _GrandCypherGrammar.parse(query)
        aliases = _return_aliases(tree)
        raw = GrandCypher(pattern_view(view, query, tree)).run(query)
    except UnexpectedInput as exc:
        if exc.line > 0:
            line, column = exc.line, exc.column
            context = exc.get_context(query).rstrip()
        else:  # the query ended too early
            lines = query.rstrip().splitlines() or [""]
            line, column, context = len(lines), len(lines[-1]) + 1, "unexpected end of query"
        raise QuerySyntaxError(
            f"the embedded Cypher engine cannot read this query at line {line}, column {column}: "
            f"a syntax error, or Cypher beyond the subset it reads (docs/queries.md); if it is "
            f"valid Cypher, {NEO4J_HINT}:\n{context}") from None
    except VisitError as exc:
        raise UnsupportedFeature(f"the embedded Cypher engine does not support this query "
                                 f"({exc.orig_exc}); {NEO4J_HINT}") from None
    except (QuerySyntaxError, QueryError):
        raise
    except (TypeError, KeyError, ValueError) as exc:
        raise QueryError(f"Cypher query failed on the embedded graph: "
                         f"{type(exc).__name__}: {exc}") from None
    by_name = {str(c): v for c, v in raw.items()}
    # grand-cypher may reorder columns (functions first); restore the RETURN order.
    columns = aliases if sorted(aliases) == sorted(by_name) else list(by_name)
    values = [by_name[c] for c in columns]
    rows = [tuple(plain_value(v[i]) for v in values) for i in range(len(values[0]))] if values else []
    return QueryResult(columns, rows)


# ---------------------------------------------------------------------------------------------
# Files in, results out

class EmbeddedGraph:
    """A graph queried in-process: SPARQL on pyoxigraph, Cypher on the networkx projection.

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
        """The projection as the embedded Cypher engine sees it (:func:`embedded_view`)."""
        return embedded_view(to_property_graph(self.graph))

    def sparql(self, query: str, params: dict[str, Any] | None = None,
               allow_service: bool = False) -> QueryResult:
        """Run a SPARQL query; ``params`` bind the variables it declares with
        ``VALUES ?name { UNDEF }`` (see :func:`bind_parameters`); ``SERVICE`` only if
        ``allow_service`` (see :func:`run_sparql`)."""
        return run_sparql(self.store, query, params, allow_service)

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a Cypher query (the grand-cypher subset); ``params`` fill ``$name``."""
        return run_cypher(self.property_graph, query, prepared=True, params=params)


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
