"""Worker processes for the work that is split across cores (validation, JSON-LD, diagrams).

Each worker ends as soon as the process that made the pool ends, however that ends: a build
killed with SIGKILL never runs its clean-up, and workers waiting for their next task would
otherwise wait (holding their memory) for ever.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


#: How much lower background workers run: Linux then gives the caller's process about nine
#: tenths of a core it shares with one of them.
BACKGROUND_NICENESS = 10


def process_pool(count: int, *, fresh: bool = True, background: bool = False) -> ProcessPoolExecutor:
    """A pool of ``count`` workers that die with the calling process.

    ``background`` workers run at a lower priority, for work done beside the caller's own: the
    caller's steps are what it waits for, so they should not be slowed by what it does not.

    ``fresh`` workers start clean, from a fork server (or spawned where there is none), never as a
    fork of the caller: a process that has run rudof holds its engine's threads, and a forked copy
    of it hangs. A clean worker also holds only its own slice of the work, so its memory is its own.
    As with any such pool, a script that uses it must guard its top level with
    ``if __name__ == "__main__":``. Without ``fresh``, the platform's default start method is used.
    """
    context = None
    if fresh:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
    niceness = BACKGROUND_NICENESS if background else 0
    arguments = (os.getpid(), niceness)
    return ProcessPoolExecutor(count, mp_context=context, initializer=_start, initargs=arguments)


def _start(pid: int, niceness: int) -> None:
    """A worker's first act: run at its priority, and die with process ``pid``."""
    if niceness:
        os.nice(niceness)
    die_with(pid)


def kill(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers now and drop its queued work: what they were doing is not wanted.

    Reaches the workers through the executor's own table: Python has no public kill before 3.14.
    """
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def die_with(pid: int) -> None:
    """End this process as soon as process ``pid`` ends (watched from a daemon thread)."""
    threading.Thread(target=_watch, args=(pid,), name="kg-die-with-parent", daemon=True).start()


def _watch(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # it ended already
    except (OSError, AttributeError):  # no pidfd (old kernel, not Linux): look every second
        while alive(pid):
            time.sleep(1)
        os._exit(1)
    select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (or runs as another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def in_turn(
    pool: ProcessPoolExecutor, work: Callable[[T, str], R], jobs: Iterable[T], common: str, ahead: int
) -> Iterator[R]:
    """``work(job, common)`` for each job, in order, with only a few jobs made and waiting at a time.

    ``pool.map`` would take every job at once: the texts of all validation chunks of a large graph
    held in memory together, in the caller and again in the pool's queue. Here each job is made
    (the generator runs) only when a worker is about to be free: ``ahead`` jobs at most are in the
    pool, twice its workers is enough to keep each busy while the next job is made.
    """
    pending: deque[Future[R]] = deque()
    for job in jobs:
        pending.append(pool.submit(work, job, common))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
