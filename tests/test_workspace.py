"""A curator's workspace (kg/workspace.py, kg/curate/): `kg init`, `kg new-case` in countries the graph
lacks, validation that speaks about the curator's file once per mistake, evidence checked against the
curator's source text, local concepts, and the case seen by every analysis.

The case study is fictional and written for the tests (tests/workspace_case.py and its source text in
tests/fixtures/workspace/); the last test does the whole walk with `kg` installed from a wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, run_kg
from tests.workspace_case import FILL, IMPLEMENTER, PROGRAMME, SLUG, SOURCE_TEXT, fill

CASE = f"https://w3id.org/refugee-access/id/case/{SLUG}/"


def kg_ok(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = run_kg(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def make_workspace(root: Path, *, with_source: bool = True) -> Path:
    """`kg init`, `kg new-case` in Canada and New Zealand, the template filled in, the source text saved."""
    kg_ok("init", str(root), cwd=root.parent)
    kg_ok("new-case", SLUG, "--country", "CA", "--country", "NZ", cwd=root)
    case = root / "cases" / f"{SLUG}.ttl"
    case.write_text(fill(case.read_text(encoding="utf-8"), FILL), encoding="utf-8")
    if with_source:
        shutil.copy(SOURCE_TEXT, root / "sources" / f"{SLUG}.txt")
    return case


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("ws") / "my-cases").parent.parent


def report(cwd: Path, *args: str) -> tuple[int, list[dict[str, str]]]:
    result = run_kg("validate", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["results"]


def changed(workspace: Path, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the workspace whose case has one edit."""
    copy = tmp_path / "copy"
    shutil.copytree(workspace, copy)
    case = copy / "cases" / f"{SLUG}.ttl"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


# ---------------------------------------------------------------- kg init and kg new-case


def test_init_creates_the_workspace(tmp_path: Path) -> None:
    kg_ok("init", "ws", cwd=tmp_path)
    root = tmp_path / "ws"
    for name in ("kg.toml", "README.md", ".gitignore", "cases", "reference", "sources", "concepts"):
        assert (root / name).exists(), name
    assert "/dist/" in (root / ".gitignore").read_text(encoding="utf-8")
    again = run_kg("init", "ws", cwd=tmp_path)
    assert again.returncode == 2 and "already" in again.stderr and "Traceback" not in again.stderr


def test_new_case_adds_the_missing_countries_from_iso_3166(workspace: Path) -> None:
    places = (workspace / "reference" / "workspace-places.ttl").read_text(encoding="utf-8")
    assert 'raplace:canada a schema:Country ;\n    rdfs:label "Canada"@en ;\n    ra:isoCode "CA" .' in places
    assert 'rdfs:label "New Zealand"@en' in places and 'ra:isoCode "NZ"' in places
    assert "wikidata.org/entity/Q" not in places.split("never guess one.")[1]  # no link without a dataset
    case = (workspace / "cases" / f"{SLUG}.ttl").read_text(encoding="utf-8")
    assert "dcterms:spatial raplace:canada , raplace:new-zealand ;" in case


def test_new_case_with_a_known_country_leaves_places_alone(tmp_path: Path) -> None:
    kg_ok("init", "ws", cwd=tmp_path)
    out = kg_ok("new-case", "other", "--country", "ke", "-o", "deep/er/other.ttl", cwd=tmp_path / "ws")
    assert "raplace:kenya" in (tmp_path / "ws" / "deep" / "er" / "other.ttl").read_text(encoding="utf-8")
    assert not list((tmp_path / "ws" / "reference").glob("*.ttl")) and "added" not in out.stderr


# ---------------------------------------------------------------- validation of the curator's file


def test_filled_case_conforms_with_its_evidence_found(workspace: Path) -> None:
    code, results = report(workspace, f"cases/{SLUG}.ttl")
    assert code == 0 and results == []
    code, results = report(workspace / "cases")  # without a file: the workspace's files, from below too
    assert code == 0 and results == []


def test_phrase_not_in_the_source_text_is_named(workspace: Path, tmp_path: Path) -> None:
    copy = changed(
        workspace, tmp_path, "Some users had no smartphone of their own", "Some users had no phone"
    )
    code, results = report(copy, f"cases/{SLUG}.ttl")
    assert code == 1
    assert [(r["severity"], r["focus"], r["value"]) for r in results] == [
        ("Violation", CASE + "challenge-1", "Some users had no phone")
    ]
    assert results[0]["message"].startswith(
        f'The evidence phrase "Some users had no phone" is not in the source text {SLUG}.txt'
    )
    lines = (copy / "cases" / f"{SLUG}.ttl").read_text(encoding="utf-8").splitlines()
    assert "Some users had no phone" in lines[int(results[0]["line"]) - 1]


def test_without_a_source_text_one_warning_says_how_to_add_one(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    make_workspace(root, with_source=False)
    code, results = report(root)
    assert code == 0
    assert [(r["severity"], r["shape"]) for r in results] == [("Warning", "curation: evidence")]
    assert f"sources/{SLUG}.txt" in results[0]["message"] and "# Source text:" in results[0]["message"]


def test_misspelt_property_is_reported_once_at_its_statement(workspace: Path, tmp_path: Path) -> None:
    copy = changed(workspace, tmp_path, "ra:engagedParty case:official", "ra:engagedparty case:official")
    code, results = report(copy, f"cases/{SLUG}.ttl")
    assert code == 1
    about_it = [r for r in results if "engagedparty" in r["message"] or r["path"] == "ra:engagedparty"]
    assert [r["message"] for r in about_it] == [
        "The property ra:engagedparty is not defined by the ontology. Did you mean ra:engagedParty?"
    ]
    lines = (copy / "cases" / f"{SLUG}.ttl").read_text(encoding="utf-8").splitlines()
    assert lines[int(about_it[0]["line"]) - 1].strip().startswith("ra:engagedparty")
    assert not any("refugee-access.ttl" in r["file"] for r in results)  # nothing placed in the ontology


def test_unknown_concept_is_reported_once_with_definitions(workspace: Path, tmp_path: Path) -> None:
    copy = changed(workspace, tmp_path, "barrier:information", "barrier:informaton")
    code, results = report(copy, f"cases/{SLUG}.ttl")
    assert code == 1
    assert [(r["path"], r["shape"]) for r in results] == [("ra:barrierType", "curation: unknown concept")]
    assert results[0]["message"].startswith(
        "barrier:informaton is not a concept of its scheme. Did you mean barrier:information ("
    )
    lines = (copy / "cases" / f"{SLUG}.ttl").read_text(encoding="utf-8").splitlines()
    assert "barrier:informaton" in lines[int(results[0]["line"]) - 1]


def test_report_on_a_file_leaves_out_the_others(workspace: Path, tmp_path: Path) -> None:
    copy = changed(workspace, tmp_path, "4,000 families", "4000 families")
    draft = copy / "draft.ttl"
    draft.write_text((ROOT / "tests/fixtures/core/incomplete-intervention.ttl").read_text(), encoding="utf-8")
    _, results = report(copy, "draft.ttl")
    assert results and {Path(r["file"]).name for r in results} == {"draft.ttl"}
    _, everything = report(copy, "draft.ttl", "--all")
    assert {Path(r["file"]).name for r in everything} >= {"draft.ttl", f"{SLUG}.ttl"}


def test_local_concept_is_accepted_and_marked(workspace: Path, tmp_path: Path) -> None:
    copy = changed(
        workspace,
        tmp_path,
        "ra:targetGroup population:refugees",
        "ra:targetGroup population:resettled-refugees",
    )
    (copy / "concepts" / "population-local.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix population: <https://w3id.org/refugee-access/concept/population/> .\n\n"
        "population:resettled-refugees a skos:Concept ;\n"
        '    skos:prefLabel "resettled refugees"@en ;\n'
        '    skos:definition "Refugees moved from a first country of asylum to a third country that admits '
        'them."@en ;\n'
        "    skos:broader population:refugees ;\n"
        "    skos:inScheme <https://w3id.org/refugee-access/concept/population> .\n",
        encoding="utf-8",
    )
    code, results = report(copy)
    assert code == 0, results
    assert [(r["severity"], r["focus"]) for r in results] == [
        ("Info", "https://w3id.org/refugee-access/concept/population/resettled-refugees")
    ]
    assert "narrower than population:refugees" in results[0]["message"]
    listed = kg_ok("concepts", "population", "--format", "csv", cwd=copy).stdout
    (line,) = [row for row in listed.splitlines() if row.startswith("population:resettled-refugees,")]
    assert line.endswith(",population:refugees,,local")


def test_copied_shipped_file_replaces_the_shipped_graph(tmp_path: Path) -> None:
    kg_ok("init", "ws", "--copy-shipped", cwd=tmp_path)
    root = tmp_path / "ws"
    case = root / "cases" / "kenya-nhif-refugee-enrolment.ttl"
    assert case.is_file() and (root / "reference" / "places.ttl").is_file()
    text = case.read_text(encoding="utf-8")
    case.write_text(
        text.replace("Engaging officials to help refugees", "Corrected title: engaging officials")
    )
    rows = kg_ok("query", "source-documents", "--format", "csv", cwd=root).stdout
    assert "Corrected title: engaging officials" in rows
    assert "Engaging officials to help refugees access health care" not in rows
    code, results = report(root)
    assert code == 0, results


# ---------------------------------------------------------------- every analysis sees the case


def test_case_is_found_by_the_saved_queries(workspace: Path) -> None:
    for country in ("CA", "NZ"):
        rows = kg_ok(
            "query", "interventions-by-country", "-p", f"country={country}", "--format", "csv", cwd=workspace
        )
        assert PROGRAMME in rows.stdout and IMPLEMENTER in rows.stdout
    rows = kg_ok("query", "barriers-by-access-dimension", "--format", "csv", cwd=workspace).stdout
    ours = [line for line in rows.splitlines() if CASE in line]
    # barrier:information has its own dimension; barrier:limited-income its own too
    assert any(
        line.startswith("https://w3id.org/refugee-access/concept/dimension/approachability,") for line in ours
    )
    assert any(
        line.startswith("https://w3id.org/refugee-access/concept/dimension/affordability,") for line in ours
    )


def test_every_concept_of_a_grouped_scheme_reaches_its_group() -> None:
    """Where a scheme's concepts carry a grouping property (the access dimension of barrier types),
    every concept of the scheme has one, its own or a broader concept's (the rule analyses use)."""
    import rdflib
    from rdflib.namespace import RDF, SKOS

    grouping = rdflib.URIRef("https://w3id.org/refugee-access/def#accessDimension")
    checked = 0
    for path in sorted((ROOT / "ontology" / "concepts").glob("*.ttl")):
        graph = rdflib.Graph().parse(path)
        concepts = set(graph.subjects(RDF.type, SKOS.Concept))
        if not any(graph.value(c, grouping) for c in concepts):
            continue
        for concept in concepts:
            ancestors = graph.transitive_objects(concept, SKOS.broader)
            assert any(graph.value(a, grouping) is not None for a in ancestors), (path.name, concept)
            checked += 1
    assert checked >= 20


# ---------------------------------------------------------------- from a wheel, end to end


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
@pytest.mark.server
def test_curator_walk_from_a_wheel(
    tmp_path: Path, served: list[subprocess.Popen[str]], wheel_env: Path
) -> None:
    bin_dir = wheel_env
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}

    def kg(*args: str, cwd: Path) -> str:
        result = subprocess.run(
            [str(bin_dir / "kg"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    root = tmp_path / "my-cases"
    kg("init", str(root), cwd=tmp_path)
    kg("new-case", SLUG, "--country", "CA", "--country", "NZ", cwd=root)
    case = root / "cases" / f"{SLUG}.ttl"
    case.write_text(fill(case.read_text(encoding="utf-8"), FILL), encoding="utf-8")
    shutil.copy(SOURCE_TEXT, root / "sources" / f"{SLUG}.txt")

    assert kg("validate", f"cases/{SLUG}.ttl", cwd=root).startswith("Conforms")
    kg("build", cwd=root / "cases")  # from below the workspace: output still goes to its dist/
    dist = root / "dist"
    assert CASE in (dist / "queries" / "barriers-by-access-dimension.csv").read_text(encoding="utf-8")
    gapmap = (dist / "gapmap" / "gapmap-barriers-by-country.csv").read_text(encoding="utf-8")
    assert "Canada" in gapmap and "New Zealand" in gapmap
    assert IMPLEMENTER in (dist / "network" / "country-ca.html").read_text(encoding="utf-8")
    for country in ("CA", "NZ"):  # the built answers use the query's default country
        rows = kg(
            "query", "interventions-by-country", "-p", f"country={country}", "--format", "csv", cwd=root
        )
        assert PROGRAMME in rows and IMPLEMENTER in rows

    port = free_port()
    process = subprocess.Popen(
        [str(bin_dir / "kg"), "serve", "--port", str(port), "--site", "dist"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    served.append(process)
    url = f"http://127.0.0.1:{port}/id/case/{SLUG}/intervention"
    deadline = time.monotonic() + 120
    while True:
        try:
            page = httpx.get(url, headers={"Accept": "text/html"}, timeout=10, follow_redirects=True)
            break
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "kg serve did not start"
            time.sleep(0.5)
    assert page.status_code == 200
    assert PROGRAMME in page.text and IMPLEMENTER in page.text and "New Zealand" in page.text
