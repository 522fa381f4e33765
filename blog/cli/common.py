"""What the commands share: the --data-dir flag, running work on an open store, reading a password."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from blog.config import Config
from blog.store import Store

Command = Callable[[argparse.Namespace, Config], int]


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder for the database, secret key and uploads (BLOG_DATA_DIR; default ./instance)")
    parser.add_argument("--database-url", help="postgresql://user:password@host:5432/name to keep the data in "
                                               "PostgreSQL (BLOG_DATABASE_URL; default: SQLite in the data folder)")


def with_store(config: Config, work: Callable[[Store], Coroutine[Any, Any, int]]) -> int:
    """Opens the store (creating or upgrading the database), runs `work` on it, closes it."""
    async def run() -> int:
        store = Store(config.database)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise SystemExit("error: the passwords differ")
    return first


def fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status
