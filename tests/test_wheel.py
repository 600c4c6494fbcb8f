"""The wheel carries the ontology, data and queries: `kg build` works from any folder after `pip install`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import run
from tests.venvs import build_wheel, fresh_env


@pytest.mark.slow
def test_wheel_installs_and_builds_from_another_folder(tmp_path: Path) -> None:
    # A fresh environment with the package only from the wheel; its dependencies come from the running
    # interpreter's environment (tests/venvs.py says how), so the test needs no network.
    env_dir = tmp_path / "venv"
    bin_dir = fresh_env(env_dir, build_wheel(ROOT, tmp_path / "wheels"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([bin_dir / "python", "-c", "import kg.resources as r; print(r.root())"], cwd=elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout

    run([bin_dir / "kg", "build", "--out", "site"], cwd=elsewhere)
    site = elsewhere / "site"
    assert (site / "index.html").is_file()
    assert (site / "queries" / "who-engages-mid-level-officials.csv").read_text().count("RefugePoint") >= 1
    assert (site / "ontology" / "index.html").is_file()
    assert any((site / "network").glob("*.html"))
