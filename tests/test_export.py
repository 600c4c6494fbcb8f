"""Dumps are deterministic and lossless."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import kg
from kg.export import FORMATS


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_two_exports_are_byte_identical(fmt: str) -> None:
    # Two independent loads, so blank-node identifiers differ in memory.
    assert kg.export(kg.load(), fmt) == kg.export(kg.load(), fmt)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_dumps_keep_every_quad(shipped, fmt: str) -> None:
    rdf_format = FORMATS[fmt][0]
    assert rdf_format is not None
    reread = ox.Dataset(ox.parse(kg.export(shipped, fmt), format=rdf_format))
    assert len(reread) == len(shipped)
    assert {q.graph_name for q in reread} == set(shipped.graphs())


def test_jsonld_uses_the_shipped_context_and_round_trips(shipped) -> None:
    import json

    import rdflib

    data = kg.export(shipped, "jsonld")
    assert "ra" in json.loads(data)["@context"]
    reread = rdflib.Dataset()
    reread.parse(data=data, format="json-ld")
    assert len(list(reread.quads())) == len(shipped)
