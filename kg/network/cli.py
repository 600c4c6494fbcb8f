"""`kg network` (draw a diagram) and `kg analyze` (network measures as tables)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli import DATA_OPTION

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


def _projection(data: tuple[Path, ...]) -> nx.MultiDiGraph:
    from kg.load import load
    from kg.network.projection import project

    return project(load(data))


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["overview", "ego", "country", "barriers"]),
    default="overview",
    show_default=True,
    help="Which diagram (--focus implies ego, --country implies country).",
)
@click.option(
    "--focus", metavar="ORG", help="Organisation at the centre of an ego network (IRI, CURIE or label)."
)
@click.option("--country", "country_code", metavar="CODE", help="Country by ISO code (KE) or name.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="HTML file to write (default: standard output)."
)
@click.option("--png", type=click.Path(path_type=Path), help="Also write a PNG image.")
@click.option("--svg", type=click.Path(path_type=Path), help="Also write an SVG image.")
@DATA_OPTION
def network(
    kind: str,
    focus: str | None,
    country_code: str | None,
    output: Path | None,
    png: Path | None,
    svg: Path | None,
    data: tuple[Path, ...],
) -> None:
    """Draw a self-contained, offline network diagram (HTML; PNG/SVG on request)."""
    from kg.network.diagrams import make, render_html

    diagram = make(_projection(data), kind, focus, country_code)
    html = render_html(diagram)
    if output is None and not (png or svg):
        sys.stdout.write(html)
    elif output is not None:
        output.write_text(html, encoding="utf-8")
    if png or svg:
        from kg.network.static import draw

        draw(diagram, png=png, svg=svg)
    for path in (output, png, svg):
        if path is not None:
            click.echo(f"wrote {path}", err=True)


def _show(frame: pd.DataFrame, fmt: str, title: str) -> None:
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*[str(c) for c in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    Console().print(table)


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)


@click.group()
def analyze() -> None:
    """Network measures on the actor network and the whole projection, as tables."""


@analyze.command()
@click.option(
    "--between",
    multiple=True,
    metavar="GROUP",
    help="Keep brokers that connect these groups (e.g. government, 'refugee organisations').",
)
@FORMAT_OPTION
@DATA_OPTION
def brokers(between: tuple[str, ...], fmt: str, data: tuple[Path, ...]) -> None:
    """Actors ranked by betweenness, with the groups each one connects."""
    from kg.network.analysis import brokers as run

    frame = run(_projection(data), between)
    title = "Brokers (betweenness on the actor network)"
    if frame.attrs["pivots"]:
        title += (
            f", estimated from {frame.attrs['pivots']} sampled sources"
            f" (each score within ±{frame.attrs['error_bound']} with 95% confidence)"
        )
    _show(frame, fmt, title)


@analyze.command()
@click.argument("start")
@click.argument("end")
@FORMAT_OPTION
@DATA_OPTION
def path(start: str, end: str, fmt: str, data: tuple[Path, ...]) -> None:
    """The shortest explanation linking START and END, each step with its relation and source."""
    from kg.network.analysis import explain, resolve

    graph = _projection(data)
    frame = explain(graph, resolve(graph, start), resolve(graph, end))
    _show(frame.drop(columns=["from_iri", "to_iri"]) if fmt == "table" else frame, fmt, f"{start} → {end}")


@analyze.command()
@click.argument("center")
@click.option("--radius", default=1, show_default=True, type=click.IntRange(1, 4))
@FORMAT_OPTION
@DATA_OPTION
def ego(center: str, radius: int, fmt: str, data: tuple[Path, ...]) -> None:
    """Every relation within RADIUS steps of CENTER."""
    from kg.network.analysis import edge_table, resolve
    from kg.network.analysis import ego as run

    graph = _projection(data)
    _show(edge_table(run(graph, resolve(graph, center), radius)), fmt, f"Ego network of {center}")


@analyze.command()
@click.option(
    "--all", "everything", is_flag=True, help="Use the whole projection, not only the actor network."
)
@FORMAT_OPTION
@DATA_OPTION
def communities(everything: bool, fmt: str, data: tuple[Path, ...]) -> None:
    """Groups of closely linked actors (greedy modularity)."""
    from kg.network.analysis import communities as run

    _show(run(_projection(data), actors_only=not everything), fmt, "Communities")
