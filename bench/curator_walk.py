"""Wall time of every command of docs/curating.md, walked as a new curator would, process start included.

The installed ``kg`` is run in a fresh workspace: init, a new case in Canada and New Zealand (two
countries the shipped graph lacks), the concept list, validation, two saved queries, a build and the
served case page. The template is filled with the fictional case of the tests (tests/workspace_case.py),
so the figures are the machine's share only; reading and writing are the curator's.

    python bench/curator_walk.py
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.workspace_case import FILL, SLUG, SOURCE_TEXT, fill  # noqa: E402

KG = shutil.which("kg") or sys.exit("bench/curator_walk.py: install the package first (pip install .)")


def timed(label: str, command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    print(f"{seconds:7.2f} s  {label}")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        root = here / "my-cases"
        total = timed("kg init my-cases", [KG, "init", str(root)], here)
        total += timed(
            f"kg new-case {SLUG} --country CA --country NZ",
            [KG, "new-case", SLUG, "--country", "CA", "--country", "NZ"],
            root,
        )
        shutil.copy(SOURCE_TEXT, root / "sources" / f"{SLUG}.txt")
        total += timed("kg concepts barrier", [KG, "concepts", "barrier"], root)
        case = root / "cases" / f"{SLUG}.ttl"
        case.write_text(fill(case.read_text(encoding="utf-8"), FILL), encoding="utf-8")
        total += timed(f"kg validate cases/{SLUG}.ttl", [KG, "validate", f"cases/{SLUG}.ttl"], root)
        total += timed(
            "kg query interventions-by-country -p country=CA",
            [KG, "query", "interventions-by-country", "-p", "country=CA"],
            root,
        )
        total += timed(
            "kg query barriers-by-access-dimension", [KG, "query", "barriers-by-access-dimension"], root
        )
        total += timed("kg build", [KG, "build"], root)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        started = time.perf_counter()
        server = subprocess.Popen(
            [KG, "serve", "--port", str(port), "--site", "dist"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/id/case/{SLUG}/intervention"
            while True:
                try:
                    page = httpx.get(url, headers={"Accept": "text/html"}, follow_redirects=True, timeout=10)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            page.raise_for_status()
        finally:
            server.terminate()
            server.wait(timeout=10)
        seconds = time.perf_counter() - started
        print(f"{seconds:7.2f} s  kg serve --site dist, until the case's page answers")
        print(f"{total + seconds:7.2f} s  in all")


if __name__ == "__main__":
    main()
