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


def _blocks(text: str, opener: str) -> list[str]:
    """The text of every brace block that follows ``opener`` (e.g. 'NOT EXISTS', 'MINUS', a sub-SELECT)."""
    found = []
    for match in re.finditer(opener, text):
        start = text.index("{", match.end() - 1 if text[match.end() - 1] == "{" else match.end())
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        found.append(text[start : end + 1])
    return found


@pytest.mark.parametrize("saved", QUERIES, ids=[q.name for q in QUERIES])
def test_header_and_parameters(saved: SavedQuery) -> None:
    assert _header_keys(saved.text) <= GRLC_KEYS
    assert saved.summary != saved.name and saved.description and saved.tags
    body = "\n".join(line for line in saved.text.splitlines() if not line.startswith("#"))
    select = body[body.index("SELECT") : body.index("WHERE")]
    names = {p.name for p in saved.parameters}
    assert "lang" in names and saved.parameter("lang").default == "en"
    for parameter in saved.parameters:
        # Oxigraph binds a parameter only if the SELECT clause lists it (SEP-0007).
        assert f"?{parameter.variable}" in select.split(), f"{parameter.variable} is not projected"
        if parameter.kind == "iri" and parameter.default:
            assert parameter.default.startswith("https://"), "grlc needs full IRIs as defaults"
    # A VALUES block at the top does not reach into these, so parameters must stay out of them.
    for opener in (r"NOT EXISTS\s*\{", r"MINUS\s*\{", r"\{\s*SELECT"):
        for block in _blocks(body, opener):
            assert not re.search(r"\?_", block), f"a parameter inside {opener}"
    assert re.search(r"^ORDER BY ", body, re.M), "results need a stable order"
    assert "?source" in select.split() and "?sourceTitle" in select.split()


def test_catalogue_is_listable_with_titles_and_parameters() -> None:
    saved = catalogue()["barriers-without-intervention-in-country"]
    assert saved.summary.startswith("Which documented barriers")
    country = saved.parameter("country")
    assert country is not None and country.kind == "iri" and not country.required
    assert country.default == "https://w3id.org/refugee-access/id/place/kenya"
