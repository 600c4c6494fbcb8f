"""Shared fixtures: the shipped graph (loaded once) and a runner for the real `kg` command."""

from __future__ import annotations

import os
import subprocess
import sys
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
    *args: str, cwd: Path | None = None, timeout: float = 300, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    """Run the installed `kg` command in a subprocess, as a user would, in a terminal ``columns`` wide."""
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def kg_cli():
    return run_kg
