"""Credentials for a remote store, sent the way the store asks for them (HTTP Basic or Digest).

Stores differ: Fuseki behind a proxy asks for Basic, Virtuoso's ``-auth`` endpoints for Digest.
Rather than make users say which, the scheme is read from the server's own challenge
(``WWW-Authenticate``) and handed to the libraries that speak it: httpx for uploads,
SPARQLWrapper for queries. The password is never part of a message, a log line or a ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from SPARQLWrapper import SPARQLWrapper

#: Environment variables read by the command line (the password never goes on it).
USER_VARIABLE, PASSWORD_VARIABLE = "KG_USER", "KG_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a store; the password stays out of ``repr``."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Challenge:
    """What a server asked for when it answered 401: ``basic`` or ``digest``, and its realm."""

    scheme: str
    realm: str | None = None


def read_challenge(header: str | None) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` header, or None without one."""
    if not header or not header.strip():
        return None
    scheme, _, rest = header.strip().partition(" ")
    realm = None
    marker = 'realm="'
    if marker in rest:
        realm = rest.split(marker, 1)[1].split('"', 1)[0]
    return Challenge(scheme.lower(), realm)


class ChallengeAuth(httpx.Auth):
    """httpx authentication that answers the server's challenge with Basic or Digest, as asked.

    The first request goes without credentials; once the server has said which scheme it wants,
    httpx's own BasicAuth or DigestAuth takes over (DigestAuth then reuses the nonce, so later
    requests need no extra round trip).
    """

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._inner: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._inner is None:
            response = yield request
            if response.status_code != 401:
                return
            challenge = read_challenge(response.headers.get("WWW-Authenticate"))
            if challenge is None or challenge.scheme not in ("basic", "digest"):
                return  # nothing we can answer: the 401 goes back to the caller
            user, password = self.credentials.user, self.credentials.password
            self._inner = (
                httpx.DigestAuth(user, password)
                if challenge.scheme == "digest"
                else httpx.BasicAuth(user, password)
            )
        yield from self._inner.auth_flow(request)


def challenge_of(url: str, timeout: float) -> Challenge | None:
    """The challenge ``url`` answers an anonymous query with, or None when it asks for none."""
    try:
        response = httpx.post(url, data={"query": "ASK {}"}, timeout=timeout)
    except httpx.TransportError:
        return None  # the query itself will report the connection problem
    if response.status_code != 401:
        return None
    return read_challenge(response.headers.get("WWW-Authenticate"))


def apply_to_wrapper(wrapper: SPARQLWrapper, credentials: Credentials, challenge: Challenge | None) -> None:
    """Give SPARQLWrapper the credentials in the scheme the endpoint asked for (Basic by default)."""
    from SPARQLWrapper import BASIC, DIGEST

    if challenge is not None and challenge.scheme == "digest":
        wrapper.setHTTPAuth(DIGEST)
        wrapper.setCredentials(credentials.user, credentials.password, realm=challenge.realm or "SPARQL")
    else:
        wrapper.setHTTPAuth(BASIC)
        wrapper.setCredentials(credentials.user, credentials.password)


def from_environment(user: str | None, prompt: bool) -> Credentials | None:
    """Credentials for ``user`` (or $KG_USER); the password from $KG_PASSWORD or, if ``prompt``, unechoed."""
    name = user or os.environ.get(USER_VARIABLE)
    if not name:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not prompt:
            from kg.errors import InputError

            raise InputError(f"a password for {name} is needed: set {PASSWORD_VARIABLE}")
        import click

        password = click.prompt(f"password for {name}", hide_input=True, err=True)
    return Credentials(name, password)
