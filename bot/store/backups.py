"""The `backups` table: which backups were made, when, and by which timer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store.core import Store
from bot.store.timers import from_ts, to_ts


@dataclass(frozen=True, slots=True)
class BackupRecord:
    made_at: datetime
    path: Path
    size_bytes: int
    trigger: str
    timer_key: str | None


async def record_backup(
    store: Store, *, made_at: datetime, path: Path, size_bytes: int, timer_key: str | None
) -> None:
    await store.execute(
        "INSERT INTO backups (made_at, path, size_bytes, trigger, timer_key) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (timer_key) DO NOTHING",
        (to_ts(made_at), str(path), size_bytes, "manual" if timer_key is None else "timer", timer_key),
    )


async def last_backup(store: Store) -> BackupRecord | None:
    row = await store.fetch_one(
        "SELECT made_at, path, size_bytes, trigger, timer_key FROM backups ORDER BY made_at DESC, id DESC LIMIT 1"
    )
    if row is None:
        return None
    return BackupRecord(from_ts(row[0]), Path(row[1]), int(row[2]), row[3], row[4])


async def backup_done_for(store: Store, timer_key: str) -> bool:
    """Whether the backup this timer asked for was already made (a redelivery after a crash)."""
    return await store.fetch_value("SELECT 1 FROM backups WHERE timer_key = ?", (timer_key,)) is not None


def record_backup_sync(database: Path, *, made_at: datetime, path: Path, size_bytes: int) -> bool:
    """For `python -m bot backup` (no event loop, the bot may be running): note a manual backup.

    Returns False when the database predates the `backups` table (the bot migrates it at start).
    """
    conn = sqlite3.connect(database, isolation_level=None, timeout=10)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'backups'").fetchone() is None:
            return False
        conn.execute(
            "INSERT INTO backups (made_at, path, size_bytes, trigger) VALUES (?, ?, ?, 'manual')",
            (to_ts(made_at), str(path), size_bytes),
        )
        return True
    finally:
        conn.close()
