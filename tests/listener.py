"""A TCP listener on 127.0.0.1 that counts connections: the proof that nothing reached out."""

from __future__ import annotations

import socket
import threading


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._probe: tuple[str, int] | None = None  # see settled()
        self._probe_arrived = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.socket.accept()
            except TimeoutError:
                continue
            if peer == self._probe:
                self._probe_arrived.set()
            else:
                self.connections += 1
            conn.close()

    def settled(self) -> int:
        """The connections made so far, known without waiting on a clock: a probe connection of
        our own is accepted after every earlier one, so once it has arrived, they are counted."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self._probe = probe.getsockname()
            probe.connect(("127.0.0.1", self.port))
            if not self._probe_arrived.wait(timeout=60):
                raise TimeoutError("the listener accepted nothing for 60 s")
            self._probe_arrived.clear()
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()
