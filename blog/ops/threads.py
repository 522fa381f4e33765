"""Thread pools for slow work (password hashing, image processing), off the event loop.

Their threads run at a lower priority than the event loop's thread (Linux schedules
threads one by one): 20 logins hashing passwords must not make every reader's page
wait for a core. Priority is not enough for argon2, which is memory-hard and slows the
loop through the core and the memory it shares: how many threads hash is the other half
(Config.password_threads)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

BACKGROUND_NICENESS = 10


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass


def background_threads(workers: int, name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers, thread_name_prefix=name, initializer=_lower_priority)
