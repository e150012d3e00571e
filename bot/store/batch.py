"""Group commit: small write transactions that arrive together commit as one.

A rush (a thousand `/trivia start` in a second) makes thousands of tiny writes. Through
`Store.transaction()` each costs several trips to aiosqlite's thread (BEGIN, each statement,
COMMIT) under the write lock, and on a busy event loop every trip waits for a loop turn: the
writes queue behind each other for seconds. Here a write is a plain function over the sqlite3
connection; the writes waiting when the lock frees run in ONE trip to the thread, inside one
`BEGIN IMMEDIATE … COMMIT`, each in its own SAVEPOINT so one that raises is rolled back alone and
its caller gets the exception. Every caller's future resolves only after the COMMIT (or with the
error that stopped it), so a returned id is durable exactly as with `transaction()`.

aiosqlite has no public "run this function on your thread"; `_execute` and `_conn` are what its
own methods use (pinned by the version in pyproject.toml).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from bot.store.core import Store

T = TypeVar("T")
Write = Callable[[sqlite3.Connection], Any]


class WriteBatcher:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: list[tuple[Write, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def run(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """Run `write(conn)` in a transaction (shared with others waiting); its result after COMMIT."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((write, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="store-write-batch")
        return await future

    async def _flush(self) -> None:
        store = self._store
        while self._pending:
            async with store._write_lock:
                batch, self._pending = self._pending, []
                started = time.perf_counter()
                try:
                    outcomes = await asyncio.shield(store.conn._execute(_apply, store.conn, [w for w, _ in batch]))
                except BaseException as exc:  # the BEGIN or COMMIT failed: nothing of the batch was written
                    error = _store_error(exc)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    continue
                if store.observer is not None:
                    store.observer("write", time.perf_counter() - started)
            for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue  # its caller was cancelled; the write stands, as a finished transaction would
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)  # as raised inside a transaction() body


def _apply(aconn: Any, writes: list[Write]) -> list[tuple[bool, Any]]:
    """On aiosqlite's thread: every write in its savepoint, one COMMIT for all."""
    conn: sqlite3.Connection = aconn._conn
    conn.execute("BEGIN IMMEDIATE")
    outcomes: list[tuple[bool, Any]] = []
    try:
        for write in writes:
            conn.execute("SAVEPOINT batched")
            try:
                outcomes.append((True, write(conn)))
            except Exception as exc:
                conn.execute("ROLLBACK TO batched")
                outcomes.append((False, exc))
            conn.execute("RELEASE batched")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def _store_error(exc: BaseException) -> BaseException:
    if isinstance(exc, sqlite3.OperationalError):
        from bot.store.core import _unavailable

        error: BaseException = _unavailable(exc)
        error.__cause__ = exc
        return error
    return exc
