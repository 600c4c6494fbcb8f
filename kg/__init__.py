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

Nothing heavy is imported by ``import kg``: each name is imported when first used (PEP 562), so
``kg --help`` and scripts that need one module do not pay for the others.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kg.export import export
    from kg.load import KnowledgeGraph, load
    from kg.query import query
    from kg.validate import validate

#: Public name → the module that defines it.
_EXPORTS = {
    "KnowledgeGraph": "kg.load",
    "export": "kg.export",
    "load": "kg.load",
    "query": "kg.query",
    "validate": "kg.validate",
}

__all__ = ["KnowledgeGraph", "__version__", "export", "load", "query", "validate"]


class EntryModule(types.ModuleType):
    """A module that can be called as its main function: ``kg.load()`` is ``kg.load.load()``.

    ``kg.load``, ``kg.validate``, ``kg.query`` and ``kg.export`` name both a module and its main
    function. Python binds a submodule to its package's attribute when the submodule is first
    imported, so a function of the same name would be replaced by the module, or would hide it,
    depending on import order. Calling the module instead keeps both ``kg.load()`` and
    ``kg.load.KnowledgeGraph`` working whatever was imported first.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


def entry_module(name: str) -> None:
    """Make the module ``name`` callable as its main function (called at the end of that module)."""
    sys.modules[name].__class__ = EntryModule


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = importlib.import_module(module)
    return value if module == f"kg.{name}" else getattr(value, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
