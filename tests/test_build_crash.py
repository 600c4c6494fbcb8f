"""A build killed with SIGKILL leaves nothing running, and the next build clears what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import descendants


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
    # the fork server, the diagram worker and, under it, the image drawers, once the build reaches them
    while len(workers) < 3 and build.poll() is None and time.monotonic() < deadline:
        workers = descendants(build.pid)
        time.sleep(0.05)
    assert len(workers) >= 3, "the build never started its drawing workers"
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


def test_a_failed_build_stops_its_background_workers_at_once(tmp_path: Path, monkeypatch) -> None:
    import io
    import multiprocessing.forkserver
    from multiprocessing import resource_tracker

    from rich.console import Console

    from kg import build as building
    from kg import export

    monkeypatch.setattr(export, "PARALLEL_JSONLD", 0)  # JSON-LD by worker processes, as for a large graph
    before = descendants(os.getpid())
    expected = 1 + (os.cpu_count() or 1)  # one diagram worker, one JSON-LD worker per core
    worker: set[int] = set()

    def shared() -> set[int]:  # the fork server and its resource tracker serve every pool: they stay
        server = multiprocessing.forkserver._forkserver._forkserver_pid
        return {server, resource_tracker._resource_tracker._pid}

    def fail(*_: object) -> None:  # the saved queries fail while the diagrams and JSON-LD are written
        deadline = time.monotonic() + 10
        while len(worker) < expected and time.monotonic() < deadline:
            worker.update(descendants(os.getpid()) - before - shared())
            time.sleep(0.05)
        raise RuntimeError("the saved queries failed")

    monkeypatch.setattr(building, "write_query_answers", fail)
    with pytest.raises(RuntimeError, match="the saved queries failed"):
        building.build(tmp_path / "dist", console=Console(file=io.StringIO()))
    assert len(worker) >= expected, "the diagram worker and JSON-LD workers were not all running"
    deadline = time.monotonic() + 5
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(worker) == set()
    assert list(tmp_path.iterdir()) == []  # no output, no scratch folder


def test_a_failed_build_ends_without_waiting_for_the_network_to_be_projected(tmp_path: Path) -> None:
    """Validation fails while the network is still being projected (made to take two minutes here,
    as projecting a large graph takes its time): the build reports the violation and ends at once."""
    from tests.conftest import FIXTURES

    script = tmp_path / "slow_projection.py"
    arguments = ["kg", "build", "--out", str(tmp_path / "dist"), "-q"]
    arguments += ["--data", str(FIXTURES / "core" / "incomplete-intervention.ttl")]
    script.write_text(
        "import sys, time\n"
        "import kg.network.projection\n"
        "kg.network.projection.project = lambda graph: time.sleep(120)\n"
        'if __name__ == "__main__":\n'
        "    from kg.cli import run\n"
        f"    sys.argv = {arguments!r}\n"
        "    run()\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    ended = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=110)
    assert ended.returncode == 1, ended.stderr
    assert "incomplete-intervention.ttl" in ended.stderr
    assert time.monotonic() - started < 60
    assert not (tmp_path / "dist").exists()
