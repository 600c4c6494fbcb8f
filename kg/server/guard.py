"""What a query may ask for: nothing outside the store, and nothing that breaks the parser.

Oxigraph follows ``SERVICE`` over HTTP, so a query that uses it is refused before it runs. Which
words of a query are keywords is decided by Oxigraph's own parser, never by a second reading of
the text: every spelling of the word (in any case) is replaced by an inert word of the same
shape, consistently, and the result is parsed again. Inside a string, an IRI, a comment, a
variable or a prefixed name the replacement changes nothing the grammar cares about, so the query
still parses; where the word was the keyword, the inert word is no keyword, and the parse fails.
The same test tells whether a query has its own ``FROM`` clause.

``LOAD`` and every other update never run: the endpoint only ever parses queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.errors import QueryError

#: Brackets open at once, at most. Oxigraph's parser recurses once per bracket and overflows its
#: stack (killing the process) at a few thousand; no real query comes near this.
MAX_DEPTH = 256
_OPENERS = str.maketrans({"(": "(", "[": "(", "{": "(", ")": ")", "]": ")", "}": ")"})

#: Parses a query with the engine that will run it; raises SyntaxError when it does not parse.
Parser = Callable[[str], object]


def check_depth(query: str) -> None:
    """Refuse a query whose brackets nest deeper than :data:`MAX_DEPTH`.

    Counted over the raw text, brackets in strings included: a string would need hundreds of
    unbalanced brackets to be refused, and counting needs no reading of the query's tokens.
    """
    depth = deepest = 0
    for char in query.translate(_OPENERS):
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise QueryError(f"the query nests brackets {deepest} deep; at most {MAX_DEPTH} are accepted")


def _inert(word: str) -> str:
    """The word with its last letter changed: the same shape, and no SPARQL keyword."""
    return word[:-1] + chr(ord(word[-1].lower()) ^ 1)


def keyword_error(query: str, word: str, parse: Parser) -> SyntaxError | None:
    """The parser's complaint once every spelling of ``word`` is made inert; None when it has none.

    A complaint means that ``word`` was a keyword of ``query``, or that ``query`` does not parse
    at all; no complaint means that it is no keyword there. The parse runs only on the inert
    text: a query that does use the keyword is never handed to the engine here.
    """
    spelled = re.compile(re.escape(word), re.IGNORECASE)
    if not spelled.search(query):
        return None
    try:
        parse(spelled.sub(_inert(word), query))
    except SyntaxError as err:
        return err
    return None


def check_query(query: str, parse: Parser) -> None:
    """Refuse what would reach outside the store, as the engine's parser reads the query."""
    check_depth(query)
    error = keyword_error(query, "SERVICE", parse)
    if error is not None:
        raise QueryError(
            "SERVICE is not allowed: this endpoint never contacts other servers "
            f"(or else the query is not valid SPARQL: {error})"
        )


def has_dataset_clause(query: str, parse: Parser) -> bool:
    """A query with FROM or FROM NAMED chooses its own graphs; otherwise the union is the default."""
    return keyword_error(query, "FROM", parse) is not None
