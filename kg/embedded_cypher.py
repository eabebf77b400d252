"""Embedded Cypher: the property-graph projection loaded into Ladybug, queried in-process.

Ladybug (``pip install ladybug``, MIT) is the maintained fork of Kuzu, an embeddable graph
database that speaks Cypher with a vectorised, multi-core engine. It replaced grand-cypher, which
matched patterns by searching subgraphs in networkx: ``co_mentions`` took 48 s on the BBC graph,
where Ladybug answers every query of ``queries/`` in well under a second (docs/scale.md).

Ladybug is a *structured* property graph: each node lies in one node table and each relationship
in one relationship table, with typed columns. The projection of :mod:`kg.property_graph` is
laid into it so that a query reads as it does on Neo4j:

- one node table, ``Node``, with a column per property and a boolean column per label; a label
  in a pattern, ``(p:Place)``, is rewritten as ``(p:Node {__is_Place: true})``, and ``(p:A:B)``
  as both (Neo4j's meaning);
- one relationship table, ``REL``, whose ``__type__`` column holds the type: ``[r:VISITED]``
  becomes ``[r:REL {__type__: 'VISITED'}]``, and ``[:A|B*1..2]`` a recursive pattern whose
  relationships are filtered by type. (A table per label set and per type was tried first:
  Ladybug's variable-length search over 30 relationship tables took 16 s for ``two_hops``,
  against 0.12 s over one);
- a property a node lacks is null, as on Neo4j, even when no node has it (it is then added to
  the table as an empty column before the query runs again);
- ``type(r)`` and ``labels(n)`` read the columns holding the type and the labels, and a label
  test, ``WHERE n:Person`` or ``RETURN n:Place``, reads the flags (true or false, as on Neo4j);
- variable-length patterns follow Neo4j's rule (a relationship once per path: TRAIL);
- dates are ISO strings, as the embedded engine has always held them (they compare in order);
  ``date("2024-03-26")`` literals and date parameters become such strings;
- writes, ``CALL`` and file access (``LOAD FROM``, ``COPY``) are refused: the embedded graph is
  a view of the RDF graph of record.

What differs from Neo4j, and is documented in docs/queries.md: a property that is a list on some
nodes and a single value on others (``sameAs``) is a list on all of them (a column has one type);
label alternatives in a
pattern ``(n:A|B)`` (write ``WHERE n:A|B``) and type alternatives on a single-hop relationship
``[r:A|B]`` are not read.

Example::

    >>> graph = CypherGraph(property_graph_records(store))
    >>> graph.run("MATCH (p:Person)-[:VISITED]->(c) RETURN p.label AS who, c.label AS place").rows
"""

from __future__ import annotations

import marshal
import re
import tempfile
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from kg.property_graph import PropertyGraphNode, bounded
from kg.query_result import (IRI, NEO4J_HINT, QueryError, QueryResult, QuerySyntaxError,
                             UnsupportedFeature, cypher_parameters)

ENGINE = "ladybug"
BUFFER_POOL_BYTES = 384 << 20
"""Ladybug's memory for the graph and for what a query holds at once (by default it would take
80% of the machine's); ``KG_CYPHER_MEMORY_MB`` sets another. The BBC graph takes about 100 MiB
of it, and every query of ``queries/`` runs within it."""

NODE_TABLE, REL_TABLE = "Node", "REL"
LABELS_COLUMN, TYPE_COLUMN, NO_LABEL = "__labels__", "__type__", "__none__"
_SEPARATOR = "\x1f"  # joins the items of a list in a CSV cell (a control no news text holds)

_NAME = r"(?:[A-Za-z_]\w*|`[^`]+`)"
_SKIP = (r'"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*'" r"|//[^\n]*|/\*.*?\*/" r"|`[^`]*`")
_TOKENS = re.compile(
    rf"(?P<skip>{_SKIP})"
    r"|(?P<date>\bdate\(\s*(?P<q>[\"'])(?P<iso>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P=q)\s*\))"
    rf"|(?P<node>\(\s*(?:{_NAME})?\s*(?=:))"
    rf"|(?P<rel>\[\s*(?:{_NAME})?\s*(?=[:*]))"
    rf"|(?P<prop>(?<![\w$`])[A-Za-z_]\w*\s*\.\s*)(?P<key>[A-Za-z_]\w*)"
    r"|(?P<has>(?<![\w.$`])(?P<var>[A-Za-z_]\w*)(?=\s*:\s*[A-Za-z_`]))"
    r"|(?P<brace>[{}])"
    rf"|(?P<type>(?<![.\w$])type\s*\(\s*(?P<typed>{_NAME})\s*\))"
    rf"|(?P<labels>(?<![.\w$])labels\s*\(\s*(?P<of>{_NAME})\s*\))"
    r"|(?<![.\w$`])(?P<refused>CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|ALTER|COPY|LOAD|"
    r"INSTALL|ATTACH|EXPORT|IMPORT|CHECKPOINT|BEGIN|COMMIT|ROLLBACK|CALL|FOREACH|USE)(?![\w$`])",
    re.I | re.S)
_LABEL_EXPRESSION = re.compile(rf"\s*([:|&])\s*:?\s*({_NAME})")
_HOPS = re.compile(r"\s*\*\s*(\d*)\s*(?:\.\.\s*(\d*))?")
_MISSING_PROPERTY = re.compile(r"Cannot find property (\w+) for ")
_PARSER_POSITION = re.compile(r"\(line: (\d+), offset: (\d+)\)")


def _label_column(label: str) -> str:
    return f"__is_{label}"


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith("`") else name


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def _column_type(kinds: set[str], is_list: bool) -> str:
    if kinds <= {"int"}:
        scalar = "INT64"
    elif kinds <= {"int", "float"}:
        scalar = "DOUBLE"
    elif kinds == {"bool"}:
        scalar = "BOOLEAN"
    else:
        scalar = "STRING"
    return scalar + "[]" if is_list else scalar


def _plain(value: Any) -> Any:
    """A projection value as the embedded engine holds it: dates as ISO strings, integers past
    64 bits as text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return bounded(value)


class _Columns:
    """The property columns of one kind of element (nodes or relationships) and their types."""

    def __init__(self, fixed: dict[str, str] | None = None):
        self.kinds: dict[str, set[str]] = defaultdict(set)
        self.lists: set[str] = set()
        self.fixed = fixed or {}

    def see(self, props: dict[str, Any]) -> None:
        for name, value in props.items():
            if name in self.fixed:
                continue
            if isinstance(value, list):
                self.lists.add(name)
                self.kinds[name].update(_kind(v) for v in value)
            else:
                self.kinds[name].add(_kind(value))

    def types(self) -> dict[str, str]:
        found = {name: _column_type(kinds, name in self.lists)
                 for name, kinds in sorted(self.kinds.items())}
        return {**self.fixed, **found}


def _formatter(sql_type: str, quote: bool = True):
    """How a value becomes one CSV cell of a column of ``sql_type``: text is quoted where it
    must be (:func:`_quoted`: an empty string stays one, and an empty cell is null), a list is its
    items joined by the separator."""
    if sql_type.endswith("[]"):
        item = _formatter(sql_type[:-2], quote=False)
        return lambda value: _quoted(_SEPARATOR.join(
            item(v) for v in (value if isinstance(value, list) else [value])))
    if sql_type == "STRING":
        def text(value):
            plain = (("true" if value else "false") if isinstance(value, bool) else str(value))
            return plain.replace(_SEPARATOR, "\u241f")
        return (lambda value: _quoted(text(value))) if quote else text
    if sql_type == "BOOLEAN":
        return lambda value: "true" if value else "false"
    if sql_type == "DOUBLE":
        return lambda value: repr(float(value))
    return lambda value: str(int(value))


_DELIMITER, _QUOTE = "\x1e", "\x1d"
"""The CSV dialect of the files Ladybug copies in: a record separator ends a field, and a field
that needs it is enclosed in group separators (doubled inside). Ladybug reads a quoted field
about eight times slower than a bare one (100,000 rows of two fields: 0.69 s against 0.08 s), and
with ``,`` and ``"`` nearly every sentence of news had to be quoted."""
_NEEDS_QUOTES = re.compile("[\n\r\x1d\x1e]")


def _quoted(text: str) -> str:
    """``text`` as one CSV cell: bare, unless it is empty (a bare empty cell is null) or holds a
    line break or a character of the dialect."""
    if text and not _NEEDS_QUOTES.search(text):
        return text
    return _QUOTE + text.replace(_QUOTE, _QUOTE + _QUOTE) + _QUOTE


def _write_csv(spool: Path, target: Path, types: dict[str, str], flags: str | None = None) -> None:
    """Rewrite the rows spooled in ``spool`` (:func:`_spooled`) as CSV rows of the columns
    ``types``; with ``flags``, each name listed in that column also sets its ``__is_`` column."""
    index = {name: i for i, name in enumerate(types)}
    formats = [_formatter(t) for t in types.values()]
    width = len(formats)
    with open(target, "w", encoding="utf-8") as out:
        for row in _spooled(spool):
            cells = [""] * width
            for name, value in row.items():
                i = index[name]
                cells[i] = formats[i](value)
            for label in row.get(flags, ()) if flags else ():
                cells[index[_label_column(label)]] = "true"
            out.write(_DELIMITER.join(cells) + "\n")


def _spool(row: dict[str, Any], out: IO[bytes]) -> None:
    """Append ``row`` (plain values: str, int, float, bool, lists) to a spool file, as its
    ``marshal`` bytes after their length: read back in this process, five times faster than
    JSON lines (``marshal.load`` on the file itself reads it a few bytes at a time, and is not)."""
    data = marshal.dumps(row)
    out.write(len(data).to_bytes(4, "little"))
    out.write(data)


def _spooled(path: Path) -> Iterator[dict[str, Any]]:
    """The rows :func:`_spool` wrote to ``path``, in order."""
    with open(path, "rb") as rows:
        while head := rows.read(4):
            yield marshal.loads(rows.read(int.from_bytes(head, "little")))


def _load_expression(name: str, sql_type: str) -> str:
    """The RETURN item turning a CSV column (read as text when a list) into its column type."""
    column = _quote(name)
    if not sql_type.endswith("[]"):
        return column
    split = f"string_split({column}, '{_SEPARATOR}')"
    element = sql_type[:-2]
    if element == "BOOLEAN":
        split = f"list_transform({split}, x -> x = 'true')"
    elif element != "STRING":
        split = f"list_transform({split}, x -> cast(x AS {element}))"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE {split} END"


class CypherGraph:
    """A projection loaded into an in-memory Ladybug database, answering Cypher.

    ``records`` are :func:`kg.property_graph.property_graph_records` (or the same tuples made
    from a networkx projection by :func:`records_of_networkx`). They are spooled to a temporary
    folder, then copied in with Ladybug's bulk loader, so Python holds one record at a time.

    ``threads`` is 1 by default: with 2, ``queries/co_mentions.cypher`` on the whole BBC graph
    gave wrong rows (pairs missing from the top 20) in about one process in twelve, from the
    same CSV files, and one thread answers it as fast on this 2-core machine (0.8 s).
    """

    supports_cypher = True

    def __init__(self, records: Iterable[PropertyGraphNode],
                 buffer_pool_bytes: int | None = None, threads: int = 1):
        import os

        import ladybug

        if buffer_pool_bytes is None:
            megabytes = os.environ.get("KG_CYPHER_MEMORY_MB", "")
            buffer_pool_bytes = int(megabytes) << 20 if megabytes.isdigit() else BUFFER_POOL_BYTES

        self._db = ladybug.Database(":memory:", buffer_pool_size=buffer_pool_bytes,
                                    max_num_threads=threads)
        self._connect()
        with tempfile.TemporaryDirectory(prefix="kg-cypher-") as folder:
            self._load(records, Path(folder))

    def _connect(self) -> None:
        import ladybug

        self._conn = ladybug.Connection(self._db)
        self._conn.execute("CALL recursive_pattern_semantic='TRAIL'")

    # -- loading ---------------------------------------------------------------------------

    def _load(self, records: Iterable[PropertyGraphNode], folder: Path) -> None:
        labels_seen: set[str] = set()  # a label no node has matches nothing (NO_LABEL)
        node_columns = _Columns({"uri": "STRING", LABELS_COLUMN: "STRING[]"})
        edge_columns = _Columns({"from": "STRING", "to": "STRING", TYPE_COLUMN: "STRING"})
        types: set[str] = set()
        with open(folder / "nodes.spool", "wb") as nodes, open(folder / "edges.spool", "wb") as edges:
            for iri, labels, attrs, out in records:
                labels_seen |= labels
                props = {k: _plain(v) for k, v in attrs.items() if v is not None}
                props["uri"], props[LABELS_COLUMN] = iri, sorted(labels)
                node_columns.see(props)
                _spool(props, nodes)
                for rel, target, edge_props in out:
                    plain = {k: _plain(v) for k, v in edge_props.items() if v is not None}
                    plain.update({"from": iri, "to": target, TYPE_COLUMN: rel})
                    types.add(rel)
                    edge_columns.see(plain)
                    _spool(plain, edges)
        self.labels = labels_seen
        self.relationship_types = types
        node_types = node_columns.types()
        flags = {_label_column(label): "BOOLEAN" for label in sorted(labels_seen)}
        flags[NO_LABEL] = "BOOLEAN"
        self.node_types, self.edge_types = {**node_types, **flags}, edge_columns.types()
        columns = ", ".join(f"{_quote(c)} {t}{' PRIMARY KEY' if c == 'uri' else ''}"
                            for c, t in self.node_types.items())
        self._conn.execute(f"CREATE NODE TABLE {NODE_TABLE}({columns})")
        props = "".join(f", {_quote(c)} {t}" for c, t in self.edge_types.items()
                        if c not in ("from", "to"))
        self._conn.execute(f"CREATE REL TABLE {REL_TABLE}(FROM {NODE_TABLE} TO {NODE_TABLE}"
                           f"{props})")
        _write_csv(folder / "nodes.spool", folder / "nodes.csv", self.node_types,
                   flags=LABELS_COLUMN)
        self._copy(NODE_TABLE, folder / "nodes.csv", self.node_types)
        _write_csv(folder / "edges.spool", folder / "edges.csv", self.edge_types)
        self._copy(REL_TABLE, folder / "edges.csv", self.edge_types)

    def _copy(self, table: str, path: Path, types: dict[str, str]) -> None:
        header = ", ".join(f"{_quote(c)} {'STRING' if t.endswith('[]') else t}"
                           for c, t in types.items())
        items = ", ".join(_load_expression(c, t) for c, t in types.items())
        location = str(path).replace("\\", "\\\\").replace("'", "\\'")
        self._conn.execute(f"COPY {table} FROM (LOAD WITH HEADERS ({header}) FROM "
                           f"'{location}' (HEADER=false, PARALLEL=false, DELIM='{_DELIMITER}', "
                           f"QUOTE='{_QUOTE}', ESCAPE='{_QUOTE}') RETURN {items})")

    # -- querying --------------------------------------------------------------------------

    def translate(self, query: str) -> str:
        """``query`` in Ladybug's terms (see the module docstring); raises
        :class:`UnsupportedFeature` for writes, procedure calls and file access."""
        out, position, depth = [], 0, 0  # depth: of braces, inside which name: is a map key
        for m in _TOKENS.finditer(query):
            if m.start() < position:
                continue  # inside a pattern already rewritten
            out.append(query[position:m.start()])
            position = m.end()
            text = m.group(0)
            if m.group("skip") is not None:
                out.append(text)
            elif m.group("date"):
                out.append(f"'{m.group('iso')}'")
            elif m.group("node") is not None:
                out.append(text)
                position = self._node_labels(query, position, out)
                depth += out[-1].endswith(", ")  # a property map of the pattern stays open
            elif m.group("rel") is not None:
                out.append(text)
                position = self._relationship_types(query, position, out)
                depth += out[-1].endswith(", ")
            elif m.group("brace"):
                depth += 1 if text == "{" else -1
                out.append(text)
            elif m.group("has") is not None:
                if depth:
                    out.append(text)
                else:  # a label test, WHERE n:Person: true or false, as on Neo4j
                    names, operators, position = self._names(query, position)
                    if len(operators) > 1:
                        raise UnsupportedFeature("the embedded Cypher engine reads n:A:B and "
                                                 "n:A|B, not a mix of them; " + NEO4J_HINT)
                    tests = [f"coalesce({text}.{_quote(_label_column(n))}, false)"
                             if n in self.labels else "false" for n in names]
                    joined = " OR " if "|" in operators else " AND "
                    out.append("(" + joined.join(tests) + ")")
            elif m.group("prop"):
                out.append(m.group("prop") + _quote(m.group("key")))
            elif m.group("type"):
                out.append(f"{m.group('typed')}.{_quote(TYPE_COLUMN)}")
            elif m.group("labels"):
                out.append(f"{m.group('of')}.{_quote(LABELS_COLUMN)}")
            else:
                feature = m.group("refused").upper()
                raise UnsupportedFeature(f"the embedded Cypher engine does not support {feature} "
                                         f"(it answers queries on a view of the graph); "
                                         + NEO4J_HINT)
        out.append(query[position:])
        return "".join(out)

    def _names(self, query: str, position: int) -> tuple[list[str], set[str], int]:
        names, operators = [], set()
        while m := _LABEL_EXPRESSION.match(query, position):
            if names:
                operators.add("|" if m.group(1) == "|" else "&")
            names.append(_unquote(m.group(2)))
            position = m.end()
        return names, operators, position

    def _with_map(self, query: str, position: int, out: list[str], items: list[str]) -> int:
        """Write ``{items}`` merged with the property map that follows, if one does."""
        m = re.compile(r"\s*\{").match(query, position)
        if m:
            out.append(" {" + ", ".join(items) + ", ")
            return m.end()
        out.append(" {" + ", ".join(items) + "}")
        return position

    def _node_labels(self, query: str, position: int, out: list[str]) -> int:
        names, operators, position = self._names(query, position)
        if "|" in operators:
            raise UnsupportedFeature("the embedded Cypher engine reads (n:A:B), not label "
                                     "alternatives (n:A|B); " + NEO4J_HINT)
        flags = [_label_column(n) if n in self.labels else NO_LABEL for n in names]
        out.append(f":{NODE_TABLE}")
        return self._with_map(query, position, out,
                              [f"{_quote(f)}: true" for f in dict.fromkeys(flags)])

    def _relationship_types(self, query: str, position: int, out: list[str]) -> int:
        names, operators, position = self._names(query, position)
        if "&" in operators:
            raise UnsupportedFeature("a relationship has one type: write [:A|B]; " + NEO4J_HINT)
        hops = _HOPS.match(query, position)
        if hops is not None:
            position = hops.end()
            low, high = hops.group(1), hops.group(2)
            if ".." in hops.group(0):  # *1..2, *..3, *2..
                bounds = f"{low or 1}..{high or 30}"
            else:  # *2 is exactly two hops; * is one or more (Ladybug stops at 30)
                bounds = f"{low}..{low}" if low else "1..30"
            rest = query[position:].lstrip()
            if rest.startswith("{"):
                raise UnsupportedFeature("the embedded Cypher engine does not read a property "
                                         "map on a variable-length relationship; " + NEO4J_HINT)
            out.append(f":{REL_TABLE}*{bounds}")
            if names:
                listed = ", ".join("'" + n.replace("'", "\\'") + "'" for n in names)
                out.append(f" (e, n | WHERE e.{_quote(TYPE_COLUMN)} IN [{listed}])")
            return position
        if not names:
            return position
        if len(names) > 1:
            raise UnsupportedFeature("the embedded Cypher engine reads one type on a single "
                                     "relationship, [r:A], or alternatives on a variable-length "
                                     "one, [:A|B*1..2]; " + NEO4J_HINT)
        out.append(f":{REL_TABLE}")
        kind = "'" + names[0].replace("\\", "\\\\").replace("'", "\\'") + "'"
        return self._with_map(query, position, out, [f"{_quote(TYPE_COLUMN)}: {kind}"])

    def run(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a Cypher query; ``params`` fill ``$name`` (one the query does not use is an
        error; one it uses and is not given is null)."""
        params = params or {}
        used = cypher_parameters(query)
        unused = sorted(set(params) - set(used))
        if unused:
            raise QueryError(f"the query has no parameter {', '.join('$' + u for u in unused)}")
        translated = self.translate(query)
        values = {name: _parameter(params.get(name)) for name in used}
        added: set[tuple[str, str]] = set()
        while True:
            try:
                result = self._conn.execute(translated, values)
                break
            except RuntimeError as exc:
                # a property no node (or relationship) has is null, as on Neo4j: add it as an
                # empty column, to the nodes first, then to the relationships, and ask again
                missing = _MISSING_PROPERTY.search(str(exc))
                table = next((t for t in (NODE_TABLE, REL_TABLE)
                              if missing and (t, missing.group(1)) not in added), None)
                if table is None:
                    raise self._error(str(exc), query) from None
                added.add((table, missing.group(1)))
                self._conn.execute(f"ALTER TABLE {table} ADD {_quote(missing.group(1))} STRING")
                self._connect()  # a connection keeps the failed plan of a query with parameters
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(tuple(_value(v) for v in result.get_next()))
        return QueryResult(list(columns), rows)

    def _error(self, message: str, query: str) -> Exception:
        if message.startswith("Parser exception"):
            original = message
            try:  # the position in the query as written, not as translated
                self._conn.execute(query)
            except RuntimeError as exc:
                if str(exc).startswith("Parser exception"):
                    original = str(exc)
            m = _PARSER_POSITION.search(original)
            where = f" at line {m.group(1)}, column {int(m.group(2)) + 1}" if m else ""
            lines = original.split("\n", 1)
            detail = lines[1].rstrip() if len(lines) > 1 else ""
            return QuerySyntaxError(
                f"the embedded Cypher engine cannot read this query{where}: a syntax error, or "
                f"Cypher beyond what it reads (docs/queries.md); if it is valid Cypher, "
                f"{NEO4J_HINT}:\n{detail}")
        text = message.split("\n")[0]
        if "buffer pool is full" in text:
            return QueryError("the query holds more at once than the embedded Cypher engine's "
                              "memory (KG_CYPHER_MEMORY_MB, default "
                              f"{BUFFER_POOL_BYTES >> 20}); give it more, narrow the query "
                              "(a WHERE on each MATCH), or " + NEO4J_HINT)
        return QueryError(f"Cypher query failed on the embedded graph: {text}")


def _parameter(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value) if isinstance(value, IRI) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_parameter(v) for v in value]
    if type(value).__name__ == "URIRef":
        return str(value)
    raise QueryError(f"the embedded engine takes text, numbers, booleans, dates and lists as "
                     f"parameters, not {type(value).__name__}; {NEO4J_HINT}")


def _value(value: Any) -> Any:
    """A Ladybug value as plain data: a node or relationship as its properties (no internal
    ids, no nulls: the properties it has, as Neo4j gives them)."""
    if isinstance(value, dict):
        if "_ID" in value or "_NODES" in value:
            if "_NODES" in value:  # a path: its nodes and relationships
                return {"nodes": [_value(n) for n in value["_NODES"]],
                        "relationships": [_value(r) for r in value["_RELS"]]}
            return {k: _value(v) for k, v in value.items()
                    if v is not None and not k.startswith("_")}
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def records_of_networkx(pg) -> Iterable[PropertyGraphNode]:
    """The records of a networkx projection (:func:`kg.property_graph.to_property_graph`)."""
    from kg.property_graph import LABELS

    for node, data in pg.nodes(data=True):
        attrs = {k: v for k, v in data.items() if k != LABELS}
        out = [(key, target, {k: v for k, v in props.items() if k != LABELS})
               for _, target, key, props in pg.out_edges(node, keys=True, data=True)]
        yield node, frozenset(data.get(LABELS, ())), attrs, out
