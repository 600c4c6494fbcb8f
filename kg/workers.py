"""Worker processes for the work that is split across cores (validation, JSON-LD compaction)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def process_pool(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` workers that start clean, from a fork server (or spawned where there is none).

    Never a fork of the calling process: a process that has run rudof holds its engine's threads,
    and a forked copy of it hangs. A clean worker also holds only its own slice of the work, so its
    memory is its own. As with any such pool, a script that uses it must guard its top level with
    ``if __name__ == "__main__":``.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method))
