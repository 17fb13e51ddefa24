"""Background work runs at the lowest CPU priority, and so do the threads it starts (issue 15)."""

from __future__ import annotations

import sys
import threading

import pytest

from assistant.low_priority import BACKGROUND_NICE, LowPriorityWorker, thread_nice

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def test_the_worker_thread_and_the_threads_it_starts_run_at_the_lowest_priority():
    def nice_here_and_in_a_child_thread():
        seen = []
        child = threading.Thread(target=lambda: seen.append(thread_nice()))
        child.start(), child.join()
        return thread_nice(), seen[0]

    assert LowPriorityWorker("test-low").run(nice_here_and_in_a_child_thread) == (BACKGROUND_NICE, BACKGROUND_NICE)


def test_the_caller_keeps_its_priority():
    before = thread_nice()
    LowPriorityWorker("test-low").run(thread_nice)
    assert thread_nice() == before < BACKGROUND_NICE


def test_errors_reach_the_caller():
    with pytest.raises(ZeroDivisionError):
        LowPriorityWorker("test-low").run(lambda: 1 / 0)
