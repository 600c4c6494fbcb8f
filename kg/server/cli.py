"""``kg serve``: publish the graph over HTTP (SPARQL endpoint, linked data, pages)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DATA_OPTION


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@DATA_OPTION
@click.option(
    "--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds a query may run."
)
@click.option(
    "--max-rows", default=10_000, show_default=True, type=click.IntRange(1), help="Rows returned at most."
)
@click.option(
    "--max-bytes",
    default=16 * 1024**2,
    show_default=True,
    type=click.IntRange(1024),
    help="Bytes of one answer at most; longer answers are cut and flagged X-Result-Truncated.",
)
@click.option(
    "--page-rows",
    default=500,
    show_default=True,
    type=click.IntRange(1),
    help="Rows a result page shows; saved-query pages link to the next page.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Queries that may run at once (default: 2 to 4 by CPUs), beside one worker kept for quick work.",
)
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Output folder of `kg build` to serve as well (its diagrams and documentation); if it was "
    "built from the served files, saved-query pages with default parameters (in a language the labels "
    "have, or with parameters that only drop rows) are read from its answers.",
)
@click.option(
    "--allow-unisolated",
    is_flag=True,
    help="Serve on a public address even where query workers cannot be cut off from the network.",
)
@click.option("--no-isolation", is_flag=True, hidden=True, help="Leave workers on the network (tests).")
def serve(
    host: str,
    port: int,
    data: tuple[Path, ...],
    timeout: float,
    max_rows: int,
    max_bytes: int,
    page_rows: int,
    workers: int | None,
    site: Path | None,
    allow_unisolated: bool,
    no_isolation: bool,
) -> None:
    """Serve the graph: SPARQL 1.1 endpoint, dereferenceable IRIs, dataset description and pages.

    Read-only, with a time limit, a row cap and a byte cap per query; nothing a request asks for
    reaches the network. On an address other than loopback, it refuses to start where query workers
    cannot be cut off from the network, unless given --allow-unisolated. Extra --data files
    (Turtle, TriG, N-Quads) are served together with the shipped graph.
    """
    import dataclasses

    import uvicorn

    from kg.load import load
    from kg.server.app import create_app
    from kg.server.isolation import can_isolate, check_isolation
    from kg.server.settings import Settings

    settings = Settings(
        timeout=timeout,
        max_rows=max_rows,
        max_bytes=max_bytes,
        html_rows=page_rows,
        site=site.resolve() if site else None,
        host=host,
        isolate=not no_isolation,
        allow_unisolated=allow_unisolated,
    )
    if workers:
        settings = dataclasses.replace(settings, workers=workers)
    check_isolation(settings, settings.isolate and can_isolate())
    graph = load(data)
    app = create_app(graph, settings)
    if site is not None and app.state.kg.built is None:
        click.echo(
            f"{site} was not built from these files and this version: saved queries are evaluated", err=True
        )
    click.echo(f"serving {len(graph)} statements on http://{host}:{port}/ (SPARQL at /sparql)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    serve()
