"""What a build records of its inputs: digests that tell whether an output belongs to a graph.

A build reuses a step's output when the step's inputs digest as before, and saved-query answers
kept by a build (kg.answers) are read for a graph only when its files digest as the build's did.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kg import __version__
from kg.resources import queries_dir

if TYPE_CHECKING:
    from kg.load import KnowledgeGraph


def fingerprint(graph: KnowledgeGraph, kinds: tuple[str, ...] = ()) -> str:
    """A digest of what a step reads: the package (code, templates, queries) and the loaded files.

    ``kinds`` narrows the files to those kinds (the ontology documentation reads only the ontology).
    """
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent  # the whole kg package
    code = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files = [f.path for f in graph.files if not kinds or f.kind in kinds]
    for path in sorted(code) + sorted(queries_dir().glob("*.rq")) + files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def last_build(target: Path) -> dict[str, Any]:
    """What the build in ``target`` recorded (its inputs' keys, its index entries); {} if none did."""
    try:
        return cast(dict[str, Any], json.loads((target / "build.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
