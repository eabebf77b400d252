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
FORMATS = ("table", "json", "csv")

_XSD = SPARQL_PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                      "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                      "unsignedInt", "unsignedLong", "unsignedShort")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}


class QuerySyntaxError(ValueError):
    """A query that does not parse; the message names the line and column."""


class QueryError(RuntimeError):
    """A query that parsed but could not run (an unsupported feature, a type clash)."""


@dataclass(frozen=True)
class QueryResult:
    """Columns and rows of plain values, whichever engine produced them."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        """The rows as objects mapping each column to its value."""
        return [dict(zip(self.columns, row)) for row in self.rows]


def read_query(text_or_path: str) -> str:
    """The query itself, or the contents of the file it names."""
    if "\n" in text_or_path or len(text_or_path) >= 4096:
        return text_or_path
    candidate = Path(text_or_path)
    try:
        is_file = candidate.is_file()
    except OSError:  # longer than a file name may be ("File name too long"): it is the query
        return text_or_path
    return candidate.read_text(encoding="utf-8") if is_file else text_or_path


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
        return term.value
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
    """An in-memory pyoxigraph store loaded straight from an RDF file (fast: no rdflib)."""
    path = Path(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if path.suffix else None
    if fmt is None:
        raise QueryError(f"cannot tell the RDF format of {path} from its extension")
    if fmt == ox.RdfFormat.JSON_LD:  # through kg's reader, which never fetches a context
        return store_from_graph(_read_graph(path))
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise QueryError(f"cannot read {path}: {exc}") from None
    return store


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


def run_sparql(store: ox.Store, query: str, allow_service: bool = False) -> QueryResult:
    """Run a SPARQL query; SELECT gives its variables, ASK one ``ask`` column, CONSTRUCT and
    DESCRIBE give ``subject predicate object`` rows.

    ``SERVICE`` (a request to another server) is refused unless ``allow_service``, and ``LOAD``
    always: see :mod:`kg.sparql_policy`."""
    from kg.sparql_policy import QueryRefused, check_query

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
        rows = [(_oxigraph_value(t.subject), _oxigraph_value(t.predicate),
                 _oxigraph_value(t.object)) for t in result]
        return QueryResult(["subject", "predicate", "object"], rows)
    except SyntaxError as exc:
        message = str(exc)
        match = _POSITION.match(message)
        if match:
            detail = match.group(3).splitlines()[0][:200]
            message = f"line {match.group(1)}, column {match.group(2)}: {detail}"
        raise QuerySyntaxError(f"SPARQL syntax error at {message}") from None
    except (OSError, RuntimeError) as exc:  # a SERVICE that failed or replied nonsense, ...
        raise QueryError(f"SPARQL query failed: {exc}") from None


# ---------------------------------------------------------------------------------------------
# Cypher on the networkx projection

_DATE_CALL = re.compile(
    r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""  # string literals are left alone
    r"""|\bdate\(\s*["'](\d{4}-\d{2}-\d{2})["']\s*\)""",
    re.I,
)


def _bridge_dates(query: str) -> str:
    return _DATE_CALL.sub(lambda m: m.group(1) or f'"{m.group(2)}"', query)


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


def _return_aliases(query: str) -> list[str]:
    """The ``AS`` names of the RETURN clause, in order (empty when an item has none).

    Also refuses undirected relationship patterns, which grand-cypher parses but never matches
    on a directed graph: a silent empty result would be wrong.
    """
    from grandcypher import _GrandCypherGrammar
    from lark import Token, Tree

    tree = _GrandCypherGrammar.parse(query)
    for edge in tree.find_data("edge_match"):
        arrows = {c.type for c in edge.children if isinstance(c, Token)}
        if not arrows & {"LEFT_ANGLE", "RIGHT_ANGLE"}:
            raise QuerySyntaxError("Cypher not supported by the embedded engine: undirected "
                                   "relationship patterns never match; write -> or <- "
                                   "(Neo4j runs them)")
    names = []
    for item in tree.find_data("return_item"):
        alias = item.children[-1]
        if not (isinstance(alias, Tree) and alias.data == "alias"):
            return []
        names.append(str(alias.children[0]))
    return names


def run_cypher(pg: nx.MultiDiGraph, query: str, *, prepared: bool = False) -> QueryResult:
    """Run Cypher on a property-graph projection with grand-cypher.

    ``prepared`` says ``pg`` is already an :func:`embedded_view` (saves a copy per query).
    """
    from grandcypher import GrandCypher
    from lark.exceptions import UnexpectedInput, VisitError

    view = pg if prepared else embedded_view(pg)
    query = _bridge_dates(query)
    try:
        aliases = _return_aliases(query)
        raw = GrandCypher(view).run(query)
    except UnexpectedInput as exc:
        if exc.line > 0:
            line, column = exc.line, exc.column
            context = exc.get_context(query).rstrip()
        else:  # the query ended too early
            lines = query.rstrip().splitlines() or [""]
            line, column, context = len(lines), len(lines[-1]) + 1, "unexpected end of query"
        raise QuerySyntaxError(f"Cypher syntax error at line {line}, column {column}:\n{context}") from None
    except VisitError as exc:
        raise QuerySyntaxError(f"Cypher not supported by the embedded engine: "
                               f"{exc.orig_exc}") from None
    except QuerySyntaxError:
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

def _read_graph(path: Path) -> Graph:
    from kg.serialize import UnknownFormat, UnreadableGraph, read_graph

    try:
        return read_graph(path)
    except (UnknownFormat, UnreadableGraph) as exc:
        raise QueryError(str(exc)) from None

class EmbeddedGraph:
    """A graph queried in-process: SPARQL on pyoxigraph, Cypher on the networkx projection.

    Shares its query interface (``sparql``, ``cypher``, the ``supports_*`` flags) with
    :class:`kg.neo4j_store.Neo4jStore`. Each engine's copy of the graph is made on first use.

    Example::

        >>> g = EmbeddedGraph.from_file("out/graph.ttl")
        >>> g.cypher("MATCH (p:Person) RETURN p.label AS name").rows
    """

    supports_sparql = True
    supports_cypher = True
    persistent = False

    def __init__(self, graph: Graph | None = None, path: str | Path | None = None):
        if (graph is None) == (path is None):
            raise ValueError("give a graph or a path")
        self._graph = graph
        self._path = Path(path) if path is not None else None

    @classmethod
    def from_file(cls, path: str | Path) -> EmbeddedGraph:
        """A graph read lazily from an RDF file (SPARQL loads it straight into pyoxigraph)."""
        return cls(path=path)

    @cached_property
    def graph(self) -> Graph:
        """The rdflib graph."""
        if self._graph is None:
            self._graph = _read_graph(self._path)
        return self._graph

    @cached_property
    def store(self) -> ox.Store:
        """The pyoxigraph store."""
        return store_from_file(self._path) if self._graph is None else store_from_graph(self._graph)

    @cached_property
    def property_graph(self) -> nx.MultiDiGraph:
        """The projection as the embedded Cypher engine sees it (:func:`embedded_view`)."""
        return embedded_view(to_property_graph(self.graph))

    def sparql(self, query: str, allow_service: bool = False) -> QueryResult:
        """Run a SPARQL query (``SERVICE`` only if ``allow_service``; see :func:`run_sparql`)."""
        return run_sparql(self.store, query, allow_service)

    def cypher(self, query: str) -> QueryResult:
        """Run a Cypher query (the grand-cypher subset)."""
        return run_cypher(self.property_graph, query, prepared=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a result as an aligned text ``table``, ``json`` (a list of objects) or ``csv``."""
    if fmt == "json":
        return json.dumps(result.records(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    from kg.terminal import printable

    cells = [[printable(_cell(v).replace("\n", " ")) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(result.columns, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
