"""SQLite through aiosqlite: one writer connection, a small pool of readers,
and the schema with its numbered migrations.

Writes are serialised through one connection in BEGIN IMMEDIATE transactions,
so SQLite never has to arbitrate between writers of ours; readers run beside
them thanks to WAL. Other processes on the same file (workers, commands) learn
of changes through a memory-mapped stamp (store/changes.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiosqlite

from blog.store.changes import ChangeStamp
from blog.store.db import Database, Params, Row, Transaction, UniqueViolation, latest_version, migrations, schema_path

log = logging.getLogger(__name__)
OPENER_WAIT = 0.02  # seconds between two tries of the opening lock

PRAGMAS = """
PRAGMA busy_timeout = 5000;
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
"""


async def _open_connection(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN ourselves, so reads never hold a transaction open.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await conn.executescript(PRAGMAS)
    except BaseException:
        await conn.close()
        raise
    return conn


@asynccontextmanager
async def _one_opener_at_a_time(lock_path: Path) -> AsyncIterator[None]:
    """Held while a process sets the file up (WAL, the schema, its migrations): the workers of
    `serve --workers N` start together, and two of them reading "version 0" at once would
    both create the tables. An flock, tried between turns of the loop so a stop still ends
    the wait; the kernel releases it if the process dies."""
    with open(lock_path, "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(OPENER_WAIT)
        yield  # closing the file releases the lock


class SqliteDatabase(Database):
    engine = "sqlite"

    def __init__(self, path: Path, readers: int = 2) -> None:
        super().__init__()
        self.path = path
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader: itertools.cycle[aiosqlite.Connection] | None = None
        self._write_lock = asyncio.Lock()
        self._stamp: ChangeStamp | None = None

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._stamp = ChangeStamp(self.path.with_name(self.path.name + "-changes"))
            async with _one_opener_at_a_time(self.path.with_name(self.path.name + "-opening")):
                self._writer = await self._connect()
                await self._migrate(self._writer)
            for _ in range(self._reader_count):  # one by one: close() finds each, should opening stop
                self._readers.append(await self._connect())
        except BaseException:  # a connection left open would keep its thread, and the process, alive
            await self.close()
            raise
        self._next_reader = itertools.cycle(self._readers)

    async def close(self) -> None:
        for conn in [*self._readers, self._writer]:
            if conn is not None:
                await conn.close()
        self._readers, self._writer, self._next_reader = [], None, None
        if self._stamp is not None:
            self._stamp.close()
            self._stamp = None

    async def _connect(self) -> aiosqlite.Connection:
        # Shielded: a stop during start-up lets the connection finish opening, then closes it.
        # Cancelled half-way, aiosqlite's thread would answer a loop already closed (a traceback).
        opening = asyncio.ensure_future(_open_connection(self.path))
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await (await opening).close()
            raise

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        version = await self._version(conn)
        target = latest_version()
        if version == 0:
            log.info("creating a new database at %s", self.path)
            await self._run_script(conn, schema_path().read_text(), target)
            return
        for number, path in migrations():
            if number > version:
                log.info("upgrading the database to version %d (%s)", number, path.name)
                await self._run_script(conn, path.read_text(), number)

    @staticmethod
    async def _run_script(conn: aiosqlite.Connection, script: str, version: int) -> None:
        """Runs a migration and sets the version in one transaction.

        Foreign keys are off meanwhile (SQLite's procedure for rebuilding a table: dropping
        the old copy must not cascade into the rows that refer to it) and checked whole
        before the commit. executescript commits first, so BEGIN is part of the script."""
        await conn.execute("PRAGMA foreign_keys = OFF")
        try:
            await conn.executescript(f"BEGIN IMMEDIATE;\n{script}")
            broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
            if broken:
                raise sqlite3.IntegrityError(f"migration {version} leaves broken references: {broken[:5]}")
            await conn.execute(f"PRAGMA user_version = {int(version)}")
            await conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        finally:
            await conn.execute("PRAGMA foreign_keys = ON")

    @staticmethod
    async def _version(conn: aiosqlite.Connection) -> int:
        return int(list(await conn.execute_fetchall("PRAGMA user_version"))[0][0])

    async def schema_version(self) -> int:
        assert self._writer is not None, "database is not open"
        return await self._version(self._writer)

    # Reads ---------------------------------------------------------------

    def _reader(self) -> aiosqlite.Connection:
        assert self._next_reader is not None, "database is not open"
        return next(self._next_reader)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._reader().execute_fetchall(sql, params))


    # Writes --------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self, *, notify: bool = True) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE on the one writer (see Database.transaction)."""
        assert self._writer is not None, "database is not open"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
        if notify:
            assert self._stamp is not None
            self._stamp.stamp()
            self._changed()

    async def notice_changes(self) -> None:
        """Before each request: runs on_change if another process changed the data (the
        stamp in shared memory is always current: nothing to wait for)."""
        if self._stamp is not None and self._stamp.changed_elsewhere():
            self._changed()

class SqliteTransaction(Transaction):
    """The writer connection, while a transaction of ours is open on it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def insert(self, sql: str, params: Params = ()) -> int:
        with _unique_violations():
            cursor = await self._conn.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def execute(self, sql: str, params: Params = ()) -> int:
        with _unique_violations():
            cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with _unique_violations():
            await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def new_ids(self, table: str, count: int) -> list[int]:
        # The one writer holds the database until commit: nobody can take these meanwhile.
        last = int(await self.fetchvalue(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
        return list(range(last + 1, last + 1 + count))

    async def lock(self, name: str) -> None:
        """Nothing to take: this transaction is the only writer until it ends."""


@contextmanager
def _unique_violations() -> Iterator[None]:
    try:
        yield
    except sqlite3.IntegrityError as exc:
        message = str(exc)
        if message.startswith("UNIQUE constraint failed: "):
            raise UniqueViolation(message.removeprefix("UNIQUE constraint failed: ")) from exc
        raise
