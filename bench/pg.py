"""bench/run.py on PostgreSQL: the benchmark's databases on a PostgreSQL server.

    python bench/run.py --database-url postgresql://blog:blog@127.0.0.1:5432/postgres

The URL names a maintenance database (such as `postgres`) of a role that may create
databases. For each post count the bench builds one database, `blog_bench_<posts>`, once:
`python -m blog copy-to` fills it from the cached SQLite demo folder, so both engines serve
the very same demo content, then `VACUUM (ANALYZE)` gives the planner its statistics, as
autovacuum would on a blog that has been running for a while. Every server run gets a fresh
copy of it (`CREATE DATABASE ... TEMPLATE ...`, a file copy, seconds even for 100,000
posts), dropped at the end unless --keep-copy: the runs write (sessions, comments), and the
cached database stays as built.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

PREFIX = "blog_bench_"


class PostgresError(Exception):
    """PostgreSQL could not do what the bench needs; the message says why."""


def quoted(name: str) -> str:
    """An identifier for SQL (our names are made of [a-z0-9_], but quote them anyway)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string constant for the statements that take no parameters (COMMENT ON)."""
    return "'" + text.replace("'", "''") + "'"


def shown(url: str) -> str:
    """The URL without its password, for the report and the logs."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


class PostgresBench:
    """The cached databases and the run copies on one PostgreSQL server."""

    def __init__(self, maintenance_url: str) -> None:
        if not maintenance_url.startswith(("postgresql://", "postgres://")):
            raise PostgresError("--database-url must be a postgresql:// address, such as "
                                "postgresql://blog:blog@127.0.0.1:5432/postgres")
        self.maintenance_url = maintenance_url
        self.copies: list[str] = []  # databases made for this run, dropped at the end
        self._copy_count = 0
        self.version = ""

    def url_of(self, database: str) -> str:
        """The maintenance URL with another database name (its user, host and options kept)."""
        parts = urlsplit(self.maintenance_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))

    async def _admin(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.maintenance_url, timeout=10)
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
            raise PostgresError(f"cannot connect to {shown(self.maintenance_url)}: {exc}") from None

    async def check(self) -> None:
        """Reachable, and the role may create databases; notes the server's version."""
        connection = await self._admin()
        try:
            self.version = await connection.fetchval("SHOW server_version")
            allowed = await connection.fetchval(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
        finally:
            await connection.close()
        if not allowed:
            raise PostgresError(f"the role of {shown(self.maintenance_url)} may not create databases "
                                "(ALTER ROLE ... CREATEDB)")

    async def comment_of(self, database: str) -> str | None:
        """The database's comment (where the bench notes what it was built from); None if it does not exist."""
        connection = await self._admin()
        try:
            row = await connection.fetchrow(
                "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1", database)
        finally:
            await connection.close()
        return None if row is None else (row["comment"] or "")

    async def execute(self, *statements: str) -> None:
        connection = await self._admin()
        try:
            for statement in statements:
                await connection.execute(statement)
        except asyncpg.PostgresError as exc:
            raise PostgresError(f"PostgreSQL refused `{statement}`: {exc}") from None
        finally:
            await connection.close()

    async def drop(self, database: str) -> None:
        # WITH (FORCE): a server killed a moment ago may still have a backend there.
        await self.execute(f"DROP DATABASE IF EXISTS {quoted(database)} WITH (FORCE)")

    async def ensure(self, posts: int, sqlite_data: Path, fingerprint: str, rebuild: bool, log_dir: Path,
                     env: dict[str, str], timeout: float, status: Callable[[str], None]) -> str:
        """The cached database with `posts` posts, filled by copy-to from the SQLite data folder once."""
        name, partial = f"{PREFIX}{posts}", f"{PREFIX}{posts}_partial"
        built_from = f"bench/run.py: copy-to from {sqlite_data} ({fingerprint})"
        comment = await self.comment_of(name)
        if comment is not None and not rebuild:
            status(f"using the cached PostgreSQL database {name}")
            if comment != built_from:
                status(f"note: {name} was built from something else ({comment or 'unknown'}); "
                       "--rebuild to build it again")
            return name
        await self.drop(partial)
        await self.execute(f"CREATE DATABASE {quoted(partial)} TEMPLATE template0 ENCODING 'UTF8'")
        status(f"building the PostgreSQL database {name} with `python -m blog copy-to` from {sqlite_data} "
               "(once; it is kept)")
        started = time.perf_counter()
        log_path = log_dir / f"copy-to-{posts}.log"
        with open(log_path, "wb") as log:
            try:
                done = await asyncio.to_thread(
                    subprocess.run, [sys.executable, "-m", "blog", "copy-to", self.url_of(partial),
                                     "--data-dir", str(sqlite_data)],
                    cwd=Path(__file__).resolve().parent.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise PostgresError(f"copy-to of {posts} posts took more than {timeout:.0f} s; see {log_path}") from None
        if done.returncode != 0:
            raise PostgresError(f"copy-to of {posts} posts failed; see {log_path}")
        connection = await asyncpg.connect(self.url_of(partial), timeout=10)
        try:
            await connection.execute("VACUUM (ANALYZE)")
        finally:
            await connection.close()
        await self.drop(name)
        await self.execute(f"ALTER DATABASE {quoted(partial)} RENAME TO {quoted(name)}",
                           f"COMMENT ON DATABASE {quoted(name)} IS {literal(built_from)}")
        status(f"built in {time.perf_counter() - started:.0f} s")
        return name

    async def fresh_copy(self, template: str) -> str:
        """A new database copied from `template`, for one run of servers; returns its URL."""
        self._copy_count += 1
        name = f"{template}_run_{os.getpid()}_{self._copy_count}"
        await self.drop(name)
        # FILE_COPY (PostgreSQL 15+) copies the files after a checkpoint instead of writing every
        # page to the WAL: much quicker for a database of hundreds of MB.
        strategy = " STRATEGY FILE_COPY" if self._major() >= 15 else ""
        self.copies.append(name)
        await self.execute(f"CREATE DATABASE {quoted(name)} TEMPLATE {quoted(template)}{strategy}")
        return self.url_of(name)

    def _major(self) -> int:
        try:
            return int(self.version.split(".")[0])
        except ValueError:
            return 0

    async def drop_copies(self) -> None:
        for name in self.copies:
            try:
                await self.drop(name)
            except PostgresError as exc:
                print(f"warning: {exc}", file=sys.stderr)
        self.copies.clear()
