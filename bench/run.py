"""The benchmark: the package's engine against the plain stack, on generated case studies of growing size.

For each size the same N-Quads file is measured in separate processes (so that peak memory is each
task's own): kg load vs rdflib's Memory store parse, with Oxigraph's own bulk load as the reference;
kg validation vs pySHACL on the whole graph; every saved query on Oxigraph vs rdflib's SPARQL
engine; network projection + betweenness; diagram generation. Then `kg build` and `kg query` on the
shipped data (bench/commands.py). Writes bench/RESULTS.md. Above ``--plain-up-to`` case studies
(10,000 by default) the plain stack would need more memory than the machine has, so only kg runs
there, for the growth curve.

    python bench/run.py --sizes 1000 10000 --timeout 1200
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
SIZES = (1_000, 10_000, 30_000, 100_000)
REPEAT = 5  # runs per query on kg; fewer once a query has used REPEAT_BUDGET seconds
REPEAT_BUDGET = 10.0
FLOOR = 2.0  # seconds every query gets on rdflib, however fast it is on kg


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


_TREE_PEAK = [0.0]


def _tree_mb(root: int) -> float:
    """Resident memory of a process and all of its descendants (validation workers included), in MB."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            sizes[int(entry.name)] = int(fields[21]) * resource.getpagesize()
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(frontier)
    return sum(sizes.get(pid, 0) for pid in tree) / 2**20


def _watch_memory() -> None:
    """Sample this task's process tree every 50 ms: workers' memory counts while they run together."""
    import threading

    def sample() -> None:
        while True:
            _TREE_PEAK[0] = max(_TREE_PEAK[0], _tree_mb(os.getpid()))
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()


def _peak_mb() -> float:
    """Peak memory of the task: its process tree as sampled, or its own peak if that is larger."""
    return max(_TREE_PEAK[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# ---------------------------------------------------------------- tasks, each run in its own process


def task_kg_load(path: str) -> dict[str, Any]:
    import kg

    seconds, graph = _timed(lambda: kg.load([path]))
    return {"seconds": seconds, "triples": len(graph), "peak_mb": _peak_mb()}


def task_ox_bulk(path: str) -> dict[str, Any]:
    import pyoxigraph as ox

    store = ox.Store()
    seconds, _ = _timed(lambda: store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS))
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def task_rdflib_load(path: str) -> dict[str, Any]:
    import rdflib

    dataset = rdflib.Dataset()
    seconds, _ = _timed(lambda: dataset.parse(path, format="nquads"))
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def task_kg_validate(path: str) -> dict[str, Any]:
    import kg

    graph = kg.load([path])
    seconds, report = _timed(lambda: kg.validate(graph))
    return {"seconds": seconds, "results": len(report.results), "peak_mb": _peak_mb()}


def task_kg_export(path: str) -> dict[str, Any]:
    """Every dump the build writes (Turtle, N-Triples, N-Quads, TriG, JSON-LD)."""
    import kg
    from kg.export import write_all

    graph = kg.load([path])
    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = _timed(lambda: write_all(graph, Path(folder)))
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def task_pyshacl(path: str) -> dict[str, Any]:
    """pySHACL on the whole data graph, as a user of the plain stack would call it."""
    import pyshacl

    import kg
    from kg.load import DATA_KINDS

    graph = kg.load([path])
    data, shapes = graph.to_rdflib(*DATA_KINDS), graph.to_rdflib("shapes")
    ontology = graph.to_rdflib("ontology", "concepts")
    seconds, _ = _timed(
        lambda: pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=True
        )
    )
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def _report(**fields: Any) -> None:
    """A line of partial results: a task stopped at its time limit still reports what it finished."""
    print(json.dumps({"partial": fields}), flush=True)


def _median_time(action: Callable[[], Any]) -> float:
    """Median of up to REPEAT runs; a slow query stops repeating once it has used REPEAT_BUDGET seconds."""
    runs: list[float] = []
    while len(runs) < REPEAT and (not runs or sum(runs) < REPEAT_BUDGET):
        runs.append(_timed(action)[0])
    return statistics.median(runs)


def task_kg_queries(path: str) -> dict[str, Any]:
    import kg
    from kg.catalogue import catalogue
    from kg.query import run_saved

    graph = kg.load([path])
    for name in catalogue():

        def answer(name: str = name) -> int:
            return len(run_saved(graph, name).rows)  # the rows as Python terms, as rdflib gives them

        _report(queries={name: _median_time(answer)}, rows={name: answer()})
    return {"peak_mb": _peak_mb()}


def task_kg_network(path: str) -> dict[str, Any]:
    """Projection, betweenness on the actor network, and every diagram the build publishes."""
    import kg
    from kg.network.analysis import brokers
    from kg.network.diagrams import all_diagrams, render_html
    from kg.network.projection import project

    graph = kg.load([path])
    seconds, network = _timed(lambda: project(graph))
    _report(projection=seconds)
    _report(betweenness=_timed(lambda: brokers(network))[0])
    # each page is dropped once rendered, as the build writes it out, so memory stays that of one page
    _report(diagrams=_timed(lambda: sum(len(render_html(d)) for _, d in all_diagrams(network)))[0])
    return {"peak_mb": _peak_mb()}


def _in_child(action: Callable[[], Any], limit: float) -> float | None:
    """Seconds to run ``action`` and read all its rows in a forked copy of this process, or None if
    that passes ``limit``.

    Forking after the load gives every query the same loaded graph and its own time limit.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without cleanup
        os.close(read_end)
        os.write(write_end, json.dumps(_timed(lambda: list(action()))[0]).encode())
        os._exit(0)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], limit)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    answer = os.read(read_end, 64) if ready else b""
    os.waitpid(pid, 0)
    os.close(read_end)
    return json.loads(answer) if answer else None


def task_rdflib_queries(path: str, limits: dict[str, float]) -> dict[str, Any]:
    """Each saved query once on rdflib's own engine (a Dataset whose default graph is the union),
    each in a forked copy of the loaded dataset with its own time limit (``limits``, by name)."""
    import rdflib

    import kg
    from kg.catalogue import catalogue
    from kg.export import rdflib_term
    from kg.query import bind

    graph = kg.load([path])
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    for shipped in graph.files:
        if shipped.kind != "extra":
            dataset.parse(shipped.path, format="turtle", publicID=shipped.graph)
    for name, saved in catalogue().items():
        if name not in limits:
            continue
        bindings: dict[str, Any] = {k: rdflib_term(v) for k, v in bind(graph, saved, {}).items()}
        limit = limits[name]
        seconds = _in_child(functools.partial(dataset.query, saved.text, initBindings=bindings), limit)
        _report(queries={name: seconds if seconds is not None else {"limit": limit}})
    return {"peak_mb": _peak_mb()}


TASKS = {name.removeprefix("task_"): fn for name, fn in globals().items() if name.startswith("task_")}


def _merge(stdout: str) -> dict[str, Any]:
    """A task's partial lines and final line, merged into one result."""
    merged: dict[str, Any] = {}
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        for key, value in item.get("partial", item).items():
            if isinstance(value, dict):  # per-query figures arrive one query at a time
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
    return merged


def query_limits(kg_queries: dict[str, Any], ratio: float, cap: float) -> dict[str, float]:
    """Time allowed to each query on rdflib: ``ratio`` times kg's median, between FLOOR and ``cap``.

    A query stopped at its limit is at least ``ratio`` times slower than on kg, which is what the
    target asks; one that finishes gives its exact ratio. No run waits longer than that answer needs.
    """
    from kg.catalogue import catalogue

    medians = kg_queries.get("queries", {})
    return {name: min(cap, max(FLOOR, ratio * medians.get(name, cap))) for name in catalogue()}


def run_task(task: str, path: Path, timeout: float, limits: dict[str, float]) -> dict[str, Any]:
    """One task in a fresh process; a task stopped at its time limit keeps what it had reported."""
    command = [sys.executable, __file__, "--task", task, str(path), "--limits", json.dumps(limits)]
    # Its own session, so that stopping it also stops the queries it forked.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, _ = process.communicate()
        return {**_merge(stdout), "timeout": timeout}
    if process.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else "failed"}
    return _merge(stdout)


# ---------------------------------------------------------------- report


PLAIN = ("rdflib_load", "pyshacl", "rdflib_queries")  # the plain stack's tasks; the others are kg's


def _s(result: dict[str, Any], key: str = "seconds") -> str:
    if result.get("skipped"):
        return "not run"
    if key in result:
        return f"{result[key]:.3f} s"
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s"
    if "error" in result:
        return "not reached" if result["error"] == "not reached" else "failed"
    return "–"


def _ratio(slow: dict[str, Any], fast: dict[str, Any], key: str = "seconds") -> str:
    if key not in fast or not fast[key]:
        return "–"
    if key in slow:
        return f"{slow[key] / fast[key]:.1f}×"
    if "timeout" in slow:
        return f"> {slow['timeout'] / fast[key]:.1f}×"
    return "–"


def _mb(result: dict[str, Any]) -> str:
    if "peak_mb" in result:
        return f"{result['peak_mb']:.0f} MB"
    return "not run" if result.get("skipped") else "–"


def _query(result: dict[str, Any], name: str) -> dict[str, Any]:
    """One query's figure as a result: its seconds, the limit it passed, or not reached."""
    if result.get("skipped"):
        return result
    value = result.get("queries", {}).get(name)
    if isinstance(value, dict):
        return {"timeout": value["limit"]}
    return {"seconds": value} if value is not None else {"error": "not reached"}


def table(size: int, r: dict[str, dict[str, Any]]) -> str:
    kg_q, rd_q, net = r["kg_queries"], r["rdflib_queries"], r["kg_network"]
    lines = [
        f"### {size:,} case studies — {r['kg_load'].get('triples', 0):,} statements",
        "",
        "| work | kg (Oxigraph) | plain stack | plain / kg |",
        "|---|---|---|---|",
        f"| load | {_s(r['kg_load'])} | rdflib parse {_s(r['rdflib_load'])} | "
        f"{_ratio(r['rdflib_load'], r['kg_load'])} |",
        f"| load, reference | Oxigraph bulk load {_s(r['ox_bulk'])} | | kg / bulk "
        f"{_ratio(r['kg_load'], r['ox_bulk'])} |",
        f"| peak memory after load | {_mb(r['kg_load'])} | {_mb(r['rdflib_load'])} | |",
        f"| validation | {_s(r['kg_validate'])} | pySHACL whole graph {_s(r['pyshacl'])} | "
        f"{_ratio(r['pyshacl'], r['kg_validate'])} |",
        f"| peak memory, validation | {_mb(r['kg_validate'])} | {_mb(r['pyshacl'])} | |",
    ]
    for name in kg_q.get("queries", {}):
        fast, slow = _query(kg_q, name), _query(rd_q, name)
        rows = kg_q.get("rows", {}).get(name, 0)
        lines.append(f"| query `{name}` ({rows:,} rows) | {_s(fast)} | {_s(slow)} | {_ratio(slow, fast)} |")
    lines.append(f"| peak memory, queries | {_mb(kg_q)} | | |")
    for key, title in (
        ("projection", "network projection"),
        ("betweenness", "betweenness"),
        ("diagrams", "diagrams"),
    ):
        lines.append(f"| {title} | {_s(net, key)} | | |")
    return "\n".join(lines)


def machine() -> str:
    import importlib.metadata as md

    names = ("pyoxigraph", "rdflib", "pyshacl", "networkx")
    versions = ", ".join(f"{n} {md.version(n)}" for n in names)
    system = f"{platform.machine()}, {platform.system()} {platform.release()}"
    return f"{system}, Python {platform.python_version()}; {versions}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds allowed to one task of the plain stack"
    )
    parser.add_argument(
        "--query-limit", type=float, default=300, help="most seconds allowed to a query on rdflib's engine"
    )
    parser.add_argument(
        "--ratio", type=float, default=30, help="rdflib gets this many times kg's median per query"
    )
    parser.add_argument("--limits", type=json.loads, default={}, help=argparse.SUPPRESS)
    parser.add_argument("--kg-timeout", type=float, default=3600, help="seconds allowed to one task of kg")
    parser.add_argument(
        "--plain-up-to",
        type=int,
        default=10_000,
        help="largest size the plain stack runs at (rdflib would need about 30 GB at 100,000 cases)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--task", nargs=2, metavar=("TASK", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        _watch_memory()
        name, path = args.task
        extra = (args.limits,) if name == "rdflib_queries" else ()
        print(json.dumps(TASKS[name](path, *extra)))
        return

    sys.path.insert(0, str(HERE))
    from commands import RUNS, markdown, measure  # bench/commands.py; exits now if `kg` is not installed

    sections, curve = [], []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"cases-{size}.nq"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--cases",
                    str(size),
                    "--out",
                    str(path),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
            )
            results: dict[str, dict[str, Any]] = {}
            for task in TASKS:
                plain = task in PLAIN
                if plain and size > args.plain_up_to:
                    results[task] = {"skipped": True}
                    continue
                limits = query_limits(results.get("kg_queries", {}), args.ratio, args.query_limit)
                limit = args.kg_timeout if not plain else args.timeout
                if task == "rdflib_queries":  # loading, then each query's own limit
                    limit += sum(limits.values())
                results[task] = run_task(task, path, limit, limits)
                print(f"{size:>7} {task:<16} {json.dumps(results[task])[:150]}", flush=True)
            sections.append(table(size, results))
            print(sections[-1], flush=True)
            curve.append((size, results))
            path.unlink()
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}; {os.cpu_count()} cores.",
        "",
        f"Command: `python bench/run.py --sizes {' '.join(map(str, args.sizes))} "
        f"--timeout {args.timeout:.0f} --query-limit {args.query_limit:.0f} --ratio {args.ratio:.0f} "
        f"--kg-timeout {args.kg_timeout:.0f} --plain-up-to {args.plain_up_to}`",
        "",
        "Each task runs in its own process. Query times on Oxigraph are medians of up to "
        f"{REPEAT} runs (a query stops repeating once its runs add up to {REPEAT_BUDGET:.0f} s) and include "
        "reading the answer into Python rows. On rdflib each query runs once, in a forked copy of the "
        f"loaded dataset, and is stopped after {args.ratio:.0f} times its median on Oxigraph (at least "
        f"{FLOOR:.0f} s, at most {args.query_limit:.0f} s). `> T s` means the work was stopped at that "
        "limit, so the ratio beside it is a lower bound. Above "
        f"{args.plain_up_to:,} case studies only kg runs (`not run` for the plain stack).",
        "",
        "## Growth with the number of case studies",
        "",
        "| cases | statements | kg load | Oxigraph bulk load | kg validation | kg export (all dumps) "
        "| peak memory (validation) | peak memory (queries) | peak memory (export) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, r in curve:
        lines.append(
            f"| {size:,} | {r['kg_load'].get('triples', 0):,} | {_s(r['kg_load'])} | {_s(r['ox_bulk'])} | "
            f"{_s(r['kg_validate'])} | {_s(r['kg_export'])} | {_mb(r['kg_validate'])} | "
            f"{_mb(r['kg_queries'])} | {_mb(r['kg_export'])} |"
        )
    lines += ["", "## Side by side", "", *("\n\n".join(sections).splitlines()), ""]
    lines += ["## On the shipped data", "", f"Process start included; medians of {RUNS} runs.", ""]
    lines += [markdown(measure()), ""]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
