"""Copying a whole blog from one database to another (`copy-to`: SQLite into PostgreSQL).

Every table the two schemas share is copied row by row, parents before children, in
one transaction on the target, ids kept; identity sequences then continue after the
highest id. Tables of one engine only (SQLite's live events and search index, which
PostgreSQL keeps in its own way) are left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blog.store.db import Database, Transaction

BATCH = 2000
# SQLite keeps these for its own machinery; the target rebuilds what it needs itself.
SKIPPED_PREFIXES = ("sqlite_",)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    has_id: bool
    keys: tuple[str, ...]  # what the source is walked by: rowid, or the primary key of a WITHOUT ROWID table


class NotEmpty(Exception):
    """The target already holds data: copy-to only fills an empty database."""


@dataclass(frozen=True)
class SourceTable:
    columns: list[str]
    parents: set[str]
    keys: tuple[str, ...]


async def sqlite_tables(db: Database) -> dict[str, SourceTable]:
    """Each table of an SQLite database: its columns, the tables it refers to, its walking keys."""
    rows = await db.fetchall(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    tables: dict[str, SourceTable] = {}
    for name, sql in rows:
        if name.startswith(SKIPPED_PREFIXES):
            continue
        info = await db.fetchall(f"PRAGMA table_xinfo({name})")
        columns = [row[1] for row in info if row[6] == 0]
        primary = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5] > 0)
        keys = primary if "WITHOUT ROWID" in sql.upper() else ("rowid",)
        parents = {row[2] for row in await db.fetchall(f"PRAGMA foreign_key_list({name})")}
        tables[name] = SourceTable(columns, parents, keys)
    return tables


async def postgres_columns(db: Database) -> dict[str, list[str]]:
    rows = await db.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY ordinal_position")
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def _parents_first(tables: dict[str, SourceTable]) -> list[str]:
    ordered: list[str] = []
    remaining = dict(tables)
    while remaining:
        ready = sorted(name for name, table in remaining.items()
                       if all(parent in ordered or parent == name or parent not in tables for parent in table.parents))
        if not ready:  # a cycle: foreign keys are checked at commit anyway
            ready = sorted(remaining)
        for name in ready:
            ordered.append(name)
            del remaining[name]
    return ordered


async def plan(source: Database, target: Database) -> list[Table]:
    """The tables to copy, parents first, with the columns both sides have."""
    source_tables = await sqlite_tables(source)
    target_columns = await postgres_columns(target)
    plan: list[Table] = []
    for name in _parents_first(source_tables):
        if name not in target_columns or name == "schema_version":
            continue
        source_table = source_tables[name]
        shared = tuple(column for column in source_table.columns if column in target_columns[name])
        plan.append(Table(name, shared, "id" in shared, source_table.keys))
    return plan


async def count(db: Database, table: str) -> int:
    return int(await db.fetchvalue(f"SELECT COUNT(*) FROM {table}"))


async def copy_all(source: Database, target: Database, tables: list[Table],
                   on_rows: Callable[[int], object] = lambda count: None) -> None:
    """Copies every row of `tables` in one transaction of the target."""
    for table in tables:
        if await count(target, table.name):
            raise NotEmpty(table.name)
    async with target.transaction() as tx:
        # The target's triggers would count and index every row again, one row at a time:
        # the counts come over as the source has them, and the search index is built once.
        for table in tables:
            await tx.execute(f"ALTER TABLE {table.name} DISABLE TRIGGER USER")
        for table in tables:
            await _copy_table(source, tx, table, on_rows)
            if table.has_id:
                await tx.fetchvalue(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                    f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)")
        await tx.execute("SELECT blog_index_post(id) FROM posts"
                         " WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post'")
        for table in tables:
            await tx.execute(f"ALTER TABLE {table.name} ENABLE TRIGGER USER")


async def _copy_table(source: Database, tx: Transaction, table: Table, on_rows: Callable[[int], object]) -> None:
    columns = ", ".join(table.columns)
    insert = f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(table.columns))})"
    keys = ", ".join(table.keys)
    after: tuple[object, ...] | None = None
    while True:  # keyset over the source's keys: each batch costs the same, however far in
        where = f"WHERE ({keys}) > ({', '.join('?' * len(table.keys))})" if after is not None else ""
        rows = await source.fetchall(
            f"SELECT {keys}, {columns} FROM {table.name} {where} ORDER BY {keys} LIMIT ?", (*(after or ()), BATCH))
        if not rows:
            return
        await tx.executemany(insert, [tuple(row)[len(table.keys):] for row in rows])
        after = tuple(rows[-1])[:len(table.keys)]
        on_rows(len(rows))
