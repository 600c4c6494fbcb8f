"""The catalogue: grlc-style headers, parameters the engines can bind, and a README that is current."""

from __future__ import annotations

import re

import pytest

from kg.catalogue import SavedQuery, catalogue
from kg.catalogue_docs import readme_path, render

GRLC_KEYS = {"summary", "description", "tags", "defaults", "enumerate", "endpoint", "method", "pagination"}
QUERIES = sorted(catalogue().values(), key=lambda q: q.name)


def test_readme_is_current() -> None:
    assert readme_path().read_text(encoding="utf-8") == render(), "run: python -m kg.catalogue_docs"


def test_catalogue_size_and_first_query() -> None:
    assert len(QUERIES) >= 20
    assert "who-engages-mid-level-officials" in catalogue()


def _header_keys(text: str) -> set[str]:
    keys = set()
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        match = re.match(r"#\+ (\w+):", line)
        if match:
            keys.add(match.group(1))
    return keys


@pytest.mark.parametrize("saved", QUERIES, ids=[q.name for q in QUERIES])
def test_header_and_parameters(saved: SavedQuery) -> None:
    assert _header_keys(saved.text) <= GRLC_KEYS
    assert saved.summary != saved.name and saved.description and saved.tags
    body = "\n".join(line for line in saved.text.splitlines() if not line.startswith("#"))
    select = body[body.index("SELECT") : body.index("WHERE")]
    names = {p.name for p in saved.parameters}
    assert "lang" in names and saved.parameter("lang").default == "en"
    for parameter in saved.parameters:
        # Every answer shows the values it was asked with.
        assert f"?{parameter.variable}" in select.split(), f"{parameter.variable} is not projected"
        if parameter.kind == "iri" and parameter.default:
            assert parameter.default.startswith("https://"), "grlc needs full IRIs as defaults"
    assert re.search(r"^ORDER BY ", body, re.M), "results need a stable order"
    assert "?source" in select.split() and "?sourceTitle" in select.split()


def test_catalogue_is_listable_with_titles_and_parameters() -> None:
    saved = catalogue()["barriers-without-intervention-in-country"]
    assert saved.summary.startswith("Which documented barriers")
    country = saved.parameter("country")
    assert country is not None and country.kind == "iri" and not country.required
    assert country.default == "https://w3id.org/refugee-access/id/place/kenya"
