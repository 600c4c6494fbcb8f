"""One hierarchy of errors, mapped to exit codes by the CLI and to HTTP statuses by the server.

Every message says what went wrong, where (file, line, entity) and, where it can, what to do.
"""

from __future__ import annotations


class KGError(Exception):
    """Base of every expected failure; never shown with a traceback."""

    exit_code = 2
    http_status = 400


class InputError(KGError):
    """Input that cannot be read: a missing file, a syntax error, an unknown format."""


class ValidationFailed(KGError):
    """The data does not conform to the shapes; carries the report."""

    exit_code = 1
    http_status = 422

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class UnknownQuery(KGError):
    """No saved query has that name."""

    http_status = 404


class ParameterError(KGError):
    """A query parameter that is unknown, missing or cannot be turned into an RDF term."""


class QueryError(KGError):
    """The SPARQL engine refused the query (syntax, unsupported feature, time limit)."""


class RemoteError(KGError):
    """A remote endpoint could not be reached or answered with an error."""

    exit_code = 3
    http_status = 502


class InputWarning(UserWarning):
    """Input that can be read but is most likely not what was meant (an empty file)."""
