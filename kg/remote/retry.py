"""When and how long to wait before trying a remote store again.

Public endpoints throttle (``429 Too Many Requests`` with ``Retry-After``) and servers restart;
both are worth a few patient retries. Everything else (a bad query, a refused password) is not,
and fails at once with the server's own words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from kg.errors import RemoteError

#: HTTP statuses that say "not now" rather than "never".
TRANSIENT_STATUSES = frozenset({408, 425, 429, 502, 503, 504})


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date); None if absent or unreadable."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry a transient failure, and how long to wait in between.

    Waits double from ``backoff`` seconds (0.5, 1, 2 by default); a ``Retry-After`` from the
    server replaces the computed wait, up to ``max_wait`` seconds (beyond that, give up now).
    """

    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 120.0

    def wait(self, attempt: int, what: str, retry_after: float | None = None) -> None:
        """Sleep before retry number ``attempt`` (1-based), or raise when retries are used up."""
        if attempt > self.retries:
            raise RemoteError(f"{what} (gave up after {self.retries + 1} attempts)")
        if retry_after is not None and retry_after > self.max_wait:
            raise RemoteError(f"{what}; the server asks to wait {retry_after:.0f} s, try again later")
        time.sleep(retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1))
