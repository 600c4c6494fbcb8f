"""The second wall: query workers in a network namespace of their own, with nothing in it.

The SERVICE check (:mod:`kg.server.guard`) is the first wall. Where the kernel lets a process
enter a new user and network namespace, a worker has no interface but a loopback that is down,
so even a query the check missed reaches nothing. Where it does not, a public server says so
loudly at start-up and refuses to go on unless told to.
"""

from __future__ import annotations

import ctypes
import os

import click

from kg.server.settings import Settings

BANNER = """
************************************************************************
*  QUERY WORKERS ARE NOT CUT OFF FROM THE NETWORK: this system does   *
*  not let them enter a network namespace of their own, so only the   *
*  SERVICE check stands between a query and the network.              *
************************************************************************"""


def isolate_network() -> bool:
    """Move this process into a fresh user and network namespace; whether that worked."""
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(clone_newuser | clone_newnet) == 0)
    except (OSError, AttributeError):
        return False


def can_isolate() -> bool:
    """Whether a worker will manage to isolate itself: tried in a short-lived forked child."""
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os._exit(0 if isolate_network() else 1)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) == 0


def check_isolation(settings: Settings, isolated: bool) -> None:
    """Warn loudly when workers reach the network; exit 2 when that server would be public."""
    if isolated:
        return
    click.echo(BANNER, err=True)
    if settings.public and not settings.allow_unisolated:
        click.echo(
            f"refusing to listen on {settings.host} without network isolation; pass "
            "--allow-unisolated to serve anyway, or listen on 127.0.0.1",
            err=True,
        )
        raise SystemExit(2)
