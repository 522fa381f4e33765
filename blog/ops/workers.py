"""`serve --workers N`: N processes of the blog on one port, and a parent that looks after them.

Each worker is a whole `python -m blog serve` process that binds the port with
SO_REUSEPORT, so the kernel spreads connections between them. We chose this over
gunicorn's aiohttp worker: no extra dependency, every worker builds its own app and
opens its own SQLite connections after start (nothing crosses a fork), and the
workers need no parent to accept connections for them. The parent only starts
them, restarts one that dies, and passes SIGTERM/SIGINT on so they close their
live readers with 1001 and finish their requests."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from types import FrameType

from blog.config import Config

log = logging.getLogger(__name__)
RESTART_PAUSE = 1.0
STOP_TIMEOUT = 30.0


def _start(config: Config) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "blog", "serve", "--as-worker", "--workers", str(config.workers),
               "--host", config.host, "--port", str(config.port), "--data-dir", str(config.data_dir)]
    return subprocess.Popen(command)


def run_workers(config: Config) -> int:
    print(f"blog: serving http://{config.host}:{config.port}/ from {config.data_dir.resolve()} "
          f"with {config.workers} workers", flush=True)
    workers = [_start(config) for _ in range(config.workers)]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        time.sleep(0.2)
        for index, worker in enumerate(workers):
            if worker.poll() is not None and not stopping:
                log.error("worker %d exited with %s; starting another", worker.pid, worker.returncode)
                time.sleep(RESTART_PAUSE)
                workers[index] = _start(config)
    return _stop(workers)


def _stop(workers: list[subprocess.Popen[bytes]]) -> int:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return 0
