"""The package's modules import each other one way: no cycle, even through imports inside functions.

An import inside a function still ties two modules together; a cycle hidden that way breaks as soon
as someone moves the import to the top. The graph is read from the source (ast), so it sees every
import, whichever code path runs it; imports made only for type checkers are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "kg"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, here: str, modules: set[str]) -> set[str]:
    """The package's modules that one module's code imports (top level and inside functions)."""
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                package = here.split(".")
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:  # `from kg import shacl_core` imports a module, not the package
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
        stack.extend(ast.iter_child_nodes(node))
    return {name for name in found if name in modules}


def import_graph() -> nx.DiGraph:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in files}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for path in files:
        here = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph.add_edges_from((here, target) for target in _imports(tree, here, modules) if target != here)
    return graph


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert graph.number_of_nodes() > 30
    assert graph.has_edge("kg.cli", "kg.errors")
    assert graph.has_edge("kg.load", "kg.sparql_text")
    assert graph.has_edge("kg.validate", "kg.curate.hints")  # an import inside a function counts


def test_no_import_cycle() -> None:
    cycles = sorted(sorted(c) for c in nx.simple_cycles(import_graph()))
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)
