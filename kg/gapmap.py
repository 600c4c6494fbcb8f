"""The gap map: which barrier types are addressed where, and by which strategies.

Two matrices, in the manner of evidence gap maps: barrier types × countries (the cells of the saved
gap query, barriers-without-intervention-in-country, for every country) and barrier types ×
strategies (from the saved strategies-by-barrier query). Each is written as CSV for analysts and as
one self-contained, colour-coded HTML page for readers; every cell's tooltip names the source
documents behind it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.query import Engine, run_saved
from kg.resources import package_file
from kg.results import Results

STRATEGY_QUERY = "strategies-by-barrier"
BARRIER_QUERY = "barriers-by-access-dimension"

#: Cell states of the barriers × countries matrix, best first (the gap query's statuses, in its order).
ADDRESSED = "addressed here"
STATE_CLASS = {
    ADDRESSED: "addressed",
    "documented here, not addressed": "gap-here",
    "addressed elsewhere only": "gap-elsewhere",
    "documented elsewhere only": "gap-none",
}


@dataclass
class Matrix:
    """Rows (barrier types) × columns, each cell a value plus the sources behind it."""

    title: str
    rows: list[tuple[str, str, str]]  # (IRI, label, access dimension label)
    columns: list[tuple[str, str]]  # (IRI, label)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    sources: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def value(self, row: str, column: str) -> str:
        return self.cells.get((row, column), "")

    def tooltip(self, row: str, column: str) -> str:
        titles = sorted(self.sources.get((row, column), ()))
        return "Sources: " + "; ".join(titles) if titles else ""


def _text(results: Results, row: dict, variable: str) -> str:
    term = row.get(variable)
    return term.value if term is not None else ""


def _barrier_types(graph: Engine) -> list[tuple[str, str, str]]:
    results = run_saved(graph, BARRIER_QUERY)
    found = {
        (
            _text(results, r, "barrierType"),
            _text(results, r, "barrierTypeLabel"),
            _text(results, r, "dimensionLabel"),
        )
        for r in results.rows
    }
    return sorted(found, key=lambda t: (t[2], t[1], t[0]))


def _internal(name: str) -> str:
    return package_file("sparql", name).read_text(encoding="utf-8")


def _countries(graph: Engine) -> list[tuple[str, str]]:
    results = graph.select(_internal("gapmap-countries.rq"))
    return [(_text(results, r, "country"), _text(results, r, "label")) for r in results.rows]


def barriers_by_country(graph: Engine) -> Matrix:
    """Each barrier type in each country: addressed there, or which kind of gap.

    The cells are those of the saved gap query run for each country, computed from two passes over
    all countries at once: per country, that query costs seconds at 10⁴ case studies.
    """
    rows, columns = _barrier_types(graph), _countries(graph)
    matrix = Matrix("Barrier types × countries", rows, columns)
    addressed = {
        (_text(found, r, "country"), _text(found, r, "barrierType"))
        for found in [graph.select(_internal("gapmap-addressed.rq"))]
        for r in found.rows
    }
    # per barrier type: where its barriers lie, whether any is addressed, and their sources
    places: dict[str, set[str]] = defaultdict(set)
    addressed_anywhere: dict[str, bool] = defaultdict(bool)
    sources: dict[str, set[str]] = defaultdict(set)
    barriers = graph.select(_internal("gapmap-barriers.rq"))
    for r in barriers.rows:
        kind = _text(barriers, r, "barrierType")
        places[kind].add(_text(barriers, r, "country"))
        addressed_anywhere[kind] |= _text(barriers, r, "addressed") == "true"
        sources[kind].add(_text(barriers, r, "sourceTitle"))
    for country, _label in columns:
        for kind, _l, _d in rows:
            if (country, kind) in addressed or kind not in places:
                matrix.cells[(kind, country)] = ADDRESSED
                continue
            if country in places[kind]:
                state = "documented here, not addressed"
            elif addressed_anywhere[kind]:
                state = "addressed elsewhere only"
            else:
                state = "documented elsewhere only"
            matrix.cells[(kind, country)] = state
            matrix.sources[(kind, country)] = sources[kind]
    return matrix


def barriers_by_strategy(graph: Engine) -> Matrix:
    """How many interventions use each strategy against each barrier type; empty cells are gaps."""
    results = run_saved(graph, STRATEGY_QUERY)
    interventions: dict[tuple[str, str], set[str]] = defaultdict(set)
    strategies: set[tuple[str, str]] = set()
    matrix = Matrix("Barrier types × strategies", _barrier_types(graph), [])
    for r in results.rows:
        key = (_text(results, r, "barrierType"), _text(results, r, "strategy"))
        strategies.add((key[1], _text(results, r, "strategyLabel")))
        interventions[key].add(_text(results, r, "intervention"))
        matrix.sources.setdefault(key, set()).add(_text(results, r, "sourceTitle"))
    matrix.columns = sorted(strategies, key=lambda s: (s[1], s[0]))
    matrix.cells = {key: str(len(found)) for key, found in interventions.items()}
    return matrix


def write_csv(matrix: Matrix, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["barrier type", "barrier type IRI", "access dimension", *(c[1] for c in matrix.columns)]
        )
        for iri, label, dimension in matrix.rows:
            writer.writerow([label, iri, dimension, *(matrix.value(iri, c[0]) for c in matrix.columns)])
    return path


def render_html(by_country: Matrix, by_strategy: Matrix) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(package_file("templates")), autoescape=select_autoescape(["html"])
    )
    counts = [int(v) for v in by_strategy.cells.values()] or [1]
    return env.get_template("gapmap.html").render(
        by_country=by_country, by_strategy=by_strategy, state_class=STATE_CLASS, max_count=max(counts)
    )


def write_gapmap(graph: Engine, folder: Path) -> list[Path]:
    """Write the two matrices as CSV and one HTML page into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_country, by_strategy = barriers_by_country(graph), barriers_by_strategy(graph)
    html = folder / "gapmap.html"
    html.write_text(render_html(by_country, by_strategy), encoding="utf-8")
    return [
        html,
        write_csv(by_country, folder / "gapmap-barriers-by-country.csv"),
        write_csv(by_strategy, folder / "gapmap-barriers-by-strategy.csv"),
    ]
