"""Network view of the graph: one projection to NetworkX, analyses, and diagrams for advocates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.query import Engine


def write_all(graph: Engine, folder: Path) -> list[tuple[str, Path]]:
    """Write every diagram (HTML, PNG, SVG) into ``folder``; returns (title, path) for an index page.

    >>> write_all(load(), Path("dist/network"))  # doctest: +SKIP
    """
    from kg.network.diagrams import all_diagrams, render_html
    from kg.network.projection import project
    from kg.network.static import draw

    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, Path]] = []
    for stem, diagram in all_diagrams(project(graph)):
        html = folder / f"{stem}.html"
        html.write_text(render_html(diagram), encoding="utf-8")
        written.append((diagram.title, html))
        png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
        draw(diagram, png=png, svg=svg)
        written += [(f"{diagram.title} (PNG)", png), (f"{diagram.title} (SVG)", svg)]
    return written
