"""Pages of saved queries read from a build's answers: the same rows as evaluating, and only for the
graph, code and parameters that build had."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from kg.answers import SUFFIX, BuiltAnswers
from kg.catalogue import catalogue
from kg.load import KnowledgeGraph, load
from kg.query import run_saved
from kg.server.running import running_server
from tests.conftest import FIXTURES, run_kg


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("answers") / "dist"
    result = run_kg("build", "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def tampered(site: Path, tmp_path: Path) -> Path:
    """A copy of the build whose source-documents answer keeps only its last row (and its header)."""
    copy = tmp_path / "dist"
    shutil.copytree(site, copy)
    answer = copy / "queries" / f"source-documents.{SUFFIX}"
    lines = answer.read_bytes().splitlines(keepends=True)
    answer.write_bytes(lines[0] + lines[-1])
    return copy


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_pages_of_a_built_answer_are_the_evaluated_pages(
    shipped: KnowledgeGraph, site: Path, name: str
) -> None:
    built = BuiltAnswers.of(site, shipped)
    assert built is not None
    whole = run_saved(shipped, name)
    read_whole = built.read(name)  # read from the file itself, so that no fallback can pass for it
    assert read_whole is not None and read_whole.rows == whole.rows
    size = max(len(whole) // 3, 1)
    for offset in range(0, len(whole) + size, size):
        evaluated = run_saved(shipped, name, limit=size, offset=offset)
        read = built.read(name, limit=size, offset=offset)
        assert read is not None
        assert (read.rows, read.variables, read.more) == (evaluated.rows, evaluated.variables, evaluated.more)


def test_a_built_answer_is_read_only_with_the_default_parameters(
    shipped: KnowledgeGraph, tampered: Path
) -> None:
    built = BuiltAnswers.of(tampered, shipped)
    assert built is not None
    evaluated = run_saved(shipped, "source-documents").column("source")
    assert len(evaluated) > 1  # one per source document: five seeds and the reference sources
    read = run_saved(shipped, "source-documents", limit=10, built=built)
    assert read.column("source") == evaluated[-1:] and read.more is False  # from the file
    # The defaults said out loud are the defaults; another language is evaluated.
    assert run_saved(shipped, "source-documents", lang="en", built=built).column("source") == evaluated[-1:]
    assert run_saved(shipped, "source-documents", lang="fr", built=built).column("source") == evaluated


def test_answers_of_another_graph_are_not_used(site: Path) -> None:
    draft = FIXTURES / "core" / "incomplete-intervention.ttl"
    assert BuiltAnswers.of(site, load([draft])) is None


def test_a_line_break_in_a_value_stays_within_its_row(shipped: KnowledgeGraph, tmp_path: Path) -> None:
    answer = shipped.select('SELECT ?text WHERE { VALUES ?text { "one\\ntwo" "three" "four\\r\\nfive" } }')
    (tmp_path / f"lines.{SUFFIX}").write_bytes(answer.serialize(SUFFIX))
    built = BuiltAnswers(tmp_path)
    page = built.read("lines", limit=1, offset=2)
    assert page is not None and page.column("text") == ["four\r\nfive"] and page.more is False
    whole = built.read("lines")
    assert whole is not None and whole.column("text") == ["one\ntwo", "three", "four\r\nfive"]
    assert built.read("no-such-answer", limit=1) is None


def test_kg_query_reads_pages_from_the_site(tampered: Path, site: Path) -> None:
    page = run_kg("query", "source-documents", "--site", str(tampered), "--format", "csv", "--limit", "5")
    assert page.returncode == 0, page.stderr
    assert len(page.stdout.splitlines()) == 2  # the header and the one row left in the file
    other = run_kg(
        "query",
        "source-documents",
        "--site",
        str(site),
        "--format",
        "csv",
        "--data",
        str(FIXTURES / "core" / "incomplete-intervention.ttl"),
    )
    assert other.returncode == 0, other.stderr
    assert "was not built from these files" in other.stderr
    assert len(other.stdout.splitlines()) > 2


def test_a_site_holds_no_answers_of_a_remote_store(site: Path) -> None:
    result = run_kg(
        "query", "source-documents", "--site", str(site), "--endpoint", "http://127.0.0.1:9/sparql"
    )
    assert result.returncode == 2 and "--endpoint" in result.stderr


@pytest.mark.server
def test_the_server_pages_answers_from_its_site(tampered: Path) -> None:
    with running_server("--site", str(tampered)) as base:
        with urllib.request.urlopen(f"{base}/queries/source-documents.csv?limit=10") as response:
            rows = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{base}/queries/source-documents.csv?limit=10&lang=fr") as response:
            evaluated = response.read().decode().splitlines()
    assert len(rows) == 2 and rows[1] in evaluated and len(evaluated) > 2
