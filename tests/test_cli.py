"""The CLI contract: each subcommand, its help, and its answers to bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import click
import pytest

from kg.cli import EXPORT_FORMATS, LAZY_COMMANDS, LAZY_HELP, RESULT_FORMATS, main
from tests.conftest import FIXTURES, run_kg
from tests.processes import run

MALFORMED = FIXTURES / "core" / "malformed.ttl"
INCOMPLETE = FIXTURES / "core" / "incomplete-intervention.ttl"


def _commands() -> list[str]:
    """Every subcommand the `kg` group offers, read from the group itself."""
    return main.list_commands(click.Context(main))


def test_every_command_is_listed() -> None:
    assert len(_commands()) >= 10  # build, validate, query, export, serve, network, analyze, push, …


@pytest.mark.parametrize("command", [[], *([name] for name in _commands())], ids=str)
def test_help(command: list[str]) -> None:
    result = run_kg(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert "Traceback" not in result.stderr
    if command:
        assert f" {command[0]} [OPTIONS]" in result.stdout


def test_help_lists_lazy_commands_with_their_own_help() -> None:
    """`kg --help` reads the lazy commands' lines from a table: each must be its command's own."""
    context = click.Context(main)
    for name in LAZY_COMMANDS:
        command = main.get_command(context, name)
        assert command is not None
        assert LAZY_HELP.get(name) == (command.help or "").split("\n\n")[0].replace("\n", " ").strip()


def test_help_imports_no_heavy_library() -> None:
    """`kg --help` must start fast: it imports neither the RDF libraries nor the commands' modules."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom kg.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyoxigraph', 'rdflib', 'pandas', 'pyrudof', 'pyshacl', 'starlette', 'networkx') "
        "or m.startswith(('kg.server', 'kg.network', 'kg.remote', 'kg.curate')))))"
    )
    result = run([sys.executable, "-c", code])
    assert result.stdout.strip() == ""


def test_format_choices_match_the_writers() -> None:
    from kg.export import FORMATS as EXPORTERS
    from kg.results import FORMATS as RESULT_WRITERS

    assert RESULT_FORMATS == RESULT_WRITERS
    assert tuple(EXPORTERS) == EXPORT_FORMATS


def test_validate_shipped_graph_conforms() -> None:
    result = run_kg("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_malformed_turtle_names_file_and_line() -> None:
    result = run_kg("validate", str(MALFORMED))
    assert result.returncode == 2
    # The missing ';' makes the parser fail on line 6, where `ra:status` follows the label.
    assert f"{MALFORMED}:6:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_literal_too_long_to_read_names_file_and_line(tmp_path: Path) -> None:
    """50 MB in one literal is past the parser's buffer: exit 2, the file and line, no traceback."""
    huge = tmp_path / "huge.ttl"
    with huge.open("w", encoding="utf-8") as out:
        out.write('@prefix ex: <http://example.org/> .\n\nex:a ex:b "')
        out.write("x" * 50_000_000)
        out.write('" .\n')
    result = run_kg("validate", str(huge))
    assert result.returncode == 2
    assert f"{huge}:3: cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_file_is_loaded_with_a_warning(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.touch()
    result = run_kg("validate", str(empty))
    assert result.returncode == 0, result.stderr
    assert f"warning: {empty} is empty" in result.stderr


def test_violation_exits_1_and_names_entity_and_rule() -> None:
    result = run_kg("validate", str(INCOMPLETE))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Incomplete programme" in result.stdout
    assert "incomplete-intervention.ttl" in result.stdout
    assert "InterventionShape" in result.stdout
    assert "Traceback" not in result.stderr


def test_violation_report_as_json() -> None:
    result = run_kg("validate", "--format", "json", str(INCOMPLETE))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    focus = {r["focus"] for r in report["results"]}
    assert "https://w3id.org/refugee-access/id/case/incomplete/intervention" in focus


def test_missing_file() -> None:
    result = run_kg("validate", "no-such-draft.ttl")
    assert result.returncode == 2
    assert "no-such-draft.ttl: no such file" in result.stderr


def test_unknown_query_name_suggests() -> None:
    result = run_kg("query", "who-engages-mid-level-official")
    assert result.returncode == 2
    assert "who-engages-mid-level-officials" in result.stderr


def test_malformed_parameter() -> None:
    result = run_kg("query", "who-engages-mid-level-officials", "--param", "no-equals-sign")
    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr


def test_unknown_parameter() -> None:
    result = run_kg("query", "who-engages-mid-level-officials", "--param", "colour=blue")
    assert result.returncode == 2
    assert "has no parameter 'colour'" in result.stderr


def test_query_list_shows_titles() -> None:
    result = run_kg("query", "--list")
    assert result.returncode == 0
    assert "who-engages-mid-level-officials" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "markdown", "table"])
def test_query_formats(fmt: str) -> None:
    result = run_kg("query", "who-engages-mid-level-officials", "--format", fmt)
    assert result.returncode == 0, result.stderr
    # RefugePoint is the one organisation the sources show engaging mid-level officials (seed 000).
    assert "RefugePoint" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["head"]["vars"]


def test_export_to_file(tmp_path: Path) -> None:
    out = tmp_path / "graph.trig"
    result = run_kg("export", "--format", "trig", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert b"GRAPH" in out.read_bytes() or b"{" in out.read_bytes()


def test_export_unknown_format() -> None:
    result = run_kg("export", "--format", "rdfxml")
    assert result.returncode == 2


def test_build_and_failed_build_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = run_kg("build", "--out", str(out), "-q")
    assert first.returncode == 0 and first.stdout == first.stderr == "", first.stderr  # quiet: errors only
    for expected in ["index.html", "dumps/refugee-access.ttl", "queries/who-engages-mid-level-officials.csv"]:
        assert (out / expected).is_file(), expected
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    failed = run_kg("build", "--out", str(out), "--data", str(INCOMPLETE), "-q")
    assert failed.returncode == 1
    assert "incomplete-intervention.ttl" in failed.stderr and "✓" not in failed.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name != "dist"], "temporary folders left behind"

    broken = run_kg("build", "--out", str(out), "--data", str(MALFORMED))
    assert broken.returncode == 2
    assert {p.relative_to(out) for p in out.rglob("*") if p.is_file()} == set(before)


def test_unchanged_inputs_keep_steps_and_changed_ones_redo_them(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run_kg("build", "--out", str(out)).returncode == 0
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = run_kg("build", "--out", str(out))
    assert again.returncode == 0, again.stderr
    # validation, dumps, saved queries, gap map, network diagrams and ontology documentation are kept
    assert again.stderr.count("kept from the last build") == 6
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    # As if the data had changed since: every step that reads the data runs again.
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    record["keys"]["data"] = record["keys"]["diagrams"] = "an older input"
    (out / "build.json").write_text(json.dumps(record), encoding="utf-8")
    redone = run_kg("build", "--out", str(out))
    assert redone.returncode == 0, redone.stderr
    assert redone.stderr.count("kept from the last build") == 1  # the ontology documentation
    assert "statements conform" in redone.stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first


def test_data_option_adds_a_draft(tmp_path: Path) -> None:
    draft = tmp_path / "draft"
    shutil.copytree(FIXTURES / "core", draft)
    (draft / "malformed.ttl").unlink()
    result = run_kg("export", "--format", "nquads", "--data", str(draft))
    assert result.returncode == 0, result.stderr
    assert "Incomplete programme" in result.stdout


def test_violation_report_as_shacl_turtle() -> None:
    import rdflib

    result = run_kg("validate", "--format", "turtle", str(INCOMPLETE))
    assert result.returncode == 1, result.stderr
    report = rdflib.Graph().parse(data=result.stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    extra = rdflib.Namespace("https://w3id.org/refugee-access/report#")
    (root,) = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert report.value(root, sh.conforms).toPython() is False
    focus = rdflib.URIRef("https://w3id.org/refugee-access/id/case/incomplete/intervention")
    located = [r for r in report.objects(root, sh.result) if report.value(r, sh.focusNode) == focus]
    assert located
    for r in located:
        assert str(report.value(r, extra.file)).endswith("incomplete-intervention.ttl")
        assert report.value(r, extra.line).toPython() >= 1
        assert report.value(r, sh.sourceConstraintComponent) is not None


def test_both_engines_print_the_same_report() -> None:
    rudof = run_kg("validate", str(INCOMPLETE))
    pyshacl = run_kg("validate", "--engine", "pyshacl", str(INCOMPLETE))
    assert rudof.returncode == pyshacl.returncode == 1
    assert rudof.stdout == pyshacl.stdout


def test_query_pages_follow_each_other_and_say_when_more_rows_follow() -> None:
    whole = list(csv.reader(io.StringIO(run_kg("query", "source-documents", "--format", "csv").stdout)))
    header, rows = whole[0], whole[1:]
    assert len(rows) >= 5  # the five source documents at least
    first = run_kg("query", "source-documents", "--format", "csv", "--limit", "2")
    assert list(csv.reader(io.StringIO(first.stdout))) == [header, *rows[:2]]
    assert "More rows follow: --offset 2 gives the next page." in first.stderr
    column = header.index("source")
    second = run_kg(
        "query", "source-documents", "--format", "csv", "--limit", "2", "--offset", "2", "--columns", "source"
    )
    assert list(csv.reader(io.StringIO(second.stdout))) == [["source"], *[[r[column]] for r in rows[2:4]]]
    assert "--offset 4" in second.stderr  # known when only some columns are shown, too
    last = run_kg(
        "query", "source-documents", "--format", "csv", "--limit", "2", "--offset", str(len(rows) - 1)
    )
    assert list(csv.reader(io.StringIO(last.stdout))) == [header, rows[-1]]
    assert "More rows" not in last.stderr
