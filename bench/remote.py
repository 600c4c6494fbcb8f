"""Push a generated graph to real triple stores and time every saved query there, side by side.

Each store runs on 127.0.0.1 from a throwaway folder (tests/stores.py): Oxigraph server as it starts
by default (an empty default graph, so queries send its union-default-graph parameter) and
Virtuoso (Graph Store with HTTP Digest). For each store: the time of `kg push` (every graph, the
triple-count check and the saved-query check), then each saved query once, with its rows counted
against the embedded store's.

    python bench/remote.py --cases 6000          # about 10^6 statements
    python bench/remote.py --cases 500 --stores oxigraph
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kg
from bench.generate import generate
from kg.catalogue import catalogue
from kg.errors import KGError
from kg.query import run_saved
from kg.remote import RemoteGraph, push
from tests.stores import VIRTUOSO_DBA, OxigraphServer, Store, VirtuosoServer


def start(name: str, folder: Path) -> tuple[Store, str | None, object]:
    """A running store, its Graph Store URL (None: guessed) and the credentials to write."""
    if name == "oxigraph":
        store: Store = OxigraphServer(folder / name)
        store.start()
        return store, None, None
    virtuoso = VirtuosoServer(folder / name)
    virtuoso.start()
    return virtuoso, virtuoso.graph_store, VIRTUOSO_DBA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=6000, help="generated case studies (6000: ~10^6 statements)"
    )
    parser.add_argument(
        "--stores", nargs="+", choices=["oxigraph", "virtuoso"], default=["oxigraph", "virtuoso"]
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per request")
    parser.add_argument("names", nargs="*", help="saved queries to time (all by default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "cases.nq"
        with data.open("w", encoding="utf-8") as out:
            generate(out, args.cases, seed=1)
        graph = kg.load([data])
        names = args.names or sorted(catalogue())
        local = {name: len(run_saved(graph, name)) for name in names}
        print(
            f"{args.cases} generated cases, {len(graph)} statements in {len(graph.graphs())} graphs",
            flush=True,
        )
        figures = []
        for name in args.stores:
            store, graph_store, credentials = start(name, folder)
            try:
                started = time.perf_counter()
                report = push(graph, store.query_url, graph_store, credentials, timeout=args.timeout)  # type: ignore[arg-type]
                pushed = time.perf_counter() - started
                print(f"{name}: push {pushed:.1f} s ({report.dataset})", flush=True)
                remote = RemoteGraph(store.query_url, timeout=args.timeout)
                times, differ = {}, []
                for query in names:
                    started = time.perf_counter()
                    try:
                        rows = len(run_saved(remote, query))
                    except KGError as err:  # a store may refuse a query: say so and go on
                        print(f"  {query:56s} refused: {str(err)[:160]}", flush=True)
                        differ.append(f"{query} refused")
                        continue
                    times[query] = time.perf_counter() - started
                    if rows != local[query]:
                        differ.append(f"{query} {rows}/{local[query]}")
                    print(f"  {query:56s} {rows:7d} rows {times[query]:8.2f} s", flush=True)
                slowest = max(times, key=times.__getitem__)
                figures.append((name, pushed, sum(times.values()), slowest, times[slowest], differ))
            finally:
                store.stop()
        print(f"\n{'store':10s} {'statements':>10s} {'push s':>8s} {'all queries s':>14s}  slowest query")
        for name, pushed, total, slowest, seconds, differ in figures:
            print(f"{name:10s} {len(graph):10d} {pushed:8.1f} {total:14.1f}  {slowest} {seconds:.1f} s")
            if differ:
                print(f"{'':10s} rows differing from the embedded store: {', '.join(differ)}")


if __name__ == "__main__":
    main()
