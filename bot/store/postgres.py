"""The PostgreSQL store: the same surface as the SQLite `Store`, over an asyncpg pool.

Why an adapter rather than a second set of queries: the store modules (trivia, events, timers,
settings) are written once, with `?` placeholders and portable SQL, against `Store.transaction()`,
`conn.execute(...)` and the `fetch_*` helpers. This module gives them exactly that surface on
PostgreSQL, so cogs and domain code never know which database runs:

- `?` and `:name` placeholders become `$1…` (outside string literals, identifiers and comments);
- rows are asyncpg `Record`s, which, like `aiosqlite.Row`, answer both `row[0]` and `row["name"]`;
- `rowcount` comes from the command status (`UPDATE 3`), or the number of rows a RETURNING gave;
- a lost connection, a server restart or a serialisation conflict becomes `StoreUnavailableError`
  (the "try again" users already see on SQLite); the pool opens fresh connections by itself;
- a unique violation is raised as `UniqueViolation`, a subclass of `sqlite3.IntegrityError`, so
  code written against SQLite ("this channel already has a game") keeps catching it.

Migrations live in `bot/store/migrations_pg/` (one per SQLite community migration, same numbers),
tracked in `schema_version`; an advisory lock lets several processes start at once.

Every open store holds `RUNNING_LOCK` shared on a connection of its own (pooled connections drop
advisory locks when they go back to the pool): all processes of a bot (shards) hold it together,
and `python -m bot restore` takes it exclusively, so it refuses while any of them runs, and a
bot started during a restore refuses to start. A session lock ends with its connection, so a
process that dies never leaves it behind; when that connection is lost while the store stays
open (a database restart), the store takes the lock again as soon as the server answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import aiosqlite
import asyncpg

from bot.errors import StoreUnavailableError
from bot.store.core import Store, StoreError, migration_scripts

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x4C54_4D49  # "LTMI": one advisory lock id for "someone is migrating"
RUNNING_LOCK = 0x4C54_5255  # "LTRU": held shared by every process using the database, exclusively by a restore
BOT_APPLICATION_NAME = "littlethings-bot"
"""What the bot's connections call themselves in pg_stat_activity: a restore refuses while any is there."""
POOL_MAX_SIZE = 10
COMMAND_TIMEOUT = 10.0

# SQLSTATE classes that mean "the database could not do it now; nothing was changed".
_TRANSIENT_STATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}


class ConstraintViolation(sqlite3.IntegrityError):
    """A CHECK, NOT NULL, foreign key or unique constraint refused a write, as on SQLite."""


class UniqueViolation(ConstraintViolation):
    """A unique or exclusion constraint refused a write (the text names the constraint and says UNIQUE)."""


def pg_migration_scripts() -> list[tuple[int, str, str]]:
    """The PostgreSQL migrations, numbered like their SQLite twins."""
    return migration_scripts("bot.store.migrations_pg")


def pg_latest_version() -> int:
    return len(pg_migration_scripts())


# -- placeholders ------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, tuple[str, ...] | int]:
    """`?`/`:name` → `$n`. Returns the new SQL and either the parameter count (positional) or the names in order.

    Quotes ('…', "…"), comments and `::type` casts are copied as they are.
    """
    out: list[str] = []
    names: list[str] = []
    positional = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif c == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
        elif c == "?":
            positional += 1
            out.append(f"${positional}")
            i += 1
        elif c == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":" and (match := _NAME.match(sql, i + 1)) is not None:
            name = match.group(0)
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = match.end()
        else:
            out.append(c)
            i += 1
    if names and positional:
        raise ValueError("mixing ? and :name placeholders in one statement")
    return "".join(out), (tuple(names) if names else positional)


def _arguments(spec: tuple[str, ...] | int, params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
    if isinstance(spec, tuple):
        if not isinstance(params, Mapping):
            raise TypeError("named placeholders need a mapping of parameters")
        return [params[name] for name in spec]
    if isinstance(params, Mapping):
        raise TypeError("? placeholders need a sequence of parameters")
    return list(params)


def _returns_rows(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH", "VALUES", "SHOW") or "RETURNING" in sql.upper()


def _status_count(status: str) -> int:
    """`UPDATE 3` → 3, `INSERT 0 1` → 1; -1 when the command reports no count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


# -- errors ------------------------------------------------------------------------------------


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "the database cannot answer now" rather than a bug in our SQL."""
    if isinstance(exc, (OSError, asyncio.TimeoutError, asyncpg.InterfaceError, asyncpg.InternalClientError)):
        # InternalClientError: the pool resetting a connection the server dropped mid-operation
        return True
    if isinstance(exc, asyncpg.PostgresConnectionError):
        return True
    state = getattr(exc, "sqlstate", None)
    return isinstance(exc, asyncpg.PostgresError) and (state in _TRANSIENT_STATES or str(state).startswith("08"))


def _translate_error(exc: BaseException) -> BaseException | None:
    if isinstance(exc, asyncpg.UniqueViolationError):
        constraint = getattr(exc, "constraint_name", "") or ""
        table = getattr(exc, "table_name", "") or ""
        return UniqueViolation(f"UNIQUE constraint failed: {table} ({constraint}): {exc}")
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return ConstraintViolation(f"constraint failed: {exc}")
    if is_unavailable(exc):
        log.warning("PostgreSQL unavailable: %s: %s", type(exc).__name__, exc)
        return StoreUnavailableError(f"{type(exc).__name__}: {exc}")
    return None


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError) as exc:
        replacement = _translate_error(exc)
        if replacement is None:
            raise
        raise replacement from exc


# -- connection adapter ------------------------------------------------------------------------


class PgCursor:
    """What the store modules read from `conn.execute(...)`: rows, `rowcount` and (never set) `lastrowid`."""

    lastrowid = None  # use RETURNING id: PostgreSQL has no "last row id" of a connection

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self._position = 0
        self.rowcount = rowcount

    async def fetchone(self) -> asyncpg.Record | None:
        if self._position >= len(self._rows):
            return None
        row = self._rows[self._position]
        self._position += 1
        return row

    async def fetchall(self) -> list[asyncpg.Record]:
        rows = self._rows[self._position :]
        self._position = len(self._rows)
        return rows

    async def fetchmany(self, size: int) -> list[asyncpg.Record]:
        rows = self._rows[self._position : self._position + size]
        self._position += len(rows)
        return rows

    def __aiter__(self) -> AsyncIterator[asyncpg.Record]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[asyncpg.Record]:
        while (row := await self.fetchone()) is not None:
            yield row

    async def close(self) -> None:
        return None


class _Pending:
    """`conn.execute(...)` result: awaitable (gives the cursor) and an async context manager, like aiosqlite's."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self._cursor: PgCursor | None = None

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> PgCursor:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class PgConnection:
    """One pooled asyncpg connection inside a transaction, speaking the aiosqlite subset the store uses."""

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> _Pending:
        return _Pending(lambda: self._execute(sql, params))

    async def _execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> PgCursor:
        text, spec = translate(sql)
        args = _arguments(spec, params)
        async with _translated():
            if _returns_rows(sql):
                rows = await self.raw.fetch(text, *args)
                return PgCursor(rows, len(rows))
            status = await self.raw.execute(text, *args)
        return PgCursor([], _status_count(status))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> PgCursor:
        """Each row in turn on the same prepared statement, so `rowcount` is the real total."""
        total = 0
        for params in rows:
            cursor = await self._execute(sql, params)
            total += max(cursor.rowcount, 0)
        return PgCursor([], total)

    async def execute_fetchall(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[asyncpg.Record]:
        cursor = await self._execute(sql, params)
        return await cursor.fetchall()


# -- the store ---------------------------------------------------------------------------------


class PostgresStore(Store):
    """Community state in PostgreSQL. A subclass of `Store` so every module typed against it takes this too."""

    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool, url: str, content: Store | None = None) -> None:
        self.pool = pool
        self.url = url
        self.path = Path(redact(url))
        self._content = content
        self.observer: Callable[[str, float], None] | None = None  # metrics: ("read" | "write", seconds)
        self._holder: asyncpg.Connection | None = None  # holds RUNNING_LOCK shared while the store is open
        self._rehold: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def content(self) -> Store:
        """This process's local SQLite file with the content pack (recaps, cast, facts, search)."""
        if self._content is None:
            raise RuntimeError("this PostgreSQL store has no local content store attached")
        return self._content

    @classmethod
    async def open(cls, path: Path, *, migrate_to: int | None = None) -> Store:  # pragma: no cover - use connect
        raise TypeError("open PostgreSQL with PostgresStore.connect(url)")

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        migrate_to: int | None = None,
        max_size: int = POOL_MAX_SIZE,
        content: Store | None = None,
    ) -> PostgresStore:
        """Open a pool and apply pending migrations; `content` is the local SQLite store the pack lives in.

        First of all it takes `RUNNING_LOCK` shared: a restore in progress makes this refuse.
        """
        try:
            holder = await _take_running_lock(url)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from exc
        if holder is None:
            raise StoreError(f"a restore is replacing the database at {redact(url)}; start the bot when it is done")
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=max_size, command_timeout=COMMAND_TIMEOUT, init=_init_connection,
                server_settings={"application_name": BOT_APPLICATION_NAME},
            )
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            await _close_quietly(holder)
            raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from exc
        except BaseException:
            await _close_quietly(holder)
            raise
        store = cls(pool, url, content)
        store._keep(holder)
        try:
            await store.migrate(migrate_to)
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        self._closing = True
        try:
            await self.pool.close()
        finally:
            if self._rehold is not None:
                self._rehold.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._rehold
            holder, self._holder = self._holder, None
            if holder is not None:
                await _close_quietly(holder)  # ends the session: RUNNING_LOCK goes with it

    @property
    def holds_running_lock(self) -> bool:
        """Whether this store's session holds RUNNING_LOCK now (false for a moment after that session was lost)."""
        return self._holder is not None and not self._holder.is_closed()

    def _keep(self, holder: asyncpg.Connection) -> None:
        self._holder = holder
        holder.add_termination_listener(self._lost_hold)

    def _lost_hold(self, holder: asyncpg.Connection) -> None:
        if self._closing or holder is not self._holder:
            return
        self._holder = None
        log.warning("PostgreSQL: lost the session that tells a restore this bot is running; taking it again")
        self._rehold = asyncio.get_running_loop().create_task(self._take_again(), name="postgres-running-lock")

    async def _take_again(self) -> None:
        """Retake RUNNING_LOCK on a new session, as soon as the server answers (backing off to 30 s)."""
        pause = 0.5
        while not self._closing:
            try:
                holder = await _take_running_lock(self.url)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                pass  # the server is not back yet
            else:
                if holder is None:
                    log.error("PostgreSQL: a restore is replacing the database under this running bot; stop the bot")
                elif self._closing:
                    await _close_quietly(holder)
                    return
                else:
                    self._keep(holder)
                    log.info("PostgreSQL: holding the running lock again")
                    return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 30.0)

    async def user_version(self) -> int:
        async with self.pool.acquire() as raw:
            return await schema_version(raw)

    async def migrate(self, target: int | None = None) -> list[int]:
        scripts = pg_migration_scripts()
        target = len(scripts) if target is None else target
        applied: list[int] = []
        async with self.pool.acquire() as raw:
            async with raw.transaction():
                await raw.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version "
                    "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
                )
                current = await schema_version(raw)
                if current > len(scripts):
                    raise StoreError(
                        f"the database is at schema version {current}, newer than this code knows ({len(scripts)})"
                    )
            for version, name, sql in scripts:
                if version > target:
                    break
                async with raw.transaction():
                    await raw.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    if version <= await schema_version(raw):
                        continue  # another process got there first
                    log.info("applying PostgreSQL migration %04d_%s", version, name)
                    await raw.execute(sql)
                    await raw.execute(
                        "INSERT INTO schema_version (id, version) VALUES (1, $1) "
                        "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                        version,
                    )
                applied.append(version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Everything inside commits together or not at all (READ COMMITTED, row locks where SQL takes them).

        The yielded adapter implements the part of `aiosqlite.Connection` the store modules use,
        which is why it is typed as one.
        """
        started = time.perf_counter()
        async with _translated(), self.pool.acquire() as raw, raw.transaction():
            yield cast(aiosqlite.Connection, PgConnection(raw))
        if self.observer is not None:
            self.observer("write", time.perf_counter() - started)

    async def fetch_all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        text, spec = translate(sql)
        started = time.perf_counter()
        async with _translated():
            rows = await self.pool.fetch(text, *_arguments(spec, params))
        if self.observer is not None:
            self.observer("read", time.perf_counter() - started)
        return cast(list[aiosqlite.Row], rows)

    async def fetch_page(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        """As `fetch_all` (SQLite answers pages on a second, in-loop connection; here the pool does)."""
        return await self.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        text, spec = translate(sql)
        started = time.perf_counter()
        async with _translated():
            row = await self.pool.fetchrow(text, *_arguments(spec, params))
        if self.observer is not None:
            self.observer("read", time.perf_counter() - started)
        return cast("aiosqlite.Row | None", row)

    async def _rollback(self) -> None:  # pragma: no cover - asyncpg's transaction block rolls back itself
        return None


async def _take_running_lock(url: str) -> asyncpg.Connection | None:
    """A session of its own holding RUNNING_LOCK shared, or None while a restore holds it exclusively.

    Connection errors propagate: the caller says what they mean at its moment (start, or a retry).
    """
    holder = await asyncpg.connect(
        url, command_timeout=COMMAND_TIMEOUT, server_settings={"application_name": BOT_APPLICATION_NAME}
    )
    try:
        if await holder.fetchval("SELECT pg_try_advisory_lock_shared($1)", RUNNING_LOCK):
            return holder
    except BaseException:
        await _close_quietly(holder)
        raise
    await _close_quietly(holder)
    return None


async def _close_quietly(raw: asyncpg.Connection) -> None:
    """Close a connection the server may already have dropped (a restart): never raise, never hang."""
    try:
        await raw.close(timeout=5)
    except Exception:
        raw.terminate()


async def _init_connection(raw: asyncpg.Connection) -> None:
    # Short lock waits: a blocked write becomes "try again" rather than a hung command.
    await raw.execute("SET lock_timeout = '5s'")


async def schema_version(raw: asyncpg.Connection) -> int:
    """The migration version recorded in the database (0: none applied, or not a bot database)."""
    exists = await raw.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    value = await raw.fetchval("SELECT version FROM schema_version WHERE id = 1")
    return int(value or 0)


def redact(url: str) -> str:
    """The URL without its password, for logs and error lines."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgres://", "postgresql://"))
