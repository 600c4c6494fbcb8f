"""Time saved queries in one process: the median of five runs each, and the slowest median.

Run: python bench/queries.py   (every saved query on the shipped graph; each must answer within a second)
     python bench/queries.py --data cases.nq source-documents   (named ones on a generated graph)
     python bench/queries.py --data cases.nq --page 100   (each whole answer beside its first page of 100)
     python bench/queries.py --data cases.nq --page 100 --site dist   (and the page read from the answers
                                                  of `kg build --data cases.nq --out dist`)
     python bench/queries.py --data cases.nq --page 100 --site dist --parameters   (instead, the first
                                                  page with each parameter for each of its values
                                                  (three of a long list) and in each other language
                                                  the build kept: evaluated, and, for a parameter
                                                  that only drops rows and for a language, read from
                                                  the build's answer, checked to be the same)
     python bench/queries.py --data cases.nq --values   (instead, listing the known values of each IRI
                                                  parameter, as `kg query NAME --values PARAM` does)
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
from kg.query import known_values, run_saved
from kg.results import Results

RUNS = 5
#: A parameter with at most this many known values (a concept scheme) is timed with each of them.
EVERY = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="saved queries to time (all by default)")
    parser.add_argument(
        "--data", action="append", default=[], metavar="FILE", help="a data file to load (repeatable)"
    )
    parser.add_argument("--page", type=int, metavar="N", help="also time the first page of N rows")
    parser.add_argument("--site", type=Path, help="with --page: also read it from this build's answers")
    parser.add_argument(
        "--parameters",
        action="store_true",
        help="with --site: time the first pages of each parameter, read from the build or evaluated",
    )
    parser.add_argument(
        "--values", action="store_true", help="time the listing of each parameter's known values"
    )
    args = parser.parse_args()
    if args.parameters and not (args.site and args.page):
        parser.error("--parameters needs --page and --site")
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
    if args.values:
        names = sorted({p.name for q in catalogue().values() for p in q.parameters if p.kind == "iri"})
        for parameter in names:
            took = median_time(lambda p=parameter: known_values(graph, p))
            count = len(known_values(graph, parameter))
            print(f"known values of {parameter:14s} {count:6d}  {took * 1000:8.1f} ms", flush=True)
        return
    if args.parameters:
        assert built is not None
        parameter_pages(graph, built, args.names or list(catalogue()), args.page)
        return
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


def parameter_pages(graph: kg.KnowledgeGraph, built: BuiltAnswers, names: list[str], size: int) -> None:
    """For each parameter: its first page with each of its values (every choice or known value,
    or the first, middle and last of more than EVERY; for ``lang`` each other language kept),
    evaluated once. A parameter that only drops rows, and ``lang``, are also read from the build
    (median, each page compared with the evaluated one); the row shows the value whose page was
    slowest, with how many rows it holds. Other parameters are evaluated with ``--site`` too."""
    slowest: list[float] = []
    over: list[str] = []
    for name in names:
        query = catalogue()[name]
        for parameter in query.parameters:
            read_from_build = parameter.name == "lang" or parameter.variable in query.row_filters
            if parameter.name == "lang":
                values: tuple[str, ...] = tuple(sorted(built.languages))
            elif parameter.choices:
                values = parameter.choices
            else:
                known = [str(row["value"].value) for row in known_values(graph, parameter.name).rows]
                every = len(known) <= EVERY
                values = tuple(known if every else dict.fromkeys(known[i] for i in (0, len(known) // 2, -1)))
            worst = (0.0, 0.0, 0, "")
            for value in values:
                given = {parameter.name: value}
                started = time.perf_counter()
                evaluated = run_saved(graph, name, given, limit=size)
                took = time.perf_counter() - started
                if read_from_build:
                    page = run_saved(graph, name, given, limit=size, built=built)
                    assert (page.rows, page.more) == (evaluated.rows, evaluated.more), (name, given)
                    read = median_time(
                        lambda n=name, g=given: run_saved(graph, n, g, limit=size, built=built)
                    )
                    worst = max(worst, (read, took, len(page), value))
                else:
                    worst = max(worst, (took, took, len(evaluated), value))
            if not worst[3]:
                continue
            read, took, rows, value = worst
            shown = f"({rows:3d} rows, {value.rsplit('/', 1)[-1][:24]})"
            if read_from_build:
                slowest.append(read)
                timing = f"slowest read {read * 1000:7.1f} ms {shown}, evaluated {took * 1000:8.1f} ms"
            else:
                over += [f"{name} {parameter.name}"] if took > 0.5 else []
                timing = f"evaluated only, slowest {took * 1000:8.1f} ms {shown}"
            print(f"{name:52s} {parameter.name:12s} {len(values)} values; {timing}", flush=True)
    print(
        f"{len(slowest)} parameters read, {len(graph)} statements; slowest read {max(slowest) * 1000:.1f} ms"
    )
    print(f"evaluated parameters whose slowest first page took over 0.5 s: {', '.join(over) or 'none'}")


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
