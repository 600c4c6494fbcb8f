"""Results and the query catalogue as people read them in a terminal.

A result row of a saved query has a dozen columns, an IRI beside each label, and sentences of
evidence; a rich table that shows all of that in 80 columns cuts words in pieces. So a table shows
by default only the columns worth reading (labels, not their IRI twins), each at least as wide as
its longest word (up to ``WORD``) so that text wraps between words; the columns that do not fit are
named under the table with the options that show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kg.errors import ParameterError
from kg.namespaces import Term, compact
from kg.results import Results, text

if TYPE_CHECKING:
    from kg.catalogue import SavedQuery

#: A column is never narrower than its longest word, up to this many characters (an IRI is folded).
WORD = 24
#: What a column costs beyond its text: a space either side and the rule between columns
#: (rich's SIMPLE_HEAD box, without edges).
GUTTER = 3


def pick_columns(results: Results, columns: Sequence[str] = (), wide: bool = False) -> list[str]:
    """The columns asked for (``--columns``), all (``--wide``) or the readable ones.

    An unknown name is an error that lists the columns there are."""
    if not columns:
        return list(results.variables) if wide else results.readable_columns()
    unknown = [c for c in columns if c not in results.variables]
    if unknown:
        raise ParameterError(
            f"no column {', '.join(map(repr, unknown))}; columns: {', '.join(results.variables)}"
        )
    return list(columns)


def cell(term: Term | None) -> str:
    """A term as a person reads it: an IRI as a CURIE where a prefix is known, a literal as its text."""
    return compact(term.value) if isinstance(term, ox.NamedNode) else text(term)


def _need(header: str, cells: Iterable[str]) -> int:
    """The width a column needs so that no word is cut: its longest word, at most WORD."""
    longest = max((len(word) for value in (header, *cells) for word in value.split()), default=1)
    return min(longest, WORD)


def _widths(cells: dict[str, list[str]], shown: list[str], room: int) -> list[int]:
    """Each column's width: its longest word, then the room left shared out one character at a time to
    the column whose text is furthest from fitting on one line (rich's own sharing ignores minimums)."""
    widths = [_need(v, cells[v]) for v in shown]
    natural = [max(map(len, [v, *cells[v]])) for v in shown]
    spare = room - sum(widths)
    while spare > 0:
        short = [(n - w) / n for n, w in zip(natural, widths, strict=True)]
        widest = max(range(len(shown)), key=short.__getitem__)
        if short[widest] <= 0:
            break
        widths[widest] += 1
        spare -= 1
    return widths


def _table(results: Results, cells: dict[str, list[str]], shown: list[str], room: int) -> Table:
    widths = _widths(cells, shown, room)
    wraps = any(max(map(len, cells[v]), default=0) > w for v, w in zip(shown, widths, strict=True))
    # Where text wraps, a blank line between rows shows where each ends.
    table = Table(box=box.SIMPLE_HEAD, show_lines=wraps, pad_edge=False, show_edge=False)
    for variable, width in zip(shown, widths, strict=True):
        table.add_column(variable, width=width, overflow="fold")
    for index in range(len(results.rows)):
        table.add_row(*(cells[v][index] for v in shown))
    return table


def results_view(
    results: Results, console: Console, columns: Sequence[str] = (), wide: bool = False
) -> Group:
    """A table that fits the console (the columns that do not are named under it), or a boolean's answer.

    Columns are added in the answer's order while the table, each column at least its longest word
    wide, still fits; ``--columns`` and ``--wide`` take every column asked for, whatever the width.
    """
    if results.boolean is not None:
        table = Table("result", box=box.SIMPLE_HEAD)
        table.add_row(str(results.boolean).lower())
        return Group(table)
    chosen = pick_columns(results, columns, wide)
    cells = {v: [cell(row.get(v)) for row in results.rows] for v in chosen}
    # The first column names the row and the source says where it comes from: they go in first.
    order = sorted(chosen, key=lambda v: (v != chosen[0] and not v.startswith("source"), chosen.index(v)))
    fitted: set[str] = set()
    used = -GUTTER  # no padding outside the first and last columns, no rule after the last
    for variable in order:
        cost = _need(variable, cells[variable]) + GUTTER
        if not fitted or columns or wide or used + cost <= console.width:
            fitted.add(variable)
            used += cost
    shown = [v for v in chosen if v in fitted]
    room = console.width - GUTTER * (len(shown) - 1)
    parts: list[Table | Text] = [_table(results, cells, shown, room)]
    hidden = [v for v in chosen if v not in shown]
    if hidden:
        note = f"{len(hidden)} more column(s) do not fit: {', '.join(hidden)}. "
        parts.append(Text(note + "--columns a,b picks columns; --wide shows every column.", style="dim"))
    parts.append(Text(f"{len(results)} row(s)", style="dim"))
    return Group(*parts)


def print_results(
    results: Results, console: Console | None = None, columns: Sequence[str] = (), wide: bool = False
) -> None:
    """Print the answer as a table fitted to the terminal."""
    console = console or Console()
    console.print(results_view(results, console, columns, wide))


def print_catalogue(queries: Iterable[SavedQuery], console: Console | None = None) -> None:
    """Each saved query's name whole on a line of its own, so that it can be copied, then what it
    answers and its parameters, indented."""
    console = console or Console()
    for saved in queries:
        console.print(Text(saved.name, style="bold"), soft_wrap=True)
        body = Text(saved.summary)
        if saved.parameters:
            body.append(f"\nparameters: {', '.join(p.name for p in saved.parameters)}", style="dim")
        console.print(Padding(body, (0, 0, 1, 4), expand=False))
