"""A fresh virtual environment that has the package only from a wheel, and its dependencies from the
running interpreter without the network.

``venv.create`` bases a new environment on the base interpreter, so when the tests themselves run
in a virtual environment its packages would be invisible. The running interpreter's site-packages
folders are therefore added to the new environment as plain paths (a ``.pth`` file); the new
environment's own site-packages, which holds the wheel, comes first.
"""

from __future__ import annotations

import site
import sys
import sysconfig
import venv
from pathlib import Path

from tests.processes import run


def build_wheel(source: Path, out: Path) -> Path:
    """The project's wheel, built from the checkout."""
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)])
    (wheel,) = out.glob("refugee_access_kg-*.whl")
    return wheel


def fresh_env(env_dir: Path, wheel: Path) -> Path:
    """Create the environment, install the wheel (without dependencies) and return its bin folder."""
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    ours = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    ours += [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    lines = dict.fromkeys(p for p in ours if Path(p).is_dir())
    (Path(purelib) / "_outer_site_packages.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)])
    return env_dir / "bin"
