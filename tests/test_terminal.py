"""`kg query` in an 80-column terminal: whole words and names, parameters and their values explained."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from kg.catalogue import catalogue
from tests.conftest import run_kg

WIDTH = 80
QUERY = "who-engages-mid-level-officials"


def ok(*args: str) -> str:
    result = run_kg(*args, columns=WIDTH)
    assert result.returncode == 0, result.stderr
    return result.stdout


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", text))


@pytest.mark.parametrize(
    ("args", "labels"),
    [
        ((QUERY,), ["RefugePoint", "mid-level official of the local bureaucracy", "county or province"]),
        (
            ("barriers-by-type", "-p", "barrier=financial"),
            ["unaffordable care", "urban refugees", "Engaging officials to help refugees access health care"],
        ),
    ],
)
def test_a_table_fits_and_wraps_between_words(args: tuple[str, ...], labels: list[str]) -> None:
    out = ok("query", *args)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= WIDTH
    shown = words(out)
    for label in labels:  # every word whole, wherever the line breaks
        assert words(label) <= shown, label
    assert "https://" not in out  # labels, not their IRI twins
    assert "organisationLabel" in out.splitlines()[0] or "barrierTypeLabel" in out.splitlines()[0]


def test_columns_the_width_leaves_out_are_named_and_can_be_asked_for() -> None:
    out = ok("query", QUERY)
    assert "do not fit" in out and "evidence" in out and "--wide" in out
    picked = ok("query", QUERY, "--columns", "organisationLabel,evidence")
    assert picked.splitlines()[0].split() == ["organisationLabel", "evidence"]
    assert words("They worked behind the scenes with a mid-level official") <= words(picked)
    wide = run_kg("query", QUERY, "--wide", columns=400).stdout
    assert "rank:mid-level" in wide and "organisation " in wide.splitlines()[0] + " "


def test_columns_apply_to_files_too() -> None:
    out = ok("query", QUERY, "--format", "csv", "--columns", "rankLabel,organisationLabel")
    assert list(csv.reader(io.StringIO(out))) == [
        ["rankLabel", "organisationLabel"],
        ["mid-level", "RefugePoint"],
    ]
    result = run_kg("query", QUERY, "--columns", "colour")
    assert result.returncode == 2 and "no column 'colour'" in result.stderr and "rankLabel" in result.stderr


def test_list_prints_every_name_whole() -> None:
    out = ok("query", "--list")
    lines = out.splitlines()
    for name in catalogue():
        assert name in lines, name  # on a line of its own, never cut
    assert max(len(line.rstrip()) for line in lines) <= WIDTH


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "markdown"])
def test_list_honours_the_format(fmt: str) -> None:
    out = ok("query", "--list", "--format", fmt)
    if fmt == "json":
        entries = json.loads(out)
        assert [e["name"] for e in entries] == list(catalogue())
        rank = next(p for p in entries[list(catalogue()).index(QUERY)]["parameters"] if p["name"] == "rank")
        assert rank["kind"] == "iri" and rank["default"].endswith("/rank/mid-level")
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert rows[0] == ["name", "summary", "parameters"]
        assert [r[0] for r in rows[1:]] == list(catalogue())
    else:
        assert out.startswith("| name | summary | parameters |")
        assert f"| {QUERY} |" in out


def test_help_of_a_query_describes_its_parameters() -> None:
    out = ok("query", QUERY, "--help")
    assert "Who engages government officials" in out
    flat = " ".join(out.split())
    assert "-p rank=VALUE" in flat and f"kg query {QUERY} --values rank" in flat.replace("- ", "-")
    assert "default rank:mid-level" in flat
    assert "one of stated, inferred" in flat


def test_values_lists_what_a_parameter_takes() -> None:
    out = ok("query", QUERY, "--values", "rank", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["label"] for r in rows] == ["front-line", "high-level", "mid-level"]
    countries = ok("query", "interventions-by-country", "--values", "country", "--format", "csv")
    assert [r["code"] for r in csv.DictReader(io.StringIO(countries))] == ["KZ", "KE", "RS"]
    enumerated = run_kg("query", QUERY, "--values", "claimStatus")
    assert enumerated.returncode == 2 and "stated, inferred" in enumerated.stderr


def test_an_unknown_value_lists_the_few_known_ones() -> None:
    result = run_kg("query", "barriers-without-intervention-in-country", "-p", "country=UG")
    assert result.returncode == 2
    assert (
        "KE (Kenya)" in result.stderr
        and "KZ (Kazakhstan)" in result.stderr
        and "RS (Serbia)" in result.stderr
    )


def test_an_unknown_value_among_many_names_the_command_that_lists_them() -> None:
    result = run_kg("query", "organisation-barriers-and-actions", "-p", "organisation=Nobody")
    assert result.returncode == 2
    assert "kg query organisation-barriers-and-actions --values organisation" in result.stderr
