"""Backups of a PostgreSQL store (`bot.ops.pg_backup`) on a real throwaway cluster.

What the SQLite backend promises, with pg_dump's custom format: a checked archive written while the
store is open, a restore that refuses while a bot is connected and leaves the database untouched on
any bad file, keeps the database it replaces, and swaps in one transaction.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.config import Config
from bot.localpg import LocalPostgres
from bot.ops import cli as ops_cli
from bot.ops.backup import BackupError, SqliteBackup, backend_for, prune
from bot.ops.pg_backup import PG_SUFFIX, PostgresBackup, find_client_tool
from bot.store import settings as settings_store
from bot.store.backups import last_backup
from bot.store.postgres import BOT_APPLICATION_NAME, PostgresStore, pg_latest_version

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
GUILD = 4242


@pytest.fixture
def url(pg_cluster: LocalPostgres) -> str:
    return pg_cluster.create_database("bk")


@pytest.fixture
async def store(url: str) -> AsyncIterator[PostgresStore]:
    opened = await PostgresStore.connect(url)
    await settings_store.set_guild_timezone(opened, GUILD, "Asia/Kolkata", now=NOW)
    await opened.execute(
        "INSERT INTO trivia_scores (guild_id, period, user_id, points, answers) VALUES (?, 'all', ?, ?, 1)",
        (GUILD, 7, 120),
    )
    yield opened
    await opened.close()


def backend(url: str, tmp_path: Path) -> PostgresBackup:
    return PostgresBackup(url, keep_dir=tmp_path / "kept")


async def count(url: str, table: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(f"SELECT COUNT(*) FROM {table}"))
    finally:
        await conn.close()


async def test_a_backup_while_the_store_is_open_is_checked_against_the_live_counts(
    store: PostgresStore, url: str, tmp_path: Path
) -> None:
    dest = tmp_path / "out" / f"manual{PG_SUFFIX}"
    check = await asyncio.to_thread(backend(url, tmp_path).backup, dest)
    assert check.path == dest and dest.read_bytes().startswith(b"PGDMP")
    assert check.schema_version == pg_latest_version()
    assert check.rows["guild_settings"] == 1 and check.rows["trivia_scores"] == 1 and "timers" in check.rows
    assert "integrity ok" in check.summary()
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]  # no .partial left
    assert backend(url, tmp_path).check(dest).rows == check.rows


async def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(
    store: PostgresStore, url: str, tmp_path: Path
) -> None:
    dest = tmp_path / f"b{PG_SUFFIX}"
    await asyncio.to_thread(backend(url, tmp_path).backup, dest)
    await store.execute("INSERT INTO trivia_scores (guild_id, period, user_id, points, answers) "
                        "VALUES (?, 'all', 8, 5, 1)", (GUILD,))
    await store.close()  # the bot is stopped for a restore

    result = await asyncio.to_thread(backend(url, tmp_path).restore, dest, now=NOW)

    assert await count(url, "trivia_scores") == 1
    assert result.replaced == tmp_path / "kept" / f"replaced-20260302-180000{PG_SUFFIX}"
    assert result.into.endswith("/" + url.rsplit("/", 1)[1]) and result.check.rows["trivia_scores"] == 1
    reopened = await PostgresStore.connect(url)  # the bot starts on it: migrations find it current
    try:
        assert await settings_store.guild_timezone(reopened, GUILD) == "Asia/Kolkata"
    finally:
        await reopened.close()
    # What was replaced is itself a checked backup: restoring it brings the later score back.
    await asyncio.to_thread(backend(url, tmp_path / "again").restore, result.replaced, now=NOW)
    assert await count(url, "trivia_scores") == 2


async def test_restore_refuses_while_a_bot_is_connected(store: PostgresStore, url: str, tmp_path: Path) -> None:
    dest = tmp_path / f"b{PG_SUFFIX}"
    await asyncio.to_thread(backend(url, tmp_path).backup, dest)
    await store.execute("INSERT INTO trivia_scores (guild_id, period, user_id, points, answers) "
                        "VALUES (?, 'all', 8, 5, 1)", (GUILD,))
    refused = r"^a bot is running against this database; stop it first \(nothing was changed\)$"
    with pytest.raises(BackupError, match=refused):  # the open store holds RUNNING_LOCK shared
        await asyncio.to_thread(backend(url, tmp_path).restore, dest, now=NOW)
    assert await count(url, "trivia_scores") == 2
    assert not (tmp_path / "kept").exists()


async def test_restore_also_refuses_while_a_bot_connection_is_listed_without_the_lock(
    store: PostgresStore, url: str, tmp_path: Path
) -> None:
    """The second line: a connection calling itself littlethings-bot (a bot of a release before the
    lock, say) is seen in pg_stat_activity."""
    dest = tmp_path / f"b{PG_SUFFIX}"
    await asyncio.to_thread(backend(url, tmp_path).backup, dest)
    await store.close()
    other = await asyncpg.connect(url, server_settings={"application_name": BOT_APPLICATION_NAME})
    try:
        refused = (
            r"^a bot process is using postgresql://.* \(1 connection\(s\)\); stop it first \(nothing was changed\)$"
        )
        with pytest.raises(BackupError, match=refused):
            await asyncio.to_thread(backend(url, tmp_path).restore, dest, now=NOW)
    finally:
        await other.close()
    assert not (tmp_path / "kept").exists()


@pytest.mark.parametrize("damage", ["cut short", "not an archive", "sqlite file", "newer schema", "missing"])
async def test_a_bad_file_is_refused_in_one_line_and_nothing_is_touched(
    store: PostgresStore, url: str, tmp_path: Path, pg_cluster: LocalPostgres, damage: str
) -> None:
    good = tmp_path / f"good{PG_SUFFIX}"
    await asyncio.to_thread(backend(url, tmp_path).backup, good)
    bad = tmp_path / f"bad{PG_SUFFIX}"
    expected = {
        "cut short": r"is cut short or damaged: ",
        "not an archive": r"is not a backup \(not a pg_dump archive in custom format\)",
        "sqlite file": r"is a backup of an SQLite database, but this bot's store is PostgreSQL",
        "newer schema": r"is from a newer version of the bot \(schema version \d+; this code knows up to \d+\)",
        "missing": r": no such file",
    }[damage]
    if damage == "cut short":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    elif damage == "not an archive":
        bad.write_text("SELECT 1;\n")
    elif damage == "sqlite file":
        bad.write_bytes(b"SQLite format 3\x00" + bytes(100))
    elif damage == "newer schema":
        newer_url = pg_cluster.create_database("newer")
        newer = await PostgresStore.connect(newer_url)
        await newer.close()
        pg_cluster.psql(f"UPDATE schema_version SET version = {pg_latest_version() + 1}", newer_url.rsplit("/", 1)[1])
        dump = find_client_tool("pg_dump")
        subprocess.run([str(dump), "--format=custom", f"--file={bad}", f"--dbname={newer_url}"], check=True)
    await store.close()

    with pytest.raises(BackupError, match=expected) as refused:
        await asyncio.to_thread(backend(url, tmp_path).restore, bad, now=NOW)
    assert "\n" not in str(refused.value)
    assert await count(url, "trivia_scores") == 1 and not (tmp_path / "kept").exists()


def test_missing_client_programs_are_named_with_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"^pg_dump was not found on PATH .*apt-get install postgresql-client\)$"):
        PostgresBackup("postgresql://bot@127.0.0.1:1/x", keep_dir=tmp_path, tool_dirs=[tmp_path]).backup(
            tmp_path / f"b{PG_SUFFIX}"
        )
    assert list(tmp_path.iterdir()) == []


def test_the_sqlite_backend_refuses_a_postgresql_archive(tmp_path: Path) -> None:
    archive = tmp_path / f"b{PG_SUFFIX}"
    archive.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    with pytest.raises(BackupError, match=r"is a backup of PostgreSQL \(a pg_dump archive\).*set DATABASE_URL"):
        SqliteBackup(tmp_path / "bot.sqlite3").restore(archive, now=NOW)
    assert not (tmp_path / "bot.sqlite3").exists()


async def test_the_commands_back_up_note_it_and_restore_with_database_url(
    store: PostgresStore, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Config(token="x.y.z", database_path=tmp_path / "content.sqlite3", database_url=url,
                    backup_dir=tmp_path / "backups")
    assert isinstance(backend_for(config), PostgresBackup)
    assert await asyncio.to_thread(ops_cli.backup, config, None, now=NOW) == 0
    made = tmp_path / "backups" / f"littlethings-20260302-180000{PG_SUFFIX}"
    assert made.is_file()
    out = capsys.readouterr().out
    assert out.startswith(f"backup written and checked: {made} (") and "integrity ok" in out
    noted = await last_backup(store)
    assert noted is not None and noted.path == made.resolve() and noted.trigger == "manual"

    assert await asyncio.to_thread(ops_cli.restore, config, made) == 1  # the store is open: a bot is running
    assert "stop it first" in capsys.readouterr().err
    await store.close()
    assert await asyncio.to_thread(ops_cli.restore, config, made, now=NOW) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"restored {made} to postgresql://") and "the database it replaced is kept as" in out


def test_pruning_keeps_each_kind_apart(tmp_path: Path) -> None:
    names = [f"littlethings-2026030{d}-180000{suffix}" for d in range(1, 5) for suffix in (".sqlite3", PG_SUFFIX)]
    for name in [*names, "replaced-20260301-180000.pgdump", "notes.txt"]:
        (tmp_path / name).write_text("x")
    removed = prune(tmp_path, 2, PG_SUFFIX)
    assert sorted(p.name for p in removed) == [f"littlethings-2026030{d}-180000{PG_SUFFIX}" for d in (1, 2)]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in left if n.endswith(".sqlite3")]) == 4 and "replaced-20260301-180000.pgdump" in left
