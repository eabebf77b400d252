"""``kg load`` into a real Neo4j: batched ``UNWIND ... MERGE`` against the row-at-a-time baseline.

    bash scripts/with-neo4j.sh .venv/bin/python bench/neo4j_load.py GRAPH.ttl [--baseline-edges 2000]

Needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), which scripts/with-neo4j.sh exports after it
starts a private Neo4j. Uses only kg's own loader (kg.neo4j_store.Neo4jStore): the batched load
is what ``kg load`` does (1,000 rows a statement); the baseline is the same loader with one row a
statement, on a sample of ``--baseline-edges`` relationships with their nodes (row at a time on
the whole graph would take too long). Rates are relationships over the whole load, node merges
included. Prints figures only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

from kg.neo4j_store import Neo4jStore
from kg.property_graph import to_property_graph
from kg.serialize import read_graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--baseline-edges", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("NEO4J_URI is not set: run through scripts/with-neo4j.sh")

    started = time.perf_counter()
    pg = to_property_graph(read_graph(args.graph))
    print(f"{args.graph}: {pg.number_of_nodes()} nodes, {pg.number_of_edges()} relationships "
          f"(projection made in {time.perf_counter() - started:.1f} s)")
    edges = list(itertools.islice(pg.edges(keys=True), args.baseline_edges))
    sample = pg.edge_subgraph(edges).copy()

    with Neo4jStore(uri, os.environ.get("NEO4J_USER", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", "")) as store:
        rows = []
        for name, graph, batch in ((f"batched UNWIND MERGE, {args.batch_size} rows/statement", pg,
                                    args.batch_size),
                                   ("row at a time (baseline, sample)", sample, 1)):
            store.clear()
            report = store.load_property_graph(graph, batch_size=batch)
            rate = report.relationships / report.seconds
            rows.append((name, report.nodes, report.relationships, report.seconds, rate))
            print(f"  {name}: {report.summary()}", flush=True)
        store.clear()
    print()
    print("| load | nodes | relationships | seconds | relationships/s |")
    print("|---|---|---|---|---|")
    for name, nodes, rels, seconds, rate in rows:
        print(f"| {name} | {nodes} | {rels} | {seconds:.1f} | {rate:,.0f} |")
    print(f"\nbatched / row at a time: {rows[0][4] / rows[1][4]:.0f}x (target >= 20,000 relationships/s)")


if __name__ == "__main__":
    main()
