"""The store: migrations from any version, transactions that commit whole, clear errors when locked."""

import sqlite3
from pathlib import Path

import pytest

from bot.errors import StoreUnavailableError
from bot.store import Store, StoreError
from bot.store.core import latest_version, migration_scripts


async def test_a_new_file_is_created_and_fully_migrated(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "bot.sqlite3"
    store = await Store.open(path)
    try:
        assert path.exists()
        assert await store.user_version() == latest_version()
        assert await store.fetch_value("PRAGMA journal_mode") == "wal"
        assert await store.fetch_value("PRAGMA foreign_keys") == 1
        assert await store.fetch_value("PRAGMA busy_timeout") > 0
    finally:
        await store.close()


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [version for version, _, _ in migration_scripts()]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2


@pytest.mark.parametrize("start", range(len(migration_scripts())))
async def test_every_older_version_migrates_to_the_latest(tmp_path: Path, start: int) -> None:
    """A database left at any older version reaches the same schema as a fresh one."""
    old = await Store.open(tmp_path / "old.sqlite3", migrate_to=start)
    assert await old.user_version() == start
    await old.close()

    upgraded = await Store.open(tmp_path / "old.sqlite3")
    fresh = await Store.open(tmp_path / "fresh.sqlite3")
    try:
        assert await upgraded.user_version() == latest_version()
        schema_sql = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        assert [tuple(r) for r in await upgraded.fetch_all(schema_sql)] == [
            tuple(r) for r in await fresh.fetch_all(schema_sql)
        ]
    finally:
        await upgraded.close()
        await fresh.close()


async def test_community_data_survives_an_upgrade(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "s.sqlite3", migrate_to=2)
    await store.execute("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (1, 'Asia/Kolkata', 0)")
    await store.close()
    store = await Store.open(tmp_path / "s.sqlite3")
    try:
        assert await store.fetch_value("SELECT timezone FROM guild_settings WHERE guild_id = 1") == "Asia/Kolkata"
    finally:
        await store.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    with pytest.raises(StoreError, match="newer than this code knows"):
        await Store.open(path)


async def test_a_path_that_cannot_hold_a_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the database"):
        await Store.open(blocker / "bot.sqlite3")


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot use the database"):
        await Store.open(path)


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "t.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as conn:
                await conn.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (7, 0)")
                raise RuntimeError("boom")
        assert await store.fetch_value("SELECT COUNT(*) FROM guild_settings") == 0
    finally:
        await store.close()


async def test_a_locked_database_gives_a_user_facing_error_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.store.core.BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.sqlite3"
    store = await Store.open(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreUnavailableError, match="busy or unavailable"):
            await store.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (8, 0)")
        other.execute("ROLLBACK")
        assert await store.fetch_value("SELECT COUNT(*) FROM guild_settings") == 0
        await store.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (8, 0)")
        assert await store.fetch_value("SELECT COUNT(*) FROM guild_settings") == 1
    finally:
        other.close()
        await store.close()


async def test_a_writer_cancelled_mid_transaction_leaves_the_connection_usable(tmp_path: Path) -> None:
    """Cancelling a task inside or while entering a transaction must not wedge later writes."""
    import asyncio

    store = await Store.open(tmp_path / "c.sqlite3")
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with store.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (1, 0)")
            started.set()
            await asyncio.sleep(3600)

    async def entering_writer() -> None:
        async with store.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (2, 0)")

    try:
        task = asyncio.create_task(slow_writer())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(20):  # cancel at many points while BEGIN is in flight
            entering = asyncio.create_task(entering_writer())
            await asyncio.sleep(0)
            entering.cancel()
            await asyncio.gather(entering, return_exceptions=True)
        await store.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (3, 0)")
        ids = {row[0] for row in await store.fetch_all("SELECT guild_id FROM guild_settings")}
        assert 1 not in ids and 3 in ids
    finally:
        await store.close()
