"""SPARQL as text: the form of a query, and parameters written into it as RDF terms.

Both engines, the embedded store and a remote endpoint, receive the same query text. Pasting
user text into a query is how injections happen, so a value is written only as one RDF term in
N-Triples syntax (the serializer escapes quotes, backslashes and line breaks; IRIs are checked
when the term is made), never as the text a user typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pyoxigraph as ox

from kg.errors import ParameterError
from kg.namespaces import Term

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


_CLAUSE_ENDS = ("WHERE", "FROM", "LIMIT", "OFFSET", "HAVING", "ORDER", "GROUP", "VALUES")
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


def term_text(name: str, term: Term) -> str:
    """One term as SPARQL text: IRIs and literals only (a blank node in a query is a new variable)."""
    if isinstance(term, ox.Literal):
        if _CODEPOINT_ESCAPE.search(term.value):
            raise ParameterError(
                f"{name.lstrip('_')}: a value containing a backslash followed by 'u' cannot be "
                "written into a query safely"
            )
        return str(term)
    if isinstance(term, ox.NamedNode):
        return str(term)
    raise ParameterError(f"{name.lstrip('_')}: only IRIs and literals can be given as values")


def _cannot(name: str, role: str) -> str:
    """Why a parameter cannot take a value: the query gives the variable its values itself."""
    return f"{name.lstrip('_')}: the query uses this parameter as {role}, which a given value cannot replace"


def substitute(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with each bound parameter written in as its RDF term.

    This is the effect SPARQL-dev SEP-0007 gives to binding a variable beforehand, done on the
    text so that every engine, embedded or remote, sees the same query. Every use of the
    variable becomes the constant, so the planner can start from it (``?x ex:p ?_country`` is an
    index lookup, not a scan) and it reaches EXISTS, OPTIONAL, UNION and sub-query groups
    alike: Oxigraph's own substitutions do not reach into EXISTS, and a VALUES block in every
    group turns each label lookup into a join over all labels. Where a SELECT clause projects
    the variable it becomes ``(term AS ?name)``, so the answer still shows the value (a sub-query
    no longer projects it, since its uses in the sub-query are now the term), and
    ``BOUND(?name)`` becomes ``true``. An optional parameter left unbound stays a variable, so
    ``FILTER(!BOUND(?__name) || ...)`` is dropped by the planner when no value is given.

    A parameter that the query itself assigns (``BIND(... AS ?name)``, ``(... AS ?name)``, a
    ``VALUES`` list) or that a sub-query selects alone has no place for a value: ParameterError.

    >>> substitute("SELECT ?x ?_v WHERE { ?x ?p ?_v }", {"_v": ox.Literal("a")})
    'SELECT ?x ("a" AS ?_v) WHERE { ?x ?p "a" }'
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise ParameterError(f"{name!r} is not a SPARQL variable name")
    terms = {name: term_text(name, term) for name, term in bindings.items()}
    edits: list[tuple[int, int, str]] = []
    clause = ""  # SELECT (projection), BY (ORDER BY / GROUP BY: an expression needs brackets) or ""
    depth = 0  # parentheses within the clause
    selects = 0  # SELECT keywords so far: the first is the outermost query's
    kept, dropped = 0, ""  # a sub-select's projection: items kept, a parameter dropped
    declares = False  # within VALUES' variable list, before its '{'
    tokens = _tokens(sparql)
    for index, token in enumerate(tokens):
        if token.opaque:
            continue
        word = token.text.upper()
        if word in ("SELECT", "BY"):
            clause, depth = word, 0
            selects += word == "SELECT"
            kept, dropped = 0, ""
            continue
        if clause and depth == 0 and (token.text in ("{", "}") or word in _CLAUSE_ENDS):
            if clause == "SELECT" and selects > 1 and dropped and not kept:
                raise ParameterError(_cannot(dropped, "the only variable a sub-query selects"))
            clause = ""
        declares = (declares or word == "VALUES") and token.text != "{"
        if clause == "SELECT" and depth == 0 and word not in ("DISTINCT", "REDUCED"):
            kept += token.text[1:] not in terms or token.text[:1] not in "?$"
        depth += (token.text == "(") - (token.text == ")")
        name = token.text[1:]
        if token.text[:1] in "?$" and name in terms:
            around = [t.text.upper() for t in tokens[max(index - 2, 0) : index + 2]]
            if around == ["BOUND", "(", token.text.upper(), ")"]:  # a bound parameter is bound
                edits.append((tokens[index - 2].start, tokens[index + 1].end, "true"))
                continue
            if index and tokens[index - 1].text.upper() == "AS":
                raise ParameterError(_cannot(name, "a variable that BIND or AS assigns"))
            if declares:
                raise ParameterError(_cannot(name, "a variable that VALUES lists"))
            if clause == "SELECT" and depth == 0:  # only the outermost query may assign it
                text = f"({terms[name]} AS ?{name})" if selects == 1 else ""
                dropped = name if selects > 1 else dropped
            elif clause == "BY" and depth == 0:
                text = f"({terms[name]})"
            else:
                text = terms[name]
            edits.append((token.start, token.end, text))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


def without_projected(sparql: str, variables: Iterable[str]) -> str:
    """The query with ``variables`` left out of the outermost SELECT clause.

    A saved query may project its parameter variables (``?_rank_iri``, ``?_lang``) so that grlc and
    other tools that read the file see them; they carry what the caller gave, not an answer, so
    they never reach a table, a CSV or a DataFrame. Only plain ``?name`` items at the clause's top
    level are dropped: an ``(expression AS ?name)`` is the query's own, and a projection is never
    emptied.

    >>> without_projected("SELECT ?x ?_v WHERE { ?x ?p ?_v }", ["_v"])
    'SELECT ?x WHERE { ?x ?p ?_v }'
    """
    names = set(variables)
    tokens = _tokens(sparql)
    start = next((i for i, t in enumerate(tokens) if not t.opaque and t.text.upper() == "SELECT"), None)
    if start is None:
        return sparql
    dropped: list[_Token] = []
    kept = depth = 0
    for token in tokens[start + 1 :]:
        word = token.text.upper()
        if depth == 0 and (token.text == "{" or word in _CLAUSE_ENDS):
            break
        if token.opaque or word in ("DISTINCT", "REDUCED"):
            continue
        depth += (token.text == "(") - (token.text == ")")
        variable = depth == 0 and token.text[:1] in "?$"
        if variable and token.text[1:] in names:
            dropped.append(token)
        else:  # an item that stays: another variable, or an (expression AS ?name) opening
            kept += variable or (depth == 1 and token.text == "(")
    if not dropped or not kept:
        return sparql
    for token in reversed(dropped):  # the item and the spaces after it, so that no comment swallows a line
        sparql = sparql[: token.start] + sparql[token.end :].lstrip(" \t")
    return sparql


def page(sparql: str, limit: int, offset: int = 0) -> str:
    """The query with ``LIMIT limit OFFSET offset`` as its outermost solution modifiers.

    They go after the last top-level group (and before a trailing ``VALUES`` block, which the
    grammar puts after the modifiers), so ORDER BY still decides which rows a page holds. A query
    that sets its own LIMIT or OFFSET cannot be paged this way: ParameterError.

    >>> page("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", 10, 20)
    'SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 10 OFFSET 20'
    """
    if limit < 0 or offset < 0:
        raise ParameterError("a page's limit and offset are whole numbers, 0 or more")
    depth, at = 0, len(sparql.rstrip())
    for token in _tokens(sparql):
        if token.opaque:
            continue
        depth += (token.text == "{") - (token.text == "}")
        word = token.text.upper()
        if depth == 0 and word in ("LIMIT", "OFFSET"):
            raise ParameterError(f"the query sets its own {word}, so it cannot be read page by page")
        if depth == 0 and word == "VALUES":
            at = token.start
    head, values = sparql[:at].rstrip(), sparql[at:].strip()
    return f"{head} LIMIT {limit} OFFSET {offset}" + (f" {values}" if values else "")


class Membership(NamedTuple):
    """One way a row passes a row filter: its ``column`` holds a value ``pattern`` gives that column."""

    column: str
    pattern: str  # a group's content that binds ?column; the parameter is written in as a term
    exists: bool  # from EXISTS: an unbound cell passes if the pattern has a solution; from '=': it fails


class RowFilter(NamedTuple):
    """A top-level ``FILTER(!BOUND(?__param) || …)`` that reads only the answer's own columns."""

    text: str  # the FILTER as written, parameter included
    columns: tuple[str, ...]  # the projected variables it reads, in order of first use
    #: When the test after ``||`` is a disjunction of ``?column = ?__param``, ``?column = STR(?__param)``
    #: and ``EXISTS { triples that read one column }``: each as the values it lets through. Else empty.
    members: tuple[Membership, ...] = ()


def row_filters(sparql: str) -> dict[str, RowFilter]:
    """The optional parameters that only drop rows from the query's answer, each with its FILTER.

    Such a parameter appears nowhere but in one ``FILTER(!BOUND(?__name) || …)`` of the WHERE
    clause's own group, and every other variable that filter reads (within an EXISTS too) is
    projected as a plain ``?name``. A group's filters hold for its every solution, and projection,
    DISTINCT and ORDER BY neither change a projected value nor depend on which rows were dropped;
    so the answer with a value given is the answer without it, less the rows whose values fail the
    filter, in the same order. Anything less plain is left out (an expression or ``*`` in the
    SELECT clause, solution modifiers other than ORDER BY, a filter that reads another parameter),
    so such parameters are evaluated rather than guessed at.

    >>> row_filters("SELECT ?x ?s WHERE { ?x ?p ?s FILTER(!BOUND(?__s) || ?s = ?__s) }")["__s"].columns
    ('s',)
    """
    tokens = _tokens(sparql)
    words = [t.text.upper() if not t.opaque else "" for t in tokens]
    if "SELECT" not in words:
        return {}
    start = words.index("SELECT")
    opening = next((i for i in range(start, len(tokens)) if tokens[i].text == "{"), len(tokens))
    clause = [t.text for t in tokens[start + 1 : opening] if not t.opaque]
    if any(text in ("(", "*") for text in clause):
        return {}
    projected = {text[1:] for text in clause if text.startswith(("?", "$")) and not text[1:].startswith("_")}
    found: dict[str, RowFilter] = {}
    uses: dict[str, int] = {}  # each variable's uses outside the SELECT clause
    within: dict[str, int] = {}  # each parameter's uses within the filters found for it
    depth, index = 0, opening
    while index < len(tokens):
        token, word = tokens[index], words[index]
        if token.text.startswith(("?", "$")) and not token.opaque:
            uses[token.text[1:]] = uses.get(token.text[1:], 0) + 1
        depth += (token.text == "{") - (token.text == "}")
        if depth == 0 and word in ("GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"):
            return {}
        if depth == 1 and word == "FILTER" and index + 1 < len(tokens) and tokens[index + 1].text == "(":
            end, level = index + 1, 0
            while end < len(tokens):
                level += (tokens[end].text == "(") - (tokens[end].text == ")")
                if level == 0:
                    break
                end += 1
            inside = tokens[index + 1 : end + 1]
            for name, rule in _row_filter(sparql, token.start, inside, projected).items():
                found[name] = rule
                within[name] = (
                    0 if name in within else sum(t.text[1:] == name for t in inside if not t.opaque)
                )
        index += 1
    # The parameter is used by that one filter only, not by a pattern or a second filter.
    return {name: rule for name, rule in found.items() if uses.get(name) == within[name]}


def _row_filter(sparql: str, start: int, inside: list[_Token], projected: set[str]) -> dict[str, RowFilter]:
    """``{parameter: RowFilter}`` when the FILTER at ``start`` (``inside``: its tokens from its '(')
    tests one optional parameter against projected variables only; ``{}`` otherwise."""
    texts = [t.text if not t.opaque else "" for t in inside]
    if len(texts) < 8 or [t.upper() for t in texts[:3]] != ["(", "!", "BOUND"]:
        return {}
    parameter = texts[4][1:]
    if texts[3] != "(" or not texts[4].startswith(("?", "$")) or texts[5:8] != [")", "|", "|"]:
        return {}
    if not parameter.startswith("__"):
        return {}
    columns: list[str] = []
    for item in texts[8:]:
        name = item[1:]
        if not item.startswith(("?", "$")) or name == parameter:
            continue
        if name not in projected:
            return {}
        if name not in columns:
            columns.append(name)
    text = sparql[start : inside[-1].end]
    return {parameter: RowFilter(text, tuple(columns), _members(sparql, inside[8:-1], parameter))}


# Words that make a pattern more than triples joined: its solutions and EXISTS may then differ.
_NOT_TRIPLES = {
    "FILTER",
    "OPTIONAL",
    "MINUS",
    "BIND",
    "VALUES",
    "SERVICE",
    "GRAPH",
    "SELECT",
    "UNION",
    "EXISTS",
}


def _members(sparql: str, test: list[_Token], parameter: str) -> tuple[Membership, ...]:
    """The tests joined by ``||`` as memberships; () if any of them is another kind of test."""
    parts: list[list[_Token]] = [[]]
    depth = 0
    for index, token in enumerate(test):
        text = "" if token.opaque else token.text
        depth += (text in ("(", "{")) - (text in (")", "}"))
        if depth == 0 and text == "|" and index + 1 < len(test) and test[index + 1].text == "|":
            parts.append([])
        elif not (depth == 0 and text == "|" and index and test[index - 1].text == "|"):
            parts[-1].append(token)
    members: list[Membership] = []
    for part in parts:
        texts = [t.text.upper() if not t.opaque else "" for t in part]
        variable = f"?{parameter}".upper()
        if (
            len(part) >= 3
            and part[0].text.startswith(("?", "$"))
            and texts[1:] in (["=", variable], ["=", "STR", "(", variable, ")"])
        ):
            value = f"?{parameter}" if len(part) == 3 else f"STR(?{parameter})"
            members.append(Membership(part[0].text[1:], f"BIND({value} AS ?{part[0].text[1:]})", False))
            continue
        bound = None  # (BOUND(?column) && EXISTS { … }): a row without that column fails
        if (
            len(part) > 8
            and texts[:3] == ["(", "BOUND", "("]
            and texts[4:7] == [")", "&", "&"]
            and texts[-1] == ")"
        ):
            bound, part, texts = part[3].text[1:], part[7:-1], texts[7:-1]
        names = {t.text[1:] for t in part[2:-1] if not t.opaque and t.text.startswith(("?", "$"))} - {
            parameter
        }
        if (
            texts[:2] != ["EXISTS", "{"]
            or texts[-1] != "}"
            or len(names) != 1
            or bound not in (None, *names)
            or any(t in _NOT_TRIPLES or t in ("{", "}") for t in texts[2:-1])
        ):
            return ()
        pattern = sparql[part[1].end : part[-1].start].strip()
        members.append(Membership(names.pop(), pattern, bound is None))
    return tuple(members)


def prologue(sparql: str) -> str:
    """The query's BASE and PREFIX declarations (and comments): its text before the query form."""
    for token in _tokens(sparql):
        if not token.opaque and token.text.upper() in _FORMS:
            return sparql[: token.start]
    return sparql
