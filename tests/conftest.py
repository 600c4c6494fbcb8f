"""Shared fixtures: the shipped graph (loaded once) and a runner for the real `kg` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import kg
from kg.load import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shipped() -> KnowledgeGraph:
    """The shipped graph; tests must not modify it."""
    return kg.load()


def run_kg(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 300,
    columns: int = 200,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `kg` command in a subprocess, as a user would, in a terminal ``columns`` wide.

    ``env`` adds variables to the environment; ``stdin`` is typed in.
    """
    environment = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment that has the package only from its wheel
    (tests/venvs.py), made once: building the wheel and the environment takes half a minute."""
    from tests.venvs import build_wheel, fresh_env

    root = tmp_path_factory.mktemp("wheel")
    return fresh_env(root / "venv", build_wheel(ROOT, root / "wheels"))


@pytest.fixture
def kg_cli():
    return run_kg
