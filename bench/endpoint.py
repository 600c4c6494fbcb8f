"""Endpoint load: ``kg serve`` beside ``oxigraph serve-read-only`` on the same data, in the same run.

Both servers hold the shipped graph (kg loads it; Oxigraph is given the N-Quads dump that ``kg
export`` writes, and reads it with the union of the graphs as default graph, as kg does). The same
SPARQL query is sent by 8 clients for 60 s, twice per server: always the same text (kg answers it
from its cache after the first time; Oxigraph has no cache, so this is its plain speed) and with a
comment that changes at every request (no cache can help: every answer is evaluated). The clients
run in their own process (bench/load.py).

    python bench/endpoint.py                    # 8 clients, 60 s each run
    python bench/endpoint.py --seconds 10
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from load import measure  # noqa: E402

QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?label LIMIT 200"""


def path(endpoint: str, fresh: bool) -> str:
    """The request path; with ``fresh``, a comment that makes every request's query text new."""
    text = QUERY + ("\n# request NUMBER" if fresh else "")
    return f"{endpoint}?{urlencode({'query': text})}".replace("NUMBER", "{n}")


@contextlib.contextmanager
def oxigraph_server(port: int, folder: Path) -> Iterator[str]:
    """``oxigraph serve-read-only`` on the shipped graph (loaded from the dump kg writes)."""
    dump = folder / "graph.nq"
    subprocess.run(
        [sys.executable, "-m", "kg.cli", "export", "--format", "nquads", "-o", str(dump)], check=True
    )
    store = folder / "store"
    subprocess.run(["oxigraph", "load", "--location", str(store), "--file", str(dump)], check=True)
    command = ["oxigraph", "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "--union-default-graph"])
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + path("/query", False), timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def compare(clients: int, seconds: float, oxigraph_port: int) -> list[tuple[str, bool, dict[str, Any]]]:
    """(server, fresh query text?, figures) for kg serve and Oxigraph, each with both kinds of query."""
    if shutil.which("oxigraph") is None:
        sys.exit("the oxigraph command is missing: pip install oxigraph")
    from kg.server.running import running_server

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        with running_server() as base:
            for fresh in (False, True):
                rows.append(("kg serve", fresh, measure(base, clients, seconds, path("/sparql", fresh))))
        with oxigraph_server(oxigraph_port, Path(scratch)) as base:
            for fresh in (False, True):
                rows.append(("oxigraph", fresh, measure(base, clients, seconds, path("/query", fresh))))
    return rows


def markdown(rows: list[tuple[str, bool, dict[str, Any]]], clients: int, seconds: float) -> str:
    """The figures as a table, each server's row beside the other's for the same kind of query."""
    lines = [
        f"{clients} clients, {seconds:g} s per run; query: `{' '.join(QUERY.split())}`",
        "",
        "| server | query text | requests/s | p50 | p99 | errors |",
        "|---|---|---|---|---|---|",
    ]
    for fresh in (False, True):
        for name, kind, figures in rows:
            if kind == fresh:
                text = "new at every request" if fresh else "the same (cacheable)"
                lines.append(
                    f"| {name} | {text} | {figures['requests_per_s']:.0f} | {figures['p50_ms']:.1f} ms | "
                    f"{figures['p99_ms']:.1f} ms | {figures['errors']} |"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--oxigraph-port", type=int, default=18250)
    args = parser.parse_args()
    print(markdown(compare(args.clients, args.seconds, args.oxigraph_port), args.clients, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
