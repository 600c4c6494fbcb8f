"""Start ``kg serve`` in a subprocess on a free local port: for tests and the load benchmark,
which must talk to a real server over real HTTP.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/sparql", headers={"Accept": "text/turtle"})
        status = conn.getresponse().status
        conn.close()
        return status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_server(*args: str, startup: float = 120.0) -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:PORT``) of a server started with ``kg serve ARGS``."""
    with server_process(*args, startup=startup) as (url, _):
        yield url


@contextlib.contextmanager
def server_process(*args: str, startup: float = 120.0) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like :func:`running_server`, with the server's process too (for its memory, its workers)."""
    port = free_port()
    command = [sys.executable, "-m", "kg.server.cli", "--host", "127.0.0.1", "--port", str(port), *args]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"kg serve did not start (exit {process.returncode}):\n{output}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}", process
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
