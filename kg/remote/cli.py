"""``kg push``: upload the graph to a SPARQL store and verify it."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DATA_OPTION, USER_OPTION


@click.command()
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the store (verifies the push).")
@click.option(
    "--graph-store",
    help="SPARQL 1.1 Graph Store endpoint. Default: Oxigraph's /store beside its /query.",
)
@USER_OPTION
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=120,
    show_default=True,
    help="Seconds to wait for the store's answer to each request.",
)
@DATA_OPTION
def push(
    endpoint: str, graph_store: str | None, user: str | None, timeout: float, data: tuple[Path, ...]
) -> None:
    """Replace every named graph on a remote store (one PUT per graph), then verify it as a client sees it.

    Pushing twice gives the same store. A push stopped half-way says how far it got; run it again.
    Afterwards every graph's triple count and a saved query's rows are checked through --endpoint.
    """
    from kg.load import load
    from kg.remote.auth import from_environment
    from kg.remote.push import push as run_push

    def progress(done: int, total: int, graph: str, triples: int) -> None:
        click.echo(f"[{done}/{total}] {graph} ({triples} triples)", err=True)

    credentials = from_environment(user, prompt=True)
    report = run_push(load(data), endpoint, graph_store, credentials, timeout=timeout, progress=progress)
    click.echo(report.text())
