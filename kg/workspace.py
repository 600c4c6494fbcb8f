"""A curator's workspace: their own cases, places, concepts and source texts on top of the shipped graph.

A workspace is a folder with a ``kg.toml`` file; every command run in it or below it (found by
walking up, as git finds its repository) loads the shipped graph plus the workspace's files. A
workspace file that describes the same named graph as a shipped one replaces it, so that a
curator can correct a shipped case without touching the installed package.

>>> ws = find(Path("my-cases/cases"))  # doctest: +SKIP
>>> [f.path.name for f in ws.files()]  # doctest: +SKIP
['workspace-places.ttl', 'my-case.ttl']
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.namespaces import BASE, GRAPH
from kg.resources import data_dir, ontology_dir, package_file

CONFIG = "kg.toml"

#: Workspace folder → kind of file and named-graph prefix: the same graphs as the shipped layout.
LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("concepts", "concepts", GRAPH + "concepts/"),
    ("reference", "reference", GRAPH + "reference/"),
    ("external", "external", GRAPH + "external/"),
    ("cases", "case", GRAPH),
)
#: Folders created by ``kg init`` (``external/`` is read when present, not created).
FOLDERS = ("cases", "reference", "sources", "concepts")


@dataclass(frozen=True)
class Workspace:
    """A workspace folder and its settings from ``kg.toml``."""

    root: Path
    name: str
    base: str

    @property
    def sources(self) -> Path:
        """Where the curator keeps the source texts the evidence phrases are checked against."""
        return self.root / "sources"

    @property
    def places(self) -> Path:
        """Where ``kg new-case`` adds countries the graph lacks: the editable copy of the shipped
        places when the workspace has one (``kg init --copy-shipped``), else a file of its own."""
        copy = self.root / "reference" / "places.ttl"
        return copy if copy.is_file() else self.root / "reference" / "workspace-places.ttl"

    @property
    def dist(self) -> Path:
        """Where ``kg build`` writes by default."""
        return self.root / "dist"

    def files(self) -> list[tuple[Path, str, str]]:
        """(path, kind, named graph) of every Turtle file of the workspace, in load order."""
        return [
            (path, kind, prefix + path.stem)
            for folder, kind, prefix in LAYOUT
            for path in sorted((self.root / folder).glob("*.ttl"))
        ]


def read(root: Path) -> Workspace:
    """The workspace at ``root``; a broken ``kg.toml`` is an InputError naming the file."""
    config = root / CONFIG
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{config}: cannot read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{config}: {err}") from None
    graph = settings.get("graph", {})
    if not isinstance(graph, dict):
        raise InputError(f"{config}: [graph] must be a table with name and base")
    base = str(graph.get("base", BASE))
    if not base.startswith(("http://", "https://")) or not base.endswith(("/", "#")):
        raise InputError(f"{config}: base {base!r} must be an http(s) IRI ending in / or #")
    return Workspace(root.resolve(), str(graph.get("name", root.resolve().name)), base)


def find(start: Path | None = None) -> Workspace | None:
    """The workspace containing ``start`` (default: the current folder), or None outside any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return read(folder)
    return None


def init(root: Path, *, name: str | None = None, copy_shipped: bool = False) -> list[Path]:
    """Create a workspace in ``root`` (created if missing); returns what was written.

    With ``copy_shipped``, the shipped cases, reference files and concept schemes are copied in as
    editable files: being in the workspace, they replace the shipped graphs of the same name.
    """
    if (root / CONFIG).exists():
        raise InputError(f"{root / CONFIG}: a workspace is already there; nothing was changed")
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: exists and is not a folder")
    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    templates = package_file("templates", "workspace")
    title = name or root.resolve().name
    config = (templates / "kg.toml").read_text(encoding="utf-8")
    config = config.replace("$name", title.replace("\\", "\\\\").replace('"', '\\"')).replace("$base", BASE)
    for target, text in (
        (root / CONFIG, config),
        (root / "README.md", (templates / "README.md").read_text(encoding="utf-8")),
        (root / ".gitignore", (templates / "gitignore").read_text(encoding="utf-8")),
    ):
        if not target.exists():
            target.write_text(text, encoding="utf-8")
            written.append(target)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
        written.append(root / folder)
    if copy_shipped:
        for source, folder in (
            (data_dir() / "cases", "cases"),
            (data_dir() / "reference", "reference"),
            (ontology_dir() / "concepts", "concepts"),
        ):
            for path in sorted(source.glob("*.ttl")):
                target = root / folder / path.name
                if not target.exists():
                    shutil.copyfile(path, target)
                    written.append(target)
    return written
