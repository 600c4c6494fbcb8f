"""The one query path: saved or ad-hoc SPARQL, with parameters bound as RDF terms.

Parameters are written into the query as RDF terms (``kg.sparql_text.substitute``) for the
embedded store and a remote endpoint alike, so both run the same text. A value is a term, never
text a user typed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from kg import entry_module
from kg.answers import BuiltAnswers, Narrowing
from kg.catalogue import Parameter, SavedQuery, find
from kg.errors import ParameterError
from kg.namespaces import XSD, Term, expand
from kg.resources import package_file
from kg.results import Results
from kg.sparql_text import page, without_projected

entry_module(__name__)  # `kg.query(...)` calls query() below (see kg.EntryModule)

if TYPE_CHECKING:
    import pandas as pd


class Engine(Protocol):
    """Anything that answers SELECT/ASK: the local graph, a remote endpoint, the server's workers."""

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Results: ...


#: Up to this many known values are listed in an error; beyond, the error names the command that lists them.
FEW = 12


def known_values(engine: Engine, parameter: str, lang: str | None = None) -> Results:
    """The values an IRI parameter can take (``value``, ``label``, ``code``), read from the graph.

    Empty for a parameter that takes any IRI (``entity``) or is not an IRI.
    """
    sparql = package_file("sparql", "parameter-values.rq").read_text(encoding="utf-8")
    return engine.select(sparql, {"_parameter": ox.Literal(parameter), "_lang": ox.Literal(lang or "en")})


def values_of(engine: Engine, name: str, parameter: str, lang: str | None = None) -> Results:
    """The known values of saved query ``name``'s IRI parameter, or an error that says what it takes."""
    saved = find(name)
    found = saved.parameter(parameter)
    if found is None:
        names = ", ".join(p.name for p in saved.parameters) or "none"
        raise ParameterError(f"{saved.name} has no parameter {parameter!r}. Parameters: {names}.")
    if found.choices:
        raise ParameterError(f"{parameter}: choose one of {', '.join(found.choices)}")
    if found.kind != "iri":
        raise ParameterError(f"{parameter} takes any {found.kind} value")
    values = known_values(engine, parameter, lang)
    if not len(values):
        raise ParameterError(f"{parameter} takes any IRI or CURIE of the graph")
    return values


def _unknown(engine: Engine, value: str, query: SavedQuery, parameter: Parameter) -> ParameterError:
    """No entity has that name: say which ones do, or how to list them."""
    known = known_values(engine, parameter.name)
    said = f"{parameter.name}={value!r}: no entity has that code, label or IRI."
    if not len(known):
        return ParameterError(f"{said} Give an IRI or a CURIE.")
    if len(known) > FEW:
        listing = f"kg query {query.name} --values {parameter.name}"
        return ParameterError(f"{said} `{listing}` lists the {len(known)} known values.")
    names = [
        f"{row['code'].value} ({row['label'].value})" if "code" in row else row["label"].value
        for row in known.rows
    ]
    return ParameterError(f"{said} Known values: {'; '.join(names)}.")


def _resolve_iri(engine: Engine, value: str, query: SavedQuery, parameter: Parameter) -> ox.NamedNode:
    """An IRI given as <IRI>, a full IRI, a CURIE, a code (ISO, UNHCR), a label or an IRI's last segment."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    iri = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) else expand(text)
    if iri is None:
        sparql = package_file("sparql", "resolve.rq").read_text(encoding="utf-8")
        rows = engine.select(sparql, {"_value": ox.Literal(text)}).rows
        matches = sorted({row["entity"].value for row in rows if "entity" in row})
        if not matches:
            raise _unknown(engine, value, query, parameter)
        if len(matches) > 1:
            raise ParameterError(f"{parameter.name}={value!r} is ambiguous: {', '.join(matches)}")
        iri = matches[0]
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise ParameterError(f"{parameter.name}={value!r}: not a valid IRI ({err})") from None


def _literal(value: str, parameter: Parameter) -> ox.Literal:
    kind = parameter.kind
    if kind.startswith("lang:"):
        return ox.Literal(value, language=kind[5:])
    if kind in ("literal", "string"):
        return ox.Literal(value)
    checks = {
        "integer": lambda v: int(v),
        "decimal": lambda v: float(v),
        "boolean": lambda v: {"true": 1, "false": 0}[v],
        "date": date.fromisoformat,
        "gYear": lambda v: re.fullmatch(r"-?\d{4,}", v) or int("x"),
    }
    try:
        checks[kind](value)
    except (ValueError, KeyError):
        raise ParameterError(f"{parameter.name}={value!r} is not a valid xsd:{kind}") from None
    return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))


def bind(
    engine: Engine, query: SavedQuery, given: Mapping[str, str], lang: str | None = None
) -> dict[str, Term]:
    """Turn user-given values into RDF terms for the query's parameter variables.

    Unknown names, values outside an enumeration and missing required values are errors.
    ``lang`` fills a ``lang`` parameter when the query has one.
    """
    values = dict(given)
    if lang is not None and query.parameter("lang") is not None:
        values.setdefault("lang", lang)
    for name in values:
        if query.parameter(name) is None:
            known = [p.name for p in query.parameters]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            listing = ", ".join(known) or "none"
            raise ParameterError(f"{query.name} has no parameter {name!r}.{hint} Parameters: {listing}.")
    bound: dict[str, Term] = {}
    for parameter in query.parameters:
        value = values.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                raise ParameterError(f"{query.name} needs a value for {parameter.name!r}")
            continue
        if parameter.choices and value not in parameter.choices:
            raise ParameterError(f"{parameter.name}={value!r}: choose one of {', '.join(parameter.choices)}")
        if parameter.kind == "iri":
            bound[parameter.variable] = _resolve_iri(engine, value, query, parameter)
        else:
            bound[parameter.variable] = _literal(value, parameter)
    return bound


def run_saved(
    engine: Engine,
    name: str,
    params: Mapping[str, str] | None = None,
    lang: str | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    built: BuiltAnswers | None = None,
) -> Results:
    """Run a saved query (name or .rq path) with its parameters bound.

    The parameter variables a query projects are left out of its answer: they echo what was given,
    so no table, file, DataFrame or page shows them. With ``limit``, the answer is one page of at most
    that many rows from ``offset`` on, in the query's own order; ``Results.more`` says whether another
    page follows, found by asking for one row more rather than by counting them all. With ``built``
    (the answers of a build of this very graph), a query asked with its default parameters is read
    from the answer that build wrote, not evaluated again, and so is one asked in another language
    the labels have, or with optional parameters that only drop rows (kg.answers.Narrowing): that
    answer's rows are filtered.

    >>> run_saved(load(), "who-engages-mid-level-officials").to_dataframe()  # doctest: +SKIP
    """
    query = find(name)
    check = getattr(engine, "check_saved", None)  # a remote store may be known to answer it wrongly
    if check is not None:
        check(query)
    bindings = bind(engine, query, params or {}, lang)
    if built is not None and not name.endswith(".rq"):
        found = _read_built(engine, query, bindings, built, limit, offset)
        if found is not None:
            return found
    text = without_projected(query.text, (p.variable for p in query.parameters))
    if limit is None:
        return engine.select(text, bindings)
    return engine.select(page(text, limit + 1, offset), bindings).first(limit)


def _read_built(
    engine: Engine,
    query: SavedQuery,
    bindings: Mapping[str, Term],
    built: BuiltAnswers,
    limit: int | None,
    offset: int,
) -> Results | None:
    """The page as a build kept it: the answer in the language asked, with its default parameters
    or narrowed by parameters that only drop rows; None where it must be evaluated."""
    parameter = query.parameter("lang")
    asked = bindings.get(parameter.variable) if parameter is not None else None
    text = None if asked is None else str(asked.value)
    language = built.language(text, parameter.default if parameter is not None else None)
    if language is None:
        return None
    narrowing = Narrowing.between(engine, query, bindings, bind(engine, query, {}, text))
    return None if narrowing is None else built.read(query.name, limit, offset, narrowing, language)


def query(
    name: str,
    graph: Engine | None = None,
    lang: str | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    built: BuiltAnswers | None = None,
    **params: str,
) -> pd.DataFrame:
    """Run a saved query on a graph (the shipped one by default) and return a DataFrame.

    ``limit`` and ``offset`` give one page of the rows; ``frame.attrs["more"]`` then says whether
    another page follows. ``built`` (``kg.answers.BuiltAnswers.of(site, graph)``) reads answers asked
    with default parameters, in a language the labels have, or with parameters that only drop rows,
    from a build of this graph.

    >>> import kg
    >>> kg.query("who-engages-mid-level-officials")  # doctest: +SKIP
    """
    from kg.load import load

    engine = graph if graph is not None else load()
    results = run_saved(engine, name, params, lang, limit=limit, offset=offset, built=built)
    frame = results.to_dataframe()
    frame.attrs["more"] = results.more
    return frame
