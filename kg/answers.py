"""Saved-query answers as a build wrote them, read back a page at a time.

At 10⁶ statements the first page of a long saved query takes seconds, however small the page:
its ORDER BY (on labels found by OPTIONAL look-ups) needs the whole answer before the first row
is known, and evaluating that answer is the cost. A build answers every saved query with its
default parameters anyway, and writes each answer as SPARQL TSV, one row per line. For a graph
loaded from the very files (and code and queries) that build read, a page of such an answer is
read from its lines instead of evaluating the query again. Other parameters are evaluated.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

from kg.build_record import fingerprint, last_build
from kg.results import Results

if TYPE_CHECKING:
    from kg.load import KnowledgeGraph

#: The format each answer is kept in for paging: one row per line (line breaks in literals are escaped).
SUFFIX = "tsv"


class BuiltAnswers:
    """The answers in one build's ``queries`` folder, known to belong to the graph they are used for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, site: Path, graph: KnowledgeGraph) -> BuiltAnswers | None:
        """The answers of build output ``site`` if it was built from ``graph``'s files, else None.

        The build's data key digests the package (code, templates, queries) and every file read, so
        answers from other data, another version or edited queries are never taken for this graph's.
        """
        if last_build(site).get("keys", {}).get("data") != fingerprint(graph):
            return None
        return cls(site / "queries")

    def read(self, name: str, limit: int | None = None, offset: int = 0) -> Results | None:
        """Rows ``offset`` to ``offset + limit`` of saved query ``name``'s answer (all from ``offset``
        without ``limit``); ``more`` as :func:`kg.query.run_saved` gives it. None if it was not kept."""
        try:
            file = (self.folder / f"{name}.{SUFFIX}").open("rb")
        except OSError:
            return None
        with file:
            header = file.readline()
            for _ in itertools.islice(file, offset):
                pass
            lines = list(itertools.islice(file, None if limit is None else limit + 1))
        more = None if limit is None else len(lines) > limit
        text = header + b"".join(lines[:limit])
        solutions = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
        # As JSON, so that the answer may be read by any thread (the server caches and renders it).
        results = Results.from_json(cast(bytes, solutions.serialize(format=ox.QueryResultsFormat.JSON)))
        results.more = more
        return results
