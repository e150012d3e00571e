"""What `/admin status` shows, as plain data: the facts and the warnings drawn from them.

Pure: the cog gathers the facts from the running bot, this module decides what deserves a warning,
so the thresholds are tested without Discord.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

BACKUP_STALE_AFTER = timedelta(days=2)
TIMER_LATE_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class StatusFacts:
    now: datetime
    version: str
    started_at: datetime | None
    gateway_latency_ms: float | None
    servers: int
    games_running: int
    timers_pending: int
    next_timer_due: datetime | None
    timers_late: int
    outbound_queue: int | None
    database_bytes: int
    last_backup_at: datetime | None
    last_backup_path: Path | None
    backups_enabled: bool
    content_version: str | None
    rate_limited_last_hour: int
    warnings: list[str] = field(default_factory=list)


def warnings_for(facts: StatusFacts) -> list[str]:
    out: list[str] = []
    if facts.last_backup_at is None:
        out.append("No backup has been made yet." + ("" if facts.backups_enabled else " Automatic backups are off."))
    elif facts.now - facts.last_backup_at >= BACKUP_STALE_AFTER:
        out.append(f"No backup for {describe_age(facts.now - facts.last_backup_at)}.")
    if facts.timers_late:
        out.append(f"{facts.timers_late} timer(s) are running late (due more than a minute ago).")
    if facts.rate_limited_last_hour:
        out.append(f"Discord rate-limited the bot {facts.rate_limited_last_hour} time(s) in the last hour.")
    return out


def describe_age(age: timedelta) -> str:
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def describe_size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024:
            return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
