"""The benchmark: the package's engine against the plain stack, on generated case studies of growing size.

For each size the same N-Quads file is measured in separate processes (so that peak memory is each
task's own): kg load vs rdflib's Memory store parse, with Oxigraph's own bulk load as the reference;
kg validation vs pySHACL on the whole graph; the five dumps; every saved query on Oxigraph vs
rdflib's SPARQL engine, and its first page evaluated; betweenness and communities in igraph (as
`kg analyze` computes them) vs plain NetworkX on the same actor network; `kg build` with its steps
and peak memory; the first pages read from that build's answers. Then `kg build` and `kg query` on
the shipped data (bench/commands.py) and `kg serve` beside `oxigraph serve-read-only`
(bench/endpoint.py). Writes bench/RESULTS.md. Above ``--plain-up-to`` case studies (10,000 by
default) the plain stack would need more memory than the machine has, so only kg runs there, for
the growth curve.

    python bench/run.py --sizes 1000 10000 30000 --kg-timeout 1800
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import resource
import select
import shutil
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
PAGE = 100  # rows in the first page timed for each saved query
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
    """Every saved query's whole answer, and its first page of PAGE rows, evaluated."""
    import kg
    from kg.catalogue import catalogue
    from kg.query import run_saved

    graph = kg.load([path])
    for name in catalogue():

        def answer(name: str = name, limit: int | None = None) -> int:
            return len(run_saved(graph, name, limit=limit).rows)  # as Python terms, as rdflib gives them

        page = functools.partial(answer, limit=PAGE)
        _report(queries={name: _median_time(answer)}, rows={name: answer()}, pages={name: _median_time(page)})
    return {"peak_mb": _peak_mb()}


def task_kg_network(path: str) -> dict[str, Any]:
    """Projection, then brokers and communities as `kg analyze` computes them, and the two igraph
    computations under them alone, on the actor network that NetworkX is given too."""
    import kg
    from kg.network import analysis
    from kg.network.projection import project

    graph = kg.load([path])
    projection, network = _timed(lambda: project(graph))
    _report(projection=projection)
    brokers, frame = _timed(lambda: analysis.brokers(network))
    communities, _ = _timed(lambda: analysis.communities(network))
    net = analysis.actor_network(network)
    pivots = frame.attrs["pivots"]
    return {
        "projection": projection,
        "brokers": brokers,
        "communities": communities,
        "seconds": projection + brokers + communities,
        "betweenness": _timed(lambda: analysis.betweenness(net, pivots))[0],
        "modularity": _timed(lambda: analysis.modularity_groups(net))[0],
        "actors": len(net),
        "ties": net.number_of_edges(),
        "pivots": pivots,
        "error_bound": frame.attrs["error_bound"],
        "peak_mb": _peak_mb(),
    }


def task_nx_network(path: str, limits: dict[str, Any]) -> dict[str, Any]:
    """Plain NetworkX on the same actor network: betweenness from the same number of pivots (exact
    where kg's is) and greedy-modularity communities, each in a forked copy with its own limit."""
    import networkx as nx

    import kg
    from kg.network import analysis
    from kg.network.projection import project

    net = analysis.actor_network(project(kg.load([path])))

    def between() -> list[dict[str, float]]:
        return [nx.betweenness_centrality(net, k=limits["pivots"], seed=0)]

    def groups() -> list[Any]:
        return list(nx.community.greedy_modularity_communities(net))

    found: dict[str, Any] = {}
    for key, action in (("betweenness", between), ("modularity", groups)):
        seconds = _in_child(action, limits[key])
        found[key] = seconds if seconds is not None else {"limit": limits[key]}
    return found


NX_WORK = ("betweenness", "modularity")  # what NetworkX computes beside kg's igraph


def _site(path: str | Path) -> Path:
    """Where the build task writes its site, beside the data file (the pages task reads it)."""
    return Path(path).with_suffix(".site")


def task_kg_build(path: str) -> dict[str, Any]:
    """`kg build` on the data, as a user runs it: wall time, peak memory and each step's time."""
    command = [sys.executable, "-m", "kg.cli", "build", "--data", path, "--out", str(_site(path))]
    seconds, done = _timed(lambda: subprocess.run(command, capture_output=True, text=True))
    if done.returncode:
        raise SystemExit(done.stderr)
    steps = re.findall(r"✓ ([^:(]+?)(?::[^(]*)? \(([\d.]+) s\)", done.stdout + done.stderr)
    return {"seconds": seconds, "steps": {step: float(s) for step, s in steps}, "peak_mb": _peak_mb()}


def task_kg_pages(path: str) -> dict[str, Any]:
    """The first page of every saved query read from the build's answers (kg_build's site), after
    checking that it holds the same rows as the page evaluated."""
    import kg
    from kg.answers import BuiltAnswers
    from kg.catalogue import catalogue
    from kg.query import run_saved

    graph = kg.load([path])
    checked, built = _timed(lambda: BuiltAnswers.of(_site(path), graph))
    if built is None:
        raise SystemExit(f"{_site(path)} was not built from {path} with this version")
    for name in catalogue():
        page = functools.partial(run_saved, graph, name, limit=PAGE, built=built)
        if page().rows != run_saved(graph, name, limit=PAGE).rows:
            raise SystemExit(f"{name}: the page read from the build differs from the page evaluated")
        _report(pages={name: _median_time(page)})
    return {"checked": checked, "peak_mb": _peak_mb()}


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


def task_limits(task: str, results: dict[str, dict[str, Any]], ratio: float, cap: float) -> dict[str, Any]:
    """What a plain-stack task is given: each rdflib query, and each NetworkX computation, ``ratio``
    times kg's time for the same work (between FLOOR and ``cap``); NetworkX also gets kg's pivots."""
    if task == "rdflib_queries":
        return query_limits(results.get("kg_queries", {}), ratio, cap)
    if task == "nx_network":
        kg_network = results.get("kg_network", {})
        limits = {key: min(cap, max(FLOOR, ratio * kg_network.get(key, cap))) for key in NX_WORK}
        return {**limits, "pivots": kg_network.get("pivots")}
    return {}


def run_task(task: str, path: Path, timeout: float, limits: dict[str, Any]) -> dict[str, Any]:
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


PLAIN = ("rdflib_load", "pyshacl", "rdflib_queries", "nx_network")  # the plain stack's; the others are kg's


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


def _figure(result: dict[str, Any], *keys: str) -> dict[str, Any]:
    """One figure of a task as a result of its own: its seconds, the limit it passed, or not
    reached; ``keys`` lead to it (``"queries", name`` for a query's time)."""
    if result.get("skipped"):
        return result
    value: Any = result
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, dict):
        return {"timeout": value["limit"]}
    return {"seconds": value} if value is not None else {"error": "not reached"}


def table(size: int, r: dict[str, dict[str, Any]]) -> str:
    """One size's figures, each beside the plain stack's for the same work."""
    kg_q, rd_q, net, nx_net, build = (
        r[task] for task in ("kg_queries", "rdflib_queries", "kg_network", "nx_network", "kg_build")
    )
    lines = [
        f"### {size:,} case studies — {r['kg_load'].get('triples', 0):,} statements",
        "",
        "| work | kg | plain stack | plain / kg |",
        "|---|---|---|---|",
        f"| load | {_s(r['kg_load'])} | rdflib parse {_s(r['rdflib_load'])} | "
        f"{_ratio(r['rdflib_load'], r['kg_load'])} |",
        f"| load, reference | Oxigraph bulk load {_s(r['ox_bulk'])} | | kg / bulk "
        f"{_ratio(r['kg_load'], r['ox_bulk'])} |",
        f"| peak memory after load | {_mb(r['kg_load'])} | {_mb(r['rdflib_load'])} | |",
        f"| validation | {_s(r['kg_validate'])} | pySHACL whole graph {_s(r['pyshacl'])} | "
        f"{_ratio(r['pyshacl'], r['kg_validate'])} |",
        f"| peak memory, validation | {_mb(r['kg_validate'])} | {_mb(r['pyshacl'])} | |",
        f"| export, all five dumps | {_s(r['kg_export'])} | | |",
        f"| peak memory, export | {_mb(r['kg_export'])} | | |",
    ]
    for name in kg_q.get("queries", {}):
        fast, slow = _figure(kg_q, "queries", name), _figure(rd_q, "queries", name)
        rows = kg_q.get("rows", {}).get(name, 0)
        lines.append(f"| query `{name}` ({rows:,} rows) | {_s(fast)} | {_s(slow)} | {_ratio(slow, fast)} |")
    lines.append(f"| peak memory, queries | {_mb(kg_q)} | | |")
    pivots = net.get("pivots")
    how = "exact" if pivots is None else f"{pivots} pivots, error bound {net.get('error_bound')}"
    actors = f"{net.get('actors', 0):,} actors and {net.get('ties', 0):,} ties"
    lines.append(f"| network projection | {_s(net, 'projection')} | | |")
    for key, title in (
        ("betweenness", f"betweenness, {actors} ({how})"),
        ("modularity", "communities, greedy modularity"),
    ):
        ours, plain = _figure(net, key), _figure(nx_net, key)
        lines.append(f"| {title} | igraph {_s(ours)} | NetworkX {_s(plain)} | {_ratio(plain, ours)} |")
    lines += [
        f"| projection + `kg analyze brokers` + `kg analyze communities` | {_s(net)} | | |",
        f"| peak memory, network | {_mb(net)} | | |",
        f"| `kg build` (diagrams and pages included) | {_s(build)} | | |",
        f"| peak memory, `kg build` (its process and workers) | {_mb(build)} | | |",
    ]
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in build.get("steps", {}).items())
    pages, read = r["kg_queries"], r["kg_pages"]
    lines += [
        "",
        f"`kg build`, step by step (JSON-LD and diagrams run beside the other steps): {steps or '–'}.",
        "",
        f"First page of {PAGE} rows of each saved query: evaluated, and read from the answers the build kept "
        f"(after checking, in {_s(read, 'checked')}, that the build was made from the same files; each page "
        "read is compared with the page evaluated).",
        "",
        "| query | whole answer | first page, evaluated | first page, from the build |",
        "|---|---|---|---|",
    ]
    for name in pages.get("pages", {}):
        lines.append(
            f"| `{name}` | {_s(_figure(kg_q, 'queries', name))} | {_s(_figure(pages, 'pages', name))} | "
            f"{_s(_figure(read, 'pages', name))} |"
        )
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
    parser.add_argument("--endpoint-seconds", type=float, default=60, help="seconds of load per endpoint run")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--task", nargs=2, metavar=("TASK", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        _watch_memory()
        name, path = args.task
        extra = (args.limits,) if name in ("rdflib_queries", "nx_network") else ()
        print(json.dumps(TASKS[name](path, *extra)))
        return

    sys.path.insert(0, str(HERE))
    import endpoint
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
                limits = task_limits(task, results, args.ratio, args.query_limit)
                limit = args.kg_timeout if not plain else args.timeout
                # loading, then each query's or computation's own limit
                limit += sum(v for k, v in limits.items() if k != "pivots")
                results[task] = run_task(task, path, limit, limits)
                print(f"{size:>7} {task:<16} {json.dumps(results[task])[:150]}", flush=True)
            sections.append(table(size, results))
            print(sections[-1], flush=True)
            curve.append((size, results))
            path.unlink()
            shutil.rmtree(_site(path), ignore_errors=True)
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
        "| `kg build` | peak memory (validation) | peak memory (queries) | peak memory (export) "
        "| peak memory (`kg build`) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, r in curve:
        lines.append(
            f"| {size:,} | {r['kg_load'].get('triples', 0):,} | {_s(r['kg_load'])} | {_s(r['ox_bulk'])} | "
            f"{_s(r['kg_validate'])} | {_s(r['kg_export'])} | {_s(r['kg_build'])} | "
            + " | ".join(_mb(r[task]) for task in ("kg_validate", "kg_queries", "kg_export", "kg_build"))
            + " |"
        )
    lines += ["", "## Side by side", "", *("\n\n".join(sections).splitlines()), ""]
    lines += ["## On the shipped data", "", f"Process start included; medians of {RUNS} runs.", ""]
    lines += [markdown(measure()), ""]
    lines += ["## Endpoint: `kg serve` beside `oxigraph serve-read-only`, the shipped graph", ""]
    clients = 8
    lines += [
        endpoint.markdown(
            endpoint.compare(clients, args.endpoint_seconds, 18250), clients, args.endpoint_seconds
        )
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
