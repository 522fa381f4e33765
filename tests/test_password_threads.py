"""Password hashing gets at most half the machine's cores, so logins never take every core
from the readers (BLOG_PASSWORD_WORKERS, 0 by default: worked out for the machine)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import pytest

from blog.config import Config

from .conftest import STRONG_PASSWORD, register
from .servers import form


@pytest.mark.parametrize(("cpus", "workers", "threads"), [
    (8, 1, 4), (8, 2, 2), (8, 8, 1), (2, 1, 1), (1, 1, 1), (None, 1, 1),
])
def test_by_default_hashing_has_half_the_cpus_shared_by_the_processes(monkeypatch, cpus, workers, threads):
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert Config(workers=workers).password_threads == threads


def test_a_number_that_was_set_is_kept(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert Config.from_env({"BLOG_PASSWORD_WORKERS": "3", "BLOG_WORKERS": "4"}).password_threads == 3


def test_a_negative_number_is_refused_in_one_sentence(tmp_path):
    result = subprocess.run([sys.executable, "-m", "blog", "serve", "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "BLOG_PASSWORD_WORKERS": "-1"})
    assert result.returncode == 2
    assert result.stderr.strip() == "error: BLOG_PASSWORD_WORKERS must be 0 (automatic) or more (got -1)"


@pytest.fixture
def two_cpus(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # before the app starts: one hashing thread


async def test_many_logins_at_once_hash_on_no_more_threads_than_that(two_cpus, client, other_browser):
    await register(client, "alice")
    browsers = [other_browser() for _ in range(9)]

    async def log_in(browser) -> int:  # type: ignore[no-untyped-def]
        # each browser its own session and token
        async with await form(browser, "/login", "/login",
                              {"username": "alice", "password": STRONG_PASSWORD, "next": ""}) as response:
            return response.status

    assert await asyncio.gather(*(log_in(browser) for browser in browsers)) == [303] * 9
    hashing = [thread for thread in threading.enumerate() if thread.name.startswith("passwords")]
    assert len(hashing) == 1
