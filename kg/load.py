"""The one loading path: every file into one Oxigraph store, one named graph per file.

Shipped files are read from the package resources; a curator's workspace (kg/workspace.py) and
extra files or folders (``--data``) are added on top, each replacing a shipped file of the same
named graph, so that a curator can check a draft against the shipped graph. A syntax error
names the file, the line and the column, and nothing half-loaded is kept.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import pyoxigraph as ox

from kg import entry_module
from kg.errors import InputError, InputWarning, QueryError
from kg.namespaces import GRAPH, Term
from kg.resources import data_dir, ontology_dir
from kg.results import Results
from kg.sparql_text import substitute

entry_module(__name__)  # `kg.load(...)` calls load() below (see kg.EntryModule)

if TYPE_CHECKING:
    import rdflib

    from kg.workspace import Workspace

#: File suffixes read as RDF; datasets (TriG, N-Quads) keep the graphs they name.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}

#: Kinds of file, in load order. Model kinds describe the vocabulary; data kinds are validated.
MODEL_KINDS = ("ontology", "concepts", "shapes")
DATA_KINDS = ("reference", "external", "case", "extra")


@dataclass(frozen=True)
class LoadedFile:
    """One file in the store: where it came from, what it is, and its named graph.

    ``graph`` is None for datasets (TriG, N-Quads), whose quads name their own graphs.
    """

    path: Path
    kind: str
    graph: str | None
    origin: str = "shipped"  # shipped, workspace or extra: validation speaks about the curator's files


def shipped_files() -> list[LoadedFile]:
    """Every shipped file with its kind and named graph, in a stable order."""
    onto, data = ontology_dir(), data_dir()
    layout = [
        ("ontology", onto, GRAPH + "ontology/"),
        ("concepts", onto / "concepts", GRAPH + "concepts/"),
        ("shapes", onto / "shapes", GRAPH + "shapes/"),
        ("reference", data / "reference", GRAPH + "reference/"),
        ("external", data / "external", GRAPH + "external/"),
        ("case", data / "cases", GRAPH),
    ]
    return [
        LoadedFile(path, kind, prefix + path.stem)
        for kind, folder, prefix in layout
        for path in sorted(folder.glob("*.ttl"))
    ]


def extra_files(paths: Iterable[str | Path]) -> list[LoadedFile]:
    """Files named on the command line; a folder stands for every RDF file below it."""
    found: list[LoadedFile] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        candidates = sorted(p for p in path.rglob("*") if p.suffix in FORMATS) if path.is_dir() else [path]
        if path.is_dir() and not candidates:
            raise InputError(f"{path}: the folder holds no {', '.join(FORMATS)} file")
        for file in candidates:
            if file.suffix not in FORMATS:
                raise InputError(f"{file}: unknown RDF format; use one of {', '.join(FORMATS)}")
            dataset = FORMATS[file.suffix].supports_datasets
            found.append(LoadedFile(file, "extra", None if dataset else GRAPH + file.stem, "extra"))
    return found


def workspace_files(workspace: Workspace) -> list[LoadedFile]:
    """The workspace's files, each in the named graph its shipped counterpart would have."""
    return [LoadedFile(path, kind, graph, "workspace") for path, kind, graph in workspace.files()]


def _merge(shipped: list[LoadedFile], extra: list[LoadedFile]) -> list[LoadedFile]:
    """Later files replace an earlier file of the same graph (a revised draft); none is loaded twice."""
    merged: dict[str | Path, LoadedFile] = {}
    seen: set[Path] = set()
    for file in [*shipped, *extra]:
        resolved = file.path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        key: str | Path = file.graph or resolved
        merged.pop(key, None)  # the replacement goes where a file of its own origin would go
        merged[key] = file
    return list(merged.values())


#: The longest single token (a literal, an IRI) Oxigraph's parsers read, in bytes.
MAX_TOKEN = 16 * 1024**2


def read_file(store: ox.Store, file: LoadedFile) -> None:
    """Load one file into its named graph; a syntax error becomes an InputError with file:line:column.

    An empty file is loaded (it adds nothing) with a warning: it is more often a mistake than meant.
    """
    target = ox.NamedNode(file.graph) if file.graph else None
    try:
        if file.path.stat().st_size == 0:
            warnings.warn(InputWarning(f"{file.path} is empty: it adds no statement"), stacklevel=2)
        store.bulk_load(path=str(file.path), format=FORMATS[file.path.suffix], to_graph=target)
    except MemoryError as err:  # a token longer than the parser's buffer
        number = _long_line(file.path, MAX_TOKEN)
        where = f"{file.path}:{number}" if number else str(file.path)
        raise InputError(f"{where}: cannot be read: {err} (a literal or IRI longer than 16 MB?)") from None
    except SyntaxError as err:
        line = f":{err.lineno}:{err.offset}" if err.lineno else ""
        message = re.sub(r"^Parser error (at|between) line \d+[^:]*: ", "", err.msg)
        raise InputError(f"{file.path}{line}: {message}") from None
    except OSError as err:
        raise InputError(f"{file.path}: cannot read ({err.strerror or err})") from None


def _long_line(path: Path, limit: int) -> int | None:
    """The number of the first line longer than ``limit`` bytes, read in pieces (it may be huge)."""
    number, length = 1, 0
    with path.open("rb") as stream:
        while chunk := stream.read(1024**2):
            *complete, tail = chunk.split(b"\n")
            for piece in complete:
                if length + len(piece) > limit:
                    return number
                number, length = number + 1, 0
            length += len(tail)
            if length > limit:
                return number
    return None


class KnowledgeGraph:
    """The loaded dataset: an Oxigraph store plus the list of files it came from.

    >>> graph = load()
    >>> graph.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows  # doctest: +SKIP
    """

    def __init__(self, store: ox.Store, files: Sequence[LoadedFile]) -> None:
        self.store = store
        self.files = list(files)

    def __len__(self) -> int:
        return len(self.store)

    def graphs(self, *kinds: str) -> list[ox.NamedNode]:
        """Named graphs of the given kinds (all kinds when none is given), datasets' graphs included."""
        wanted = [f for f in self.files if not kinds or f.kind in kinds]
        names = {f.graph for f in wanted if f.graph}
        if any(f.graph is None for f in wanted):  # a dataset: its graphs are those not claimed by a file
            claimed = {f.graph for f in self.files if f.graph}
            names |= {g.value for g in self.store.named_graphs() if g.value not in claimed}
        return [ox.NamedNode(g) for g in sorted(names)]

    def file_of(self, graph: str) -> Path | None:
        """The file a named graph was loaded from."""
        return next((f.path for f in self.files if f.graph == graph), None)

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """Run a SELECT or ASK over the union of all graphs, read from Oxigraph's solutions.

        Parameters are written in as RDF terms (kg.sparql_text.substitute), never as text.
        """
        text = substitute(sparql, bindings or {})
        try:
            answer = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QueryError(f"the query is not valid SPARQL: {err}") from None
        except OSError as err:
            raise QueryError(f"the query failed: {err}") from None
        if isinstance(answer, ox.QueryTriples):
            raise QueryError("expected a SELECT or ASK query, got CONSTRUCT or DESCRIBE")
        return Results(answer)

    def select_json(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """Like :meth:`select`, as SPARQL 1.1 results JSON (what the server's workers send)."""
        return self.select(sparql, bindings).serialize("json")

    def to_rdflib(self, *kinds: str) -> rdflib.Graph:
        """A copy of the graphs of the given kinds as one rdflib Graph (for the shapes, pyLODE)."""
        import rdflib

        graph = rdflib.Graph()
        names = self.graphs(*kinds)
        if names:
            buffer = b"".join(
                cast(bytes, self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)) for name in names
            )
            graph.parse(data=buffer, format="nt")
        return graph


def load(
    extra: Iterable[str | Path] = (),
    *,
    shipped: bool = True,
    workspace: Workspace | Literal["auto"] | None = "auto",
    store: ox.Store | None = None,
) -> KnowledgeGraph:
    """Load the shipped files (unless ``shipped=False``), a workspace's files and the extra ones.

    ``workspace="auto"`` uses the workspace containing the current folder, as every ``kg`` command
    does; None leaves workspaces out. ``store`` may be an on-disk ``pyoxigraph.Store(path)`` for
    graphs larger than memory.
    """
    if workspace == "auto":
        from kg.workspace import find

        workspace = find()
    own = workspace_files(workspace) if workspace is not None else []
    files = _merge([*(shipped_files() if shipped else []), *own], extra_files(extra))
    target = store if store is not None else ox.Store()
    for file in files:
        read_file(target, file)
    return KnowledgeGraph(target, files)
