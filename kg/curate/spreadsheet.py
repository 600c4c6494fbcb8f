"""``kg import-case FOLDER``: a case study kept as spreadsheet sheets (CSV files) turned into Turtle.

The conversion is the RML mapping in ``mapping/case.rml.ttl`` run by morph-kgc, a maintained RML
engine, so the rules live in one declarative file that curators and reviewers can read; this module
only fills in the folder and case slug, runs the engine and writes the result with readable prefixes.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.resources import package_file

if TYPE_CHECKING:
    import rdflib

#: The sheets of a case study, in the order a curator fills them; their headers are in templates/sheets/.
SHEETS = ("case", "actors", "facts", "schemes")
CASE_NS = "https://w3id.org/refugee-access/id/case/"


def blank_sheets(folder: Path) -> list[Path]:
    """Write the empty sheets (header rows only) into FOLDER for a curator to fill."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in SHEETS:
        target = folder / f"{sheet}.csv"
        if target.exists():
            raise InputError(f"{target}: already exists; choose an empty folder")
        target.write_bytes(package_file("curate", "templates", "sheets", f"{sheet}.csv").read_bytes())
        written.append(target)
    return written


def _check_sheets(folder: Path) -> str:
    """The case slug, after checking that every sheet is there with the expected columns."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of CSV sheets ({', '.join(s + '.csv' for s in SHEETS)})")
    for sheet in SHEETS:
        path = folder / f"{sheet}.csv"
        expected = (
            package_file("curate", "templates", "sheets", f"{sheet}.csv").read_text().strip().split(",")
        )
        if not path.exists():
            raise InputError(f"{path}: missing sheet; start from `kg new-case SLUG --sheets {folder}`")
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f), [])
        missing = [c for c in expected if c not in header]
        if missing:
            raise InputError(
                f"{path}: missing column(s) {', '.join(missing)}; keep the header row of the template"
            )
    with (folder / "case.csv").open(encoding="utf-8", newline="") as f:
        slugs = {row["case"].strip() for row in csv.DictReader(f) if row.get("case", "").strip()}
    if len(slugs) != 1:
        raise InputError(
            f"{folder / 'case.csv'}: the case column must hold one slug on every row, found {sorted(slugs)}"
        )
    return slugs.pop()


def _tolerate_pandas3() -> None:
    """Two shims for morph-kgc 2.3.1 under pandas 3 / NumPy 2; remove once morph-kgc supports them.

    Its mapping partitioning ends with a log line that indexes ``value_counts()`` by position, which
    pandas 3 refuses (KeyError 0) after the work is done: return the finished partition instead. It
    also spells NumPy's missing value ``np.NaN``, an alias NumPy 2 removed: restore the alias.
    """
    import numpy as np
    from morph_kgc.mapping.mapping_partitioner import MappingPartitioner

    if not hasattr(np, "NaN"):
        np.NaN = np.nan  # type: ignore[attr-defined]

    original = MappingPartitioner.partition_mappings
    if getattr(original, "tolerant", False):
        return

    def partition_mappings(self: MappingPartitioner) -> object:
        try:
            return original(self)
        except KeyError:
            if "mapping_partition" not in self.mappings_df:
                raise
            return self.mappings_df

    partition_mappings.tolerant = True  # type: ignore[attr-defined]
    MappingPartitioner.partition_mappings = partition_mappings


def import_case(folder: Path) -> rdflib.Graph:
    """The RDF graph of the case study whose sheets are in FOLDER."""
    import morph_kgc

    _tolerate_pandas3()

    slug = _check_sheets(folder)
    mapping = package_file("curate", "mapping", "case.rml.ttl").read_text(encoding="utf-8")
    mapping = mapping.replace("@FOLDER@", folder.resolve().as_posix()).replace("@CASE@", slug)
    with tempfile.TemporaryDirectory() as work:
        rules = Path(work) / "case.rml.ttl"
        rules.write_text(mapping, encoding="utf-8")
        config = (
            f"[CONFIGURATION]\nnumber_of_processes=1\nlogging_level=ERROR\n\n[CaseSheets]\nmappings={rules}\n"
        )
        try:
            graph = morph_kgc.materialize(config)
        except Exception as err:  # the engine reports bad cells as assorted exceptions
            raise InputError(f"{folder}: the sheets could not be converted: {err}") from None
    from kg.namespaces import prefixes

    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace, replace=True)
    graph.bind("case", f"{CASE_NS}{slug}/")
    return graph
