"""Embedded Cypher on a whole graph: the time to load it and every ``queries/*.cypher``'s time.

    python bench/cypher_speed.py GRAPH [--repeat 3] [--neo4j URI]

GRAPH is a graph file or a store directory kg built (for example ``kg build DATA/bbc --store
STORE``, with DATA the shared data folder). Printed: the seconds to read the graph and project
it into the embedded engine (:class:`kg.embedded_cypher.CypherGraph`, streamed from the store),
the peak memory of this process, then for each query its rows and its best time over
``--repeat`` runs. With ``--neo4j`` (a Neo4j that ``kg load GRAPH`` filled and that holds
nothing else, or rows from other graphs count too; NEO4J_USER and
NEO4J_PASSWORD from the environment, as scripts/with-neo4j.sh exports them), each query also runs
there and the line says whether the rows are the same (rows that tie on ORDER BY may come in any
order). Prints figures, tests nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import kg
from kg.query import read_query

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def same_rows(a, b) -> bool:
    return a.columns == b.columns and sorted(a.rows, key=repr) == sorted(b.rows, key=repr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--neo4j", metavar="URI")
    args = parser.parse_args()

    began = time.perf_counter()
    graph = kg.read(args.graph)
    engine = graph.cypher_graph
    loaded = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{args.graph}: read and loaded into the embedded engine in {loaded:.2f}s, "
          f"peak RSS {peak} MiB, load average {os.getloadavg()[0]:.2f}")
    neo4j = None
    if args.neo4j:
        from kg.neo4j_store import Neo4jStore

        neo4j = Neo4jStore(args.neo4j, os.environ.get("NEO4J_USER", "neo4j"),
                           os.environ.get("NEO4J_PASSWORD", ""))
    print(f"{'query':16} {'rows':>6} {'best s':>8}" + ("  same rows as Neo4j" if neo4j else ""))
    for path in sorted(QUERIES.glob("*.cypher")):
        text = read_query(str(path))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = engine.run(text)
            times.append(time.perf_counter() - start)
        line = f"{path.stem:16} {len(result.rows):6} {min(times):8.3f}"
        if neo4j is not None:
            line += f"  {same_rows(result, neo4j.cypher(text))}"
        print(line)
    if neo4j is not None:
        neo4j.close()


if __name__ == "__main__":
    main()
