"""Snowflake ids shaped like Discord's, so ids in logs and payloads look and sort like the real ones.

discord.py derives `created_at` from an id and several features sort by id, so a fake that hands out
small counters would hide ordering bugs. Ids here carry the millisecond of the stand-in's clock and an
increment, exactly as Discord packs them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_at(when: datetime, increment: int = 0, *, worker: int = 1, process: int = 0) -> int:
    """The id Discord would give something created at `when` (timezone-aware)."""
    ms = int(when.astimezone(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
    return (max(ms, 0) << 22) | ((worker & 0x1F) << 17) | ((process & 0x1F) << 12) | (increment & 0xFFF)


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


class SnowflakeFactory:
    """Hands out strictly increasing ids for one stand-in, even when its clock stands still.

    Tests freeze time with a VirtualClock, so the timestamp part alone would repeat; the increment and
    a floor at the last id issued keep every new id larger than the previous one.
    """

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self, when: datetime) -> int:
        candidate = snowflake_at(when, next(self._counter))
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate
