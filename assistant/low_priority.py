"""Background work at the lowest CPU priority, so that questions keep the processor while a colleague uploads.

On 2 cores, the upload worker's embedding (all cores, minutes for a large file) and the questions' embedding (tens of
milliseconds each) shared the processor equally, and a question that needed the model waited for the batch in
progress: questions went from 0.02 s to 1.5 s during an upload (issue 15). The background batches now run in one thread
whose nice value is 19: the threads it starts (the engine's OpenMP team) inherit it, and the kernel gives the
processor to anything at normal priority first. Only that thread is niced: the upload worker itself keeps normal
priority, since it holds Python's GIL for its own steps, and a starved thread holding the GIL would stall questions.

>>> worker = LowPriorityWorker("aap-background-embedding")
>>> worker.run(sum, [1, 2, 3])
6
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

BACKGROUND_NICE = 19  # the lowest priority: background work gets only what questions leave
T = TypeVar("T")


def lower_thread_priority(nice: int = BACKGROUND_NICE) -> bool:
    """Give the calling thread, and the threads it starts from now on, this nice value (Linux: the nice value is per
    thread). False where the system does not allow it: background work then runs at normal priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        return False
    return True


def thread_nice() -> int:
    """The calling thread's nice value (what the kernel schedules it by)."""
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


class LowPriorityWorker:
    """One thread at the lowest CPU priority that runs the calls given to it, one at a time, for whoever waits."""

    def __init__(self, name: str):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name, initializer=lower_thread_priority)

    def run(self, function: Callable[..., T], *args) -> T:
        return self._executor.submit(function, *args).result()
