"""A remote SPARQL 1.1 endpoint as a query engine, through SPARQLWrapper.

:class:`RemoteGraph` answers ``select`` like the embedded store, so every saved query, its
parameters and its output formats work unchanged against Oxigraph server, Fuseki, GraphDB, QLever
or Virtuoso. It only reads: updates are refused before anything is sent. Whatever the store's
default graph is, queries see the union of the pushed graphs, as in the embedded store: how to ask
for that is found once per endpoint (kg.remote.dataset).
"""

from __future__ import annotations

import ast
import http.client
import urllib.error
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import QueryError, RemoteError
from kg.remote.auth import Challenge, Credentials, apply_to_wrapper, challenge_of
from kg.remote.dataset import Dataset, Parameters, detect
from kg.remote.retry import TRANSIENT_STATUSES, RetryPolicy, retry_after_seconds
from kg.results import Term
from kg.sparql_text import query_form, substitute

if TYPE_CHECKING:
    from kg.catalogue import SavedQuery
    from kg.results import Results


def default_user_agent() -> str:
    """Says who is asking, so that the operator of a public endpoint can tell and reach us."""
    from SPARQLWrapper import __version__ as wrapper_version

    from kg import __version__

    return (
        f"refugee-access-kg/{__version__} (knowledge-graph client; +https://w3id.org/refugee-access) "
        f"SPARQLWrapper/{wrapper_version}"
    )


#: The dataset found for each endpoint in this process (kg.remote.dataset); forgotten after a push.
_DATASETS: dict[str, Dataset] = {}
#: Endpoint → the store's product, the first word of its ``Server`` header in lower case ("virtuoso").
_PRODUCTS: dict[str, str] = {}


def forget_dataset(endpoint: str) -> None:
    """Detect the endpoint's dataset again next time (its graphs may have changed)."""
    _DATASETS.pop(endpoint, None)


class _Transient(Exception):
    """A failure worth retrying, with the wait the server asked for (if any)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _server_text(err: Exception | bytes) -> str:
    """The server's own explanation (a body, or one inside a SPARQLWrapper exception), on one short line."""
    if isinstance(err, bytes):
        text = err.decode("utf-8", "replace")
    else:  # SPARQLWrapper keeps the body only as the repr of bytes after "Response:"
        text = str(err)
        body = text.partition("Response:\n")[2]
        if body:
            try:
                decoded = ast.literal_eval(body)
                text = decoded.decode("utf-8", "replace") if isinstance(decoded, bytes) else str(decoded)
            except (ValueError, SyntaxError):
                text = body
    return " ".join(text.split())[:500]


class RemoteGraph:
    """A read-only SPARQL endpoint that runs saved queries like the embedded graph.

    >>> import kg
    >>> remote = RemoteGraph("http://localhost:7878/query")
    >>> kg.query("who-engages-mid-level-officials", remote)  # doctest: +SKIP
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30,
        user_agent: str | None = None,
        auth: Credentials | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.user_agent = user_agent or default_user_agent()
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self._challenge: Challenge | None = None

    def dataset(self) -> Dataset:
        """How this endpoint must be asked so that queries see the union of the pushed graphs."""
        if self.endpoint not in _DATASETS:
            _DATASETS[self.endpoint] = detect(self)
        return _DATASETS[self.endpoint]

    def __repr__(self) -> str:
        return f"RemoteGraph({self.endpoint!r})"

    def check_saved(self, query: SavedQuery) -> None:
        """Refuse a saved query that this store is known to answer otherwise than SPARQL 1.1 says.

        Its rows would look like an answer and be wrong (extra or missing rows), which is worse for
        an analyst than no answer; the reason is kept in the query's ``differs-on`` header.
        """
        self.dataset()  # the first request to an endpoint is detection's: it tells the product
        product = _PRODUCTS.get(self.endpoint, "")
        reason = query.difference_on(product)
        if reason:
            raise RemoteError(
                f"{self.endpoint} is a {product.capitalize()} store, and the saved query {query.name} is not "
                f"run there: {reason}. Run it on the embedded store (without --endpoint) or on another "
                "store, e.g. Oxigraph"
            )

    def select_json(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """Run a SELECT or ASK with its parameters written in as terms; SPARQL 1.1 results JSON."""
        return self._select_json(sparql, bindings or {}, self.dataset().parameters)

    def select_with(self, sparql: str, bindings: Mapping[str, Term], parameters: Parameters) -> Results:
        """A SELECT or ASK sent with exactly these protocol parameters (no dataset detection)."""
        from kg.results import Results

        return Results.from_json(self._select_json(sparql, bindings, parameters))

    def _select_json(self, sparql: str, bindings: Mapping[str, Term], parameters: Parameters) -> bytes:
        from SPARQLWrapper import ASK, JSON, SELECT

        body, media_type = self._run(substitute(sparql, bindings), JSON, (SELECT, ASK), parameters)
        if "json" not in media_type:
            answered = media_type or "no media type"
            raise RemoteError(f"{self.endpoint} answered with {answered}, not SPARQL JSON")
        return body

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """Like :meth:`select_json`, read into :class:`~kg.results.Results` (as ``KnowledgeGraph.select``)."""
        from kg.results import Results

        return Results.from_json(self.select_json(sparql, bindings))

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT and parse the triples it returns (blank nodes keep their labels per answer)."""
        from SPARQLWrapper import CONSTRUCT, TURTLE

        query = substitute(sparql, bindings or {})
        body, media_type = self._run(query, TURTLE, (CONSTRUCT,), self.dataset().parameters)
        rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
        try:
            return list(ox.parse(body, format=rdf_format))
        except SyntaxError as err:
            raise RemoteError(f"{self.endpoint} sent RDF that cannot be read: {err}") from None

    def _run(
        self, sparql: str, return_format: str, allowed: tuple[str, ...], parameters: Parameters
    ) -> tuple[bytes, str]:
        """Send one query with retries; the body and its media type."""
        from SPARQLWrapper import POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        wrapper.setMethod(POST)  # saved queries are long; POST has no URL length limit
        wrapper.setTimeout(int(max(1, self.timeout)))
        wrapper.setReturnFormat(return_format)
        wrapper.setQuery(sparql)
        form = query_form(sparql)
        if form not in allowed:
            raise QueryError(f"expected a {' or '.join(allowed)} query, got {form or 'no query form'}")
        wrapper.queryType = form  # decides the Accept header and that this is a query, not an update
        for name, value in parameters:
            wrapper.addParameter(name, value)
        if self.auth:
            if self._challenge is None:
                self._challenge = challenge_of(self.endpoint, self.timeout) or Challenge("basic")
            apply_to_wrapper(wrapper, self.auth, self._challenge)
        attempt = 0
        while True:
            try:
                return self._attempt(wrapper)
            except _Transient as err:
                attempt += 1
                self.retry.wait(attempt, str(err), err.retry_after)

    def _attempt(self, wrapper: Any) -> tuple[bytes, str]:
        """One request; transient failures raise _Transient, the rest RemoteError."""
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

        where = self.endpoint
        try:
            result = wrapper.query()
            server = result.response.headers.get("Server", "")
            _PRODUCTS[self.endpoint] = server.split("/")[0].split(" ")[0].lower()
            body = result.response.read()
            media_type = result.response.headers.get("Content-Type", "").split(";")[0].strip()
            return body, media_type
        except Unauthorized:
            raise RemoteError(
                f"{where} refused the credentials (HTTP 401); give --user and the password in $KG_PASSWORD"
            ) from None
        except SPARQLWrapperException as err:  # 400, 404, 414, 500: the server said why
            raise RemoteError(f"{where} refused the query: {_server_text(err)}") from None
        except urllib.error.HTTPError as err:
            detail = f"{where} answered HTTP {err.code} {err.reason}"
            if err.code in TRANSIENT_STATUSES:
                raise _Transient(detail, retry_after_seconds(err.headers.get("Retry-After"))) from None
            raise RemoteError(f"{detail}: {_server_text(err.read())}") from None
        except TimeoutError:
            raise RemoteError(f"{where} gave no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise RemoteError(f"{where} gave no answer within {self.timeout:g} s") from None
            raise _Transient(f"cannot reach {where} ({_reason(err.reason)})") from None
        except (ConnectionError, http.client.HTTPException) as err:
            raise _Transient(f"the connection to {where} broke ({_reason(err)})") from None


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
