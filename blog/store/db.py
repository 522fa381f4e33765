"""The database behind the store, whichever engine it is: what every accessor may ask of it.

Two engines implement it: SQLite in a file of the data folder (blog/store/sqlite.py,
the default) and PostgreSQL through asyncpg (blog/store/postgres.py). The store's SQL
is written once, with `?` (or `:name`) placeholders in the subset both engines share;
where they differ, the accessor asks `db.dialect` for the engine's own fragment. No
module above the store knows which engine is in use.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ENGINES = ("sqlite", "postgresql")
# The largest id either engine stores (SQLite's INTEGER is signed 64-bit); a larger number
# from a URL or a form names nothing, and SQLite cannot even bind it.
SQLITE_INTEGER_MAX = 2**63 - 1


class Row(Protocol):
    """A result row: by position, by column name, and as a mapping (both engines' rows are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Iterable[str]: ...


Params = Sequence[Any] | dict[str, Any]


class UniqueViolation(Exception):
    """A write broke a UNIQUE constraint; `constraint` names the index or column it was about."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


def schema_path(engine: str = "sqlite") -> Path:
    """The whole current schema of an engine. schema.sql (SQLite) and schema.postgresql.sql sit
    at the project root in a checkout and inside the package in a wheel."""
    name = "schema.sql" if engine == "sqlite" else f"schema.{engine}.sql"
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is missing from this installation")


def migrations(engine: str = "sqlite") -> list[tuple[int, Path]]:
    """Numbered migrations, `0002_name.sql` upgrades a database from version 1 to 2.
    SQLite's are in migrations/, PostgreSQL's in migrations/postgresql/ (they start later:
    its first is the whole schema of the version it arrived at)."""
    folder = MIGRATIONS_DIR if engine == "sqlite" else MIGRATIONS_DIR / engine
    found = []
    for path in folder.glob("*.sql"):
        match = re.match(r"(\d{4})_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version(engine: str = "sqlite") -> int:
    return migrations(engine)[-1][0]


class Reads:
    """fetchone and fetchvalue, for anything with a fetchall."""

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchvalue(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Transaction(Reads, ABC):
    """One open write transaction: commits when its `async with` block ends, rolls back on error."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Runs an INSERT and returns the new row's id."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs a statement and returns how many rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    async def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for `count` rows about to be inserted into `table`, which nobody else will take
        (for bulk inserts whose rows must know their ids before they are written)."""

    @abstractmethod
    async def lock(self, name: str) -> None:
        """Holds a named lock until the transaction ends, for read-then-write sequences that
        must not interleave (the first account becomes the admin). SQLite has one writer at a
        time already; PostgreSQL takes an advisory lock."""


class Fragment(str):
    """A piece of SQL that the engines spell differently. It *is* its SQLite spelling, so the
    store's statements can embed it like any text; the PostgreSQL engine swaps it for its own
    spelling when it translates a statement. Every fragment is made with `fragment()`."""

    postgresql: str


FRAGMENTS: list[Fragment] = []


def fragment(sqlite: str, postgresql: str) -> Fragment:
    made = Fragment(sqlite)
    made.postgresql = postgresql
    FRAGMENTS.append(made)
    return made


def ordered_list(column: str, order: str, source: str) -> Fragment:
    """A scalar subquery: `column`'s values from `source` ("FROM ... WHERE ...") joined with
    ',' in `order`. SQLite before 3.44 has no ORDER BY inside an aggregate but keeps the order
    of a sorted subquery; PostgreSQL promises an order only inside the aggregate."""
    return fragment(
        f"(SELECT group_concat({column}, ',') FROM (SELECT {column} {source} ORDER BY {order}))",
        f"(SELECT string_agg({column}, ',' ORDER BY {order}) {source})",
    )


class Database(Reads, ABC):
    """Reads on any connection, writes in transactions, and word of every change.

    on_change callbacks run after every commit that readers can see, here or in another
    process or server, so that caches drop what they hold."""

    engine: str

    def __init__(self) -> None:
        self.on_change: list[Callable[[], None]] = []

    @abstractmethod
    async def open(self) -> None:
        """Connects, and creates or upgrades the schema."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self, *, notify: bool = True) -> AbstractAsyncContextManager[Transaction]:
        """A write transaction; commit on success, roll back on any error.

        notify=False is for bookkeeping that no page shows (opening a session, a failed
        login, a token's last use): the commit does not empty any cache. It is the only
        way to say so."""

    @abstractmethod
    async def schema_version(self) -> int: ...

    async def notice_changes(self) -> None:
        """Awaited before each request: runs on_change if another process changed the data
        before now and this one has not heard of it yet."""

    def _changed(self) -> None:
        for callback in self.on_change:
            callback()

    async def write(self, sql: str, params: Params = (), *, notify: bool = True) -> int:
        """One statement in its own transaction; returns how many rows it changed.
        `notify` as for transaction()."""
        async with self.transaction(notify=notify) as tx:
            return await tx.execute(sql, params)


def open_database(location: str | Path) -> Database:
    """The database at a postgresql:// URL, or in the SQLite file at a path."""
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from blog.store.postgres import PostgresDatabase

        return PostgresDatabase(location)
    from blog.store.sqlite import SqliteDatabase

    return SqliteDatabase(Path(location))

