"""``kg validate`` on a large graph: seconds and peak memory, and the verdict.

    .venv/bin/python bench/validate_speed.py GRAPH.ttl

GRAPH is a graph kg built (for example ``kg build DATA/bbc --jobs 1 -o bbc.ttl``, about 810k
triples). The graph is read into pyoxigraph as ``kg validate`` does, then validated; the time of
each step and the peak resident memory of this process are printed. Prints figures, tests
nothing.
"""

from __future__ import annotations

import argparse
import resource
import time

import kg
from kg.validate import validate_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    args = parser.parse_args()
    started = time.perf_counter()
    graph = kg.read(args.graph)
    read = time.perf_counter() - started
    started = time.perf_counter()
    report = validate_store(graph.store)
    checked = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"triples: {len(graph)}")
    print(f"read: {read:.1f} s   validate: {checked:.1f} s   peak RSS: {peak:.0f} MiB")
    print(f"conforms: {report.conforms}  violations: {len(report.violations)}")
    for v in report.violations[:10]:
        print(f"  {v}")


if __name__ == "__main__":
    main()
