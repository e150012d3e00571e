"""Backups that restore: a consistent copy of the live database, checked before it counts.

Why this shape: a copy is only worth keeping if it opens, so every backup is written to a hidden
`.partial` file, opened again and checked (`PRAGMA integrity_check`, schema version, the row count
of every table against the same snapshot of the source), and only then renamed into place. A
failure (full disk, a file cut short) leaves no file that looks like a backup.

Restoring checks the file before anything is touched, refuses while a bot holds the database (see
`bot.ops.dblock`), keeps the replaced database beside it and swaps by rename.

Each store backend has its own `BackupBackend`, chosen by `backend_for`: this SQLite one, and
`bot.ops.pg_backup` (`pg_dump --format=custom`, `pg_restore`) when the store is PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.config import Config
from bot.ops.dblock import DatabaseLock, DatabaseLockedError
from bot.store.backups import record_backup_sync
from bot.store.core import latest_version

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_PREFIX = "littlethings-"
BACKUP_SUFFIX = ".sqlite3"
BUSY_TIMEOUT_S = 10.0


class BackupError(Exception):
    """A backup or restore could not be done; the text is one line for the operator."""


@dataclass(frozen=True)
class DatabaseCheck:
    """What a check of one database file found (all of it fine, or it would have raised)."""

    path: Path
    schema_version: int
    size_bytes: int
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        total = sum(self.rows.values())
        return (
            f"{self.path} ({_size(self.size_bytes)}, schema version {self.schema_version}, "
            f"{len(self.rows)} tables, {total} rows, integrity ok)"
        )


@dataclass(frozen=True)
class RestoreResult:
    check: DatabaseCheck
    replaced: Path | None  # where the database that was there before now lives
    into: str  # the database restored into: its file, or its PostgreSQL address (without a password)


class BackupBackend(Protocol):
    suffix: str  # of the files this backend writes: `.sqlite3`, `.pgdump`

    def backup(self, dest: Path) -> DatabaseCheck: ...

    def check(self, file: Path) -> DatabaseCheck: ...

    def restore(self, file: Path, *, now: datetime) -> RestoreResult: ...

    def record_manual(self, *, made_at: datetime, path: Path, size_bytes: int) -> bool: ...


def backend_for(config: Config) -> BackupBackend:
    """The backend for the configured store: the community state is where DATABASE_URL says, or in
    the SQLite file (a copy of the local file would hold only the content pack with PostgreSQL)."""
    if config.database_url is not None:
        from bot.ops.pg_backup import PostgresBackup

        return PostgresBackup(config.database_url, keep_dir=backup_folder(config))
    return SqliteBackup(config.database_path)


def backup_folder(config: Config) -> Path:
    """`BACKUP_DIR`, or a `backups` folder beside the database file."""
    return config.backup_dir or config.database_path.parent / "backups"


def backup_name(moment: datetime, suffix: str = BACKUP_SUFFIX) -> str:
    """`littlethings-20260302-180000.sqlite3` (UTC): names sort in time order; `prune` keeps the newest."""
    return f"{BACKUP_PREFIX}{moment.strftime('%Y%m%d-%H%M%S')}{suffix}"


def prune(folder: Path, keep: int, suffix: str = BACKUP_SUFFIX) -> list[Path]:
    """Delete all but the newest `keep` automatic backups of one kind (`suffix`) in `folder`; other
    files, backups of the other kind among them, are never touched."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    auto_name = re.compile(rf"^{re.escape(BACKUP_PREFIX)}\d{{8}}-\d{{6}}{re.escape(suffix)}$")
    found = sorted(p for p in folder.glob(f"{BACKUP_PREFIX}*{suffix}") if auto_name.match(p.name))
    doomed = found[:-keep]
    for path in doomed:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return doomed


class SqliteBackup:
    suffix = BACKUP_SUFFIX

    def __init__(self, database: Path) -> None:
        self.database = database

    def record_manual(self, *, made_at: datetime, path: Path, size_bytes: int) -> bool:
        """Note a `python -m bot backup` in the database's `backups` table (for /admin status)."""
        return record_backup_sync(self.database, made_at=made_at, path=path, size_bytes=size_bytes)

    # -- backup ----------------------------------------------------------------------------------

    def backup(self, dest: Path) -> DatabaseCheck:
        """Copy the live database to `dest` with SQLite's online backup API, check the copy, keep it.

        The source is read in one read transaction: the row counts and the copied pages come from
        the same snapshot, so they must match exactly even while the bot keeps writing.
        """
        if not self.database.is_file():
            raise BackupError(f"there is no database at {self.database} to back up (check DATABASE_PATH)")
        if dest.exists():
            raise BackupError(f"{dest} already exists; give another file name")
        with kept_when_done(dest, sqlite3.Error) as partial:
            version, rows = self._copy_to(partial)
            check = self.check(partial, expect_rows=rows)
            if check.schema_version != version:
                raise BackupError(f"the copy has schema version {check.schema_version}, the database {version}")
        return DatabaseCheck(dest, check.schema_version, dest.stat().st_size, check.rows)

    def _copy_to(self, partial: Path) -> tuple[int, dict[str, int]]:
        with _connect(self.database) as source:
            source.execute("BEGIN")  # one snapshot for the counts and the pages
            try:
                version = _user_version(source)
                rows = _row_counts(source)
                with _connect(partial) as target:
                    source.backup(target)
                    # A standalone file: no -wal beside it to lose when it is copied elsewhere.
                    target.execute("PRAGMA journal_mode = DELETE")
            finally:
                source.execute("COMMIT")
        return version, rows

    # -- check -----------------------------------------------------------------------------------

    def check(
        self, file: Path, *, expect_rows: dict[str, int] | None = None, read_only: bool = False
    ) -> DatabaseCheck:
        """Open `file` and prove it is a whole bot database this code can use, or raise `BackupError`.

        `read_only` opens it immutable: no lock, no journal, nothing written beside it (for a file
        that is not ours yet, such as the one a restore was given).
        """
        if not file.is_file():
            raise BackupError(f"{file}: no such file")
        size = file.stat().st_size
        with file.open("rb") as handle:
            header = handle.read(100)
        if header.startswith(b"PGDMP"):
            raise BackupError(
                f"{file} is a backup of PostgreSQL (a pg_dump archive), but this bot's store is the SQLite file: "
                "set DATABASE_URL to restore it into PostgreSQL"
            )
        if not header.startswith(SQLITE_HEADER):
            raise BackupError(f"{file} is not a database (not an SQLite file)")
        if len(header) < 100:
            raise BackupError(f"{file} is cut short: {size} bytes, not even a whole header; the copy is incomplete")
        expected = _size_from_header(header)
        if expected is not None and size < expected:
            raise BackupError(f"{file} is cut short: {size} of {expected} bytes; the copy is incomplete")
        try:
            with _connect(file, read_only=read_only) as conn:
                problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
                if problems != ["ok"]:
                    raise BackupError(f"{file} is damaged: {problems[0]}")
                version = _user_version(conn)
                latest = latest_version()
                if version > latest:
                    raise BackupError(
                        f"{file} is from a newer version of the bot (schema version {version}; this code "
                        f"knows up to {latest}): update the bot first"
                    )
                if version < 1 or not _has_table(conn, "timers"):
                    raise BackupError(f"{file} is not a Little Things bot database (schema version {version})")
                rows = _row_counts(conn)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{file} is not a usable database: {_reason(exc)}") from exc
        if expect_rows is not None and rows != expect_rows:
            differ = sorted(t for t in set(rows) | set(expect_rows) if rows.get(t) != expect_rows.get(t))
            raise BackupError(f"the copy's row counts differ from the database's in {', '.join(differ)}")
        return DatabaseCheck(file, version, size, rows)

    # -- restore ---------------------------------------------------------------------------------

    def restore(self, file: Path, *, now: datetime) -> RestoreResult:
        """Put `file` in place of the database; the one replaced is kept as `<db>.replaced-<time>`.

        The file is checked where it lies before anything is created; the copy put in place is
        checked again (it is what the bot will open).
        """
        if file.is_dir():
            raise BackupError(f"{file} is a folder, not a backup file")
        self.check(file, read_only=True)
        lock = DatabaseLock(self.database)
        try:
            lock.acquire_exclusive()
        except DatabaseLockedError as exc:
            raise BackupError(
                f"a bot process is using {self.database}; stop it first (nothing was changed)"
            ) from exc
        staged = self.database.with_name(self.database.name + ".restoring")
        try:
            try:
                self.database.parent.mkdir(parents=True, exist_ok=True)
                remove_partial(staged)
                shutil.copyfile(file, staged)
                check = self.check(staged)
            except FileNotFoundError as exc:
                raise BackupError(f"{file}: no such file") from exc
            except BackupError as exc:
                raise BackupError(str(exc).replace(str(staged), str(file))) from exc
            fsync_file(staged)
            replaced = self._set_aside(now) if self.database.exists() else None
            os.replace(staged, self.database)
            fsync_dir(self.database.parent)
        except OSError as exc:
            raise BackupError(f"restore failed: {_reason(exc)}") from exc
        finally:
            remove_partial(staged)
            lock.release()
        restored = DatabaseCheck(self.database, check.schema_version, check.size_bytes, check.rows)
        return RestoreResult(restored, replaced, str(self.database))

    def _set_aside(self, now: datetime) -> Path:
        """Fold the current database's WAL into it, then move it (and any leftovers) aside."""
        with contextlib.suppress(sqlite3.Error), _connect(self.database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        aside = self.database.with_name(f"{self.database.name}.replaced-{now.strftime('%Y%m%d-%H%M%S')}")
        os.replace(self.database, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            leftover = Path(f"{self.database}{suffix}")
            if leftover.exists():
                os.replace(leftover, Path(f"{aside}{suffix}"))
        return aside


# -- helpers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        yield conn
    finally:
        conn.close()


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every ordinary table (FTS shadow tables are counted through their own table)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]
    return {name: int(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names}  # noqa: S608


def _size_from_header(header: bytes) -> int | None:
    """page size x page count, when the header's count is valid (change counter = version-valid-for)."""
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (pages,) = struct.unpack(">I", header[28:32])
    (change,) = struct.unpack(">I", header[24:28])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if pages == 0 or change != valid_for:
        return None
    return int(page_size) * int(pages)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


@contextlib.contextmanager
def kept_when_done(dest: Path, *errors: type[Exception]) -> Iterator[Path]:
    """A hidden `.partial` file beside `dest` to write a backup into; it becomes `dest` (synced, then
    renamed) only when the block finishes. Any failure removes it and becomes one line: nothing that
    looks like a backup is left unless it was checked. `errors` are the writer's own (sqlite3's, say)."""
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_partial(partial)
        yield partial
        fsync_file(partial)
        os.replace(partial, dest)
        fsync_dir(dest.parent)
    except BackupError as exc:
        remove_partial(partial)
        raise BackupError(f"backup failed, nothing was kept: {exc}") from exc
    except Exception as exc:
        if not isinstance(exc, (OSError, *errors)):
            remove_partial(partial)
            raise
        remove_partial(partial)
        raise BackupError(f"backup failed, nothing was kept: could not write {dest}: {_reason(exc)}") from exc


def remove_partial(path: Path) -> None:
    """Remove a file being written and whatever SQLite left beside it."""
    for candidate in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fsync_file(folder)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"
