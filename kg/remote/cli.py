"""``kg push``: upload the graph to a SPARQL store and verify it."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DATA_OPTION


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``USER:PASS`` into a pair; the password may itself contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise click.BadParameter("expected USER:PASS", param_hint="--auth")
    return user, password


@click.command()
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the store (verifies the push).")
@click.option(
    "--graph-store",
    help="SPARQL 1.1 Graph Store endpoint. Default: Oxigraph's /store beside its /query.",
)
@click.option(
    "--auth",
    envvar="KG_REMOTE_AUTH",
    metavar="USER:PASS",
    help="HTTP basic credentials (or set KG_REMOTE_AUTH, which keeps them out of the shell history).",
)
@DATA_OPTION
def push(endpoint: str, graph_store: str | None, auth: str | None, data: tuple[Path, ...]) -> None:
    """Replace every named graph on a remote store (one PUT per graph), then verify triple counts.

    Pushing twice gives the same store. A push stopped half-way says how far it got; run it again.
    """
    from kg.load import load
    from kg.remote.push import push as run_push

    def progress(done: int, total: int, graph: str, triples: int) -> None:
        click.echo(f"[{done}/{total}] {graph} ({triples} triples)", err=True)

    report = run_push(load(data), endpoint, graph_store, parse_auth(auth), progress=progress)
    click.echo(report.text())
