"""Load benchmark: concurrent clients against a saved query on the shipped graph, over real HTTP.

Starts ``kg serve`` in its own process (unless --url is given), then runs the clients in another
process and prints requests/s, p50, p99 and errors. The clients are ``wrk`` (Debian package
``wrk``) when it is installed, otherwise an httpx asyncio client, which is slower than the server
and so measures itself as much as the server. Target on a 2-core machine: >= 500 requests/s,
p99 < 50 ms, 0 errors.

    python bench/load.py                      # 8 clients, 60 s
    python bench/load.py --clients 8 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import time

QUERY_PATH = "/queries/who-engages-mid-level-officials.json?rank=mid-level"


async def _client(
    base: str, path: str, deadline: float, latencies: list[float], errors: list[str], counter: list[int]
) -> None:
    """One client, one request at a time; ``{n}`` in ``path`` becomes a number new to every request."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while time.perf_counter() < deadline:
            counter[0] += 1
            started = time.perf_counter()
            try:
                response = await client.get(path.replace("{n}", str(counter[0])))
                if response.status_code != 200:
                    errors.append(f"HTTP {response.status_code}")
                    continue
                response.read()
            except Exception as err:  # every failure counts as an error, the run goes on
                errors.append(type(err).__name__)
                continue
            latencies.append(time.perf_counter() - started)


def _drive(
    base: str, path: str, clients: int, seconds: float, out: multiprocessing.connection.Connection
) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_client(base, path, deadline, latencies, errors, counter) for _ in range(clients))
        )

    started = time.perf_counter()
    asyncio.run(main())
    out.send({"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started})


def measure(base: str, clients: int, seconds: float, path: str = QUERY_PATH) -> dict[str, float]:
    """Run the clients in a separate process so they do not share a CPU core with the server's loop."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_drive, args=(base, path, clients, seconds, child))
    process.start()
    result = parent.recv()
    process.join()
    latencies = sorted(result["latencies"])
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "requests_per_s": len(latencies) / result["elapsed"],
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "errors": len(result["errors"]),
    }


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def measure_wrk(base: str, clients: int, seconds: float) -> dict[str, float]:
    """The same measurement with wrk: one thread, one keep-alive connection per client."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{int(seconds)}s", "--latency", base + QUERY_PATH]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0
    )
    return {
        "requests": requests,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": _milliseconds(percentiles["50"]),
        "p99_ms": _milliseconds(percentiles["99"]),
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="An already running server (default: start one).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    args = parser.parse_args()

    def run(base: str) -> dict[str, float]:
        import httpx

        httpx.get(base + QUERY_PATH, timeout=60).raise_for_status()  # warm: the first answer fills the cache
        if args.client == "wrk" or (args.client == "auto" and shutil.which("wrk")):
            return measure_wrk(base, args.clients, args.seconds)
        return measure(base, args.clients, args.seconds)

    if args.url:
        figures = run(args.url.rstrip("/"))
    else:
        from kg.server.running import running_server

        with running_server() as base:
            figures = run(base)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{args.clients} clients, {args.seconds:g} s, GET {QUERY_PATH}\n"
            f"requests/s {figures['requests_per_s']:.0f}  p50 {figures['p50_ms']:.1f} ms  "
            f"p99 {figures['p99_ms']:.1f} ms  errors {figures['errors']}  ({figures['requests']} requests)"
        )
    target = figures["requests_per_s"] >= 500 and figures["p99_ms"] < 50 and figures["errors"] == 0
    return 0 if target else 1


if __name__ == "__main__":
    sys.exit(main())
