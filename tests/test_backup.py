"""Backups and restores on real SQLite files, including the faults a host meets: a full disk, a copy
cut short, a file from a newer bot, a file that is no database, a bot still running."""

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.content_sync import refresh_content
from bot.ops import cli as ops_cli
from bot.ops.backup import BackupError, SqliteBackup, backup_name, prune
from bot.ops.dblock import DatabaseLock
from bot.store import Store
from bot.store.backups import last_backup
from bot.store.core import latest_version

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


async def make_database(path: Path) -> None:
    """A bot database as the bot leaves it: migrated, the content pack in, some community rows."""
    store = await Store.open(path)
    try:
        await refresh_content(store, DEFAULT_CONTENT_DIR)
        await store.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)", (1, "Asia/Kolkata", 1)
        )
    finally:
        await store.close()


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "live" / "bot.sqlite3"
    await make_database(path)
    return path


def config_for(database: Path, backup_dir: Path | None = None) -> Config:
    return Config(token="", database_path=database, backup_dir=backup_dir)


async def test_backup_while_the_store_is_open_is_a_checked_standalone_copy(database: Path, tmp_path: Path) -> None:
    store = await Store.open(database)  # the bot is running: its connection is open, WAL in use
    try:
        await store.execute("UPDATE guild_settings SET timezone = 'UTC' WHERE guild_id = 1")
        check = SqliteBackup(database).backup(tmp_path / "out" / "copy.sqlite3")
    finally:
        await store.close()
    copy = tmp_path / "out" / "copy.sqlite3"
    assert check.path == copy and check.schema_version == latest_version()
    assert check.rows["guild_settings"] == 1 and check.rows["trivia_questions"] > 0
    assert rows(copy, "SELECT timezone FROM guild_settings") == [("UTC",)]
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]  # one file, nothing to lose beside it
    assert [p.name for p in copy.parent.iterdir()] == ["copy.sqlite3"]


def test_the_cli_names_the_backup_by_time_and_notes_it_for_status(database: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "backups"
    assert ops_cli.backup(config_for(database, folder), None, now=NOW) == 0
    line = one_line(capsys.readouterr().out)
    assert line.startswith("backup written and checked: ") and "integrity ok" in line
    [made] = folder.iterdir()
    assert made.name == backup_name(NOW) == "littlethings-20260302-180000.sqlite3"
    assert rows(database, "SELECT path, trigger FROM backups") == [(str(made.resolve()), "manual")]


async def test_last_backup_reads_what_the_cli_noted(database: Path, tmp_path: Path) -> None:
    assert ops_cli.backup(config_for(database, tmp_path / "b"), None, now=NOW) == 0
    store = await Store.open(database)
    try:
        record = await last_backup(store)
    finally:
        await store.close()
    assert record is not None and record.made_at == NOW and record.trigger == "manual"


def test_backup_refuses_to_overwrite_a_file(database: Path, tmp_path: Path, capsys) -> None:
    existing = tmp_path / "keep.sqlite3"
    existing.write_bytes(b"precious")
    assert ops_cli.backup(config_for(database), existing) == 1
    assert "already exists" in one_line(capsys.readouterr().err)
    assert existing.read_bytes() == b"precious"


def test_a_full_disk_during_backup_is_one_line_and_leaves_no_file(database: Path, tmp_path: Path) -> None:
    """The disk is made "full" for the backup process only: RLIMIT_FSIZE lets it write 64 KiB per
    file, then the kernel refuses every write (EFBIG), as it refuses them with ENOSPC on a full disk.
    The database is about 400 KiB, so the copy fails part-way through."""

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    assert database.stat().st_size > 256 * 1024
    out = tmp_path / "backups"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BACKUP_"))}
    env["DATABASE_PATH"] = str(database)
    before = database.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(out / "copy.sqlite3")],
        cwd=ROOT, env=env, preexec_fn=small_disk, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    assert line.startswith("error: backup failed, nothing was kept: could not write ") and "Traceback" not in line
    assert list(out.iterdir()) == []  # neither the backup nor its .partial
    assert database.read_bytes() == before


def test_backup_of_a_missing_database_says_which_setting(tmp_path: Path, capsys) -> None:
    assert ops_cli.backup(config_for(tmp_path / "nothing.sqlite3"), tmp_path / "x.sqlite3") == 1
    assert "DATABASE_PATH" in one_line(capsys.readouterr().err)


def test_prune_keeps_the_newest_automatic_backups_and_nothing_else(tmp_path: Path) -> None:
    names = [backup_name(NOW + timedelta(days=d)) for d in range(5)]
    for name in [*names, "my-own.sqlite3", "littlethings-notes.sqlite3"]:
        (tmp_path / name).write_text("x")
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == names[:3]
    kept = [*names[3:], "my-own.sqlite3", "littlethings-notes.sqlite3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


# -- restore ---------------------------------------------------------------------------------------


@pytest.fixture
def backup_file(database: Path, tmp_path: Path) -> Path:
    file = tmp_path / "good.sqlite3"
    SqliteBackup(database).backup(file)
    return file


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """The database a restore would replace, with one row the backup does not have."""
    path = tmp_path / "machine" / "bot.sqlite3"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE marker (x)")
    conn.execute("INSERT INTO marker VALUES ('the old database')")
    conn.commit()
    conn.close()
    return path


def test_restore_swaps_in_the_backup_and_keeps_the_replaced_database(backup_file: Path, target: Path, capsys) -> None:
    assert ops_cli.restore(config_for(target), backup_file, now=NOW) == 0
    line = one_line(capsys.readouterr().out)
    aside = target.with_name("bot.sqlite3.replaced-20260302-180000")
    assert str(aside) in line
    assert rows(target, "SELECT timezone FROM guild_settings") == [("Asia/Kolkata",)]
    assert rows(aside, "SELECT x FROM marker") == [("the old database",)]
    assert not target.with_name("bot.sqlite3.restoring").exists()


def test_restore_folds_the_replaced_databases_wal_into_the_kept_copy(backup_file: Path, tmp_path: Path) -> None:
    """A bot killed hard leaves committed rows only in -wal: they must survive in the kept copy."""
    live = tmp_path / "live-wal" / "bot.sqlite3"
    live.parent.mkdir()
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE marker (x)")
    conn.execute("INSERT INTO marker VALUES ('only in the wal')")
    crashed = tmp_path / "crashed" / "bot.sqlite3"
    crashed.parent.mkdir()
    for suffix in ("", "-wal"):  # the files as a killed process leaves them
        Path(f"{crashed}{suffix}").write_bytes(Path(f"{live}{suffix}").read_bytes())
    conn.close()
    assert Path(f"{crashed}-wal").stat().st_size > 0

    result = SqliteBackup(crashed).restore(backup_file, now=NOW)
    assert result.replaced is not None
    assert rows(result.replaced, "SELECT x FROM marker") == [("only in the wal",)]
    assert not Path(f"{crashed}-wal").exists() or Path(f"{crashed}-wal").stat().st_size == 0
    assert rows(crashed, "SELECT COUNT(*) FROM guild_settings") == [(1,)]


def test_restore_onto_a_new_machine_creates_the_folder(backup_file: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "data" / "bot.sqlite3"
    result = SqliteBackup(fresh).restore(backup_file, now=NOW)
    assert result.replaced is None and rows(fresh, "PRAGMA user_version") == [(latest_version(),)]


def test_restore_refuses_while_a_bot_holds_the_database(backup_file: Path, target: Path, capsys) -> None:
    before = target.read_bytes()
    running = DatabaseLock(target)
    running.acquire_shared()  # what a running bot holds (the e2e test shows the real bot does)
    try:
        assert ops_cli.restore(config_for(target), backup_file, now=NOW) == 1
    finally:
        running.release()
    assert "a bot process is using" in one_line(capsys.readouterr().err)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["bot.sqlite3", "bot.sqlite3.lock"]


def test_a_backup_cut_short_is_refused(backup_file: Path, target: Path, tmp_path: Path, capsys) -> None:
    data = backup_file.read_bytes()
    short = tmp_path / "short.sqlite3"
    short.write_bytes(data[: len(data) // 2])
    before = target.read_bytes()
    assert ops_cli.restore(config_for(target), short, now=NOW) == 1
    line = one_line(capsys.readouterr().err)
    assert line == f"error: {short} is cut short: {len(data) // 2} of {len(data)} bytes; the copy is incomplete"
    assert_untouched(target, before)


def assert_untouched(target: Path, before: bytes) -> None:
    """The database is as it was and nothing was created beside it (not even the lock file)."""
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["bot.sqlite3"]


def test_a_file_from_a_newer_bot_is_refused(backup_file: Path, target: Path, capsys) -> None:
    conn = sqlite3.connect(backup_file)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.commit()
    conn.close()
    before = target.read_bytes()
    assert ops_cli.restore(config_for(target), backup_file, now=NOW) == 1
    line = one_line(capsys.readouterr().err)
    assert "from a newer version of the bot" in line and f"schema version {latest_version() + 1}" in line
    assert_untouched(target, before)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"id,name\n1,Dhruv\n" * 50, "is not a database"),
        (b"SQLite format 3\x00" + b"\x00" * 10, "not even a whole header"),
    ],
)
def test_a_file_that_is_no_database_is_refused(
    content: bytes, words: str, target: Path, tmp_path: Path, capsys
) -> None:
    file = tmp_path / "file.sqlite3"
    file.write_bytes(content)
    before = target.read_bytes()
    assert ops_cli.restore(config_for(target), file, now=NOW) == 1
    assert words in one_line(capsys.readouterr().err)
    assert_untouched(target, before)


def test_a_database_of_some_other_program_is_refused(target: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = target.read_bytes()
    assert ops_cli.restore(config_for(target), other, now=NOW) == 1
    assert "is not a Little Things bot database (schema version 0)" in one_line(capsys.readouterr().err)
    assert_untouched(target, before)


def test_a_missing_backup_file_is_one_line(target: Path, tmp_path: Path, capsys) -> None:
    assert ops_cli.restore(config_for(target), tmp_path / "nope.sqlite3", now=NOW) == 1
    assert "no such file" in one_line(capsys.readouterr().err)
    assert ops_cli.restore(config_for(target), tmp_path, now=NOW) == 1
    assert "is a folder, not a backup file" in one_line(capsys.readouterr().err)


def test_a_bad_file_for_a_new_machine_creates_nothing(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not a database")
    fresh = tmp_path / "new" / "data" / "bot.sqlite3"
    assert ops_cli.restore(config_for(fresh), bad, now=NOW) == 1
    assert not (tmp_path / "new").exists()


def test_a_raw_copy_of_a_live_wal_database_is_checked_without_touching_it(database: Path, tmp_path: Path) -> None:
    """Someone copies the bot's file while it runs (WAL mode): the in-place check writes nothing beside it."""
    raw = tmp_path / "raw" / "copy.sqlite3"
    raw.parent.mkdir()
    raw.write_bytes(database.read_bytes())
    check = SqliteBackup(tmp_path / "unused.sqlite3").check(raw, read_only=True)
    assert check.schema_version == latest_version() and check.rows["guild_settings"] == 1
    assert [p.name for p in raw.parent.iterdir()] == ["copy.sqlite3"]


def test_check_catches_a_damaged_page(backup_file: Path) -> None:
    data = bytearray(backup_file.read_bytes())
    page = 4096
    for offset in range(page * 3, page * 6):  # wipe a few b-tree pages in the middle
        data[offset] = 0xFF
    backup_file.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"damaged|not a usable database"):
        SqliteBackup(backup_file).check(backup_file)
