"""Neo4j as a kg store: load the property-graph projection, run Cypher.

Loading creates a uniqueness constraint on ``uri`` for each key label (Entity, Event,
NewsArticle), then merges nodes and relationships in batches with the statements of
:mod:`kg.cypher_statements`: one statement per (key label, label set) for nodes and per
(relationship type, source key label, target key label) for relationships, so every ``MATCH``
and ``MERGE`` looks nodes up through the constraint's index. Each batch is one write
transaction (retried on transient errors such as deadlocks); two run at a time, so the client
packs one batch while Neo4j writes the other. All nodes are written before any relationship.
Loading is idempotent (loading twice changes no count) and incremental (a second article's
graph merges with the entities it shares). A relationship is one per
(source, type, target); its evidence properties are those of the last graph loaded.

Example::

    >>> with Neo4jStore("bolt://127.0.0.1:7687", "neo4j", "secret") as store:
    ...     print(store.load(graph).summary())
    ...     result = store.query("MATCH (p:Person) RETURN p.label AS name")
"""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import networkx as nx
from rdflib import Graph

from kg import cypher_statements as cypher
from kg.property_graph import LABELS, to_property_graph
from kg.query import QueryError, QueryResult, QuerySyntaxError, plain_value


DEFAULT_BATCH_SIZE = 10_000
"""Rows per ``UNWIND`` statement (and per transaction)."""
DEFAULT_WORKERS = 2
"""Batches written at a time."""


class Neo4jConnectionError(ConnectionError):
    """Neo4j is unreachable or refused the credentials; the message is one line."""


@dataclass
class LoadReport:
    """What a load did: the projection's size and Neo4j's own counters."""

    nodes: int = 0
    relationships: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0
    batches: int = 0
    seconds: float = 0.0
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    nodes_by_label: dict[str, int] = field(default_factory=dict)
    relationships_by_type: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"loaded {self.nodes} nodes and {self.relationships} relationships in "
                f"{self.batches} batches, {self.seconds:.1f}s: created {self.nodes_created} nodes, "
                f"{self.relationships_created} relationships, set {self.properties_set} "
                f"properties, added {self.labels_added} labels")


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _key_label(labels: Iterable[str]) -> str:
    for label in cypher.key_labels():
        if label in labels:
            return label
    raise cypher.UnknownName(f"node has none of the key labels {cypher.key_labels()}: {labels}")


class Neo4jStore:
    """A Neo4j database reached over Bolt."""

    supports_sparql = False
    supports_cypher = True
    persistent = True

    def __init__(self, uri: str, user: str = "neo4j", password: str = "",
                 database: str | None = None):
        import neo4j

        self.uri = uri
        self.database = database
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                      connection_timeout=10)
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError:
            raise Neo4jConnectionError(
                f"Neo4j at {uri} refused the login for user {user!r} (wrong password?)") from None
        except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError,
                ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise Neo4jConnectionError(f"cannot reach Neo4j at {uri}: {reason}") from None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors into kg's: syntax, connection, other query errors."""
        import neo4j

        try:
            yield
        except neo4j.exceptions.CypherSyntaxError as exc:
            raise QuerySyntaxError(f"Cypher syntax error: {exc.message}") from None
        except neo4j.exceptions.AuthError:
            raise Neo4jConnectionError(f"Neo4j at {self.uri} refused the login") from None
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise Neo4jConnectionError(f"lost Neo4j at {self.uri}: {exc}") from None
        except neo4j.exceptions.Neo4jError as exc:
            raise QueryError(f"Neo4j: {exc.message}") from None

    def _run(self, statement: str, **parameters: Any):
        with self._errors():
            return self._driver.execute_query(statement, parameters_=parameters,
                                              database_=self.database)

    def query(self, statement: str, **parameters: Any) -> QueryResult:
        """Run Cypher and return plain rows (dates as ISO strings, nodes as property maps)."""
        result = self._run(statement, **parameters)
        rows = [tuple(plain_value(record[key]) for key in result.keys) for record in result.records]
        return QueryResult(list(result.keys), rows)

    cypher = query
    """Same as :meth:`query`: the name shared with :class:`kg.query.EmbeddedGraph`."""

    def clear(self) -> None:
        """Delete every node and relationship."""
        self._run(cypher.delete_all())

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) in the database."""
        record = self._run(cypher.count_nodes_and_relationships()).records[0]
        return record["nodes"], record["relationships"]

    def load(self, graph: Graph, batch_size: int = DEFAULT_BATCH_SIZE,
             workers: int = DEFAULT_WORKERS) -> LoadReport:
        """Load the property-graph projection of an RDF graph."""
        return self.load_property_graph(to_property_graph(graph), batch_size=batch_size,
                                        workers=workers)

    def _write(self, statement: str, rows: list[dict[str, Any]]):
        """Run one batch in its own write transaction; the driver retries transient errors."""
        def work(tx):
            return tx.run(statement, rows=rows).consume().counters

        with self._errors(), self._driver.session(database=self.database) as session:
            return session.execute_write(work)

    def load_property_graph(self, pg: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE,
                            workers: int = DEFAULT_WORKERS) -> LoadReport:
        """Merge the nodes and relationships of a projection, in batches of ``batch_size`` rows,
        ``workers`` batches at a time (1: strictly one after the other)."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        began = time.perf_counter()
        report = LoadReport(nodes=pg.number_of_nodes(), relationships=pg.number_of_edges())
        for label in cypher.key_labels():
            self._run(cypher.create_uri_constraint(label))

        node_groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
        key_of: dict[str, str] = {}
        for node, data in pg.nodes(data=True):
            labels = tuple(sorted(data[LABELS]))
            key_of[node] = _key_label(labels)
            props = {k: v for k, v in data.items() if k != LABELS}
            node_groups[(key_of[node], labels)].append({"uri": node, "props": props})
            for label in labels:
                report.nodes_by_label[label] = report.nodes_by_label.get(label, 0) + 1

        edge_groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for source, target, rel_type, data in pg.edges(keys=True, data=True):
            props = {k: v for k, v in data.items() if k != LABELS}
            edge_groups[(rel_type, key_of[source], key_of[target])].append(
                {"source": source, "target": target, "props": props})
            report.relationships_by_type[rel_type] = report.relationships_by_type.get(rel_type, 0) + 1

        node_work = [(cypher.merge_nodes(key, list(labels)), batch)
                     for (key, labels), rows in sorted(node_groups.items())
                     for batch in _batches(rows, batch_size)]
        edge_work = [(cypher.merge_relationships(*group), batch)
                     for group, rows in sorted(edge_groups.items())
                     for batch in _batches(rows, batch_size)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for work, phase in ((node_work, "node_seconds"), (edge_work, "relationship_seconds")):
                phase_began = time.perf_counter()  # every endpoint exists before its relationships
                for counters in pool.map(lambda item: self._write(*item), work):
                    report.nodes_created += counters.nodes_created
                    report.relationships_created += counters.relationships_created
                    report.properties_set += counters.properties_set
                    report.labels_added += counters.labels_added
                    report.batches += 1
                setattr(report, phase, time.perf_counter() - phase_began)
        report.seconds = time.perf_counter() - began
        return report
