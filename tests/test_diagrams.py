"""Diagrams in a real headless Chromium: complete, drawn, offline, and safe with hostile labels."""

from __future__ import annotations

import functools
import http.server
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from kg.load import load
from kg.network.diagrams import all_diagrams, edge_tooltip, overview, render_html
from kg.network.projection import project
from tests.browser import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "network"
HOSTILE = FIXTURES / "hostile.ttl"
# Registers the network commands even where kg/cli.py has not listed them yet.
RUN_CLI = (
    "from kg.cli import main, LAZY_COMMANDS; "
    "LAZY_COMMANDS.setdefault('network', 'kg.network.cli:network'); main()"
)


def kg_network(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, "network", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, tuple[int, int]]]]:
    """Every diagram of the shipped graph plus two hostile ones, served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("diagrams")
    expected: dict[str, tuple[int, int]] = {}
    for stem, diagram in all_diagrams(project(load())):
        (folder / f"{stem}.html").write_text(render_html(diagram), encoding="utf-8")
        expected[stem] = (diagram.graph.number_of_nodes(), diagram.graph.number_of_edges())
    for kind, extra in (("overview", []), ("country", ["--country", "KE"])):
        done = kg_network(
            "--kind", kind, *extra, "--data", str(HOSTILE), "-o", str(folder / f"hostile-{kind}.html")
        )
        assert done.returncode == 0, done.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder, expected
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request, dialog and console message of a page; requests off 127.0.0.1 are refused."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.route("**/*", self._route)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        self.requests.append(url)
        if url.startswith("http://127.0.0.1:") or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()


def open_page(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    recorder = Recorder(page)
    page.add_init_script("window.alert = window.confirm = window.prompt = (m) => console.log('DIALOG ' + m);")
    page.goto(url)
    page.wait_for_function("document.body.hasAttribute('data-drawn')", timeout=30_000)
    return page, recorder


def not_blank(png: bytes) -> bool:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    inked = sum(count for count, rgb in colours if sum(rgb) < 3 * 235)
    return len(colours) > 5 and inked > 0.002 * image.width * image.height


def test_every_diagram_renders_all_nodes_and_edges_offline(site, browser) -> None:
    base, _, expected = site
    assert {"overview", "barriers", "country-ke", "country-kz", "country-rs", "ego-refugepoint"} <= set(
        expected
    )
    for stem, (nodes, edges) in expected.items():
        page, recorder = open_page(browser, f"{base}/{stem}.html")
        shown = page.evaluate("[window.kgNetwork.nodes.length, window.kgNetwork.edges.length]")
        assert shown == [nodes, edges], stem
        assert nodes > 1 and edges > 0, stem
        assert not_blank(page.locator("#network").screenshot()), stem
        assert all(u.startswith(base) or u.startswith("data:") for u in recorder.requests), recorder.requests
        assert not recorder.dialogs and not [c for c in recorder.console if "error" in c], recorder.console
        page.close()


#: Pairs of nodes whose drawn boxes (shape and label, as vis-network measures them) overlap.
OVERLAPS = """() => {
  const net = window.kgNetwork.network;
  const named = window.kgNetwork.nodes.get().filter((n) => n.label);
  const boxes = named.map((n) => [n.id, net.getBoundingBox(n.id)]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        hits.push([boxes[i][0], boxes[j][0]]);
      }
    }
  }
  return hits;
}"""


@pytest.mark.parametrize("stem", ["overview", "barriers", "country-ke", "country-rs", "ego-refugepoint"])
def test_labels_do_not_overlap_at_first_load(site, browser, stem: str, tmp_path: Path) -> None:
    """A screenshot of each kind of diagram as it first appears: its labels are drawn (large enough for
    vis-network to draw them) and no two named nodes' labels overlap."""
    base, _, _ = site
    page, _ = open_page(browser, f"{base}/{stem}.html")
    shot = tmp_path / f"{stem}.png"
    page.locator("#network").screenshot(path=str(shot))
    assert not_blank(shot.read_bytes()), stem
    named = page.evaluate("window.kgNetwork.nodes.get().filter((n) => n.label).length")
    assert named >= 5, stem
    assert page.evaluate("window.kgNetwork.network.getScale()") * 14 >= 5, "labels too small to be drawn"
    assert page.evaluate(OVERLAPS) == [], stem
    if stem == "overview":  # grouped by country, the best connected named, nobody floating alone
        assert named < page.evaluate("window.kgNetwork.nodes.length")
        assert "grouped by country" in page.locator("body").inner_text()
        lonely = page.evaluate(
            "window.kgNetwork.nodes.getIds()"
            ".filter((id) => window.kgNetwork.network.getConnectedNodes(id).length === 0)"
        )
        assert lonely == []
    page.close()


def test_hostile_labels_show_as_text_and_run_nothing(site, browser) -> None:
    base, folder, _ = site
    for stem in ("hostile-overview", "hostile-country"):
        html = (folder / f"{stem}.html").read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert" not in html
        page, recorder = open_page(browser, f"{base}/{stem}.html")
        node = "https://w3id.org/refugee-access/id/case/hostile-fixture/organisation"
        name, label = page.evaluate(
            f"[window.kgNetwork.nodes.get('{node}').name, window.kgNetwork.nodes.get('{node}').label]"
        )
        assert name == "<img src=x onerror=alert(1)>"
        assert label in ("", "<img src=x\nonerror=alert(1)>")  # the overview names only the best connected
        # the label is an option of the select control, as text
        assert page.locator("#node-select option", has_text="<img src=x onerror=alert(1)>").count() == 1
        # hover the node: its tooltip shows the description as literal text, no element inside
        page.evaluate(f"window.kgNetwork.network.focus('{node}', {{scale: 1.5}})")
        x, y = page.evaluate(
            f"(() => {{ const n = window.kgNetwork.network; const p = n.canvasToDOM(n.getPosition('{node}'));"
            " const r = document.getElementById('network').getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; })()"
        )
        page.mouse.move(x, y)
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert 'href="https://example.org/"' in tooltip.inner_text()
        assert "<img src=x onerror=console.error('xss')>" in tooltip.inner_text()
        assert tooltip.locator("a, img, script").count() == 0
        assert page.locator("img").count() == 0
        page.wait_for_timeout(300)
        assert not recorder.dialogs
        assert not [c for c in recorder.console if "DIALOG" in c or "xss" in c or "error" in c], (
            recorder.console
        )
        assert all(u.startswith(base) or u.startswith("data:") for u in recorder.requests), recorder.requests
        page.close()


def test_static_images_are_written(tmp_path: Path) -> None:
    png, svg, html = tmp_path / "ke.png", tmp_path / "ke.svg", tmp_path / "ke.html"
    done = kg_network(
        "--country", "KE", "--data", str(HOSTILE), "-o", str(html), "--png", str(png), "--svg", str(svg)
    )
    assert done.returncode == 0, done.stderr
    assert png.read_bytes().startswith(b"\x89PNG") and not_blank(png.read_bytes())
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith(("<?xml", "<svg")) and "RefugePoint" in text
    assert "<img src=x" not in text and "&lt;img src=x" in text and "onerror=alert(1)&gt;" in text  # wrapped


def test_same_graph_gives_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        files = [tmp_path / f"{i}.html", tmp_path / f"{i}.svg", tmp_path / f"{i}.png"]
        done = kg_network(
            "--kind", "barriers", "-o", str(files[0]), "--svg", str(files[1]), "--png", str(files[2])
        )
        assert done.returncode == 0, done.stderr
        outputs.append([f.read_bytes() for f in files])
    assert outputs[0] == outputs[1]


def test_statements_of_one_relation_between_two_nodes_are_one_edge() -> None:
    # The WHO/Europe page says legal status limits migrants' access; the EuroHealthNet record says so twice
    # (unregulated legal status, and the reluctance to seek asylum that leaves it unregulated).
    barrier = "https://w3id.org/refugee-access/concept/barrier/legal-status"
    migrants = "https://w3id.org/refugee-access/concept/population/migrants"
    network = project(load())
    diagram = overview(network)

    def affects(graph: nx.MultiDiGraph) -> list[dict[str, str]]:
        return [d for d in graph.get_edge_data(barrier, migrants).values() if d["relation"] == "ra:affects"]

    stated, drawn = affects(network), affects(diagram.graph)
    assert len(stated) == 3
    assert len(drawn) == 1
    tooltip = edge_tooltip(drawn[0])
    assert "3 statements" in tooltip
    assert "WHO/Europe" in tooltip and "EuroHealthNet" in tooltip
    assert "Unregulated legal status" in tooltip and "Legal status limits access" in tooltip
    assert diagram.graph.number_of_edges() < network.number_of_edges()


def test_ego_diagrams_are_drawn_for_the_best_connected_organisations(monkeypatch) -> None:
    from kg.network import diagrams

    network = project(load())
    degree = {
        n.rstrip("/").rsplit("/", 1)[-1]: network.degree(n)
        for n, d in network.nodes(data=True)
        if d["type"] == "organisation" and network.degree(n)
    }
    assert diagrams.ego_note(network) is None  # every shipped organisation has its diagram
    monkeypatch.setattr(diagrams, "EGO_DIAGRAM_LIMIT", 2)
    drawn = {stem.removeprefix("ego-") for stem, _ in all_diagrams(network) if stem.startswith("ego-")}
    assert len(drawn) == 2 < len(degree)
    assert min(degree[slug] for slug in drawn) >= max(degree[s] for s in set(degree) - drawn)
    note = diagrams.ego_note(network)
    assert note and f"the 2 best-connected of {len(degree)} organisations" in note
    assert "kg network --kind ego --focus ORG" in note


def test_build_index_says_which_organisations_have_no_ego_diagram(tmp_path: Path, monkeypatch) -> None:
    from rich.console import Console

    from kg.build import build
    from kg.network import diagrams

    monkeypatch.setattr(diagrams, "EGO_DIAGRAM_LIMIT", 2)
    out = tmp_path / "dist"
    for again in (False, True):  # the second build keeps the diagrams, and their note, from the first
        log = io.StringIO()
        build(out, console=Console(file=log))
        assert ("network diagrams (inputs unchanged" in log.getvalue()) is again
        assert len(list((out / "network").glob("ego-*.html"))) == 2
        index = (out / "index.html").read_text(encoding="utf-8")
        assert index.count("best-connected of") == 1
        assert "kg network --kind ego --focus ORG" in index


def test_images_are_drawn_when_asked_and_only_for_changed_diagrams(tmp_path: Path, monkeypatch) -> None:
    from rich.console import Console

    from kg.build import IMAGES_HINT, build
    from kg.network import IMAGE_INDEX, diagrams

    monkeypatch.setattr(diagrams, "EGO_DIAGRAM_LIMIT", 2)
    out = tmp_path / "dist"
    network = out / "network"
    build(out, console=Console(file=io.StringIO()))
    pages = sorted(p.stem for p in network.glob("*.html"))
    assert pages and not list(network.glob("*.png")) and not list(network.glob("*.svg"))
    assert IMAGES_HINT.split(":")[0] in (out / "index.html").read_text(encoding="utf-8")

    def build_images() -> dict[str, tuple[int, bytes]]:
        """Build with images; each image's modification time (kept by a copy) and bytes."""
        build(out, console=Console(file=io.StringIO()), images=True)
        return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in network.glob("*.[ps][nv]g")}

    images = build_images()
    assert sorted(images) == sorted(f"{stem}.{suffix}" for stem in pages for suffix in ("png", "svg"))
    for stem in pages:
        assert not_blank(images[f"{stem}.png"][1])
        assert b"<svg" in images[f"{stem}.svg"][1]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "network/overview.png" in index and IMAGES_HINT.split(":")[0] not in index

    # As if the data had changed since and only the overview's page with it: its images alone are drawn again.
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    record["keys"]["diagrams"] = "an older input"
    (out / "build.json").write_text(json.dumps(record), encoding="utf-8")
    drawn = json.loads((network / IMAGE_INDEX).read_text(encoding="utf-8"))
    (network / IMAGE_INDEX).write_text(json.dumps({**drawn, "overview": "an older page"}), encoding="utf-8")
    again = build_images()
    redrawn = {name for name in images if again[name][0] != images[name][0]}
    assert redrawn == {"overview.png", "overview.svg"}
    assert all(again[name][1] == data for name, (_, data) in images.items())  # drawn again, the same


def test_spreading_leaves_no_two_boxes_overlapping_and_the_pinned_node_in_place() -> None:
    """Thirty labels piled within a few pixels end up side by side, none over another, and the ego's
    centre does not move."""
    from itertools import combinations

    from kg.network.spacing import spread

    piled = {f"n{i:02}": (float(i % 3), float(i // 10)) for i in range(30)}
    sizes = {node: (60.0 + 5 * (i % 7), 40.0) for i, node in enumerate(piled)}
    placed = spread(piled, sizes, pinned="n04")
    assert placed["n04"] == piled["n04"]
    for a, b in combinations(placed, 2):
        (ax, ay), (bx, by) = placed[a], placed[b]
        apart_x = abs(ax - bx) - (sizes[a][0] + sizes[b][0]) / 2
        apart_y = abs(ay - by) - (sizes[a][1] + sizes[b][1]) / 2
        assert max(apart_x, apart_y) > 0, (a, b)
