"""What a query may ask for: nothing outside the store.

Oxigraph follows ``SERVICE`` over HTTP, so a query naming one is refused before it runs. The
check reads the query's tokens (strings, IRIs, comments and prefixed names skipped), so a label
or a comment that mentions a service does not trip it. ``LOAD`` and every other update are
refused because the endpoint only ever parses queries. ``FROM``/``FROM NAMED`` only select
graphs of the store: Oxigraph never fetches them.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

_TOKEN = re.compile(
    r"""
      (?P<skip>
          '''(?:[^'\\]|\\.|'(?!''))*'''                # long strings
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n\r]|\\.)*'                         # short strings
        | "(?:[^"\\\n\r]|\\.)*"
        | <[^<>"{}|^`\\\x00-\x20]*>                     # IRIs
        | \#[^\n\r]*                                    # comments
        | [?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+     # variables
        | @[A-Za-z]+(?:-[A-Za-z0-9]+)*                  # language tags
        | _:[\w.\-]+                                    # blank nodes
      )
    | (?P<pname>(?P<prefix>[^\W\d][\w.\-]*)?:(?:[^\s{}()<>,;"'\[\]]|\\.)*)   # prefixed names
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def keywords(query: str) -> set[str]:
    """The bare words of a query (keywords, function names), upper-cased, with the prefixes of its names.

    Prefixes count as words because Oxigraph's parser reads ``SERVICE:x`` as SERVICE before ``:x``.
    """
    words = set()
    for match in _TOKEN.finditer(query):
        word = match.group("word") or match.group("prefix")
        if word:
            words.add(word.upper())
    return words


def check_query(query: str) -> set[str]:
    """Refuse what would reach outside the store; returns the query's keywords for later use."""
    words = keywords(query)
    if "SERVICE" in words:
        raise QueryError("SERVICE is not allowed: this endpoint never contacts other servers")
    updates = words & {"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH"}
    if updates and not words & {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
        raise QueryError(f"{sorted(updates)[0]} is an update; this endpoint is read-only")
    return words


def has_dataset_clause(words: set[str]) -> bool:
    """A query with FROM or FROM NAMED chooses its own graphs; otherwise the union is the default."""
    return "FROM" in words
