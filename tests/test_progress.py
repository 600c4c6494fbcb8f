"""Long steps show that they are working: a bar on a terminal, plain lines in a log, nothing when quiet."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from kg import progress
from kg.progress import Reporter


def run(console: Console, quiet: bool = False) -> str:
    reporter = Reporter(console, quiet)
    with reporter.step("network diagrams"):
        assert list(reporter.track(["a", "b", "c"], "images drawn")) == ["a", "b", "c"]
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def test_a_log_gets_plain_lines_once_a_step_is_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_AFTER", 0.0)
    out = run(Console(file=io.StringIO(), force_terminal=False, width=80))
    assert out.splitlines() == [
        "  network diagrams: 1/3 images drawn",
        "  network diagrams: 2/3 images drawn",
        "  network diagrams: 3/3 images drawn",
        out.splitlines()[-1],
    ]
    assert out.splitlines()[-1].startswith("✓ network diagrams (")


def test_a_fast_step_in_a_log_is_one_line() -> None:
    out = run(Console(file=io.StringIO(), force_terminal=False, width=80))
    assert len(out.splitlines()) == 1 and out.startswith("✓ network diagrams")


def test_a_terminal_gets_a_bar_that_counts_the_items() -> None:
    out = run(Console(file=io.StringIO(), force_terminal=True, width=80))
    assert "3/3" in out and "network diagrams: images drawn" in out  # the bar, redrawn in place
    assert "✓" in out


def test_quiet_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_AFTER", 0.0)
    assert run(Console(file=io.StringIO(), force_terminal=True, width=80), quiet=True) == ""
