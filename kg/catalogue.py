"""The saved-query catalogue: ``queries/*.rq`` with grlc-style headers.

A header is the leading ``#+ key: value`` comment block (YAML once the ``#+`` is removed), as read
by grlc, so the folder can be served by grlc unchanged. Parameters are the query's ``?_name``
(required) and ``?__name`` (optional) variables; a suffix gives the kind of value:
``_iri``, a datatype (``_integer``, ``_decimal``, ``_boolean``, ``_date``, ``_gYear``) or a language tag.
A ``differs-on`` mapping (this project's key; grlc ignores it) names the triple stores that answer
the query otherwise than SPARQL 1.1 says, each with the reason, so that ``kg`` refuses to run it there.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from kg.errors import InputError, UnknownQuery
from kg.resources import queries_dir
from kg.sparql_text import RowFilter, row_filters

_PARAM = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
DATATYPES = ("integer", "decimal", "boolean", "date", "gYear", "string")


@dataclass(frozen=True)
class Parameter:
    """One query parameter, as declared by its variable name and the header."""

    variable: str  # without the question mark, e.g. "_country_iri"
    name: str  # what users type, e.g. "country"
    kind: str  # "iri", "literal", a datatype local name, or "lang:xx"
    required: bool
    default: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedQuery:
    """A saved query and its metadata."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    #: (store product, why its answer differs), e.g. ("virtuoso", "NOT EXISTS over a path ...")
    differs_on: tuple[tuple[str, str], ...] = ()
    #: Optional parameters that only drop rows of the answer, by variable (kg.sparql_text.row_filters).
    row_filters: Mapping[str, RowFilter] = field(default_factory=dict, compare=False)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def difference_on(self, product: str) -> str | None:
        """Why the store ``product`` (lower case, as in the header) answers this query wrongly, if it does."""
        return next((why for name, why in self.differs_on if name == product), None)


def _header(text: str) -> dict[str, object]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[2:].removeprefix(" "))
    loaded = yaml.safe_load("\n".join(lines)) if lines else None
    return loaded if isinstance(loaded, dict) else {}


def _as_mapping(entries: object) -> dict[str, object]:
    """grlc writes defaults/enumerate as a list of one-key mappings (or bare names)."""
    merged: dict[str, object] = {}
    for entry in entries if isinstance(entries, list) else [entries] if entries else []:
        if isinstance(entry, dict):
            merged.update({str(k): v for k, v in entry.items()})
        else:
            merged[str(entry)] = None
    return merged


def _parameters(text: str, header: dict[str, object]) -> tuple[Parameter, ...]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    defaults = _as_mapping(header.get("defaults"))
    choices = _as_mapping(header.get("enumerate"))
    found: dict[str, Parameter] = {}
    for underscores, full in _PARAM.findall(body):
        variable = underscores + full
        if variable in found:
            continue
        name, _, suffix = full.rpartition("_") if "_" in full else (full, "", "")
        if suffix == "iri" or suffix in DATATYPES:
            kind = suffix
        elif len(suffix) == 2 and suffix.islower():
            kind = "lang:" + suffix
        else:
            name, kind = full, "literal"
        default = defaults.get(name, defaults.get(full))
        options = choices.get(name, choices.get(full))
        found[variable] = Parameter(
            variable=variable,
            name=name,
            kind=kind,
            required=underscores == "_" and default is None,
            default=None if default is None else str(default),
            choices=tuple(str(o) for o in options) if isinstance(options, list) else (),
        )
    return tuple(found.values())


def read(path: Path) -> SavedQuery:
    """Read one ``.rq`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    try:
        header = _header(text)
    except yaml.YAMLError as err:
        raise InputError(f"{path}: the #+ header is not valid YAML ({err})") from None
    tags = header.get("tags") or ()
    differs = _as_mapping(header.get("differs-on"))
    return SavedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary") or path.stem),
        description=str(header.get("description") or "").strip(),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        parameters=_parameters(text, header),
        differs_on=tuple((str(k).lower(), str(v)) for k, v in differs.items()),
        row_filters=row_filters(text),
    )


@cache
def catalogue() -> dict[str, SavedQuery]:
    """Every saved query by name, in name order."""
    return {q.name: q for q in map(read, sorted(queries_dir().glob("*.rq")))}


def find(name: str) -> SavedQuery:
    """A saved query by name, or a ``.rq`` file by path; unknown names get suggestions."""
    if name.endswith(".rq"):
        path = Path(name)
        if not path.is_file():
            raise InputError(f"{path}: no such query file")
        return read(path)
    known = catalogue()
    if name in known:
        return known[name]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownQuery(f"no saved query named {name!r}.{hint} `kg query --list` shows them all.")


def listing(queries: list[SavedQuery], fmt: str) -> bytes:
    """The catalogue for programs: ``json`` (every header field and parameter), ``csv``, ``tsv`` or
    ``markdown`` (name, summary, parameter names)."""
    if fmt == "json":
        import json
        from dataclasses import asdict

        entries = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "parameters": [{k: v for k, v in asdict(p).items() if k != "variable"} for p in q.parameters],
            }
            for q in queries
        ]
        return (json.dumps(entries, ensure_ascii=False, indent=1) + "\n").encode()
    rows = [(q.name, q.summary, " ".join(p.name for p in q.parameters)) for q in queries]
    if fmt == "markdown":
        lines = ["| name | summary | parameters |", "|---|---|---|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return ("\n".join(lines) + "\n").encode()
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerows([("name", "summary", "parameters"), *rows])
    return out.getvalue().encode()
