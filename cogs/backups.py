"""Automatic backups on the durable timer engine: a restart neither skips nor doubles one.

There is always exactly one pending `backup` timer. When it fires, the next one is scheduled
first (so a failure never ends the series), then the backup is made in a worker thread, noted
in the `backups` table under the timer's key (a redelivery after a crash finds it and does not
make a second copy) and old ones are pruned to BACKUP_KEEP. A backup missed while the bot was
down is made at the next start, once.

With PostgreSQL (DATABASE_URL) the same series makes pg_dump archives (`.pgdump`, see
`bot.ops.pg_backup`); the timers and the `backups` table are shared there, so with several shard
processes each backup is still made once, in the BACKUP_DIR of the process that claimed its timer.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.ops.backup import BackupError, backend_for, backup_name, prune
from bot.store.backups import backup_done_for, last_backup, record_backup
from bot.store.timers import to_ts
from bot.timers import Firing, RetryableTimerError, TimerSpec

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

KIND = "backup"
GROUP = "backup"


def backup_spec(due: datetime) -> TimerSpec:
    return TimerSpec(key=f"{GROUP}:{to_ts(due)}", kind=KIND, due_at=due, group=GROUP)


def next_due(previous_due: datetime, every: timedelta, now: datetime) -> datetime:
    """One period after the last due time; after downtime longer than that, one period from now."""
    due = previous_due + every
    return due if due > now else now + every


class Backups(commands.Cog):
    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot

    @property
    def enabled(self) -> bool:
        return self.bot.config.backup_dir is not None and self.bot.config.backup_every is not None

    async def cog_load(self) -> None:
        self.bot.timers.register(KIND, self._on_timer)
        if not self.enabled:
            await self.bot.timers.cancel_group(GROUP)
            return
        await self._ensure_scheduled()

    async def _ensure_scheduled(self) -> None:
        every = self.bot.config.backup_every
        assert every is not None
        now = self.bot.clock.now()
        pending = [t for t in await self.bot.timers.list_group(GROUP) if t.state == "pending"]
        if pending and min(t.due_at for t in pending) <= now + every:
            return  # already planned (BACKUP_EVERY unchanged or shorter than the wait)
        last = await last_backup(self.bot.store)
        due = now if last is None else max(now, last.made_at + every)
        await self.bot.timers.reschedule(GROUP, [backup_spec(due)])
        log.info("next automatic backup due %s", due.isoformat(timespec="seconds"))

    async def _on_timer(self, firing: Firing) -> None:
        config = self.bot.config
        if config.backup_dir is None or config.backup_every is None:
            return
        timer = firing.timer
        now = self.bot.clock.now()
        await self.bot.timers.reschedule(GROUP, [backup_spec(next_due(timer.due_at, config.backup_every, now))])
        if await backup_done_for(self.bot.store, timer.key):
            log.info("automatic backup %s was already made before a restart; not making it twice", timer.key)
            return
        backend = backend_for(config)
        dest = config.backup_dir / backup_name(now, backend.suffix)
        try:
            check = await asyncio.to_thread(backend.backup, dest)
        except BackupError as exc:
            log.error("automatic backup failed: %s", exc)
            raise RetryableTimerError(str(exc)) from exc
        await record_backup(
            self.bot.store, made_at=now, path=check.path, size_bytes=check.size_bytes, timer_key=timer.key
        )
        removed = await asyncio.to_thread(prune, config.backup_dir, config.backup_keep, backend.suffix)
        log.info("automatic backup written and checked: %s; %d old one(s) removed", check.summary(), len(removed))


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(Backups(bot))
