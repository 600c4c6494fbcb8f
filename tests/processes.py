"""Subprocesses whose failure shows what the child printed, and the children a process has.

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


def children(pid: int) -> set[int]:
    """Running processes whose parent is ``pid``, read from /proc (zombies, already ended, left out)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found
