"""The abuse probes of the endpoint and the build, measured: one line per probe, figures side by side.

Each probe runs against real processes of the ``kg`` found on the Python path, so the table can be
made for another version of the code by putting its checkout first on ``PYTHONPATH``:

    python bench/probes.py
    PYTHONPATH=/path/to/other/checkout python bench/probes.py

Probes: a SERVICE hidden from a tokenizer (server without network isolation where the version
allows it), static files while four 10,000-row result pages are asked for, 100 slow queries at once,
four huge one-row answers (the server's peak memory), 20 KB of nested brackets, ``kill -9`` of a
build while it draws, a file with a 50 MB literal, and an empty file.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.processes import descendants  # noqa: E402  (after the path that finds it)

# The server starter has no dependency on the rest of the package: loaded by path, it starts
# whichever version of kg the Python path gives.
_spec = importlib.util.spec_from_file_location("running", HERE.parent / "kg" / "server" / "running.py")
assert _spec is not None and _spec.loader is not None
running = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(running)

SLOW = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), "never")) }'
HUGE_ROW = (
    "SELECT (GROUP_CONCAT(?x) AS ?all) WHERE { { SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f "
    "BIND(STR(?b) AS ?x) } LIMIT 3000000 } }"
)
TABLE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?s2 ?p ?o } LIMIT 10000"


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def _server(*args: str) -> Any:
    """``kg serve ARGS`` on a free port: a context giving its address and process."""
    return running.server_process(*args)


def probe_service() -> str:
    """The report's SERVICE probe: status, and connections that reached a local listener."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(3)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        query = f"SELECT ?x WHERE {{ FILTER(1<2)SERVICE#>\n<{url}/x> {{ ?x ?p ?o }} }}"
        try:
            server = _server("--workers", "1", "--no-isolation")
            base, _ = server.__enter__()
            note = "workers not isolated"
        except RuntimeError:  # a version without the switch: its workers isolate where they can
            server = _server("--workers", "1")
            base, _ = server.__enter__()
            note = "workers isolated (no switch to turn it off)"
        try:
            status = httpx.get(base + "/sparql", params={"query": query}, timeout=60).status_code
            connections = 0
            try:
                while True:
                    listener.accept()[0].close()
                    connections += 1
            except TimeoutError:
                pass
        finally:
            server.__exit__(None, None, None)
    return f"HTTP {status}; {connections} connection(s) reached the listener ({note})"


def probe_tables() -> str:
    """Slowest static file while four requests for a cached 10,000-row result page run."""
    with _server("--workers", "2") as (base, _), httpx.Client(base_url=base, timeout=120) as http:
        html = {"Accept": "text/html"}
        http.get("/sparql", params={"query": TABLE}, headers=html)  # cached from now on
        slowest = 0.0

        def page(_: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as own:
                own.get("/sparql", params={"query": TABLE}, headers=html)

        with ThreadPoolExecutor(4) as pages:
            running_pages = [pages.submit(page, i) for i in range(4)]
            while not all(f.done() for f in running_pages):
                started = time.perf_counter()
                http.get("/static/style.css")
                slowest = max(slowest, time.perf_counter() - started)
    return f"slowest static file {slowest:.2f} s"


def probe_crowd() -> str:
    """100 slow queries at once: when the first 503 came, and how long an ASK sent meanwhile took."""
    limits = httpx.Limits(max_connections=200)
    with (
        _server("--workers", "2") as (base, _),
        httpx.Client(base_url=base, timeout=120, limits=limits) as http,
    ):
        http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        started = time.perf_counter()
        first_503: list[float] = []

        def slow(_: int) -> None:
            response = http.get("/sparql", params={"query": SLOW})
            if response.status_code == 503:
                first_503.append(time.perf_counter() - started)

        with ThreadPoolExecutor(100) as crowd:
            for i in range(100):
                crowd.submit(slow, i)
            time.sleep(0.5)
            asked = time.perf_counter()  # a query text of its own: no cached answer to fall back on
            http.get("/sparql", params={"query": "ASK { ?s ?p ?o } # sent while the crowd waits"})
            ask = time.perf_counter() - asked
    return f"first 503 after {min(first_503, default=float('nan')):.2f} s; ASK meanwhile {ask:.2f} s"


def probe_huge() -> str:
    """Four one-row answers of ~150 MB at once: the server's own peak memory, the answers' size."""
    with (
        _server("--workers", "2", "--timeout", "60") as (base, process),
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        before = _peak_mb(process.pid)

        def huge(n: int) -> httpx.Response:
            return http.get("/sparql", params={"query": HUGE_ROW + f" # {n}"})

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(huge, range(4)))
        peak = _peak_mb(process.pid)
    sizes = sorted({len(a.content) // 1024**2 for a in answers})
    flags = sorted({a.headers.get("x-result-truncated", "not flagged") for a in answers})
    statuses = sorted({a.status_code for a in answers})
    return (
        f"server peak {peak:.0f} MB (idle {before:.0f} MB); HTTP {statuses}, answers {sizes} MB, "
        f"{', '.join(flags)}"
    )


def probe_nesting() -> str:
    """20 KB of nested brackets: the answer, how long it took, and whether a worker died."""
    deep = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    with _server("--workers", "2") as (base, process), httpx.Client(base_url=base, timeout=120) as http:
        workers = descendants(process.pid)
        started = time.perf_counter()
        response = http.post("/sparql", content=deep, headers={"Content-Type": "application/sparql-query"})
        took = time.perf_counter() - started
        time.sleep(1)
        killed = len(workers - descendants(process.pid))
    return f"HTTP {response.status_code} in {took:.2f} s; {killed} worker(s) killed"


def probe_killed_build() -> str:
    """``kill -9`` of a build while its diagram workers run: how many outlive it, what is left."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        command = [sys.executable, "-m", "kg.cli", "build", "--out", str(out), "--images"]  # images: workers
        build = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers: set[int] = set()
        deadline = time.monotonic() + 240
        while len(workers) < 3 and build.poll() is None and time.monotonic() < deadline:
            workers = descendants(build.pid)
            time.sleep(0.05)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        time.sleep(5)
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"]
        for pid in alive:  # the probe cleans up after itself
            os.kill(pid, signal.SIGKILL)
        left = [p.name for p in Path(scratch).iterdir() if p.name.startswith(".dist-")]
        subprocess.run(command, capture_output=True, check=False)
        after = [p.name for p in Path(scratch).iterdir() if p.name.startswith(".dist-")]
        mode = oct(out.stat().st_mode & 0o777) if out.exists() else "none"
    return (
        f"workers alive 5 s later {len(alive)}/{len(workers)}; scratch folders left {len(left)}, "
        f"after the next build {len(after)}; dist/ mode {mode} (umask {oct(_umask())})"
    )


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "gone"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def probe_files() -> str:
    """``kg validate`` on a file with a 50 MB literal, and on an empty file."""
    with tempfile.TemporaryDirectory() as scratch:
        huge, empty = Path(scratch) / "huge.ttl", Path(scratch) / "empty.ttl"
        huge.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "' + "x" * 50_000_000 + '" .\n')
        empty.touch()
        results = []
        for path in (huge, empty):
            done = subprocess.run(
                [sys.executable, "-m", "kg.cli", "validate", str(path)], capture_output=True, text=True
            )
            said = "traceback" if "Traceback" in done.stderr else done.stderr.strip().splitlines()[-1:]
            results.append(f"{path.name}: exit {done.returncode}, {said or 'nothing said'}")
    return "; ".join(results)


PROBES: dict[str, Callable[[], str]] = {
    "SERVICE hidden from a tokenizer": probe_service,
    "static file during 4 result pages": probe_tables,
    "100 slow queries at once": probe_crowd,
    "4 huge one-row answers": probe_huge,
    "20 KB of nested brackets": probe_nesting,
    "kill -9 of a build": probe_killed_build,
    "malformed and empty files": probe_files,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="Probes to run (default: all), by words of their name.")
    args = parser.parse_args()
    import kg

    print(f"kg from {Path(kg.__file__).parent}")
    for name, probe in PROBES.items():
        if args.names and not any(word in name for word in args.names):
            continue
        started = time.perf_counter()
        try:
            result = probe()
        except Exception as err:  # a probe that fails says so and the others still run
            result = f"probe failed: {type(err).__name__}: {err}"
        print(f"{name:<36} {result}  [{time.perf_counter() - started:.0f} s]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
