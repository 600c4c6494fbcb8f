"""Wall time of the two commands users type on the shipped data, process start included.

The ``kg`` command itself is run, as ``pip install .`` installs it beside the Python running this
script (not a wrapper found first on PATH, such as a version manager's shim, which adds its own
start-up). ``kg build`` is timed cold (a new output folder: every step runs) and warm (again into
the same folder: steps whose inputs are unchanged are kept); ``kg query NAME`` once per saved
query. Medians of RUNS runs. Targets: build under 3 s cold and 1 s warm, query under 1 s.

    python bench/commands.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3
_SCRIPT = Path(sys.executable).with_name("kg")
KG = [
    str(_SCRIPT)
    if _SCRIPT.is_file()
    else sys.exit("bench/commands.py: install the package first (pip install .)")
]


def wall(command: list[str], cwd: Path) -> float:
    """Seconds from starting the process to its exit; a failed command is an error, not a figure."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def measure() -> dict[str, float]:
    """Median wall times: build cold and warm, and every saved query."""
    from kg.catalogue import catalogue

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cold = []
        for _ in range(RUNS):
            shutil.rmtree(work / "dist", ignore_errors=True)
            cold.append(wall([*KG, "build", "--out", "dist"], work))
        figures["kg build (cold)"] = statistics.median(cold)
        figures["kg build (warm)"] = statistics.median(
            [wall([*KG, "build", "--out", "dist"], work) for _ in range(RUNS)]
        )
        for name in catalogue():
            command = [*KG, "query", name, "--format", "csv"]
            figures[f"kg query {name}"] = statistics.median([wall(command, work) for _ in range(RUNS)])
    return figures


def markdown(figures: dict[str, float]) -> str:
    """The figures as a table beside their targets."""
    lines = ["| command | wall time (median) | target |", "|---|---|---|"]
    for what, seconds in figures.items():
        target = "< 3 s" if what == "kg build (cold)" else "< 1 s"
        lines.append(f"| `{what}` | {seconds:.2f} s | {target} |")
    return "\n".join(lines)


def main() -> None:
    print(markdown(measure()))


if __name__ == "__main__":
    main()
