"""``kg new-case`` and ``kg import-case``: the curator's two ways into the graph.

Registered in kg/cli.py as lazy commands, so that ``kg --help`` does not import morph-kgc.
"""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import InputError


@click.command("new-case")
@click.argument("slug")
@click.option(
    "--country", metavar="CODE", help="ISO 3166-1 code of the country (e.g. KE); fills in the places."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the Turtle file here (default: standard output).",
)
@click.option(
    "--sheets",
    type=click.Path(path_type=Path),
    help="Also write the empty spreadsheet sheets (CSV) into this folder.",
)
def new_case(slug: str, country: str | None, output: Path | None, sheets: Path | None) -> None:
    """Start case study SLUG from the commented template; fill it in, then run `kg validate FILE`."""
    from kg.curate.scaffold import new_case as scaffold

    text = scaffold(slug, country)
    if output is None:
        click.echo(text, nl=False)
    else:
        if output.exists():
            raise InputError(f"{output}: already exists; not overwritten")
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}; replace every TODO, then run: kg validate {output}", err=True)
    if sheets is not None:
        from kg.curate.spreadsheet import blank_sheets

        for path in blank_sheets(sheets):
            click.echo(f"wrote {path}", err=True)


@click.command("import-case")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the Turtle file here (default: standard output).",
)
def import_case(folder: Path, output: Path | None) -> None:
    """Convert a case study kept as CSV sheets (case, actors, facts, schemes) into Turtle (RML mapping)."""
    from kg.curate.spreadsheet import import_case as convert

    data = convert(folder).serialize(format="turtle", encoding="utf-8")
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}; check it with: kg validate {output}", err=True)
