"""A build killed with SIGKILL leaves nothing running, and the next build clears what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import children


def _running(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still run (zombies, already ended, do not count)."""
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _build(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", "--out", str(out), "--images"],  # images: drawing workers
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.umask(0o022),
    )


@pytest.mark.slow
def test_killed_build_leaves_no_workers_and_the_next_build_clears_up(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build = _build(out)
    deadline = time.monotonic() + 240
    workers: set[int] = set()
    while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
        workers = children(build.pid)  # the diagram drawers, once the build reaches them
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its drawing workers"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 30
    while _running(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(workers) == set(), "workers outlived the build"
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".dist-")], "nothing left to clear up"

    again = _build(out)
    assert again.wait(timeout=600) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert out.stat().st_mode & 0o777 == 0o755  # as the umask gives, not mkdtemp's 0700
