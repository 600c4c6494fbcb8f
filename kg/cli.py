"""The ``kg`` command line: a thin layer over the library.

Heavy libraries are imported inside the commands, so ``kg --help`` starts fast. Expected failures
(:class:`kg.errors.KGError`) print a message and exit with its code: 1 for violations, 2 for bad
input, 3 for a remote store that failed; never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from kg.errors import InputWarning, KGError

#: Commands that live beside the code they drive, imported only when used.
LAZY_COMMANDS: dict[str, str] = {
    "serve": "kg.server.cli:serve",
    "network": "kg.network.cli:network",
    "analyze": "kg.network.cli:analyze",
    "push": "kg.remote.cli:push",
    "new-case": "kg.curate.cli:new_case",
    "import-case": "kg.curate.cli:import_case",
    "init": "kg.curate.cli:init",
    "concepts": "kg.curate.cli:concepts",
}

#: The lazy commands' one-line help, so that ``kg --help`` lists them without importing them
#: (tests/test_cli.py checks that each line is its command's own).
LAZY_HELP: dict[str, str] = {
    "serve": "Serve the graph: SPARQL 1.1 endpoint, dereferenceable IRIs, dataset description and pages.",
    "network": "Draw a self-contained, offline network diagram (HTML; PNG/SVG on request).",
    "analyze": "Network measures on the actor network and the whole projection, as tables.",
    "push": "Replace every named graph on a remote store (one PUT per graph), then verify it as a client "
    "sees it.",
    "new-case": "Start case study SLUG from the commented template; fill it in, then run `kg validate FILE`.",
    "import-case": "Convert a case study kept as CSV sheets (case, actors, facts, schemes) into Turtle "
    "(RML mapping).",
    "init": "Create a curator's workspace in DIRECTORY: kg.toml, cases/, reference/, sources/, concepts/.",
    "concepts": "List the concepts of SCHEME (barrier, strategy, population…; all when omitted) with "
    "definitions.",
}

#: Choices of --format, named here so that ``kg --help`` imports neither pyoxigraph nor the exporters
#: (tests/test_cli.py checks them against kg.results.FORMATS and kg.export.FORMATS).
RESULT_FORMATS = ("table", "csv", "tsv", "json", "markdown")
EXPORT_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld")

DATA_OPTION = click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra Turtle, TriG or N-Quads file or folder to add to the shipped graph (repeatable).",
)

#: Credentials for a remote store: the user here or in $KG_USER, the password only in $KG_PASSWORD or typed
#: at a prompt that does not echo it (kg.remote.auth), so that it stays out of the shell history and logs.
USER_OPTION = click.option(
    "--user",
    envvar="KG_USER",
    help="User name for a store that asks for one (HTTP Basic or Digest); password from $KG_PASSWORD "
    "or a prompt.",
)


OUTPUT_OPTION = click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to a file instead of standard output."
)


class KGGroup(click.Group):
    """A group that loads some commands lazily and turns KGError into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attr = LAZY_COMMANDS[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, but a lazy command's line is read from LAZY_HELP, not imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names), default=0)
        rows = []
        for name in names:
            if name in LAZY_HELP:
                # A stand-in command shortens the line as click would (its function for that is deprecated).
                rows.append((name, click.Command(name, help=LAZY_HELP[name]).get_short_help_str(limit)))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except KGError as err:
            click.secho(f"error: {err}", fg="red", err=True)
            ctx.exit(err.exit_code)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """Warnings about the user's input as one line, like errors; others as Python shows them."""
    if issubclass(category, InputWarning):
        click.secho(f"warning: {message}", fg="yellow", err=True)
    else:
        click.echo(warnings.formatwarning(message, category, "", 0).strip(), err=True)


@click.group(cls=KGGroup)
@click.version_option(package_name="refugee-access-kg")
def main() -> None:
    """Refugee Access Knowledge Graph: build, validate, query and publish the graph."""


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``KEY=VALUE`` pairs into a dict; a pair without '=' is a usage error."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


def write_output(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder [default: dist in the workspace, else dist here].",
)
@DATA_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no step lines, no progress bars.")
@click.option(
    "--images", is_flag=True, help="Also draw every diagram as PNG and SVG (slow: about 0.7 s a diagram)."
)
def build(out: Path | None, data: tuple[Path, ...], quiet: bool, images: bool) -> None:
    """Load, validate, write dumps, answer every saved query, draw diagrams and docs into OUT.

    The output is built in a temporary folder and swapped in only when every step succeeded.
    Images of the diagrams are drawn with --images, and redrawn only for diagrams that changed.
    """
    from kg.build import build as run_build
    from kg.workspace import find

    if out is None:
        workspace = find()
        out = workspace.dist if workspace is not None else Path("dist")
    run_build(out, data, quiet=quiet, images=images)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", help="Validate what a remote SPARQL endpoint holds instead.")
@USER_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="turtle: a SHACL sh:ValidationReport graph, with file and line (docs/validation.md).",
)
@click.option(
    "--engine",
    type=click.Choice(["rudof", "pyshacl"]),
    default="rudof",
    show_default=True,
    help="The SHACL engine: rudof (fast) or pySHACL (the reference); both give the same report.",
)
@click.option(
    "--all", "everything", is_flag=True, help="Report on the whole graph, not only PATHS or the workspace."
)
def validate(
    paths: tuple[Path, ...], endpoint: str | None, user: str | None, fmt: str, engine: str, everything: bool
) -> None:
    """Validate the graph with PATHS added; report on PATHS (in a workspace: its files). Exit 1 on violations.

    The whole graph is always checked, so that a draft is judged with what it points to; the report
    speaks about the files the curator named (``--all``: about every file).
    """
    import json
    from dataclasses import asdict

    from kg.errors import ValidationFailed
    from kg.load import load
    from kg.validate import about, curator_checks
    from kg.validate import validate as run_validate

    if endpoint:
        from kg.remote import load_remote
        from kg.remote.auth import from_environment

        graph = load_remote(endpoint, auth=from_environment(user, prompt=True))
        report = run_validate(graph, engine=engine)
    else:
        graph = load(paths)
        report = curator_checks(graph, run_validate(graph, engine=engine))
        if not everything:
            report = about(report, graph, paths)
    if fmt == "turtle":
        from kg.report import to_turtle

        write_output(to_turtle(report), None)
    elif fmt == "json":
        click.echo(
            json.dumps(
                {"conforms": report.conforms, "results": [asdict(r) for r in report.results]}, indent=1
            )
        )
    else:
        click.echo(report.text())
    if not report.conforms:
        raise ValidationFailed(f"{len(report.violations)} violation(s)", report)


class QueryCommand(click.Command):
    """``kg query NAME --help`` also describes NAME: what it answers, its parameters and their values."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --help is handled before NAME is, so NAME is read here, without running any option's callback.
        try:
            opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        except click.UsageError:
            opts = {}
        name = opts.get("name")
        ctx.meta["kg.query.name"] = name if isinstance(name, str) else None  # click may mark it unset
        return super().parse_args(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        name = ctx.meta.get("kg.query.name")
        if not name:
            return
        from kg.catalogue import find

        saved = find(name)
        with formatter.section(f"Query {saved.name}"):
            formatter.write_text(saved.summary)
        if not saved.parameters:
            return
        from kg.namespaces import compact

        rows = []
        for parameter in saved.parameters:
            if parameter.choices:
                values = "one of " + ", ".join(parameter.choices)
            elif parameter.kind == "iri":
                values = (
                    f"a code, label, CURIE or IRI; `kg query {saved.name} --values {parameter.name}` "
                    "lists the known ones"
                )
            elif parameter.name == "lang":
                values = "a language tag such as fr (labels fall back to English)"
            else:
                values = "text" if parameter.kind == "literal" else f"an xsd:{parameter.kind} value"
            if parameter.default:
                need = f"default {compact(parameter.default)}"
            else:
                need = "required" if parameter.required else "optional"
            rows.append((f"-p {parameter.name}=VALUE", f"{values} ({need})"))
        with formatter.section("Parameters"):
            formatter.write_dl(rows)


@main.command(cls=QueryCommand)
@click.argument("name", required=False)
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
)
@click.option("--lang", help="Language for labels (e.g. fr), falling back to English.")
@click.option(
    "--columns",
    metavar="A,B",
    help="Only these columns, in this order (any format). A table shows the labels, not their IRIs.",
)
@click.option("--wide", is_flag=True, help="A table shows every column, IRIs included.")
@click.option(
    "--list", "list_", is_flag=True, help="List the saved queries with their summaries and parameters."
)
@click.option(
    "--values", "values_param", metavar="PARAM", help="List the known values of NAME's parameter PARAM."
)
@click.option(
    "--limit", type=click.IntRange(min=0), help="At most this many rows: one page, in the query's order."
)
@click.option(
    "--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first (with --limit)."
)
@click.option("--endpoint", help="Run against a remote SPARQL endpoint instead of the embedded store.")
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Output folder of `kg build` from the same files: NAME with its default parameters, in a "
    "language the labels have, or with parameters that only drop rows (claimStatus, country, role...), "
    "is read from the answer it wrote instead of being evaluated again (fast pages of long answers).",
)
@USER_OPTION
@OUTPUT_OPTION
@DATA_OPTION
def query(
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    lang: str | None,
    columns: str | None,
    wide: bool,
    list_: bool,
    values_param: str | None,
    limit: int | None,
    offset: int,
    endpoint: str | None,
    site: Path | None,
    user: str | None,
    output: Path | None,
    data: tuple[Path, ...],
) -> None:
    """Run the saved query NAME (or a .rq file) and print its rows.

    `kg query NAME --help` describes NAME's parameters.
    """
    from kg.catalogue import catalogue

    if list_:
        if fmt == "table" and output is None:
            from kg.terminal import print_catalogue

            print_catalogue(catalogue().values())
        else:
            from kg.catalogue import listing

            write_output(listing(list(catalogue().values()), fmt), output)
        return
    if not name:
        raise click.UsageError("give a query NAME, or --list")
    from kg.query import Engine, run_saved, values_of

    engine: Engine
    built = None
    if endpoint and site:
        raise click.UsageError("--site holds answers of the embedded store; it cannot go with --endpoint")
    if endpoint:
        from kg.remote import RemoteGraph
        from kg.remote.auth import from_environment

        engine = RemoteGraph(endpoint, auth=from_environment(user, prompt=True))
    else:
        from kg.load import load

        engine = load(data)
        if site is not None:
            from kg.answers import BuiltAnswers

            built = BuiltAnswers.of(site, engine)
            if built is None:
                click.echo(f"{site} was not built from these files and this version: evaluating.", err=True)
    if values_param is not None:
        results = values_of(engine, name, values_param, lang)
    else:
        results = run_saved(engine, name, parse_params(params), lang, limit=limit, offset=offset, built=built)
    picked = [c.strip() for c in columns.split(",") if c.strip()] if columns else []
    if fmt == "table" and output is None:
        from kg.terminal import print_results

        print_results(results, columns=picked, wide=wide)
    else:
        if picked:
            from kg.terminal import pick_columns

            results = results.only(pick_columns(results, picked))
        write_output(results.serialize(fmt), output)
    if results.more:  # on stderr, after the page, so that a CSV or JSON page on stdout stays clean
        click.echo(f"More rows follow: --offset {offset + (limit or 0)} gives the next page.", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="turtle",
    show_default=True,
)
@OUTPUT_OPTION
@DATA_OPTION
def export(fmt: str, output: Path | None, data: tuple[Path, ...]) -> None:
    """Write the whole graph in one RDF format; the same graph always gives the same bytes."""
    from kg.export import export as run_export
    from kg.load import load

    write_output(run_export(load(data), fmt), output)


def run() -> None:
    """The ``kg`` program: :func:`main`, then an exit that leaves freeing memory to the system.

    Once the command is done and every exit handler has run (workers stopped, temporary folders
    removed, threads joined), the interpreter would still free each object it made, one by one:
    at the end of a cold build of the shipped graph, a third of a second for nothing. The process
    ends there instead, with the command's exit code, as mypy's command line does.
    """
    code = 1  # an exception other than SystemExit: Python prints it, the exit code is 1

    def end() -> None:  # registered first, so it runs after every other exit handler
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing to write to
                stream.flush()
        os._exit(code)

    atexit.register(end)
    try:
        main()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        raise
    except KeyboardInterrupt:
        code = 130  # as a shell reports a command stopped by Ctrl-C
        raise


if __name__ == "__main__":
    run()
