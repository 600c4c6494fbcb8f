"""SHACL Core constraints checked by rudof, a SHACL engine written in Rust.

pySHACL, written in Python, needs minutes for a hundred thousand statements; rudof checks the same
shapes in seconds. Results come back as plain strings so that they can travel between processes;
kg.validate turns them into the report a curator reads, the same report pySHACL's results give
(tests/test_validate_scaling.py compares the two on every shape fixture and on generated cases).
Data and shapes are handed over as text, never as a path or address, so nothing is fetched.
"""

from __future__ import annotations

import re

from kg.errors import InputError

#: severity, focus node, result path, value (lexical form), engine's message, source shape,
#: constraint component
RawResult = tuple[str, str, str, str, str, str, str]

# rudof prints a literal value as "lexical"@lang or "lexical"^^datatype, without escaping the lexical form.
_LITERAL = re.compile(r'"(.*)"(?:@[A-Za-z0-9-]+|\^\^\S+)?', re.S)


def _lexical(value: str | None) -> str:
    """The value as pySHACL's report gives it: an IRI, a blank-node label, or a literal's lexical form."""
    if value is None:
        return ""
    literal = _LITERAL.fullmatch(value)
    if literal:
        return literal.group(1)
    return value.removeprefix("_:")


def check(data: str, shapes: str) -> list[RawResult]:
    """Validate N-Triples data against N-Triples shapes; every result, never only the first."""
    import pyrudof

    if not data.strip():
        return []
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    strict = pyrudof.ReaderMode.Strict
    try:
        rudof.read_data(data, pyrudof.RDFFormat.NTriples, reader_mode=strict)
        rudof.read_shacl(shapes, pyrudof.ShaclFormat.NTriples, reader_mode=strict)
        report = rudof.validate_shacl(pyrudof.ShaclValidationMode.Native)
    except pyrudof.RudofError as error:  # a broken shapes graph, not a data error
        raise InputError(f"the SHACL shapes cannot be used: {error}") from error
    return [
        (
            str(result.severity),
            result.focus_node,
            result.path or "",
            _lexical(result.value),
            result.message or "",
            result.source_shape or "",
            result.constraint_component or "",
        )
        for result in report
    ]
