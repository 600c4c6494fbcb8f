"""Parameters for a remote endpoint: VALUES blocks of serialized RDF terms.

A remote engine cannot take Oxigraph's substitutions, and pasting user text into a query is how
injections happen. Instead each bound value is written as one RDF term in N-Triples syntax (the
serializer escapes quotes, backslashes and line breaks) inside a ``VALUES`` block at the start of
the outermost ``WHERE`` group. SPARQL evaluates groups bottom-up, so a FILTER inside a nested
group (a UNION branch, an OPTIONAL) would not see that outer binding; every nested group that
mentions a parameter gets the same one-row block, which makes the result that of binding the
variable beforehand, as the embedded engine does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple, TypeAlias

import pyoxigraph as ox

from kg.errors import ParameterError, QueryError

#: An RDF term as pyoxigraph gives it (the package has no ``Term`` class of its own).
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# Tokens that may hold '{', '}' or the word WHERE without being syntax: comments, strings, IRIs.
_SKIP = re.compile(
    r"""\#[^\n]*
    | '''(?:[^'\\]|\\.|'(?!''))*'''
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>""",
    re.VERBOSE | re.DOTALL,
)
# Variables, language tags and (prefixed) names are single tokens, so ?where, ex:where or @where
# are never taken for the keyword.
_NAME = re.compile(r"[?$]\w*|@[A-Za-z0-9-]+|[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# SPARQL engines may decode \\uXXXX anywhere before parsing; such a sequence inside a value
# could then close the string early, so it is refused rather than guessed at.
_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; UPDATE for an update; '' when none is found.

    Read from the first keyword outside comments, strings and IRIs: SPARQLWrapper's own guess
    is misled by header comments (it removes only every other comment line).
    """
    position = 0
    while position < len(sparql):
        token = _SKIP.match(sparql, position) or _NAME.match(sparql, position)
        if token:
            word = token.group().upper()
            if word in _FORMS:
                return word
            if word in _UPDATES:
                return "UPDATE"
            position = token.end()
        else:
            position += 1
    return ""


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    opaque: bool  # a string or an IRI: never a keyword, a brace or a variable


def _tokens(sparql: str) -> list[_Token]:
    """The query's tokens, comments dropped; anything that is not a name is one character."""
    tokens: list[_Token] = []
    position = 0
    while position < len(sparql):
        skipped = _SKIP.match(sparql, position)
        if skipped:
            if not skipped.group().startswith("#"):
                tokens.append(_Token(position, skipped.end(), skipped.group(), True))
            position = skipped.end()
            continue
        name = _NAME.match(sparql, position)
        end = name.end() if name else position + 1
        if not sparql[position].isspace():
            tokens.append(_Token(position, end, sparql[position:end], False))
        position = end
    return tokens


def _groups(tokens: list[_Token]) -> list[tuple[int, int]]:
    """(opening, closing) token indexes of every brace pair, inner pairs first."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.opaque:
            continue
        if token.text == "{":
            stack.append(index)
        elif token.text == "}":
            if not stack:
                raise QueryError("the query has an unmatched '}'")
            pairs.append((stack.pop(), index))
    if stack:
        raise QueryError("the query has an unmatched '{'")
    return pairs


def _where_group(tokens: list[_Token], pairs: list[tuple[int, int]]) -> int:
    """Token index of the '{' opening the outermost WHERE group (the word WHERE is optional).

    With a top-level WHERE it is the first top-level '{' after it (a CONSTRUCT template comes
    before); without one, the first top-level '{' (``SELECT * { ... }``, ``ASK { ... }``).
    """
    inner = {i for opening, closing in pairs for i in range(opening + 1, closing + 1)}
    depth = 0  # parentheses, e.g. (EXISTS { ... } AS ?e) in a SELECT clause
    top: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if index in inner or token.opaque:
            continue
        depth += (token.text == "(") - (token.text == ")")
        if depth == 0 and token.text.upper() in ("WHERE", "{"):
            top.append((index, token.text.upper()))
    where = next((i for i, (_, text) in enumerate(top) if text == "WHERE"), -1)
    brace = next((index for index, text in top[where + 1 :] if text == "{"), None)
    if brace is None:
        raise ParameterError("cannot bind parameters: the query has no WHERE group")
    return brace


def term_text(name: str, term: Term) -> str:
    """One term as SPARQL text: IRIs and literals only (VALUES admits no blank node)."""
    if isinstance(term, ox.Literal):
        if _CODEPOINT_ESCAPE.search(term.value):
            raise ParameterError(
                f"{name.lstrip('_')}: a value containing a backslash followed by 'u' cannot be sent "
                "safely to a remote endpoint"
            )
        return str(term)
    if isinstance(term, ox.NamedNode):
        return str(term)
    raise ParameterError(f"{name.lstrip('_')}: only IRIs and literals can be sent to a remote endpoint")


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with a one-row VALUES block for its parameters in every group that uses them.

    >>> with_values("SELECT ?x WHERE { ?x ?p ?_v }", {"_v": ox.Literal("a")})
    'SELECT ?x WHERE { VALUES (?_v) { ("a") } ?x ?p ?_v }'
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise ParameterError(f"{name!r} is not a SPARQL variable name")
    terms = {name: term_text(name, term) for name, term in bindings.items()}
    tokens = _tokens(sparql)
    pairs = _groups(tokens)
    outermost = _where_group(tokens, pairs)
    data_blocks = {  # the braces of the query's own VALUES blocks hold data, not patterns
        next((j for j in range(i + 1, len(tokens)) if tokens[j].text == "{"), -1)
        for i, token in enumerate(tokens)
        if token.text.upper() == "VALUES" and not token.opaque
    }
    inserts: list[tuple[int, str]] = []
    for opening, closing in pairs:
        if opening < outermost or opening in data_blocks:
            continue
        if opening + 1 < closing and tokens[opening + 1].text.upper() == "SELECT":
            continue  # a sub-query: its own WHERE group gets the block
        used = {t.text[1:] for t in tokens[opening:closing] if t.text[:1] in "?$" and not t.opaque}
        names = [n for n in terms if opening == outermost or n in used]
        if names:
            block = (
                f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms[n] for n in names)}) }}"
            )
            inserts.append((tokens[opening].end, block))
    for offset, block in sorted(inserts, reverse=True):
        sparql = sparql[:offset] + block + sparql[offset:]
    return sparql
