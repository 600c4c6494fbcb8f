"""Time saved queries in one process: the median of five runs each, and the slowest median.

Run: python bench/queries.py   (every saved query on the shipped graph; each must answer within a second)
     python bench/queries.py --data cases.nq source-documents   (named ones on a generated graph)
     python bench/queries.py --data cases.nq --page 100   (each whole answer beside its first page of 100)
     python bench/queries.py --data cases.nq --page 100 --site dist   (and the page read from the answers
                                                  of `kg build --data cases.nq --out dist`)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import kg
from kg.answers import BuiltAnswers
from kg.catalogue import catalogue
from kg.query import run_saved
from kg.results import Results

RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="saved queries to time (all by default)")
    parser.add_argument(
        "--data", action="append", default=[], metavar="FILE", help="a data file to load (repeatable)"
    )
    parser.add_argument("--page", type=int, metavar="N", help="also time the first page of N rows")
    parser.add_argument("--site", type=Path, help="with --page: also read it from this build's answers")
    args = parser.parse_args()
    graph = kg.load(args.data)
    built = None
    if args.site:
        started = time.perf_counter()
        built = BuiltAnswers.of(args.site, graph)
        if built is None:
            parser.error(f"{args.site} was not built from these files with this version")
        checked = time.perf_counter() - started
        print(f"answers of {args.site} checked against the loaded files in {checked:.2f} s")
    run_saved(graph, "source-documents")  # warm up imports and caches once
    medians: dict[str, float] = {}
    pages: dict[str, float] = {}
    read: dict[str, float] = {}
    for name in args.names or catalogue():
        rows = len(run_saved(graph, name))
        medians[name] = median_time(lambda name=name: run_saved(graph, name))
        line = f"{name:56s} {rows:6d} rows  {medians[name] * 1000:8.1f} ms"
        if args.page:
            pages[name] = median_time(lambda name=name: run_saved(graph, name, limit=args.page))
            line += f"  first {args.page}: {pages[name] * 1000:7.1f} ms  ({medians[name] / pages[name]:.1f}x)"
        if args.page and built:
            page = run_saved(graph, name, limit=args.page, built=built)
            assert page.rows == run_saved(graph, name, limit=args.page).rows, name
            read[name] = median_time(lambda name=name: run_saved(graph, name, limit=args.page, built=built))
            line += f"  from the build: {read[name] * 1000:6.1f} ms (more: {page.more})"
        print(line, flush=True)
    for label, times in (
        ("whole answer", medians),
        (f"first page of {args.page}", pages),
        (f"first page of {args.page} from the build's answers", read),
    ):
        if times:
            slowest = max(times, key=times.__getitem__)
            print(
                f"{len(times)} queries, {len(graph)} statements; slowest median, {label}: {slowest} "
                f"{times[slowest] * 1000:.1f} ms"
            )


def median_time(action: Callable[[], Results]) -> float:
    """The median of RUNS runs, each reading every row it gets."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        len(action())
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
