"""The wheel carries the ontology, data and queries: `kg build` works from any folder after `pip install`."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_builds_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("refugee_access_kg-*.whl")

    # A fresh environment; the dependencies come from the running interpreter's site-packages so
    # that the test needs no network, but the package itself only from the wheel.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import kg.resources as r; print(r.root())"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where

    result = subprocess.run(
        [env_dir / "bin" / "kg", "build", "--out", "site"], cwd=elsewhere, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    site = elsewhere / "site"
    assert (site / "index.html").is_file()
    assert (site / "queries" / "who-engages-mid-level-officials.csv").read_text().count("RefugePoint") >= 1
    assert (site / "ontology" / "index.html").is_file()
    assert any((site / "network").glob("*.html"))
