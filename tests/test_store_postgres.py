"""The PostgreSQL store: placeholders, migrations, errors users see, reconnecting, the shared pack."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.loader import load_pack, pack_fingerprint
from bot.errors import StoreUnavailableError
from bot.localpg import LocalPostgres
from bot.store.portable import in_list
from bot.store.postgres import PostgresStore, StoreError, pg_latest_version, pg_migration_scripts, redact, translate
from bot.store.shared_pack import shared_fingerprint, sync_shared_questions

# -- pure parts -------------------------------------------------------------------------------------


def test_question_marks_become_numbered_outside_literals_and_comments() -> None:
    sql = "SELECT '?', \"a?\" FROM t WHERE x = ? AND y = ? -- not ?\n AND z::text = ? /* ? */"
    assert translate(sql) == (
        "SELECT '?', \"a?\" FROM t WHERE x = $1 AND y = $2 -- not ?\n AND z::text = $3 /* ? */",
        3,
    )


def test_named_parameters_are_numbered_once_each() -> None:
    text, names = translate("VALUES (:game, :user, :game, 'x:y', ':no')")
    assert text == "VALUES ($1, $2, $1, 'x:y', ':no')"
    assert names == ("game", "user")


def test_doubled_quotes_stay_inside_the_literal() -> None:
    assert translate("SELECT 'it''s ?' , ?") == ("SELECT 'it''s ?' , $1", 1)


def test_in_list_never_builds_an_empty_in() -> None:
    assert in_list("id", [1, 2]) == ("id IN (?, ?)", [1, 2])
    assert in_list("id", []) == ("1 = 0", [])
    assert in_list("id", [], negate=True) == ("1 = 1", [])


def test_passwords_are_not_logged() -> None:
    assert redact("postgresql://bot:s3cret@db:5432/lt") == "postgresql://bot:***@db:5432/lt"


def test_pg_migrations_match_the_sqlite_numbering() -> None:
    from bot.store.core import migration_scripts

    assert [v for v, _, _ in pg_migration_scripts()] == list(range(1, pg_latest_version() + 1))
    assert [name for _, name, _ in pg_migration_scripts()] == [name for _, name, _ in migration_scripts()]


# -- against a real server ----------------------------------------------------------------------------

SCHEMA_SQL = (
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
    "WHERE table_schema = 'public' ORDER BY table_name, column_name"
)


@pytest.mark.parametrize("start", range(pg_latest_version()))
async def test_every_older_version_migrates_to_the_latest(pg_cluster: LocalPostgres, start: int) -> None:
    old_url, fresh_url = pg_cluster.create_database(), pg_cluster.create_database()
    old = await PostgresStore.connect(old_url, migrate_to=start)
    assert await old.user_version() == start
    await old.close()
    upgraded = await PostgresStore.connect(old_url)
    fresh = await PostgresStore.connect(fresh_url)
    try:
        assert await upgraded.user_version() == pg_latest_version()
        assert [tuple(r) for r in await upgraded.fetch_all(SCHEMA_SQL)] == [
            tuple(r) for r in await fresh.fetch_all(SCHEMA_SQL)
        ]
    finally:
        await upgraded.close()
        await fresh.close()


async def test_processes_starting_together_migrate_once(pg_cluster: LocalPostgres) -> None:
    url = pg_cluster.create_database()
    stores = await asyncio.gather(*(PostgresStore.connect(url) for _ in range(4)))
    try:
        assert {await s.user_version() for s in stores} == {pg_latest_version()}
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_a_database_newer_than_the_code_is_refused(pg_cluster: LocalPostgres) -> None:
    url = pg_cluster.create_database()
    store = await PostgresStore.connect(url)
    await store.execute("UPDATE schema_version SET version = ?", (pg_latest_version() + 1,))
    await store.close()
    with pytest.raises(StoreError, match="newer than this code knows"):
        await PostgresStore.connect(url)


async def test_an_unreachable_server_is_a_clear_error() -> None:
    from bot.localpg import free_port

    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        await PostgresStore.connect(f"postgresql://bot:pw@127.0.0.1:{free_port()}/none")


async def test_constraint_errors_look_like_sqlite_ones(pg_cluster: LocalPostgres) -> None:
    store = await PostgresStore.connect(pg_cluster.create_database())
    try:
        optin = "INSERT INTO release_optins (guild_id, user_id, created_at) VALUES (?, ?, ?)"
        await store.execute(optin, (1, 2, 3))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            await store.execute(optin, (1, 2, 4))
        with pytest.raises(sqlite3.IntegrityError):
            await store.execute(
                "INSERT INTO party_rsvps (party_id, user_id, status, updated_at) VALUES (?, ?, ?, ?)",
                (99, 1, "going", 0),
            )
    finally:
        await store.close()


async def test_a_transaction_commits_whole_or_not_at_all(pg_cluster: LocalPostgres) -> None:
    store = await PostgresStore.connect(pg_cluster.create_database())
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as conn:
                await conn.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?)", (1, 0))
                raise RuntimeError("half-way")
        assert await store.fetch_value("SELECT COUNT(*) FROM guild_settings") == 0
        async with store.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?), (?, ?)", (1, 0, 2, 0)
            )
            assert cursor.rowcount == 2
            cursor = await conn.executemany(
                "UPDATE guild_settings SET updated_at = ? WHERE guild_id = ?", [(5, 1), (5, 2)]
            )
            assert cursor.rowcount == 2
        row = await store.fetch_one("SELECT guild_id, updated_at FROM guild_settings WHERE guild_id = ?", (1 << 62,))
        assert row is None
        row = await store.fetch_one("SELECT guild_id, updated_at FROM guild_settings ORDER BY guild_id")
        assert row is not None and (row[0], row["updated_at"]) == (1, 5)
    finally:
        await store.close()


async def test_a_server_restart_is_try_again_then_the_pool_reconnects(pg_cluster: LocalPostgres) -> None:
    store = await PostgresStore.connect(pg_cluster.create_database())
    try:
        await store.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?)", (1, 0))
        await asyncio.to_thread(pg_cluster.stop, "fast")
        try:
            with pytest.raises(StoreUnavailableError) as caught:
                await store.execute("UPDATE guild_settings SET updated_at = 1 WHERE guild_id = 1")
            assert "Try again" in str(caught.value)
            with pytest.raises(StoreUnavailableError):
                await store.fetch_value("SELECT COUNT(*) FROM guild_settings")
        finally:
            await asyncio.to_thread(pg_cluster.start)
        await store.execute("UPDATE guild_settings SET updated_at = 2 WHERE guild_id = 1")
        assert await store.fetch_value("SELECT updated_at FROM guild_settings WHERE guild_id = 1") == 2
    finally:
        await store.close()


async def test_the_pack_questions_are_written_once_for_all_processes(pg_cluster: LocalPostgres) -> None:
    url = pg_cluster.create_database()
    stores = await asyncio.gather(*(PostgresStore.connect(url) for _ in range(3)))
    loaded = load_pack(DEFAULT_CONTENT_DIR)
    assert loaded.pack is not None
    fingerprint = pack_fingerprint(DEFAULT_CONTENT_DIR)
    try:
        results = await asyncio.gather(*(sync_shared_questions(s, loaded.pack, fingerprint) for s in stores))
        assert sorted(r.imported for r in results) == [False, False, True]
        assert await shared_fingerprint(stores[0]) == fingerprint
        count = await stores[0].fetch_value("SELECT COUNT(*) FROM trivia_questions WHERE retired = 0")
        assert count == len(loaded.pack.questions)
    finally:
        await asyncio.gather(*(s.close() for s in stores))
