"""Neo4j as a kg store: load the property-graph projection, run Cypher.

Loading creates a uniqueness constraint on ``uri`` for each key label (Entity, Event,
NewsArticle) and then writes in two phases, in batches of ``UNWIND $rows`` statements from
:mod:`kg.cypher_statements`, each batch one write transaction (retried on transient errors):

1. Nodes. For each key label the loader asks which of the graph's uris the database already
   holds (nothing to ask when it holds no node of that label: Neo4j counts labels for free).
   New nodes are written with ``CREATE``, one statement per label set; the nodes found are
   merged (``MERGE`` on ``uri``, properties set, labels added). Both return every node's
   element id. Should a concurrent writer create one of "our" new uris first, the constraint
   refuses the batch and it is merged instead.
2. Relationships, once every node is written. A relationship with an endpoint created in
   phase 1 cannot exist yet, so it is written with ``CREATE``; the others (both endpoints were
   already there) with ``MERGE``. Endpoints are found by element id, and checked by ``uri``
   (ids of deleted nodes are reused); a batch in which some endpoint was not found is merged
   again by ``uri``. One statement per relationship type.

``workers`` batches run at a time, so the client packs one batch while Neo4j writes another;
``MERGE`` batches of relationships run one at a time instead (two of them on one busy node
deadlocked, and the driver's retry of a deadlock costs about a second; ``CREATE`` batches side
by side did not). A load into an empty database thus looks nothing up row by row and merges
nothing. Loading is idempotent (loading twice changes no count) and incremental (a second
article's graph merges with the entities it shares). A relationship is one per (source, type,
target); its evidence properties are those of the last graph loaded. Two loads at the same
moment into one database could each write a relationship to a node the other has just created,
one by ``CREATE`` and one by ``MERGE``, and so write it twice (2,045 duplicates in 1 of 13
tries); so a load holds a lock in the database, one ``KgLoadLock`` node that lives while it
runs, and a second load waits for it. The holder renews a heartbeat on the lock every few
seconds: the lock of a loader killed mid-load is taken over once its heartbeat is
``LOCK_STALE_SECONDS`` old.

Where the time goes (``bench/neo4j_load.py``, 96,216 nodes and 41,800 relationships): nearly
all of it is Neo4j's own CPU, most of it in the node phase, and most of that maintaining the
``uri`` index of the uniqueness constraint (long string keys in a B-tree: about 15 microseconds
of CPU a node; a plain index costs about the same, the node writes without it half). The
client's packing and Bolt encoding take about a third as much CPU as the server.

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
from datetime import date, datetime
from typing import Any, Iterable, Iterator

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg import cypher_statements as cypher
from kg.property_graph import LABELS, bounded
from kg.query import QueryError, QueryResult, QuerySyntaxError, plain_value


DEFAULT_BATCH_SIZE = 10_000
"""Rows per ``UNWIND`` statement (and per transaction)."""
DEFAULT_WORKERS = 2
"""Batches written at a time."""
LOAD_CHUNK = 100_000
"""Nodes (then relationships) a load holds at a time; the BBC graph is one chunk."""
RETRY_SECONDS = 5.0
"""How long the driver retries a transaction that failed on a transient error (a deadlock, a
lost connection) before kg reports it; the driver's default, 30 s per batch in flight, made a
load into a stopped Neo4j take 87 s."""
LOCK_STALE_SECONDS = 60.0
"""A load lock whose heartbeat is older than this belongs to a loader that died."""
LOCK_WAIT_SECONDS = 600.0
"""How long a load waits for another one to finish before it gives up."""


class Neo4jConnectionError(ConnectionError):
    """Neo4j is unreachable or refused the credentials; the message is one line."""


class Neo4jAddressError(Neo4jConnectionError):
    """An address that is no Bolt URI (``http://...``): a usage mistake."""


BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


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
    lock_wait_seconds: float = 0.0
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    nodes_by_label: dict[str, int] = field(default_factory=dict)
    relationships_by_type: dict[str, int] = field(default_factory=dict)

    def tally(self, counters) -> None:
        """Add the counters of one statement Neo4j ran."""
        self.nodes_created += counters.nodes_created
        self.relationships_created += counters.relationships_created
        self.properties_set += counters.properties_set
        self.labels_added += counters.labels_added
        self.batches += 1

    def summary(self) -> str:
        waited = (f" (waited {self.lock_wait_seconds:.1f}s for another load)"
                  if self.lock_wait_seconds >= 0.5 else "")
        return (f"loaded {self.nodes} nodes and {self.relationships} relationships in "
                f"{self.batches} batches, {self.seconds:.1f}s{waited}: created "
                f"{self.nodes_created} nodes, {self.relationships_created} relationships, set "
                f"{self.properties_set} properties, added {self.labels_added} labels")


def _spooled(value: Any) -> Any:
    """A property value JSON has no type for (a date), kept with its type in the spool."""
    if isinstance(value, (date, datetime)):
        return {"__kg_date__": value.isoformat(), "time": isinstance(value, datetime)}
    raise TypeError(f"cannot spool {type(value).__name__}")


def _unspooled(obj: dict[str, Any]) -> Any:
    if "__kg_date__" in obj:
        read = datetime.fromisoformat if obj["time"] else date.fromisoformat
        return read(obj["__kg_date__"])
    return obj


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _neo4j_value(value: Any) -> Any:
    """A property value Neo4j can hold: integers beyond 64 bits as text (10**23 deaths made the
    driver raise OverflowError)."""
    if isinstance(value, list):
        return [bounded(v) for v in value]
    return bounded(value)


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
        scheme = uri.partition("://")[0].lower() if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:  # the driver would try its HTTP API for http://
            raise Neo4jAddressError(f"{uri!r} is no Bolt address: kg talks to Neo4j over Bolt, "
                                    f"e.g. bolt://127.0.0.1:7687 (schemes: {', '.join(BOLT_SCHEMES)})")
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                      connection_timeout=10,
                                                      max_transaction_retry_time=RETRY_SECONDS)
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
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired,
                neo4j.exceptions.DatabaseUnavailable) as exc:  # the last: a server shutting down
            reason = getattr(exc, "message", None) or str(exc)  # a Neo4jError's str has its codes
            reason = reason.splitlines()[0] if reason else type(exc).__name__
            raise Neo4jConnectionError(f"lost Neo4j at {self.uri}: {reason}") from None
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

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """:meth:`query` with ``params`` as Neo4j parameters (``$name``; one the query uses and
        ``params`` lacks is null): the signature shared with :class:`kg.query.EmbeddedGraph`."""
        from decimal import Decimal

        from kg.query import QueryError, cypher_parameters

        used = cypher_parameters(query)
        unknown = sorted(set(params or {}) - set(used))
        if unknown:
            raise QueryError(f"the query has no parameter {', '.join('$' + u for u in unknown)}")
        values = dict.fromkeys(used)  # a parameter given no value is null, as embedded
        values.update({k: float(v) if isinstance(v, Decimal) else str(v) if isinstance(v, str)
                       else v for k, v in (params or {}).items()})
        return self.query(query, **values)

    def clear(self) -> None:
        """Delete every node and relationship."""
        self._run(cypher.delete_all())

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) in the database."""
        record = self._run(cypher.count_nodes_and_relationships()).records[0]
        return record["nodes"], record["relationships"]

    def load(self, graph: Graph | ox.Store, batch_size: int = DEFAULT_BATCH_SIZE,
             workers: int = DEFAULT_WORKERS) -> LoadReport:
        """Load the property-graph projection of an RDF graph: a pyoxigraph store (read with
        SPARQL, :func:`kg.property_graph.property_graph_records`) or an rdflib graph."""
        from kg.property_graph import property_graph_records

        return self.load_records(property_graph_records(graph), batch_size=batch_size,
                                 workers=workers)

    @staticmethod
    def _run_batch(tx, statement: str, rows: list[Any]) -> tuple[Any, Any]:
        result = tx.run(statement, rows=rows)
        records = list(result)
        return (records[0] if records else None), result.consume().counters

    def _write(self, statement: str, rows: list[Any]) -> tuple[Any, Any]:
        """Run one batch in its own write transaction; the driver retries transient errors.

        Returns the statement's first record (None if it returns none) and Neo4j's counters.
        """
        with self._errors(), self._driver.session(database=self.database) as session:
            return session.execute_write(self._run_batch, statement, rows)

    def _write_new_nodes(self, labels: tuple[str, ...], rows: list[dict[str, Any]]):
        """CREATE a batch of nodes believed new; merge it if the constraint says otherwise.

        Returns (record, counters, created): created is False when the batch was merged.
        """
        import neo4j

        with self._errors():
            try:
                with self._driver.session(database=self.database) as session:
                    return (*session.execute_write(self._run_batch, cypher.create_nodes(list(labels)),
                                                   rows), True)
            except neo4j.exceptions.ConstraintError:  # a concurrent writer created one of them
                pass
        return (*self._write(cypher.merge_nodes(_key_label(labels), list(labels)), rows), False)

    def _existing_uris(self, uris_by_key: dict[str, list[str]], batch_size: int,
                       pool: ThreadPoolExecutor) -> set[str]:
        """The uris (of each key label) that the database holds already."""
        work = []
        for key, uris in uris_by_key.items():
            if self._run(cypher.count_label(key)).records[0]["count"]:
                work += [(cypher.find_nodes(key), batch) for batch in _batches(uris, batch_size)]
        found: set[str] = set()
        for record, _ in pool.map(lambda item: self._write(*item), work):
            found.update(record["uris"])
        return found

    def load_property_graph(self, pg: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE,
                            workers: int = DEFAULT_WORKERS) -> LoadReport:
        """Write the nodes and relationships of a networkx projection, in batches of
        ``batch_size`` rows, ``workers`` batches at a time (1: strictly one after the other)."""
        from kg.embedded_cypher import records_of_networkx

        return self.load_records(records_of_networkx(pg), batch_size=batch_size, workers=workers)

    def load_records(self, records: Iterable, batch_size: int = DEFAULT_BATCH_SIZE,
                     workers: int = DEFAULT_WORKERS, chunk: int = LOAD_CHUNK) -> LoadReport:
        """Write a streamed projection (:func:`kg.property_graph.property_graph_records`):
        ``chunk`` nodes at a time, their relationships spooled to a temporary file and written
        once every node is in, in batches of ``batch_size`` rows, ``workers`` at a time. Memory
        holds one chunk and each node's element id, not the projection."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        began = time.perf_counter()
        report = LoadReport()
        for label in cypher.key_labels():
            self._run(cypher.create_uri_constraint(label))
        try:
            with self.load_lock(report):
                self._load_locked(records, batch_size, workers, chunk, report)
        except Neo4jConnectionError as exc:
            raise Neo4jConnectionError(
                f"{str(exc).rstrip(': ')}; the load stopped after {report.batches} batches "
                f"(loading is idempotent: load again once Neo4j is back)") from None
        report.seconds = time.perf_counter() - began
        return report

    @contextmanager
    def load_lock(self, report: LoadReport | None = None,
                  wait: float = LOCK_WAIT_SECONDS) -> Iterator[str]:
        """Hold the database's load lock (waiting up to ``wait`` seconds for another loader);
        yields the owner id written on it. See the module notes."""
        import os
        import socket
        import threading
        import uuid

        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._run(cypher.create_load_lock_constraint())
        began = time.perf_counter()
        while True:
            try:
                record = self._run(cypher.acquire_load_lock(), owner=owner,
                                   stale_ms=int(LOCK_STALE_SECONDS * 1000)).records[0]
            except QueryError:  # the lock node went away under us (its holder released it)
                record = None
            if record is not None and record["free"]:
                break
            if time.perf_counter() - began > wait:
                holder = record["owner"] if record is not None else "another loader"
                raise QueryError(f"another kg load ({holder}) has been writing to Neo4j at "
                                 f"{self.uri} for more than {wait:.0f}s; try again later")
            time.sleep(0.2)
        if report is not None:
            report.lock_wait_seconds = time.perf_counter() - began
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(LOCK_STALE_SECONDS / 6):
                try:
                    self._run(cypher.renew_load_lock(), owner=owner)
                except (QueryError, Neo4jConnectionError):
                    pass  # a lost server is the load's error to report, not this thread's

        beating = threading.Thread(target=heartbeat, name="kg-load-lock", daemon=True)
        beating.start()
        try:
            yield owner
        finally:
            stop.set()
            beating.join()
            try:
                self._run(cypher.release_load_lock(), owner=owner)
            except (QueryError, Neo4jConnectionError):
                pass  # the server is gone: the lock goes stale and the next load takes it

    def _load_locked(self, records: Iterable, batch_size: int, workers: int, chunk: int,
                     report: LoadReport) -> None:
        """The two phases of a load, under the load lock: the nodes, a chunk at a time (each
        chunk's relationships spooled), then the relationships, a chunk at a time."""
        import itertools
        import json
        import tempfile

        key_of: dict[str, str] = {}
        element_ids: dict[str, str] = {}
        created: set[str] = set()
        phase_began = time.perf_counter()
        with tempfile.TemporaryFile("w+", encoding="utf-8", prefix="kg-load-") as spool:
            records = iter(records)
            while part := list(itertools.islice(records, chunk)):
                node_groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
                for node, labels, attrs, out in part:
                    labels = tuple(sorted(labels))
                    key_of[node] = _key_label(labels)
                    row = {k: _neo4j_value(v) for k, v in attrs.items() if k != LABELS}
                    row["uri"] = node
                    node_groups[labels].append(row)
                    report.nodes += 1
                    for label in labels:
                        report.nodes_by_label[label] = report.nodes_by_label.get(label, 0) + 1
                    for rel_type, target, props in out:
                        spool.write(json.dumps([node, target, rel_type, {
                            k: _neo4j_value(v) for k, v in props.items() if k != LABELS}],
                            default=_spooled) + "\n")
                ids, new = self._write_nodes(node_groups, {n: key_of[n] for n, *_ in part},
                                             batch_size, workers, report)
                element_ids.update(ids)
                created |= new
            report.node_seconds = time.perf_counter() - phase_began

            phase_began = time.perf_counter()  # every endpoint exists now
            spool.seek(0)
            while lines := list(itertools.islice(spool, chunk)):
                edge_groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
                for line in lines:
                    source, target, rel_type, props = json.loads(line, object_hook=_unspooled)
                    # A node this load created has no relationship yet, nor has any of its own.
                    new = source in created or target in created
                    edge_groups[(rel_type, new)].append(
                        {"a": element_ids[source], "source": source, "b": element_ids[target],
                         "target": target, "props": props})
                    report.relationships += 1
                    report.relationships_by_type[rel_type] = (
                        report.relationships_by_type.get(rel_type, 0) + 1)
                self._write_relationships(edge_groups, key_of, batch_size, workers, report)
            report.relationship_seconds = time.perf_counter() - phase_began

    def _write_nodes(self, node_groups: dict[tuple[str, ...], list[dict[str, Any]]],
                     key_of: dict[str, str], batch_size: int, workers: int,
                     report: LoadReport) -> tuple[dict[str, str], set[str]]:
        """CREATE the new nodes, MERGE those found; every node's element id, the uris created."""
        uris_by_key: dict[str, list[str]] = defaultdict(list)
        for uri, key in key_of.items():
            uris_by_key[key].append(uri)

        def write(item):
            labels, rows, new = item
            if new:
                return self._write_new_nodes(labels, rows)
            return (*self._write(cypher.merge_nodes(_key_label(labels), list(labels)), rows), False)

        element_ids: dict[str, str] = {}
        created: set[str] = set()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            existing = self._existing_uris(uris_by_key, batch_size, pool)
            work = []
            for labels, rows in sorted(node_groups.items()):
                new = [row for row in rows if row["uri"] not in existing]
                old = [row for row in rows if row["uri"] in existing]
                work += [(labels, batch, True) for batch in _batches(new, batch_size)]
                work += [(labels, batch, False) for batch in _batches(old, batch_size)]
            for record, counters, were_created in pool.map(write, work):
                report.tally(counters)
                element_ids.update(zip(record["uris"], record["ids"]))
                if were_created:
                    created.update(record["uris"])
        return element_ids, created

    def _write_relationships(self, edge_groups: dict[tuple[str, bool], list[dict[str, Any]]],
                             key_of: dict[str, str], batch_size: int, workers: int,
                             report: LoadReport) -> None:
        """CREATE the relationships marked new, ``workers`` batches at a time; then MERGE the
        others one batch at a time."""
        def write(item) -> list[Any]:
            statement, rel_type, batch = item
            record, counters = self._write(statement, batch)
            if record["written"] == len(batch):
                return [counters]
            # An endpoint's element id went stale (its node was deleted meanwhile): by uri.
            by_labels: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
            for row in batch:
                by_labels[(key_of[row["source"]], key_of[row["target"]])].append(row)
            return [counters, *(
                self._write(cypher.merge_relationships_by_uri(rel_type, source, target), rows)[1]
                for (source, target), rows in sorted(by_labels.items()))]

        create_work, merge_work = [], []
        for (rel_type, new), rows in sorted(edge_groups.items()):
            statement = (cypher.create_relationships if new else cypher.merge_relationships)(rel_type)
            (create_work if new else merge_work).extend(
                (statement, rel_type, batch) for batch in _batches(rows, batch_size))
        # MERGE locks both endpoints as it goes: two MERGE batches on one busy node deadlocked
        # (and a retried deadlock costs a second). CREATE batches side by side did not.
        for work, at_a_time in ((create_work, workers), (merge_work, 1)):
            with ThreadPoolExecutor(max_workers=at_a_time) as pool:
                for counters in pool.map(write, work):
                    for one in counters:
                        report.tally(one)
