"""Query results: parsed once from SPARQL 1.1 results JSON, rendered in the format asked for.

Local and remote engines both answer in SPARQL JSON, so there is one results path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

#: Any RDF term a query result or a parameter may hold (pyoxigraph has no base class for them).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

FORMATS = ("table", "csv", "tsv", "json", "markdown")
_STANDARD = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def text(term: Term | None) -> str:
    """The plain value of a term: the IRI, the literal's lexical form, or ''."""
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else "_:" + term.value


@dataclass
class Results:
    """The SPARQL JSON of an answer, read into rows of RDF terms only when rows are asked for.

    Writing the answer out (JSON, CSV, TSV, XML) needs no rows, and at 10⁶ triples reading a
    listing of 60,000 rows into Python objects takes as long as serializing it.
    """

    variables: list[str]
    raw: bytes
    boolean: bool | None = None

    @classmethod
    def from_json(cls, data: bytes) -> Results:
        parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            return cls([], data, bool(parsed))
        return cls([v.value for v in parsed.variables], data)

    @cached_property
    def rows(self) -> list[dict[str, Term]]:
        """One dict per solution, unbound variables left out."""
        if self.boolean is not None:
            return []
        parsed = ox.parse_query_results(self.raw, format=ox.QueryResultsFormat.JSON)
        assert isinstance(parsed, ox.QuerySolutions)
        names = self.variables
        # A solution iterates its values in the order of the variables; zip is far faster than s[name].
        return [{v: term for v, term in zip(names, s, strict=True) if term is not None} for s in parsed]

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

    def serialize(self, fmt: str) -> bytes:
        """``json`` (SPARQL 1.1 JSON), ``csv``/``tsv``/``xml`` (W3C formats), ``markdown`` or ``table``."""
        if fmt == "json":
            return self.raw
        if fmt in _STANDARD:
            parsed = ox.parse_query_results(self.raw, format=ox.QueryResultsFormat.JSON)
            return cast(bytes, parsed.serialize(format=_STANDARD[fmt]))
        if fmt == "markdown":
            return self.to_markdown().encode()
        if fmt == "table":
            import io

            from rich.console import Console

            console = Console(width=160, record=True, file=io.StringIO())
            console.print(self.to_table())
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

    def readable_columns(self) -> list[str]:
        """Columns worth a terminal's width: an IRI column is left out where its label or title is
        given (``x`` beside ``xLabel``), and so are the echoes of the query's parameters (``_name``)."""
        names = set(self.variables)
        return [
            v
            for v in self.variables
            if not v.startswith("_") and f"{v}Label" not in names and f"{v}Title" not in names
        ]

    def to_table(self, title: str | None = None) -> Table:
        """A rich table for the terminal, IRIs shortened to CURIEs."""
        from rich.table import Table
        from rich.text import Text

        from kg.namespaces import compact

        table = Table(title=title, show_lines=False)
        if self.boolean is not None:
            table.add_column("result")
            table.add_row(str(self.boolean).lower())
            return table
        shown = self.readable_columns()
        for v in shown:
            table.add_column(v, overflow="fold")
        for row in self.rows:
            cells = [row.get(v) for v in shown]
            table.add_row(
                *(Text(compact(c.value) if isinstance(c, ox.NamedNode) else text(c)) for c in cells)
            )
        return table
