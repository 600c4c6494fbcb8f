"""Real triple stores for the tests: Oxigraph server and OpenLink Virtuoso on 127.0.0.1.

Each runs on free ports from a throwaway folder, can be stopped, killed and started again on the
same folder, and is stopped by the fixture that started it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import string
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from kg.remote import Credentials

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "remote"

#: The password the tests give Virtuoso's dba account (its factory password is "dba").
VIRTUOSO_DBA = Credentials("dba", "kg-test-dba")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Store:
    """A server process on a folder and a port, that a test can stop, kill and start again."""

    name = "store"

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, wait: float = 60) -> None:
        self.process = subprocess.Popen(
            self.command(), cwd=self.location, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2).is_success:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with code {self.process.returncode}")
            time.sleep(0.2)
        pytest.fail(f"{self.name} did not answer within {wait:g} s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)
        self.process = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


class OxigraphServer(Store):
    """``oxigraph serve``: its default graph is empty unless ``union`` (``--union-default-graph``)."""

    name = "oxigraph serve"

    def __init__(self, location: Path, *, union: bool = False, read_only: bool = False) -> None:
        executable = shutil.which("oxigraph")
        if executable is None:
            pytest.fail("the `oxigraph` server is not installed: pip install oxigraph")
        self.executable = executable
        self.union, self.read_only = union, read_only
        location.mkdir(parents=True, exist_ok=True)
        super().__init__(location)

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def command(self) -> list[str]:
        verb = "serve-read-only" if self.read_only else "serve"
        command = [
            self.executable,
            verb,
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        return command + (["--union-default-graph"] if self.union else [])


class VirtuosoServer(Store):
    """Debian's ``virtuoso-t`` with tests/fixtures/remote/virtuoso.ini and the dba password of VIRTUOSO_DBA.

    Writes go to the Graph Store endpoint ``/sparql-graph-crud-auth`` (HTTP Digest); ``/sparql``
    answers queries without credentials, and the plain ``/sparql-graph-crud`` refuses writes.
    """

    name = "virtuoso-t"

    def __init__(self, location: Path) -> None:
        executable = shutil.which("virtuoso-t")
        if executable is None:
            pytest.skip(
                "Virtuoso is not installed (Debian package virtuoso-opensource; tests/run.sh installs it)"
            )
        self.executable = executable
        location.mkdir(parents=True, exist_ok=True)
        super().__init__(location)
        self.sql_port = free_port()
        template = string.Template((FIXTURES / "virtuoso.ini").read_text(encoding="utf-8"))
        ini = template.substitute(sql_port=self.sql_port, http_port=self.port)
        (location / "virtuoso.ini").write_text(ini, encoding="utf-8")
        self.password_set = False

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def graph_store(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    @property
    def open_graph_store(self) -> str:
        return self.base + "/sparql-graph-crud"

    def command(self) -> list[str]:
        return [self.executable, "+foreground", "+configfile", "virtuoso.ini"]

    def start(self, wait: float = 120) -> None:
        super().start(wait)
        if not self.password_set:
            self.sql(f"USER_CHANGE_PASSWORD('dba', 'dba', '{VIRTUOSO_DBA.password}');")
            self.password_set = True

    def sql(self, statement: str) -> str:
        """Run one SQL statement as dba through Virtuoso's isql client."""
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            pytest.fail("Virtuoso's isql client is missing")
        password = VIRTUOSO_DBA.password if self.password_set else "dba"
        command = [isql, f"127.0.0.1:{self.sql_port}", "dba", password, f"exec={statement}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            pytest.fail(f"isql failed: {done.stdout} {done.stderr}")
        return done.stdout
