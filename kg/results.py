"""Query results: an answer read into rows of RDF terms, or written out in the format asked for.

An embedded query's answer is read straight from Oxigraph's solutions; a remote endpoint's and a
query worker's arrive as SPARQL 1.1 results JSON. Both are the same Results, so there is one
results path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from kg.namespaces import XSD, Term, text

if TYPE_CHECKING:
    import pandas as pd

#: What Oxigraph gives for a SELECT or ASK, evaluated or parsed.
Answer = ox.QuerySolutions | ox.QueryBoolean

FORMATS = ("table", "csv", "tsv", "json", "markdown")
_STANDARD = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def term_json(term: Term) -> dict[str, Any]:
    """One term in SPARQL 1.1 results JSON (RDF-star triples as in SPARQL 1.2)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            found["datatype"] = term.datatype.value
        return found
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}


def solutions_json(variables: list[str], bindings: Iterable[dict[str, Any]]) -> bytes:
    """SPARQL 1.1 results JSON, written as Oxigraph writes it, from rows of terms in JSON."""
    body = {"head": {"vars": variables}, "results": {"bindings": list(bindings)}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class Results:
    """One answer, evaluated once and read once, into rows or written out, as it is first used.

    Oxigraph's answer is an iterator that can be read once. Rows are read straight from its
    solutions (at 10⁶ triples, writing a long listing out as JSON and reading it back took 15–30%
    of its time). A first written format is SPARQL JSON written by Oxigraph and kept; rows and the
    other formats are then parsed from it. Either way the query runs once, however many formats
    are written (the build writes each saved query's answer as CSV and JSON and counts its rows).
    """

    def __init__(self, answer: Answer, json: bytes | None = None) -> None:
        self._pending: Answer | None = answer
        self.json = json  # the answer as SPARQL JSON, as received or as first written
        self.more: bool | None = None  # for one page of an answer: whether rows follow it
        if isinstance(answer, ox.QueryBoolean):
            self.variables: list[str] = []
            self.boolean: bool | None = bool(answer)
        else:
            self.variables = [v.value for v in answer.variables]
            self.boolean = None
        if json is not None:
            # Parsed again where it is read: Oxigraph's solutions may be read only by the thread that
            # made them, and an answer given as JSON may be shared (the server caches answers).
            self._pending = None

    @classmethod
    def from_json(cls, data: bytes) -> Results:
        """An answer in SPARQL 1.1 results JSON (a remote endpoint's or a query worker's)."""
        return cls(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON), data)

    def _parsed(self) -> Answer:
        """The answer read again from its SPARQL JSON (parsing, not running the query)."""
        return ox.parse_query_results(self._written_json(), format=ox.QueryResultsFormat.JSON)

    def _written_json(self) -> bytes:
        """The answer as SPARQL JSON: Oxigraph writes it the first time; after rows, they are written."""
        if self.json is None:
            if self._pending is not None:
                pending, self._pending = self._pending, None
                self.json = cast(bytes, pending.serialize(format=ox.QueryResultsFormat.JSON))
            else:
                rows = ({v: term_json(t) for v, t in row.items()} for row in self.rows)
                self.json = solutions_json(self.variables, rows)
        return self.json

    @cached_property
    def rows(self) -> list[dict[str, Term]]:
        """One dict per solution, unbound variables left out."""
        if self.boolean is not None:
            return []
        pending, self._pending = self._pending, None
        solutions = pending if pending is not None else self._parsed()
        assert isinstance(solutions, ox.QuerySolutions)
        names = self.variables
        # A solution iterates its values in the order of the variables; zip is far faster than s[name].
        return [{v: term for v, term in zip(names, s, strict=True) if term is not None} for s in solutions]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, variable: str) -> list[str]:
        """One column as plain strings (missing values as '')."""
        return [text(row.get(variable)) for row in self.rows]

    def to_dataframe(self) -> pd.DataFrame:
        """A DataFrame of plain strings (IRIs and lexical forms); unbound cells are None."""
        import pandas as pd

        return pd.DataFrame(
            [[text(r[v]) if v in r else None for v in self.variables] for r in self.rows],
            columns=self.variables,
        )

    def first(self, count: int) -> Results:
        """The first ``count`` rows; ``more`` says whether the answer held any after them."""
        rows = ({v: term_json(t) for v, t in row.items()} for row in self.rows[:count])
        head = Results.from_json(solutions_json(self.variables, rows))
        head.more = len(self.rows) > count
        return head

    def only(self, columns: list[str]) -> Results:
        """The same answer with only ``columns``, in that order (all of them must be variables)."""
        rows = ({v: term_json(row[v]) for v in columns if v in row} for row in self.rows)
        picked = Results.from_json(solutions_json(columns, rows))
        picked.more = self.more
        return picked

    def serialize(self, fmt: str) -> bytes:
        """``json`` (SPARQL 1.1 JSON), ``csv``/``tsv``/``xml`` (W3C formats), ``markdown`` or ``table``."""
        if fmt == "json":
            return self._written_json()
        if fmt in _STANDARD:
            return cast(bytes, self._parsed().serialize(format=_STANDARD[fmt]))
        if fmt == "markdown":
            return self.to_markdown().encode()
        if fmt == "table":
            import io

            from rich.console import Console

            from kg.terminal import print_results

            console = Console(width=160, record=True, file=io.StringIO())
            print_results(self, console)
            return console.export_text().encode()
        raise ValueError(f"unknown results format {fmt!r}; use one of {', '.join(FORMATS)}")

    def to_markdown(self) -> str:
        if self.boolean is not None:
            return f"| result |\n|---|\n| {str(self.boolean).lower()} |\n"

        def cell(row: dict[str, Term], v: str) -> str:
            return text(row.get(v)).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(self.variables) + " |", "|" + "---|" * len(self.variables)]
        lines += ["| " + " | ".join(cell(r, v) for v in self.variables) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"

    def twin(self, variable: str) -> str | None:
        """The IRI column that ``variable`` labels (``x`` for ``xLabel`` or ``xTitle``) if there is one."""
        for suffix in ("Label", "Title"):
            stem = variable.removesuffix(suffix)
            if stem != variable and stem in self.variables:
                return stem
        return None

    def readable_columns(self) -> list[str]:
        """The columns worth showing to people: an IRI column is left out where its label or title is
        given (``x`` beside ``xLabel``); a page links the label to the IRI instead."""
        labelled = {self.twin(v) for v in self.variables}
        return [v for v in self.variables if v not in labelled]
