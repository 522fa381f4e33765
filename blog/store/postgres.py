"""PostgreSQL through asyncpg: a connection pool, the schema with its migrations, and
LISTEN/NOTIFY, which tells every process on every server of each change.

The store's SQL is written with `?` or `:name` placeholders; they become `$1, $2...`
here, once per statement text. Writes run in READ COMMITTED transactions from the
pool, side by side: accessors that read before they write make that safe with
constraints, conditional UPDATEs or Transaction.lock().

A commit that readers can see sends NOTIFY on CHANGES_CHANNEL inside its own
transaction, so it is delivered exactly when the commit is. One listening connection
per process hears them and empties the caches; when that connection drops it
reconnects and empties every cache, since notifications may have been missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg

from blog.store.db import (
    FRAGMENTS,
    Database,
    Params,
    Row,
    Transaction,
    UniqueViolation,
    latest_version,
    migrations,
    schema_path,
)
from blog.store.round_trips import SharedRoundTrip

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    PoolConnection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnection

log = logging.getLogger(__name__)

CHANGES_CHANNEL = "blog_changes"
POOL_MIN, POOL_MAX = 2, 10
RECONNECT_PAUSE = 1.0
# Longer than this for the listening connection's round trip before a request, and it is taken
# as lost: it is closed and opened again, and every cache emptied (notifications may be missed).
HEARD_TIMEOUT = 2.0
# A pooled connection found cut (PostgreSQL restarted, a proxy timed out) is replaced, and the
# read, or the BEGIN, tried again on another, this many times.
RETRIES = 2
# (A connection cut in the middle of a statement can also leave asyncpg's protocol in a state
# it reports as an internal error: just as lost.)
LOST_CONNECTION = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                   ConnectionError)
ChannelHandler = Callable[[str], None]


async def _nothing_to_reset(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """How a pooled connection is made ready for its next user: not at all. asyncpg's default
    sends `RESET ALL; UNLISTEN *; CLOSE ALL; SELECT pg_advisory_unlock_all()` at each release,
    a round trip as long as the read itself, to undo what this code never does on a pooled
    connection: it sets no session settings, listens on its own connection, holds no cursor
    outside a transaction and takes only locks that end with theirs. (asyncpg still rolls back
    a transaction left open before calling this.)"""


_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|(?<![\w:]):([A-Za-z_]\w*)")


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """The store's fragments in PostgreSQL's spelling (db.fragment), then `?` -> `$1, $2...`
    and `:name` -> `$n`, returning the names in order (None for `?`). Quoted strings and
    identifiers, and `::` casts, are left alone."""
    for piece in FRAGMENTS:
        if piece in sql:
            sql = sql.replace(piece, piece.postgresql)
    names: list[str] = []
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if token == "?":
            count += 1
            return f"${count}"
        name = match.group(1)
        if name is None:
            return token
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    converted = _TOKEN.sub(replace, sql)
    if names and count:
        raise ValueError(f"mixed ? and :name placeholders in {sql!r}")
    return converted, (tuple(names) if names else None)


def _arguments(names: tuple[str, ...] | None, params: Params) -> list[Any]:
    """The values in placeholder order. Like sqlite3, a mapping may hold names the statement
    does not use (a statement without placeholders takes any mapping)."""
    if isinstance(params, dict):
        return [params[name] for name in names or ()]
    assert names is None, "positional parameters for a statement with :name placeholders"
    return list(params)


def _prepare(sql: str, params: Params) -> tuple[str, list[Any]]:
    converted, names = translate(sql)
    return converted, _arguments(names, params)


@contextmanager
def _unique_violations() -> Iterator[None]:
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        raise UniqueViolation(exc.constraint_name or str(exc)) from exc


def _rowcount(status: str) -> int:
    """asyncpg answers "UPDATE 3", "DELETE 0", "INSERT 0 1": the last number is the count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _begin(pool: asyncpg.Pool) -> tuple[PoolConnection, asyncpg.transaction.Transaction]:
    """A pooled connection with BEGIN done. A connection the server cut (a restart) fails
    here, before anything was written, so another is tried: the pool replaces the dead one."""
    for attempt in range(RETRIES + 1):
        conn = await pool.acquire()
        transaction = conn.transaction()
        try:
            await transaction.start()
            return conn, transaction
        except LOST_CONNECTION:
            await pool.release(conn)
            if attempt == RETRIES:
                raise
        except asyncio.CancelledError:  # unreleased, it would keep pool.close() waiting for ever
            _end_unfinished(conn)
            await pool.release(conn)
            raise
        # One cut connection means the server probably cut them all: replace every one.
        await pool.expire_connections()
        log.warning("a pooled connection was lost; beginning again on another")
    raise AssertionError("unreachable")


def _end_unfinished(conn: PoolConnection) -> None:
    """Closes a connection whose task was cancelled in a transaction (a stop), perhaps in the
    middle of a statement: a ROLLBACK there fails as "another operation is in progress", while
    closing ends the transaction just as well. The pool opens a fresh one in its place."""
    conn.terminate()


class PostgresTransaction(Transaction):
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def insert(self, sql: str, params: Params = ()) -> int:
        converted, args = _prepare(sql + " RETURNING id", params)
        with _unique_violations():
            return int(await self._conn.fetchval(converted, *args))

    async def execute(self, sql: str, params: Params = ()) -> int:
        converted, args = _prepare(sql, params)
        with _unique_violations():
            return _rowcount(await self._conn.execute(converted, *args))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        converted, names = translate(sql)
        with _unique_violations():
            await self._conn.executemany(converted, [_arguments(names, row) for row in rows])

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        converted, args = _prepare(sql, params)
        return list(await self._conn.fetch(converted, *args))

    async def new_ids(self, table: str, count: int) -> list[int]:
        rows = await self._conn.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, count)
        return [int(row[0]) for row in rows]

    async def lock(self, name: str) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", name)

    async def notify(self, channel: str, payload: str) -> None:
        await self._conn.execute("SELECT pg_notify($1, $2)", channel, payload)


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        # Tells our own notifications from other processes' (we have emptied our caches already).
        self.origin = secrets.token_hex(8)
        self._pool: asyncpg.Pool | None = None
        self._channels: dict[str, list[ChannelHandler]] = {CHANGES_CHANNEL: [self._heard_change]}
        self._listener: asyncio.Task[None] | None = None
        self._listening_conn: asyncpg.Connection[asyncpg.Record] | None = None
        self._listening = asyncio.Event()
        self._listening_lock = asyncio.Lock()  # one statement at a time on that connection
        self._heard = SharedRoundTrip(self._hear_what_was_sent)
        self._closing = False

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(self.url, min_size=POOL_MIN, max_size=POOL_MAX,
                                               reset=_nothing_to_reset)
        async with self._pool.acquire() as conn:
            await self._migrate(conn)
        self._closing = False
        self._listener = asyncio.create_task(self._listen())
        await self._listening.wait()

    async def close(self) -> None:
        self._closing = True
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    # Schema ----------------------------------------------------------------

    async def _migrate(self, conn: Connection) -> None:
        # One process migrates at a time; the others wait and find the work done.
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('blog schema'))")
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            version = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
            if version == 0:
                log.info("creating a new PostgreSQL schema")
                await conn.execute(schema_path(self.engine).read_text())
                await conn.execute("INSERT INTO schema_version VALUES ($1)", latest_version(self.engine))
                return
            for number, path in migrations(self.engine):
                if number > version:
                    log.info("upgrading the database to version %d (%s)", number, path.name)
                    await conn.execute(path.read_text())
                    await conn.execute("INSERT INTO schema_version VALUES ($1)", number)

    async def schema_version(self) -> int:
        return int(await self.fetchvalue("SELECT max(version) FROM schema_version") or 0)

    # Reads and writes --------------------------------------------------------

    def _ready_pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "database is not open"
        return self._pool

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        converted, args = _prepare(sql, params)
        for attempt in range(RETRIES + 1):
            try:
                return list(await self._ready_pool().fetch(converted, *args))
            except LOST_CONNECTION:
                if attempt == RETRIES:
                    raise
                await self._ready_pool().expire_connections()
                log.warning("a pooled connection was lost; reading again on another")
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def transaction(self, *, notify: bool = True) -> AsyncIterator[Transaction]:
        pool = self._ready_pool()
        conn, transaction = await _begin(pool)
        try:
            tx = PostgresTransaction(conn)
            try:
                yield tx
                if notify:  # delivered when, and only if, the commit is
                    await tx.notify(CHANGES_CHANNEL, self.origin)
            except asyncio.CancelledError:
                raise  # ended below: mid-statement, a ROLLBACK cannot be sent
            except BaseException:
                if not conn.is_closed():
                    await transaction.rollback()
                raise
            await transaction.commit()
        except asyncio.CancelledError:
            _end_unfinished(conn)
            raise
        finally:
            await pool.release(conn)
        if notify:
            self._changed()

    async def notify(self, channel: str, payload: str) -> None:
        """Tells every listener of `channel` in every process (payloads under 8,000 bytes)."""
        await self._ready_pool().execute("SELECT pg_notify($1, $2)", channel, payload)

    # Listening -------------------------------------------------------------

    async def listen(self, channel: str, handler: ChannelHandler) -> None:
        """Calls handler(payload) for every notification on `channel`, from any process."""
        new = channel not in self._channels
        self._channels.setdefault(channel, []).append(handler)
        conn = self._listening_conn
        if new and conn is not None and not conn.is_closed():
            async with self._listening_lock:
                await conn.add_listener(channel, self._dispatch)

    async def notice_changes(self) -> None:
        """Before each request: every commit of another process made before now has been
        heard, and the caches it concerns emptied (round_trips.py)."""
        await self._heard.passed()

    async def _hear_what_was_sent(self) -> None:
        conn = self._listening_conn
        if conn is None or conn.is_closed():  # reconnecting: what another process changed is unknown
            self._changed()
            return
        try:
            async with self._listening_lock, asyncio.timeout(HEARD_TIMEOUT):
                await conn.execute("SELECT 1")
        except (TimeoutError, *LOST_CONNECTION, asyncpg.PostgresError) as exc:
            conn.terminate()  # the listener opens another, and empties every cache
            if not self._closing:  # (closing, the listener closed it under the query)
                log.warning("the connection that listens for changes did not answer (%r); opening another", exc)

    def _heard_change(self, payload: str) -> None:
        if payload != self.origin:
            self._changed()

    async def _listen(self) -> None:
        while not self._closing:
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self.url)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("cannot listen for changes (%s); trying again", exc)
                await asyncio.sleep(RECONNECT_PAUSE)
                continue
            try:
                conn.add_termination_listener(lambda _: lost.set())
                for channel in list(self._channels):
                    await conn.add_listener(channel, self._dispatch)
                self._listening_conn = conn
                if self._listening.is_set():
                    log.warning("listening for changes again; every cache is emptied")
                    self._changed()  # whatever was said while nobody listened is lost
                self._listening.set()
                await lost.wait()
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("lost the connection that listens for changes (%s)", exc)
            finally:
                self._listening_conn = None
                with contextlib.suppress(Exception):
                    await asyncio.shield(conn.close(timeout=1))
            if not self._closing:
                await asyncio.sleep(RECONNECT_PAUSE)

    def _dispatch(self, conn: Connection, pid: int, channel: str, payload: object) -> None:
        for handler in self._channels.get(channel, ()):
            try:
                handler(str(payload))
            except Exception:  # one bad handler must not silence the others
                log.exception("a handler of %s failed", channel)

