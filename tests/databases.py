"""Fresh databases for tests: an SQLite file in tmp_path, or, when BLOG_TEST_DATABASE_URL
names a PostgreSQL server, a new database on it for every test (copied from a template
that is migrated once per run, which takes milliseconds), dropped afterwards.

    BLOG_TEST_DATABASE_URL=postgresql://blog:blog@127.0.0.1:5432/postgres pytest

The role needs CREATEDB; the databases it makes are named blog_test_*."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from blog.store import Store

T = TypeVar("T")
SERVER_URL = os.environ.get("BLOG_TEST_DATABASE_URL", "")
ENGINE = "postgresql" if SERVER_URL else "sqlite"
_template: str | None = None
_template_lock = threading.Lock()


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Runs a coroutine to the end in a thread of its own (a test's event loop may be running)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(_call(work)))
        except BaseException as exc:  # handed to the caller
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def url_of(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path="/" + name))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(SERVER_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _ensure_template() -> str:
    global _template
    with _template_lock:
        if _template is None:
            name = f"blog_test_template_{os.getpid()}"

            async def make() -> None:
                await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await _admin(f'CREATE DATABASE "{name}"')
                store = Store(url_of(name))
                await store.open()
                await store.close()

            _run(make)
            _template = name
        return _template


def new_postgres_database() -> str:
    """A new, migrated, empty database; its URL."""
    template = _ensure_template()
    name = f"blog_test_{secrets.token_hex(6)}"
    _run(lambda: _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return url_of(name)


def new_empty_postgres_database() -> str:
    """A new database with no schema at all; its URL."""
    name = f"blog_test_{secrets.token_hex(6)}"
    _run(lambda: _admin(f'CREATE DATABASE "{name}"'))
    return url_of(name)


def drop_postgres_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert name.startswith("blog_test_")
    _drop(name)


def _drop(name: str) -> None:
    # FORCE ends the test's own leftover connections; a backend of the server's own (an
    # autovacuum worker that just started on the new database) may refuse a role that is
    # not a superuser for a moment, so try again before leaving the database behind.
    for attempt in range(20):
        try:
            _run(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
            time.sleep(0.25)
    print(f"test database {name} could not be dropped; it is left on the server", file=sys.stderr)


def drop_template() -> None:
    if _template is not None:
        _drop(_template)
