"""Benchmark: a synthetic network of 1,000 and 10,000 nodes, written and drawn in headless Chromium.

Prints, for each size, the time to lay out and write the page and the time from navigation to
the first frame drawn (physics is off, so the first frame is the stable one). Target: < 5 s in
all at 10,000 nodes.

    python bench/diagrams.py [SIZE ...]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.network.diagrams import Diagram, layout, render_html
from kg.network.projection import STYLE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM_ARGS


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A scale-free network with the projection's node and edge attributes."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 1, seed=seed)
    graph = nx.MultiDiGraph()
    types = list(STYLE)
    for node in base:
        graph.add_node(
            f"n{node}",
            type=rng.choice(types),
            kind="ra:Synthetic",
            label=f"entity {node}",
            description="",
            code="",
            sources="",
        )
    for u, v in base.edges():
        graph.add_edge(
            f"n{u}",
            f"n{v}",
            relation="ra:partner",
            label="partner",
            graph="",
            source="",
            source_label="",
            via="",
            via_label="",
            level="",
            rank="",
            mode="",
        )
    return graph


def run(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in sizes:
            graph = synthetic(n)
            t0 = time.perf_counter()
            diagram = Diagram(graph, f"Synthetic network of {n} nodes", "", layout(graph))
            page_file = folder / f"bench-{n}.html"
            page_file.write_text(render_html(diagram), encoding="utf-8")
            written = time.perf_counter() - t0
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            t1 = time.perf_counter()
            page.goto(page_file.as_uri())
            page.wait_for_function("document.body.hasAttribute('data-drawn')", timeout=120_000)
            drawn = time.perf_counter() - t1
            shown = page.evaluate("window.kgNetwork.nodes.length")
            page.close()
            size_mb = page_file.stat().st_size / 1e6
            print(
                f"{n:>6} nodes {graph.number_of_edges():>6} edges: layout+write {written:5.2f} s, "
                f"first frame {drawn:5.2f} s, total {written + drawn:5.2f} s "
                f"({shown} drawn, {size_mb:.1f} MB)"
            )
        browser.close()


if __name__ == "__main__":
    run([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
