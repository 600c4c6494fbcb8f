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
    "--country",
    "codes",
    metavar="CODE",
    multiple=True,
    help="ISO 3166-1 code of a country of the programme (repeatable, e.g. --country CA --country NZ).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the Turtle file here (default: cases/SLUG.ttl in a workspace, else standard output).",
)
@click.option(
    "--sheets",
    type=click.Path(path_type=Path),
    help="Also write the empty spreadsheet sheets (CSV) into this folder.",
)
def new_case(slug: str, codes: tuple[str, ...], output: Path | None, sheets: Path | None) -> None:
    """Start case study SLUG from the commented template; fill it in, then run `kg validate FILE`.

    A country the graph lacks is added to the workspace's places (ISO 3166 code and name).
    """
    from kg.curate.scaffold import add_places, resolve
    from kg.curate.scaffold import new_case as scaffold
    from kg.workspace import find

    workspace = find()
    countries, new = resolve(list(codes))
    text = scaffold(slug, countries)
    if output is None and workspace is not None:
        output = workspace.root / "cases" / f"{slug}.ttl"
    if output is not None and output.exists():
        raise InputError(f"{output}: already exists; not overwritten")
    if new:
        if workspace is None:
            names = ", ".join(f"{c.code} ({c.name})" for c in new)
            raise InputError(
                f"the graph has no place for {names}. Run `kg init DIR` and `kg new-case` inside DIR: "
                "the workspace keeps the new places"
            )
        add_places(workspace.places, new)
        for country in new:
            click.echo(f"added {country.name} ({country.code}) to {workspace.places}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{output}: cannot write ({err.strerror or err})") from None
        click.echo(f"wrote {output}; replace every TODO, then run: kg validate {output}", err=True)
    if sheets is not None:
        from kg.curate.spreadsheet import blank_sheets

        for path in blank_sheets(sheets):
            click.echo(f"wrote {path}", err=True)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."))
@click.option("--name", help="A name for this collection of cases (default: the folder's name).")
@click.option(
    "--copy-shipped",
    is_flag=True,
    help="Copy the shipped cases, reference files and concept schemes in, as editable replacements.",
)
def init(directory: Path, name: str | None, copy_shipped: bool) -> None:
    """Create a curator's workspace in DIRECTORY: kg.toml, cases/, reference/, sources/, concepts/.

    Every `kg` command run inside it uses the shipped graph plus the workspace's files.
    """
    from kg.workspace import init as create

    written = create(directory, name=name, copy_shipped=copy_shipped)
    copies = [p for p in written if p.suffix == ".ttl"]
    click.echo(f"created the workspace {directory} ({len(copies)} shipped file(s) copied)", err=True)
    click.echo(f"next: cd {directory} && kg new-case MY-CASE --country CC", err=True)


@click.command()
@click.argument("scheme", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def concepts(scheme: str | None, fmt: str) -> None:
    """List the concepts of SCHEME (barrier, strategy, population…; all when omitted) with definitions.

    Local concepts of the workspace are marked; a barrier type shows its access dimension (its own,
    else its broader type's).
    """
    from kg.curate.concepts import concepts as list_concepts
    from kg.curate.concepts import in_scheme
    from kg.load import load
    from kg.namespaces import compact

    items = in_scheme(list_concepts(load()), scheme)
    if not items:
        raise InputError(f"no concept scheme {scheme!r}; try barrier, strategy, population, sector, outcome")
    rows = [
        (
            compact(c.iri),
            c.label,
            c.definition,
            compact(c.broader) if c.broader else "",
            compact(c.dimension) if c.dimension else "",
            "local" if c.local else "",
        )
        for c in items
    ]
    header = ("concept", "label", "definition", "broader", "dimension", "origin")
    if fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


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
