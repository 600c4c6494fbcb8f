"""Worker processes for the work that is split across cores (validation, JSON-LD compaction)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def process_pool(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` workers that start clean, from a fork server (or spawned where there is none).

    Never a fork of the calling process: a process that has run rudof holds its engine's threads,
    and a forked copy of it hangs. A clean worker also holds only its own slice of the work, so its
    memory is its own. As with any such pool, a script that uses it must guard its top level with
    ``if __name__ == "__main__":``.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method))


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
