"""Embedded SPARQL (pyoxigraph) on a graph of about a million triples: the queries of ``queries/*.rq``.

    .venv/bin/python bench/sparql_speed.py GRAPH.ttl [GRAPH2.ttl ...] [--triples 1000000] [--runs 5]
        [--param name="Tony Blair" ...]
    .venv/bin/python bench/sparql_speed.py STORE [--runs 5] [--param ...]

STORE is a store ``kg build --store`` made: it is opened read-only and queried as it is, the way
``kg query STORE --sparql`` runs (no copy, no growing; ``--triples`` does not apply).

GRAPH is a graph kg built (for example from ../shared/data/bbc); several graphs are merged
(add the seed article's graph so the queries about Ismail Haniyeh find rows). If the graph has
fewer triples than ``--triples``, copies of it are added in which every resource IRI (articles,
entities, claims, events, evidence, mentions) gets a copy suffix, so the copies are disjoint
graphs of the same shape and the queries see proportionally more of everything. The store is
loaded once, as ``kg query`` does (pyoxigraph bulk load); only the queries are timed. Each query
runs once to warm up and then ``--runs`` times; the median and worst are printed. ``--param``
binds a parameter in the queries that declare it (``VALUES ?name { UNDEF }``), as
``kg query --param`` does; without, each query answers for every actor or date. Prints figures,
tests nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import RES
from kg.query import parse_parameter, query_parameters, read_query, run_sparql
from kg.store import describe, is_store, open_store

ROOT = Path(__file__).resolve().parent.parent


_RESOURCE = re.compile(rb"<(" + re.escape(str(RES).encode()) + rb"[^>]*)>")


def grow(paths: list[Path], target: int) -> tuple[int, ox.Store]:
    """(triples in the merged input, a store of disjoint copies of it with >= ``target`` triples).

    Copies are made on the N-Triples text and bulk-loaded once: adding quads one by one through
    the Python API took minutes for a million triples.
    """
    merged = ox.Store()
    for path in paths:
        merged.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    base = len(merged)
    text = merged.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    copies = max(1, -(-target // max(1, base)))
    parts = [text] + [_RESOURCE.sub(lambda m, s=f"-copy{n}".encode(): b"<" + m.group(1) + s + b">",
                                    text) for n in range(1, copies)]
    store = ox.Store()
    store.bulk_load(b"".join(parts), format=ox.RdfFormat.N_TRIPLES)
    return base, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graphs", type=Path, nargs="+")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="bind NAME in the queries that declare it (repeatable)")
    args = parser.parse_args()
    given = dict(parse_parameter(text) for text in args.param)

    started = time.perf_counter()
    names = " + ".join(str(p) for p in args.graphs)
    if len(args.graphs) == 1 and is_store(args.graphs[0]):
        store = open_store(args.graphs[0])
        triples = describe(args.graphs[0]).get("triples", "?")
        print(f"{names}: a store of {triples} triples, opened read-only")
    else:
        base, store = grow(args.graphs, args.triples)
        print(f"{names}: {base} triples, grown to {len(store)} in {time.perf_counter() - started:.1f} s")
    print()
    print("| query | rows | median ms | worst ms |")
    print("|---|---|---|---|")
    for path in sorted(args.queries.glob("*.rq")):
        query = read_query(str(path))
        params = {k: v for k, v in given.items() if k in query_parameters(query)}
        rows = len(run_sparql(store, query, params).rows)  # warm-up
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            run_sparql(store, query, params)
            times.append((time.perf_counter() - t) * 1000)
        flag = "" if max(times) < 100 else "  (over 100 ms)"
        bound = " ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {path.name}{' (' + bound + ')' if bound else ''} | {rows} | "
              f"{statistics.median(times):.1f} | {max(times):.1f}{flag} |", flush=True)


if __name__ == "__main__":
    main()
