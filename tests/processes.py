"""Subprocesses whose failure shows what the child printed, and the processes a process has started.

``subprocess.run(check=True, capture_output=True)`` raises ``CalledProcessError``, whose message names only
the command and the exit status; the child's stderr, the one thing that says what went wrong, stays hidden
in the exception. ``run`` fails the test with it instead.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pytest

Arg = str | PathLike[str]


def run(command: Sequence[Arg], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to completion, capturing text output; fail the test with its output if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if result.returncode != 0:
        shown = " ".join(str(part) for part in command)
        pytest.fail(
            f"`{shown}` exited with status {result.returncode}\n"
            f"--- stderr ---\n{result.stderr[-8000:]}\n--- stdout ---\n{result.stdout[-4000:]}",
            pytrace=False,
        )
    return result


def descendants(pid: int) -> set[int]:
    """Running processes started by ``pid`` or by one of them, read from /proc (zombies, already ended,
    left out): a pool started through a fork server has its workers one generation further down."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        below = parents.get(frontier.pop(), [])
        found.update(below)
        frontier += below
    return found
