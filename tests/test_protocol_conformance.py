"""The W3C SPARQL 1.1 Protocol query tests, strict mode, against `kg serve` loaded with their fixture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.server.running import running_server

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def _runner() -> Path | None:
    folder = os.environ.get("KG_CONFORMANCE_DIR")
    candidates = [Path(folder)] if folder else []
    candidates.append(ROOT.parent / "shared" / "conformance")
    for candidate in candidates:
        for runner in (
            candidate / "run_protocol_tests.py",
            candidate / "sparql-protocol" / "run_protocol_tests.py",
        ):
            if runner.is_file():
                return runner
    return None


def test_w3c_protocol_query_tests_pass(tmp_path: Path) -> None:
    runner = _runner()
    if runner is None:
        message = "the SPARQL protocol test runner is missing (set KG_CONFORMANCE_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    fixture = tmp_path / "protocol-fixture.nq"
    written = subprocess.run([sys.executable, str(runner), "--write-fixture", str(fixture)], check=False)
    assert written.returncode == 0
    with running_server("--data", str(fixture)) as base:
        result = subprocess.run(
            [sys.executable, str(runner), f"{base}/sparql"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "20 passed, 0 failed" in result.stdout, result.stdout
