"""An advisory lock file beside the database: running bots hold it shared, a restore exclusive.

Why a lock file and not SQLite's own locks: SQLite locks only while a statement or transaction
runs, so an idle bot holds nothing a restore could see. `flock` locks belong to the open file and
vanish when the process dies (even on SIGKILL), so a crash never leaves a stale lock behind.
Several bot processes (shards) may share the database; a restore waits for none of them: it
refuses while any holds the lock.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, restore trusts the operator
    fcntl = None  # type: ignore[assignment]


class DatabaseLockedError(Exception):
    """Someone else holds the lock in a way that excludes us."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire_shared(self) -> None:
        """For a running bot: many may hold it; fails only while a restore holds it exclusively."""
        self._acquire(exclusive=False)

    def acquire_exclusive(self) -> None:
        """For a restore: fails while any bot process holds the lock."""
        self._acquire(exclusive=True)

    def _acquire(self, *, exclusive: bool) -> None:
        if self._fd is not None:
            raise RuntimeError("lock already held")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                os.close(fd)
                raise DatabaseLockedError(str(self.path)) from exc
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)  # closing the descriptor drops the flock
