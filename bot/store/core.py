"""Opening, migrating and transacting on the SQLite file.

One connection per process, in autocommit mode: writes go through `transaction()`, which takes an
asyncio lock (one connection cannot interleave two transactions) and `BEGIN IMMEDIATE` (so a
second process waits on the busy timeout instead of failing half-way). SQLite's "locked" and
"unable to open" errors become `StoreUnavailableError`, which users see as a clear, ephemeral
message: nothing half-written, nothing lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import aiosqlite

from bot.errors import StoreUnavailableError
from bot.store.batch import WriteBatcher

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 2_000
T = TypeVar("T")

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(Exception):
    """The store cannot be opened or migrated (start-up problem, shown to the operator)."""


def migration_scripts(package: str = "bot.store.migrations") -> list[tuple[int, str, str]]:
    """(version, name, sql) for every `NNNN_name.sql` in a migrations package, numbered 1..n without gaps."""
    scripts = []
    for entry in resources.files(package).iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number, _, rest = name.partition("_")
        scripts.append((int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    scripts.sort()
    versions = [v for v, _, _ in scripts]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"{package}: migrations must be numbered 1..n without gaps, found {versions}")
    return scripts


def on_content_store(
    function: Callable[Concatenate[Store, P], Awaitable[R]],
) -> Callable[Concatenate[Store, P], Awaitable[R]]:
    """Run a content function on `store.content` (the local SQLite file when community state is elsewhere)."""

    @functools.wraps(function)
    async def wrapper(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        return await function(store.content, *args, **kwargs)

    return wrapper


def latest_version() -> int:
    return len(migration_scripts())


class Store:
    """The SQLite store (and the base of `bot.store.postgres.PostgresStore`, which keeps this surface)."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._reader: sqlite3.Connection | None = None
        self._batcher = WriteBatcher(self)
        # Told ("read" | "write", seconds) after each query / transaction: the metrics hook.
        self.observer: Callable[[str, float], None] | None = None

    @classmethod
    async def open(cls, path: Path, *, migrate_to: int | None = None) -> Store:
        """Open (creating the file and its folder if needed) and apply pending migrations."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database at {path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        store = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await store.migrate(migrate_to)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise StoreError(f"cannot use the database at {path}: {exc}") from exc
        except BaseException:
            await conn.close()
            raise
        return store

    @property
    def content(self) -> Store:
        """Where the content pack's tables are read and imported: this store itself on SQLite."""
        return self

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        await self.conn.close()

    async def user_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply each pending migration in its own transaction; returns the versions applied."""
        scripts = migration_scripts()
        target = len(scripts) if target is None else target
        current = await self.user_version()
        if current > len(scripts):
            raise StoreError(
                f"the database is at schema version {current}, newer than this code knows ({len(scripts)})"
            )
        applied = []
        for version, name, sql in scripts:
            if version <= current or version > target:
                continue
            log.info("applying migration %04d_%s", version, name)
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version = {version}")
                await self.conn.execute("COMMIT")
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Everything inside commits together or not at all.

        BEGIN, COMMIT and ROLLBACK run shielded: a task cancelled while one of them is in flight
        still lets it finish (and rolls back), so the shared connection is never left inside a
        half-open transaction that would make every later write fail.
        """
        async with self._write_lock:
            started = time.perf_counter()
            try:
                await _finish(self.conn.execute("BEGIN IMMEDIATE"), on_cancel=self._rollback)
            except sqlite3.OperationalError as exc:
                raise _unavailable(exc) from exc
            try:
                yield self.conn
            except BaseException:
                await _finish(self._rollback())
                raise
            try:
                await _finish(self.conn.execute("COMMIT"), on_cancel=self._rollback)
            except sqlite3.OperationalError as exc:
                await _finish(self._rollback())
                raise _unavailable(exc) from exc
            if self.observer is not None:
                self.observer("write", time.perf_counter() - started)

    async def _rollback(self) -> None:
        if self.conn.in_transaction:
            await self.conn.execute("ROLLBACK")

    async def fetch_all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        """All rows, in one trip to aiosqlite's thread (a cursor costs three: execute, fetch, close)."""
        started = time.perf_counter()
        try:
            rows = list(await self.conn.execute_fetchall(sql, params))
        except sqlite3.OperationalError as exc:
            raise _unavailable(exc) from exc
        if self.observer is not None:
            self.observer("read", time.perf_counter() - started)
        return rows

    async def fetch_page(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        """As `fetch_all`, for one page of a list read through an index (tens of microseconds).

        Answered right here on the event loop by a second, query-only connection: a trip to
        aiosqlite's thread costs more than such a read (the thread has to be woken and to take the
        GIL). WAL readers never wait for writers; if this one would (a checkpoint or recovery in
        another process), the usual path through the thread, with its busy timeout, answers instead.
        """
        started = time.perf_counter()
        try:
            rows: list[aiosqlite.Row] = self._read_connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return await self.fetch_all(sql, params)
        if self.observer is not None:
            self.observer("read", time.perf_counter() - started)
        return rows

    def _read_connection(self) -> sqlite3.Connection:
        if self._reader is None:
            reader = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
            reader.row_factory = sqlite3.Row
            reader.execute("PRAGMA query_only = ON")
            self._reader = reader
        return self._reader

    async def fetch_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        """The first row of a query that returns one (by key, an aggregate, or LIMIT 1), in one trip."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    @property
    def batches_writes(self) -> bool:
        """Whether `write` is available: it hands a plain sqlite3 connection to the write (SQLite only)."""
        return self.dialect == "sqlite"

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(conn)` as one transaction, committed together with the others waiting (see
        `bot.store.batch`): for the hot, small writes a rush makes. `fn` runs on aiosqlite's thread
        with the plain sqlite3 connection, so it must not await or touch the event loop."""
        return await self._batcher.run(fn)

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> None:
        """A single write statement in its own transaction (batched with others arriving together)."""
        if self.batches_writes:
            await self.write(lambda conn: conn.execute(sql, params).close())
            return
        async with self.transaction() as conn:
            await conn.execute(sql, params)

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)


async def _finish(
    operation: Awaitable[Any], *, on_cancel: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Await `operation` to the end even if the caller is cancelled meanwhile, then re-raise."""
    task = asyncio.ensure_future(operation)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        if on_cancel is not None:
            with contextlib.suppress(Exception):
                await on_cancel()
        raise


def _unavailable(exc: sqlite3.OperationalError) -> StoreUnavailableError:
    log.warning("database unavailable: %s", exc)
    return StoreUnavailableError(str(exc))


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about triggers)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
