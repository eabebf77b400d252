"""``kg load`` into a real Neo4j: batched ``UNWIND`` statements against the row-at-a-time baseline.

    bash scripts/with-neo4j.sh .venv/bin/python bench/neo4j_load.py GRAPH.ttl [--relationships 40000]

Needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), which scripts/with-neo4j.sh exports after it
starts a private Neo4j. GRAPH is a graph kg built (for example from ../shared/data/bbc). Its
projection is grown to at least ``--relationships`` relationships with disjoint copies in which
every resource IRI gets a copy suffix (as bench/sparql_speed.py does with triples), so there is
enough to time. Both loads go through kg's own loader (kg.neo4j_store.Neo4jStore), in one run:

- ``kg load``: the defaults of ``Neo4jStore.load`` (10,000 rows a statement, 2 batches at a time;
  into an empty database every node and relationship is new, so it looks nothing up by row and
  writes with ``CREATE``: see kg.neo4j_store);
- the baseline: one row a statement and transaction, one at a time, on a sample of
  ``--baseline-edges`` relationships with their nodes (the whole graph would take too long).

Before any timing, ``--warmup`` untimed loads of the whole graph (each cleared again) let
Neo4j compile its write paths, as a server that has been running would have; the first loads
into a fresh JVM cost up to twice as long. Each timed load starts from an empty database and is
repeated ``--repeat`` times; the best is kept.
Printed: relationships/s over the whole load (from the constraints to the last commit, node
writes and client-side packing included: the BBC graph has 0.6 nodes per relationship, two
thirds of them MENTIONS) and over the relationship phase alone. Prints figures, tests nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from collections import Counter
from pathlib import Path

import networkx as nx

from kg.namespaces import RES
from kg.neo4j_store import DEFAULT_BATCH_SIZE, DEFAULT_WORKERS, LoadReport, Neo4jStore
from kg.property_graph import to_property_graph
from kg.serialize import read_graph


def grow(pg: nx.MultiDiGraph, relationships: int) -> nx.MultiDiGraph:
    """Disjoint copies of ``pg`` (resource IRIs suffixed) until it has ``relationships`` edges."""
    copies = max(1, -(-relationships // max(1, pg.number_of_edges())))
    if copies == 1:
        return pg

    def copy(iri: str, suffix: str) -> str:
        return iri + suffix if iri.startswith(str(RES)) else iri

    grown = nx.MultiDiGraph()
    for n in range(copies):
        suffix = f"-copy{n}" if n else ""
        for node, data in pg.nodes(data=True):
            grown.add_node(copy(node, suffix), **{**data, "uri": copy(node, suffix)})
        for source, target, key, data in pg.edges(keys=True, data=True):
            grown.add_edge(copy(source, suffix), copy(target, suffix), key=key, **data)
    return grown


def best_load(store: Neo4jStore, pg: nx.MultiDiGraph, repeat: int, **options) -> LoadReport:
    best = None
    for _ in range(repeat):
        store.clear()
        report = store.load_property_graph(pg, **options)
        if best is None or report.seconds < best.seconds:
            best = report
    store.clear()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--relationships", type=int, default=40_000)
    parser.add_argument("--baseline-edges", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2,
                        help="untimed loads of the whole graph before timing (default 2)")
    args = parser.parse_args()
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("NEO4J_URI is not set: run through scripts/with-neo4j.sh")

    started = time.perf_counter()
    base = to_property_graph(read_graph(args.graph))
    pg = grow(base, args.relationships)
    print(f"{args.graph}: {base.number_of_nodes()} nodes, {base.number_of_edges()} relationships; "
          f"grown to {pg.number_of_nodes()} nodes, {pg.number_of_edges()} relationships "
          f"({time.perf_counter() - started:.1f} s to read, project and grow)", flush=True)
    by_type = Counter(key for _, _, key in pg.edges(keys=True))
    print("relationships by type: " + ", ".join(f"{t} {n}" for t, n in by_type.most_common()),
          flush=True)
    edges = list(itertools.islice(pg.edges(keys=True), args.baseline_edges))
    sample = pg.edge_subgraph(edges).copy()

    with Neo4jStore(uri, os.environ.get("NEO4J_USER", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", "")) as store:
        for _ in range(args.warmup):  # untimed: Neo4j compiles its write paths
            store.clear()
            store.load_property_graph(pg, batch_size=args.batch_size, workers=args.workers)
        store.load_property_graph(sample)
        loads = [
            (f"kg load ({args.batch_size} rows/statement, {args.workers} at a time)",
             best_load(store, pg, args.repeat, batch_size=args.batch_size, workers=args.workers)),
            ("row at a time (baseline, sample)",
             best_load(store, sample, 1, batch_size=1, workers=1)),
        ]
    print()
    print("| load | nodes | relationships | seconds (nodes + relationships) | rel/s, whole load "
          "| rel/s, relationship phase |")
    print("|---|---|---|---|---|---|")
    for name, r in loads:
        print(f"| {name} | {r.nodes} | {r.relationships} | {r.seconds:.2f} ({r.node_seconds:.2f} + "
              f"{r.relationship_seconds:.2f}) | {r.relationships / r.seconds:,.0f} "
              f"| {r.relationships / r.relationship_seconds:,.0f} |")
    fast, slow = loads[0][1], loads[1][1]
    print(f"\nkg load / row at a time: {(fast.relationships / fast.seconds) / (slow.relationships / slow.seconds):.0f}x "
          f"whole load, {(fast.relationships / fast.relationship_seconds) / (slow.relationships / slow.relationship_seconds):.0f}x "
          f"relationship phase (target >= 20,000 relationships/s)")


if __name__ == "__main__":
    main()
