"""Time every saved query on the shipped graph: the median of five runs each, and the slowest median.

Run: python bench/queries.py   (the saved queries must each answer within a second)
"""

from __future__ import annotations

import statistics
import time

import kg
from kg.catalogue import catalogue
from kg.query import run_saved

RUNS = 5


def main() -> None:
    graph = kg.load()
    run_saved(graph, "source-documents")  # warm up imports and caches once
    medians: dict[str, float] = {}
    for name in catalogue():
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
