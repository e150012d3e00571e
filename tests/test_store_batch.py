"""Group commit: writes arriving together share one transaction, yet each stands or falls alone."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.errors import StoreUnavailableError
from bot.store import Store


async def _open(tmp_path: Path) -> Store:
    store = await Store.open(tmp_path / "bot.sqlite3")
    await store.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    return store


async def test_writes_arriving_together_commit_in_one_transaction(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    commits: list[str] = []
    store.observer = lambda kind, _seconds: commits.append(kind)
    try:
        ids = await asyncio.gather(*(
            store.write(lambda conn, n=n: conn.execute("INSERT INTO t (v) VALUES (?)", (f"v{n}",)).lastrowid)
            for n in range(50)
        ))
        assert sorted(ids) == list(range(1, 51))
        assert commits == ["write"]  # fifty writes, one BEGIN … COMMIT
        # Durable once awaited: a second connection (another process, a restart) sees every row.
        other = sqlite3.connect(tmp_path / "bot.sqlite3")
        assert other.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 50
        other.close()
    finally:
        await store.close()


async def test_a_failing_write_is_rolled_back_alone_and_its_caller_gets_the_error(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    try:
        def half_then_fail(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO t (v) VALUES ('half')")
            conn.execute("INSERT INTO t (v) VALUES ('a')")  # clashes with the first write's row

        results = await asyncio.gather(
            store.write(lambda conn: conn.execute("INSERT INTO t (v) VALUES ('a')").lastrowid),
            store.write(half_then_fail),
            store.execute("INSERT INTO t (v) VALUES ('b')"),
            return_exceptions=True,
        )
        assert results[0] == 1
        assert isinstance(results[1], sqlite3.IntegrityError)
        assert results[2] is None
        rows = await store.fetch_all("SELECT v FROM t ORDER BY id")
        assert [r["v"] for r in rows] == ["a", "b"]  # nothing of the failed write, not even its first row
    finally:
        await store.close()


async def test_a_locked_database_fails_the_batch_clearly_and_writes_nothing(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    other = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None)
    await store.conn.execute("PRAGMA busy_timeout = 50")
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreUnavailableError):
            await store.execute("INSERT INTO t (v) VALUES ('x')")
        other.execute("ROLLBACK")
        await store.execute("INSERT INTO t (v) VALUES ('y')")  # the connection is usable again
        assert [r["v"] for r in await store.fetch_all("SELECT v FROM t")] == ["y"]
    finally:
        other.close()
        await store.close()
