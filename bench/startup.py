"""How fast the package starts: ``kg --help`` and ``import kg``, process start included.

``kg --help`` is what a new user types first (target: under 0.3 s); ``import kg`` is the price every
script and notebook pays before it does anything. Medians of RUNS runs, side by side with the
import time Python itself reports (``-X importtime``, the package's own total).

    python bench/startup.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

RUNS = 5


def wall(command: list[str]) -> float:
    """Seconds from starting the process to its exit; a failed command is an error, not a figure."""
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def import_time() -> float:
    """Seconds Python reports for importing the package (its cumulative ``-X importtime`` figure)."""
    found = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import kg"], check=True, capture_output=True, text=True
    )
    last = [line for line in found.stderr.splitlines() if line.rstrip().endswith("| kg")][-1]
    return int(last.split("|")[1]) / 1e6


def main() -> None:
    kg = shutil.which("kg") or sys.exit("bench/startup.py: install the package first (pip install .)")
    figures = {
        "kg --help (s)": statistics.median(wall([kg, "--help"]) for _ in range(RUNS)),
        "python -c 'import kg' (s)": statistics.median(
            wall([sys.executable, "-c", "import kg"]) for _ in range(RUNS)
        ),
        "import kg, -X importtime (s)": statistics.median(import_time() for _ in range(RUNS)),
    }
    for name, seconds in figures.items():
        print(f"{name:32} {seconds:6.3f}")


if __name__ == "__main__":
    main()
