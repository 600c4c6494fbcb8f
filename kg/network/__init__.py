"""Network view of the graph: one projection to NetworkX, analyses, and diagrams for advocates."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.processes import process_pool

if TYPE_CHECKING:
    import networkx as nx

    from kg.network.diagrams import Diagram

#: Records which page each static image was drawn from, so an unchanged diagram is not redrawn.
IMAGE_INDEX = "images.json"


@dataclass
class Published:
    """What :func:`write_network` wrote: (title, path) per file for an index page, and a note for it."""

    files: list[tuple[str, Path]] = field(default_factory=list)
    note: str | None = None


def _draw(job: tuple[Diagram, Path, Path]) -> None:
    from kg.network.static import draw

    diagram, png, svg = job
    draw(diagram, png=png, svg=svg)


def write_network(
    network: nx.MultiDiGraph,
    folder: Path,
    previous: Path | None = None,
    images: bool = False,
    ego_limit: int | None = None,
) -> Published:
    """Write every diagram's page of a projected ``network`` into ``folder`` (and, with ``images``, its
    PNG and SVG).

    Drawing the static images is the slow part (about 0.7 s a diagram), so they are drawn only when
    asked for; then images of a diagram whose page is unchanged since the ``previous`` output are
    copied from it, and the others are drawn in parallel.
    The network, not the store, is what this takes, so that a build can hand it to a worker process
    (with ``ego_limit``, see :func:`kg.network.diagrams.ego_focuses`, read where the build runs).

    >>> write_network(project(load()), Path("dist/network"))  # doctest: +SKIP
    """
    from kg.network.diagrams import all_diagrams, ego_note, render_html

    folder.mkdir(parents=True, exist_ok=True)
    old_index: dict[str, str] = {}
    if previous is not None and (previous / IMAGE_INDEX).is_file():
        old_index = json.loads((previous / IMAGE_INDEX).read_text(encoding="utf-8"))
    index: dict[str, str] = {}
    jobs: list[tuple[Diagram, Path, Path]] = []
    written = Published(note=ego_note(network, ego_limit))
    for stem, diagram in all_diagrams(network, ego_limit):
        html = render_html(diagram)
        (folder / f"{stem}.html").write_text(html, encoding="utf-8")
        written.files.append((diagram.title, folder / f"{stem}.html"))
        if not images:
            continue
        png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
        index[stem] = hashlib.sha256(html.encode()).hexdigest()
        old_png, old_svg = (previous / png.name, previous / svg.name) if previous else (png, svg)
        if old_index.get(stem) == index[stem] and old_png.is_file() and old_svg.is_file():
            shutil.copy2(old_png, png)
            shutil.copy2(old_svg, svg)
        else:
            jobs.append((diagram, png, svg))
        written.files += [(f"{diagram.title} (PNG)", png), (f"{diagram.title} (SVG)", svg)]
    if len(jobs) > 1:
        with process_pool(min(len(jobs), os.cpu_count() or 1), fresh=False) as pool:
            for future in as_completed([pool.submit(_draw, job) for job in jobs]):
                future.result()
    else:
        for job in jobs:
            _draw(job)
    if images:
        record = json.dumps(index, indent=1, sort_keys=True) + "\n"
        (folder / IMAGE_INDEX).write_text(record, encoding="utf-8")
    return written
