"""The benchmark: the package's engine against the plain stack, on generated case studies of growing size.

For each size the same N-Quads file is measured in separate processes (so that peak memory is each
task's own): kg load vs rdflib's Memory store parse, with Oxigraph's own bulk load as the reference;
kg validation vs pySHACL on the whole graph; every saved query on Oxigraph vs rdflib's SPARQL
engine; network projection + betweenness; diagram generation. Writes bench/RESULTS.md.

    python bench/run.py --sizes 1000 10000 --timeout 600
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
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
REPEAT = 5


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
    import os
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


def task_kg_queries(path: str) -> dict[str, Any]:
    import kg
    from kg.catalogue import catalogue
    from kg.query import run_saved

    graph = kg.load([path])
    times = {}
    for name in catalogue():
        runs = [_timed(lambda name=name: run_saved(graph, name))[0] for _ in range(REPEAT)]
        times[name] = statistics.median(runs)
    extra: dict[str, Any] = {"queries": times}
    try:
        from kg.network.analysis import brokers
        from kg.network.projection import project
    except ImportError:
        return {**extra, "peak_mb": _peak_mb()}
    seconds, network = _timed(lambda: project(graph))
    extra["projection"] = seconds
    extra["betweenness"] = _timed(lambda: brokers(network))[0]
    try:
        from kg.network.diagrams import all_diagrams, render_html

        extra["diagrams"] = _timed(lambda: [render_html(d) for _, d in all_diagrams(network)])[0]
    except ImportError:
        pass
    return {**extra, "peak_mb": _peak_mb()}


def task_rdflib_queries(path: str) -> dict[str, Any]:
    """Each saved query once on rdflib's own engine (a Dataset whose default graph is the union)."""
    import rdflib

    import kg
    from kg.catalogue import catalogue
    from kg.query import bind

    graph = kg.load([path])
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    for shipped in graph.files:
        if shipped.kind != "extra":
            dataset.parse(shipped.path, format="turtle", publicID=shipped.graph)
    times = {}
    for name, saved in catalogue().items():
        bindings = {
            k: rdflib.URIRef(v.value) if v.__class__.__name__ == "NamedNode" else rdflib.Literal(v.value)
            for k, v in bind(graph, saved, {}).items()
        }
        times[name] = _timed(lambda saved=saved, b=bindings: list(dataset.query(saved.text, initBindings=b)))[
            0
        ]
        # One line per query, so that a run stopped at its time limit still reports the finished ones.
        print(json.dumps({"query": name, "seconds": times[name]}), flush=True)
    return {"queries": times, "peak_mb": _peak_mb()}


TASKS = {name.removeprefix("task_"): fn for name, fn in globals().items() if name.startswith("task_")}


def run_task(task: str, path: Path, timeout: float) -> dict[str, Any]:
    """One task in a fresh process; a task that runs out of time reports only that."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--task", task, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as stopped:
        partial = stopped.stdout.decode() if isinstance(stopped.stdout, bytes) else stopped.stdout or ""
        done_queries = [json.loads(line) for line in partial.splitlines() if line.startswith('{"query"')]
        return {"timeout": timeout, "queries": {q["query"]: q["seconds"] for q in done_queries}}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report


def _s(result: dict[str, Any], key: str = "seconds") -> str:
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s"
    if "error" in result:
        return "not reached" if result["error"] == "not reached" else "failed"
    return f"{result[key]:.3f} s" if key in result else "–"


def _ratio(slow: dict[str, Any], fast: dict[str, Any], key: str = "seconds") -> str:
    if key not in fast or not fast[key]:
        return "–"
    if "timeout" in slow:
        return f"> {slow['timeout'] / fast[key]:.0f}×"
    if key not in slow:
        return "–"
    return f"{slow[key] / fast[key]:.1f}×"


def table(size: int, r: dict[str, dict[str, Any]]) -> str:
    kg_q, rd_q = r["kg_queries"], r["rdflib_queries"]
    lines = [
        f"### {size:,} case studies — {r['kg_load'].get('triples', 0):,} statements",
        "",
        "| work | kg (Oxigraph) | plain stack | plain / kg |",
        "|---|---|---|---|",
        f"| load | {_s(r['kg_load'])} | rdflib parse {_s(r['rdflib_load'])} | "
        f"{_ratio(r['rdflib_load'], r['kg_load'])} |",
        f"| load, reference | Oxigraph bulk load {_s(r['ox_bulk'])} | | kg / bulk "
        f"{_ratio(r['kg_load'], r['ox_bulk'])} |",
        f"| peak memory after load | {r['kg_load'].get('peak_mb', 0):.0f} MB | "
        f"{r['rdflib_load'].get('peak_mb', 0):.0f} MB | |",
        f"| validation | {_s(r['kg_validate'])} | pySHACL whole graph {_s(r['pyshacl'])} | "
        f"{_ratio(r['pyshacl'], r['kg_validate'])} |",
        f"| peak memory, validation | {r['kg_validate'].get('peak_mb', 0):.0f} MB | "
        f"{r['pyshacl'].get('peak_mb', 0):.0f} MB | |",
    ]
    for name, seconds in kg_q.get("queries", {}).items():
        slow = (
            {"seconds": rd_q["queries"][name]}
            if name in rd_q.get("queries", {})
            else {"error": "not reached"}
        )
        lines.append(
            f"| query `{name}` (median) | {seconds:.3f} s | {_s(slow)} | "
            f"{_ratio(slow, {'seconds': seconds})} |"
        )
    for key, title in (
        ("projection", "network projection"),
        ("betweenness", "betweenness"),
        ("diagrams", "diagrams"),
    ):
        if key in kg_q:
            lines.append(f"| {title} | {kg_q[key]:.3f} s | | |")
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
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--task", nargs=2, metavar=("TASK", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        _watch_memory()
        print(json.dumps(TASKS[args.task[0]](args.task[1])))
        return

    import os

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
            results = {}
            for task in TASKS:
                plain = task in ("rdflib_load", "pyshacl", "rdflib_queries")
                results[task] = run_task(task, path, args.timeout if plain else 3600)
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
        f"--timeout {args.timeout:.0f}`",
        "",
        "Each figure comes from its own process; query times are medians of "
        f"{REPEAT} runs on Oxigraph and single runs on rdflib. "
        "`> T s` means the task was stopped at its time limit.",
        "",
        "## Growth with the number of case studies",
        "",
        "| cases | statements | kg load | Oxigraph bulk load | kg validation | peak memory (validation) |",
        "|---|---|---|---|---|---|",
    ]
    for size, r in curve:
        lines.append(
            f"| {size:,} | {r['kg_load'].get('triples', 0):,} | {_s(r['kg_load'])} | {_s(r['ox_bulk'])} | "
            f"{_s(r['kg_validate'])} | {r['kg_validate'].get('peak_mb', 0):.0f} MB |"
        )
    lines += ["", "## Side by side", "", *("\n\n".join(sections).splitlines()), ""]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
