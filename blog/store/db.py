"""SQLite through aiosqlite: one writer connection, a small pool of readers,
and the schema with its numbered migrations.

Writes are serialised through one connection in BEGIN IMMEDIATE transactions,
so SQLite never has to arbitrate between writers of ours; readers run beside
them thanks to WAL.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from blog.store.changes import ChangeStamp

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA busy_timeout = 5000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
"""

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]


def schema_path() -> Path:
    """schema.sql sits at the project root in a checkout and inside the package in a wheel."""
    for candidate in (PACKAGE_DIR / "schema.sql", PACKAGE_DIR.parent / "schema.sql"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("schema.sql is missing from this installation")


def migrations() -> list[tuple[int, Path]]:
    """Numbered migrations, `0002_name.sql` upgrades a database from version 1 to 2."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = re.match(r"(\d{4})_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


class _Reads:
    """fetchone and fetchvalue, for anything with a fetchall."""

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchvalue(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database(_Reads):
    def __init__(self, path: Path, readers: int = 2) -> None:
        self.path = path
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader: itertools.cycle[aiosqlite.Connection] | None = None
        self._write_lock = asyncio.Lock()
        # Called after every commit that readers can see, here or in another process
        # (caches drop what they hold).
        self.on_change: list[Callable[[], None]] = []
        self._stamp: ChangeStamp | None = None

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stamp = ChangeStamp(self.path.with_name(self.path.name + "-changes"))
        self._writer = await self._connect()
        await self._migrate(self._writer)
        self._readers = [await self._connect() for _ in range(self._reader_count)]
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
        # isolation_level=None: we issue BEGIN ourselves, so reads never hold a transaction open.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.executescript(PRAGMAS)
        return conn

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        version = list(await conn.execute_fetchall("PRAGMA user_version"))[0][0]
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

    # Reads ---------------------------------------------------------------

    def _reader(self) -> aiosqlite.Connection:
        assert self._next_reader is not None, "database is not open"
        return next(self._next_reader)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._reader().execute_fetchall(sql, params))


    # Writes --------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self, *, notify: bool = True) -> AsyncIterator["Transaction"]:
        """BEGIN IMMEDIATE on the one writer; commit on success, roll back on any error.

        notify=False is for bookkeeping that no page shows (opening a session, a failed
        login, a token's last use): the commit does not empty any cache. It is the only
        way to say so."""
        assert self._writer is not None, "database is not open"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
        if notify:
            assert self._stamp is not None
            self._stamp.stamp()
            self._changed()

    def notice_changes(self) -> None:
        """Called before each request: runs on_change if another process changed the data."""
        if self._stamp is not None and self._stamp.changed_elsewhere():
            self._changed()

    def _changed(self) -> None:
        for callback in self.on_change:
            callback()

    async def write(self, sql: str, params: Params = (), *, notify: bool = True) -> int:
        """One statement in its own transaction; returns how many rows it changed.
        `notify` as for transaction()."""
        async with self.transaction(notify=notify) as tx:
            return await tx.execute(sql, params)


class Transaction(_Reads):
    """The writer connection, while a transaction of ours is open on it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Runs an INSERT and returns the new row's id."""
        cursor = await self._conn.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs a statement and returns how many rows it changed."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))

