"""Refugee Access Knowledge Graph: load, validate, query and publish the graph.

The package is a thin layer over standard tools (Oxigraph for storage and SPARQL, rudof and
pySHACL for validation, rdflib where its API is needed) so that everything it produces is plain RDF that
other tools read too.

>>> import kg
>>> graph = kg.load()                                    # the shipped graph, in memory
>>> kg.query("who-engages-mid-level-officials", graph)   # a pandas DataFrame  # doctest: +SKIP
>>> kg.validate(graph).conforms                          # doctest: +SKIP
True
>>> kg.export(graph, "turtle")[:20]                      # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

# The functions share their modules' names: import them here, before anything else can bind
# the submodules to these attributes.
from kg.export import export
from kg.load import KnowledgeGraph, load
from kg.query import query
from kg.validate import validate

__all__ = ["KnowledgeGraph", "__version__", "export", "load", "query", "validate"]
