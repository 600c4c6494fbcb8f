"""Time saved queries in one process: the median of five runs each, and the slowest median.

Run: python bench/queries.py   (every saved query on the shipped graph; each must answer within a second)
     python bench/queries.py --data cases.nq source-documents   (named ones on a generated graph)
"""

from __future__ import annotations

import argparse
import statistics
import time

import kg
from kg.catalogue import catalogue
from kg.query import run_saved

RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="saved queries to time (all by default)")
    parser.add_argument(
        "--data", action="append", default=[], metavar="FILE", help="a data file to load (repeatable)"
    )
    args = parser.parse_args()
    graph = kg.load(args.data)
    run_saved(graph, "source-documents")  # warm up imports and caches once
    medians: dict[str, float] = {}
    for name in args.names or catalogue():
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = len(run_saved(graph, name))
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
        print(f"{name:56s} {rows:4d} rows  {medians[name] * 1000:8.1f} ms")
    slowest = max(medians, key=medians.__getitem__)
    print(
        f"{len(medians)} queries, {len(graph)} statements; slowest median: {slowest} "
        f"{medians[slowest] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
