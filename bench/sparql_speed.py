"""Embedded SPARQL (pyoxigraph) on a graph of about a million triples: the queries of ``queries/*.rq``.

    .venv/bin/python bench/sparql_speed.py GRAPH.ttl [--triples 1000000] [--runs 5]

GRAPH is a graph kg built (for example from /work/shared/data/bbc). If it has fewer triples than
``--triples``, copies of it are added in which every resource IRI (articles, entities, claims,
events, evidence, mentions) gets a copy suffix, so the copies are disjoint graphs of the same
shape and the queries see proportionally more of everything. Each query runs once to warm up
and then ``--runs`` times; the median and worst are printed. Prints figures, tests nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import RES
from kg.query import read_query, run_sparql, store_from_file

ROOT = Path(__file__).resolve().parent.parent


def _copy(term, suffix: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(str(RES)):
        return ox.NamedNode(term.value + suffix)
    return term


def grow(store: ox.Store, target: int) -> int:
    base = [(q.subject, q.predicate, q.object) for q in store]
    copy = 1
    while len(store) < target:
        suffix = f"-copy{copy}"
        store.extend(ox.Quad(_copy(s, suffix), p, _copy(o, suffix)) for s, p, o in base)
        copy += 1
    return len(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    args = parser.parse_args()

    started = time.perf_counter()
    store = store_from_file(args.graph)
    base = len(store)
    total = grow(store, args.triples)
    print(f"{args.graph}: {base} triples, grown to {total} in {time.perf_counter() - started:.1f} s")
    print()
    print("| query | rows | median ms | worst ms |")
    print("|---|---|---|---|")
    for path in sorted(args.queries.glob("*.rq")):
        query = read_query(str(path))
        rows = len(run_sparql(store, query).rows)  # warm-up
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            run_sparql(store, query)
            times.append((time.perf_counter() - t) * 1000)
        flag = "" if max(times) < 100 else "  (over 100 ms)"
        print(f"| {path.name} | {rows} | {statistics.median(times):.1f} | {max(times):.1f}{flag} |",
              flush=True)


if __name__ == "__main__":
    main()
