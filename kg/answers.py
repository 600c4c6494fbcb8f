"""Saved-query answers as a build wrote them, read back a page at a time.

At 10⁶ statements the first page of a long saved query takes seconds, however small the page:
its ORDER BY (on labels found by OPTIONAL look-ups) needs the whole answer before the first row
is known, and evaluating that answer is the cost. A build answers every saved query with its
default parameters anyway, and writes each answer as SPARQL TSV, one row per line. For a graph
loaded from the very files (and code and queries) that build read, a page of such an answer is
read from its lines instead of evaluating the query again.

An optional parameter that only drops rows (``claimStatus=stated``, a country, a role: see
kg.sparql_text.row_filters) is answered from the same lines, read until the page and one row more
are found. Where the filter lets through the values of a column that a small query lists (a
country's interventions, the value given) that list is asked once and each row's cell looked up
in it; any other filter is asked, as written, of each new set of values the rows give it, a block
of rows at a time.

A build also keeps each answer in every other language the graph's labels have (``queries/fr/``),
so a page asked in one of them is read the same way. Another required value, or a language no
answer was kept in, is evaluated.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

from kg.build_record import fingerprint, last_build
from kg.catalogue import SavedQuery
from kg.errors import ParameterError
from kg.namespaces import Term
from kg.resources import package_file
from kg.results import Results
from kg.sparql_text import Membership, RowFilter, prologue, substitute, term_text

if TYPE_CHECKING:
    from kg.load import KnowledgeGraph
    from kg.query import Engine

#: The format each answer is kept in for paging: one row per line (line breaks in literals are escaped).
SUFFIX = "tsv"
#: Rows read before their filter is asked: a first page of most filters is found in one block.
BLOCK = 2048
#: The variable that numbers each set of column values in the filter's question.
_KEY = "__row"


def label_languages(engine: Engine) -> list[str]:
    """The lower-case tags of the languages of the graph's labels and titles, each a folder name."""
    sparql = package_file("sparql", "label-languages.rq").read_text(encoding="utf-8")
    tags = [str(row["language"].value) for row in engine.select(sparql).rows]
    return [tag for tag in tags if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag)]


class _Unusable(Exception):
    """The kept answer cannot be narrowed (a blank node among the values a filter lets through, or
    in the values a filter is asked of): evaluate instead."""


@dataclass(frozen=True)
class Narrowing:
    """The row filters of the optional parameters a call gives beyond the query's defaults."""

    engine: Engine
    query: SavedQuery
    filters: tuple[RowFilter, ...]
    bindings: Mapping[str, Term]

    @classmethod
    def between(
        cls, engine: Engine, query: SavedQuery, bindings: Mapping[str, Term], defaults: Mapping[str, Term]
    ) -> Narrowing | None:
        """How the answer with ``bindings`` follows from the one with ``defaults``; None if it does not
        (another language, a required value changed, a parameter that is more than a filter)."""
        changed = sorted(v for v in bindings.keys() | defaults.keys() if bindings.get(v) != defaults.get(v))
        if any(v in defaults or v not in query.row_filters for v in changed):
            return None
        return cls(
            engine, query, tuple(query.row_filters[v] for v in changed), {v: bindings[v] for v in changed}
        )

    def rows(self, header: bytes, lines: Iterable[bytes]) -> Iterator[bytes]:
        """The lines whose values pass every filter, in their order, read a block at a time.

        A filter whose test is a membership (kg.sparql_text.Membership) is the set of values it lets
        through, asked of the store once and compared with the cells as the answer file writes them;
        any other is asked of the engine for each new set of the values it reads.
        """
        names = header.rstrip(b"\r\n").decode().split("\t")
        if any(f"?{c}" not in names for f in self.filters for c in f.columns):
            raise _Unusable
        at = {c: names.index(f"?{c}") for f in self.filters for c in f.columns}
        tests = [
            [(at[m.column], m.exists, self._values(m)) for m in f.members] for f in self.filters if f.members
        ]
        asked = [f for f in self.filters if not f.members]
        columns = sorted({c for f in asked for c in f.columns})
        # Split a line only as far as the columns read (the last one also ends with the line break).
        width = max(at.values()) + 1
        whole = width == len(names)
        # One value that a row must hold (claimStatus, a role, an organisation): a line without it is
        # passed over before it is split, which is most of the file when the value is rare.
        needle = _needle(tests)
        passed: dict[tuple[bytes, ...], bool] = {}
        lines = iter(lines)
        while block := list(itertools.islice(lines, BLOCK)):
            kept: list[tuple[bytes, list[bytes]]] = []
            for line in block:
                if needle is not None and needle not in line:
                    continue
                row = line.rstrip(b"\r\n").split(b"\t") if whole else line.split(b"\t", width)
                for test in tests:  # a loop rather than all(…): this runs for every line of the file
                    if not _lets_through(row, test):
                        break
                else:
                    kept.append((line, row))
            if asked:
                keys = [tuple(row[at[c]] for c in columns) for _, row in kept]
                unknown = list(dict.fromkeys(k for k in keys if k not in passed))
                if unknown:
                    passing = self._passing(columns, unknown, asked)
                    passed.update((key, n in passing) for n, key in enumerate(unknown))
                kept = [pair for pair, key in zip(kept, keys, strict=True) if passed[key]]
            yield from (line for line, _ in kept)

    def _values(self, member: Membership) -> set[bytes]:
        """The cells, as the answer file writes them, that ``member`` lets through."""
        sparql = f"{prologue(self.query.text)}SELECT DISTINCT ?{member.column} WHERE {{ {member.pattern} }}"
        written = self.engine.select(sparql, self.bindings).serialize(SUFFIX)
        values = {line.rstrip(b"\r") for line in written.split(b"\n")[1:] if line}
        if any(value.startswith(b"_:") for value in values):
            raise _Unusable  # a blank node's label is the loading's own: no file written before has it
        return values

    def _passing(
        self, columns: list[str], keys: list[tuple[bytes, ...]], filters: list[RowFilter]
    ) -> set[int]:
        """Which sets of column values (by position) pass the filters, asked of the engine in one query."""
        table = (
            b"\t".join(f"?{c}".encode() for c in columns)
            + b"\n"
            + b"".join(b"\t".join(k) + b"\n" for k in keys)
        )
        rows = []
        for n, solution in enumerate(
            cast(ox.QuerySolutions, ox.parse_query_results(table, format=ox.QueryResultsFormat.TSV))
        ):
            cells = [str(n)]
            for column in columns:
                term = solution[column]
                if term is None:
                    cells.append("UNDEF")
                elif isinstance(term, ox.BlankNode):
                    raise _Unusable
                else:
                    try:
                        cells.append(term_text(column, term))
                    except ParameterError:
                        raise _Unusable from None
            rows.append(f"({' '.join(cells)})")
        variables = " ".join(f"?{v}" for v in (_KEY, *columns))
        # The parameters are written into the filters alone: the table is terms already.
        conditions = substitute("\n".join(f.text for f in filters), self.bindings)
        sparql = (
            f"{prologue(self.query.text)}SELECT ?{_KEY} WHERE {{\n"
            f"VALUES ({variables}) {{\n{chr(10).join(rows)}\n}}\n{conditions}\n}}"
        )
        return {int(cast(ox.Literal, row[_KEY]).value) for row in self.engine.select(sparql).rows}


def _needle(tests: list[list[tuple[int, bool, set[bytes]]]]) -> bytes | None:
    """The one cell value some filter needs every row it keeps to hold, if there is one."""
    for test in tests:
        values = {value for _, exists, found in test for value in found}
        if len(values) == 1 and not any(exists for _, exists, _ in test):
            return values.pop()
    return None


def _lets_through(row: list[bytes], test: list[tuple[int, bool, set[bytes]]]) -> bool:
    """Whether one of a filter's memberships (cell index, from EXISTS, values) lets the row through.

    A blank node in the row never matches: the values hold none (kg.answers.Narrowing._values), so
    no blank node is among the ones the pattern lets through."""
    for at, exists, values in test:
        cell = row[at]
        if cell in values or (not cell and exists and values):
            return True
    return False


class BuiltAnswers:
    """The answers in one build's ``queries`` folder, known to belong to the graph they are used for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: The other label languages the build kept answers in, each in its own folder.
        listed = folder.iterdir() if folder.is_dir() else iter(())
        self.languages = frozenset(path.name for path in listed if path.is_dir())

    @classmethod
    def of(cls, site: Path, graph: KnowledgeGraph) -> BuiltAnswers | None:
        """The answers of build output ``site`` if it was built from ``graph``'s files, else None.

        The build's data key digests the package (code, templates, queries) and every file read, so
        answers from other data, another version or edited queries are never taken for this graph's.
        """
        if last_build(site).get("keys", {}).get("data") != fingerprint(graph):
            return None
        return cls(site / "queries")

    def language(self, asked: str | None, default: str | None) -> str | None:
        """Where the answers asked with label language ``asked`` are kept: "" for the default
        answers, a folder of :attr:`languages`, None if none were kept.

        Labels are matched to a language with LANGMATCHES, which ignores case, so ``FR`` reads the
        answers kept for ``fr``; a range the build kept no answer for (``fr-ca``, ``*``) is evaluated.
        """
        if asked is None or (default is not None and asked.lower() == default.lower()):
            return ""
        return asked.lower() if asked.lower() in self.languages else None

    def read(
        self,
        name: str,
        limit: int | None = None,
        offset: int = 0,
        narrowing: Narrowing | None = None,
        language: str = "",
    ) -> Results | None:
        """Rows ``offset`` to ``offset + limit`` of saved query ``name``'s answer (all from ``offset``
        without ``limit``) in kept ``language`` (see :meth:`language`), of the rows ``narrowing``
        keeps if given; ``more`` as :func:`kg.query.run_saved` gives it. None if it was not kept or
        cannot be narrowed."""
        if language and language not in self.languages:
            return None
        try:
            file = (self.folder / language / f"{name}.{SUFFIX}").open("rb")
        except OSError:
            return None
        with file:
            header = file.readline()
            rows: Iterator[bytes] = file
            if narrowing is not None and narrowing.filters:
                rows = narrowing.rows(header, file)
            try:
                for _ in itertools.islice(rows, offset):
                    pass
                lines = list(itertools.islice(rows, None if limit is None else limit + 1))
            except _Unusable:
                return None
        more = None if limit is None else len(lines) > limit
        text = header + b"".join(lines[:limit])
        solutions = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
        # As JSON, so that the answer may be read by any thread (the server caches and renders it).
        results = Results.from_json(cast(bytes, solutions.serialize(format=ox.QueryResultsFormat.JSON)))
        results.more = more
        return results
