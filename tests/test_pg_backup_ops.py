"""Backups and restores of the PostgreSQL store as a host runs them (`python -m bot backup/restore`
in their own processes), on the session's real cluster with the real pg_dump / pg_restore / psql:
round trips through the commands, the running lock between bots and restores, a restore that
fails part-way, an older archive over a newer schema, a full disk, and the password kept off
command lines. (tests/test_pg_backup.py covers the backend's checks of bad files.)"""

import asyncio
import os
import re
import resource
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.app import LittleThingsBot
from bot.config import Config
from bot.localpg import LocalPostgres
from bot.ops import cli as ops_cli
from bot.ops.backup import backend_for
from bot.ops.pg_backup import client_connection, find_client_tool
from bot.store import StoreError
from bot.store.postgres import RUNNING_LOCK, PostgresStore, pg_latest_version, pg_migration_scripts

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def sql(cluster: LocalPostgres, url: str, statement: str) -> str:
    return cluster.psql(statement, database=url.rsplit("/", 1)[1])


async def fill(url: str, *, migrate_to: int | None = None) -> None:
    """A database as the bot leaves it: migrated, a server setting, a member's timezone, a pending timer."""
    store = await PostgresStore.connect(url, migrate_to=migrate_to)
    try:
        await store.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)", (1, "Asia/Kolkata", 1)
        )
        await store.execute(
            "INSERT INTO member_settings (guild_id, user_id, timezone, updated_at) VALUES (?, ?, ?, ?)",
            (1, 42, "Europe/London", 1),
        )
    finally:
        await store.close()


@pytest.fixture
def live(pg_cluster: LocalPostgres) -> str:
    url = pg_cluster.create_database("bk")
    asyncio.run(fill(url))
    return url


def config_for(url: str, tmp_path: Path) -> Config:
    return Config(
        token="x.y.z", database_path=tmp_path / "local" / "content.sqlite3", database_url=url,
        backup_dir=tmp_path / "backups",
    )


def cli_env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BACKUP_", "DISCORD_"))}
    env.update(DATABASE_URL=url, DATABASE_PATH=str(tmp_path / "local" / "content.sqlite3"),
               BACKUP_DIR=str(tmp_path / "backups"), **extra)
    return env


def run_cli(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        **kwargs,  # type: ignore[arg-type]
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- backup --------------------------------------------------------------------------------------


def test_tables_outside_the_bots_schema_are_dumped_but_not_counted(
    pg_cluster: LocalPostgres, live: str, tmp_path: Path
) -> None:
    sql(pg_cluster, live, "CREATE SCHEMA extra; CREATE TABLE extra.guild_settings (x int); "
        "INSERT INTO extra.guild_settings VALUES (1), (2), (3)")
    check = backend_for(config_for(live, tmp_path)).backup(tmp_path / "with-extra.pgdump")
    assert check.rows["guild_settings"] == 1  # public's, not the other schema's three


async def test_backup_while_a_store_is_open_and_writing_counts_one_snapshot(live: str, tmp_path: Path) -> None:
    """A running bot keeps writing; the archive holds exactly what its snapshot counted."""
    store = await PostgresStore.connect(live)
    try:
        stop = asyncio.Event()

        async def keep_writing() -> int:
            n = 0
            while not stop.is_set():
                n += 1
                await store.execute(
                    "INSERT INTO member_settings (guild_id, user_id, timezone, updated_at) VALUES (?, ?, ?, ?)",
                    (1, 1000 + n, "UTC", n),
                )
                await asyncio.sleep(0)
            return n

        writer = asyncio.create_task(keep_writing())
        check = await asyncio.to_thread(backend_for(config_for(live, tmp_path)).backup, tmp_path / "live.pgdump")
        stop.set()
        written = await writer
    finally:
        await store.close()
    again = backend_for(config_for(live, tmp_path)).check(tmp_path / "live.pgdump")
    assert again.rows == check.rows
    assert 1 <= check.rows["member_settings"] <= written + 1


def test_backup_refuses_to_overwrite_a_file(live: str, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "mine.pgdump"
    dest.write_text("keep me")
    assert ops_cli.backup(config_for(live, tmp_path), dest) == 1
    assert "already exists; give another file name" in one_line(capsys.readouterr().err)
    assert dest.read_text() == "keep me"


def test_a_full_disk_during_backup_is_one_line_and_leaves_no_file(live: str, tmp_path: Path) -> None:
    """RLIMIT_FSIZE (inherited by pg_dump) lets each file grow to 16 KiB, then the kernel stops the
    writer (SIGXFSZ: Python's subprocess gives children the default action back); on a full disk
    pg_dump says `could not write to output file: No space left on device` instead. Either way: one line."""

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    out = tmp_path / "full"
    result = run_cli("backup", str(out / "copy.pgdump"), env=cli_env(live, tmp_path), preexec_fn=small_disk)
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    assert line == "error: backup failed, nothing was kept: pg_dump was stopped by SIGXFSZ (File size limit exceeded)"
    assert files_in(out) == []


def test_a_server_that_does_not_answer_is_one_line(tmp_path: Path, capsys) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://bot:secret@127.0.0.1:{port}/lt"
    assert ops_cli.backup(config_for(url, tmp_path), None, now=NOW) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"error: backup failed, nothing was kept: cannot connect to PostgreSQL at postgresql://bot:***@127.0.0.1:{port}/lt")
    assert "secret" not in line
    assert files_in(tmp_path / "backups") == []


def test_a_database_the_bot_never_started_on_is_not_backed_up(
    pg_cluster: LocalPostgres, tmp_path: Path, capsys
) -> None:
    url = pg_cluster.create_database("empty")
    assert ops_cli.backup(config_for(url, tmp_path), None, now=NOW) == 1
    assert one_line(capsys.readouterr().err) == (
        f"error: backup failed, nothing was kept: there is no bot database at {url} to back up (check DATABASE_URL)"
    )
    assert files_in(tmp_path / "backups") == []


def test_the_password_goes_to_the_tools_in_the_environment_not_the_command_line() -> None:
    url, env = client_connection("postgresql://bot:s%40cret@db.example:5432/littlethings?sslmode=require")
    assert url == "postgresql://bot@db.example:5432/littlethings?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"
    plain, _ = client_connection("postgresql://bot@db:5432/lt")
    assert plain == "postgresql://bot@db:5432/lt"


# -- restore -------------------------------------------------------------------------------------


@pytest.fixture
def archive(live: str, tmp_path: Path) -> Path:
    file = tmp_path / "offsite" / "good.pgdump"
    backend_for(config_for(live, tmp_path)).backup(file)
    return file


def test_restore_brings_back_the_backup_and_keeps_the_replaced_data(
    pg_cluster: LocalPostgres, live: str, archive: Path, tmp_path: Path, capsys
) -> None:
    sql(pg_cluster, live, "UPDATE guild_settings SET timezone = 'UTC'; DELETE FROM member_settings; "
        "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (2, 'Asia/Tokyo', 2)")
    result = run_cli("restore", str(archive), env=cli_env(live, tmp_path))
    assert result.returncode == 0, result.stderr
    kept = tmp_path / "backups" / f"replaced-{datetime.now(UTC):%Y%m%d}"
    line = one_line(result.stdout)
    assert line.startswith(f"restored {archive} to {live} (schema version {pg_latest_version()}); "
                           f"the database it replaced is kept as {kept}")
    assert sql(pg_cluster, live, "SELECT guild_id, timezone FROM guild_settings ORDER BY guild_id") == "1|Asia/Kolkata"
    assert sql(pg_cluster, live, "SELECT user_id, timezone FROM member_settings") == "42|Europe/London"

    # The kept copy is a backup like any other: restoring it brings the replaced data back.
    [kept_file] = [p for p in (tmp_path / "backups").iterdir() if p.name.startswith("replaced-")]
    assert ops_cli.restore(config_for(live, tmp_path), kept_file, now=LATER) == 0
    restored = sql(pg_cluster, live, "SELECT guild_id, timezone FROM guild_settings ORDER BY guild_id")
    assert restored == "1|UTC\n2|Asia/Tokyo"
    assert sql(pg_cluster, live, "SELECT COUNT(*) FROM member_settings") == "0"
    capsys.readouterr()


def test_a_restored_database_takes_new_rows_and_the_bot_starts_on_it(
    pg_cluster: LocalPostgres, live: str, archive: Path, tmp_path: Path
) -> None:
    """Identity sequences come back past the restored ids; the next start finds nothing to migrate."""
    sql(pg_cluster, live, "INSERT INTO backups (made_at, path, size_bytes, trigger) VALUES (1, 'x', 1, 'manual')")
    assert ops_cli.restore(config_for(live, tmp_path), archive, now=NOW) == 0

    async def use() -> list[int]:
        store = await PostgresStore.connect(live)
        try:
            await store.execute("INSERT INTO backups (made_at, path, size_bytes, trigger) VALUES (2, 'y', 1, 'manual')")
            return await store.migrate()
        finally:
            await store.close()

    assert asyncio.run(use()) == []


def test_restore_into_a_new_empty_database(pg_cluster: LocalPostgres, archive: Path, tmp_path: Path, capsys) -> None:
    fresh = pg_cluster.create_database("fresh")
    assert ops_cli.restore(config_for(fresh, tmp_path), archive, now=NOW) == 0
    line = one_line(capsys.readouterr().out)
    assert line == f"restored {archive} to {fresh} (schema version {pg_latest_version()})"  # nothing to keep
    assert sql(pg_cluster, fresh, "SELECT timezone FROM guild_settings") == "Asia/Kolkata"
    assert files_in(tmp_path / "backups") == []


def test_an_older_backup_restores_onto_a_database_migrated_since(pg_cluster: LocalPostgres, tmp_path: Path) -> None:
    """Back up, upgrade (migrate), restore the older backup: tables the newer schema added go too,
    so the next start migrates again instead of failing on a table that is already there."""
    creating = [(v, script) for v, _, script in pg_migration_scripts() if re.search(r"CREATE (TABLE|VIEW)", script)]
    newest, script = creating[-1]  # the newest migration that adds a table or view
    added = re.findall(r"CREATE (?:TABLE|VIEW) (?:IF NOT EXISTS )?(\w+)", script)
    version = newest - 1
    url = pg_cluster.create_database("old")
    asyncio.run(fill(url, migrate_to=version))
    old = tmp_path / "old.pgdump"
    assert backend_for(config_for(url, tmp_path)).backup(old).schema_version == version

    def present(name: str) -> bool:
        return sql(pg_cluster, url, f"SELECT to_regclass('public.{name}') IS NOT NULL") == "t"

    async def start() -> None:
        store = await PostgresStore.connect(url)  # the (upgraded) bot starts: it migrates to the newest
        await store.close()

    asyncio.run(start())
    assert all(present(name) for name in added)
    assert ops_cli.restore(config_for(url, tmp_path), old, now=NOW) == 0
    assert sql(pg_cluster, url, "SELECT version FROM schema_version") == str(version)
    assert sql(pg_cluster, url, "SELECT timezone FROM guild_settings") == "Asia/Kolkata"
    assert not any(present(name) for name in added)
    asyncio.run(start())  # migrates again, cleanly
    assert sql(pg_cluster, url, "SELECT version FROM schema_version") == str(pg_latest_version())
    assert all(present(name) for name in added)


def test_a_restore_that_fails_part_way_changes_nothing(pg_cluster: LocalPostgres, tmp_path: Path, capsys) -> None:
    """The archive has a table `notes` where the live database has a view of that name: its
    `DROP TABLE IF EXISTS notes` fails after the bot's tables were dropped and some recreated; the
    one transaction rolls all of it back."""
    source = pg_cluster.create_database("src")
    asyncio.run(fill(source))
    sql(pg_cluster, source, "CREATE TABLE notes (x text)")
    archive = tmp_path / "with-notes.pgdump"
    backend_for(config_for(source, tmp_path)).backup(archive)

    live = pg_cluster.create_database("live")
    asyncio.run(fill(live))
    sql(pg_cluster, live, "UPDATE guild_settings SET timezone = 'UTC'; CREATE VIEW notes AS SELECT 1 AS x")
    assert ops_cli.restore(config_for(live, tmp_path), archive, now=NOW) == 1
    line = one_line(capsys.readouterr().err)
    assert line == 'error: restore failed, the database is as it was: psql failed: ERROR: "notes" is not a table'
    assert sql(pg_cluster, live, "SELECT timezone FROM guild_settings") == "UTC"
    assert sql(pg_cluster, live, "SELECT version FROM schema_version") == str(pg_latest_version())
    assert sql(pg_cluster, live, "SELECT COUNT(*) FROM member_settings") == "1"
    assert [p.name.startswith("replaced-") for p in (tmp_path / "backups").iterdir()] == [True]


def test_restore_refuses_while_a_bot_holds_the_database(
    pg_cluster: LocalPostgres, live: str, archive: Path, tmp_path: Path
) -> None:
    sql(pg_cluster, live, "UPDATE guild_settings SET timezone = 'UTC'")

    async def while_open() -> subprocess.CompletedProcess[str]:
        store = await PostgresStore.connect(live)  # what every bot process (each shard) holds
        try:
            return await asyncio.to_thread(run_cli, "restore", str(archive), env=cli_env(live, tmp_path))
        finally:
            await store.close()

    result = asyncio.run(while_open())
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        "error: a bot is running against this database; stop it first (nothing was changed)"
    )
    assert sql(pg_cluster, live, "SELECT timezone FROM guild_settings") == "UTC"
    assert files_in(tmp_path / "backups") == []  # not even the copy of the current data


def test_a_bot_whose_lock_session_was_cut_takes_the_lock_again(
    pg_cluster: LocalPostgres, live: str, archive: Path, tmp_path: Path
) -> None:
    """A database restart (here: the server ending that one session) must not leave a running bot unguarded."""
    holders = (
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 "
        f"AND objid = {RUNNING_LOCK} AND mode = 'ShareLock'"
    )

    async def cut_and_retry() -> tuple[int, str]:
        store = await PostgresStore.connect(live)
        try:
            [first] = sql(pg_cluster, live, holders).split()
            sql(pg_cluster, live, f"SELECT pg_terminate_backend({first})")
            for _ in range(200):  # until the store has taken it again, on a new session
                if store.holds_running_lock and sql(pg_cluster, live, holders) not in ("", first):
                    break
                await asyncio.sleep(0.05)
            assert store.holds_running_lock
            result = await asyncio.to_thread(run_cli, "restore", str(archive), env=cli_env(live, tmp_path))
            return result.returncode, result.stderr
        finally:
            await store.close()

    code, err = asyncio.run(cut_and_retry())
    assert code == 1 and "a bot is running against this database" in err
    assert sql(pg_cluster, live, holders) == ""  # closed: nothing left holding it


async def test_the_real_bot_refuses_to_start_while_a_restore_holds_postgresql(live: str, tmp_path: Path) -> None:
    restore = await asyncpg.connect(live)
    try:
        assert await restore.fetchval("SELECT pg_try_advisory_lock($1)", RUNNING_LOCK)
        bot = LittleThingsBot(config_for(live, tmp_path))
        try:
            with pytest.raises(StoreError, match=r"^a restore is replacing the database at postgresql://.*; start the"):
                await bot.setup_hook()
        finally:
            await bot.close()
    finally:
        await restore.close()


def test_a_bot_will_not_start_while_a_restore_holds_the_database(live: str) -> None:
    async def attempt() -> None:
        restore = await asyncpg.connect(live)
        try:
            assert await restore.fetchval("SELECT pg_try_advisory_lock($1)", RUNNING_LOCK)
            with pytest.raises(StoreError, match=r"a restore is replacing the database at .*; start the bot when"):
                await PostgresStore.connect(live)
        finally:
            await restore.close()
        store = await PostgresStore.connect(live)  # the restore is over: it starts
        await store.close()

    asyncio.run(attempt())


@pytest.fixture
def before(pg_cluster: LocalPostgres, live: str) -> str:
    """The live data a refused restore must leave as it was."""
    sql(pg_cluster, live, "UPDATE guild_settings SET timezone = 'UTC'")
    return sql(pg_cluster, live, "SELECT guild_id, timezone FROM guild_settings")


def assert_untouched(pg_cluster: LocalPostgres, live: str, before: str, tmp_path: Path) -> None:
    assert sql(pg_cluster, live, "SELECT guild_id, timezone FROM guild_settings") == before
    assert files_in(tmp_path / "backups") == []


def test_an_archive_of_some_other_database_is_refused(
    pg_cluster: LocalPostgres, live: str, before: str, tmp_path: Path, capsys
) -> None:
    other = pg_cluster.create_database("other")
    sql(pg_cluster, other, "CREATE TABLE notes (x text); INSERT INTO notes VALUES ('hello')")
    file = tmp_path / "other.pgdump"
    subprocess.run([str(find_client_tool("pg_dump")), "--format=custom", f"--file={file}", f"--dbname={other}"],
                   check=True)
    assert ops_cli.restore(config_for(live, tmp_path), file, now=NOW) == 1
    assert "is not a Little Things bot database (schema version 0)" in one_line(capsys.readouterr().err)
    assert_untouched(pg_cluster, live, before, tmp_path)


