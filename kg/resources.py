"""Where the shipped ontology, data and queries live.

In a wheel they are package data under ``kg/_resources``; in a source checkout they are the
top-level folders. Read through here only, never relative to the working directory.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    packaged = Path(str(files("kg"))) / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def ontology_dir() -> Path:
    return root() / "ontology"


def data_dir() -> Path:
    return root() / "data"


def queries_dir() -> Path:
    return root() / "queries"


def package_file(*parts: str) -> Path:
    """A file that belongs to the code itself (internal SPARQL, HTML templates)."""
    return Path(__file__).resolve().parent.joinpath(*parts)
