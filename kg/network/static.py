"""PNG and SVG of a diagram for reports, drawn by matplotlib on the page's own layout.

matplotlib rather than a browser screenshot: it needs no Chromium at build time, writes a real
vector SVG (text stays text, and is XML-escaped), and with fixed metadata gives the same bytes
for the same graph. Labels are drawn with math parsing off, so a ``$`` in a label is just a
dollar sign.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from kg.network.projection import STYLE
from kg.network.spacing import wrap

if TYPE_CHECKING:
    from kg.network.diagrams import Diagram

#: Above this many nodes labels are left out: they would cover the drawing.
LABEL_LIMIT = 150


def draw(diagram: Diagram, png: Path | None = None, svg: Path | None = None) -> list[Path]:
    """Write the diagram as PNG and/or SVG; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "refugee-access", "path.simplify": True})
    graph, pos = diagram.graph, diagram.positions
    n = max(graph.number_of_nodes(), 1)
    side = min(max(8.0, math.sqrt(n) * 1.6), 40.0)
    fig, ax = plt.subplots(figsize=(side * 1.25, side), dpi=100)
    ax.set_axis_off()
    ax.set_title(diagram.title, fontsize=14, loc="left")
    segments = [(pos[u], pos[v]) for u, v in sorted(graph.edges()) if u != v]
    ax.add_collection(LineCollection(segments, colors="#aaaaaa", linewidths=0.6, zorder=1))
    labelled = graph.number_of_nodes() <= LABEL_LIMIT
    if labelled and diagram.edge_labels and graph.number_of_edges() <= LABEL_LIMIT:
        for u, v, d in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"])):
            (x1, y1), (x2, y2) = pos[u], pos[v]
            ax.text(
                (x1 + x2) / 2,
                (y1 + y2) / 2,
                d["label"],
                fontsize=5,
                color="#777777",
                ha="center",
                va="center",
                parse_math=False,
                zorder=2,
            )
    handles = []
    for kind, style in STYLE.items():
        members = sorted(node for node, d in graph.nodes(data=True) if d["type"] == kind)
        if not members:
            continue
        xs, ys = zip(*(pos[m] for m in members), strict=True)
        ax.scatter(
            xs,
            ys,
            s=90 if labelled else 12,
            c=style.colour,
            marker=style.marker,
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=style.colour,
                marker=style.marker,
                linestyle="",
                markersize=8,
                label=f"{style.label} ({len(members)})",
            )
        )
        if labelled:
            for m in (m for m in members if diagram.shows_label(m)):
                x, y = pos[m]
                ax.text(
                    x,
                    y,
                    wrap(graph.nodes[m]["label"]),  # whole, on lines broken between words
                    fontsize=7,
                    ha="center",
                    va="top",
                    parse_math=False,
                    zorder=4,
                )
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    ax.autoscale_view()
    ax.margins(0.08)
    written = []
    for path, fmt, meta in ((png, "png", {"Software": None}), (svg, "svg", {"Date": None, "Creator": None})):
        if path is not None:
            fig.savefig(path, format=fmt, metadata=meta, bbox_inches="tight")
            written.append(path)
    plt.close(fig)
    return written
