"""Reminder offsets (`24h,1h,10m,0`) and the timers a party or release needs.

Keys follow `party:<id>:<occurrence>:<offset seconds>` with group `party:<id>:<occurrence>`, so
the engine delivers a party's missed reminders together and a moved party is rescheduled as
one group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.scheduling.errors import OffsetParseError, TooFarAheadError
from bot.scheduling.when import parse_duration
from bot.store.timers import TimerSpec, to_ts

PARTY_KIND = "party.reminder"
RELEASE_KIND = "release.reminder"
DEFAULT_OFFSETS: tuple[timedelta, ...] = (
    timedelta(hours=24),
    timedelta(hours=1),
    timedelta(minutes=10),
    timedelta(0),
)
MAX_OFFSET = timedelta(days=7)
MAX_OFFSETS = 6
_START_WORDS = frozenset({"0", "0m", "0h", "start", "now", "at start"})
def parse_offsets(text: str | None) -> tuple[timedelta, ...]:
    """`24h,1h,10m,0` → offsets before the start, largest first; empty text → the defaults."""
    if text is None or not text.strip():
        return DEFAULT_OFFSETS
    if text.strip().lower() in {"none", "off", "no"}:
        return ()
    offsets: set[timedelta] = set()
    for raw in re.split(r"[,;]", text):
        item = raw.strip().lower()
        if not item:
            continue
        offset = timedelta(0) if item in _START_WORDS else _item(item, text)
        if offset > MAX_OFFSET:
            raise OffsetParseError(key="time.offset_too_early", item=raw.strip())
        offsets.add(offset)
    if not offsets:
        raise OffsetParseError(key="time.offset_none_found", text=text.strip())
    if len(offsets) > MAX_OFFSETS:
        raise OffsetParseError(key="time.offset_too_many", count=len(offsets), most=MAX_OFFSETS)
    return tuple(sorted(offsets, reverse=True))


def _item(item: str, text: str) -> timedelta:
    item = item.removesuffix(" before")
    try:
        duration = parse_duration(item)
    except TooFarAheadError:
        raise OffsetParseError(key="time.offset_too_early", item=item) from None
    if duration is None:
        raise OffsetParseError(key="time.offset_unreadable", item=item, text=text.strip())
    if duration.total_seconds() % 60:
        raise OffsetParseError(key="time.offset_not_whole", item=item)
    return duration


def format_offset(offset: timedelta) -> str:
    """`1d`, `1h30m`, `10m`, `0` — the inverse of one `parse_offsets` item."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "0"
    parts = []
    for unit, size in (("d", 1440), ("h", 60), ("m", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def reminder_times(
    starts_at: datetime, offsets: Sequence[timedelta], *, now: datetime
) -> list[tuple[timedelta, datetime]]:
    """(offset, due time) for each reminder still ahead of `now`, soonest first (past ones dropped)."""
    due = [(offset, (starts_at - offset).astimezone(UTC)) for offset in set(offsets)]
    return sorted(((o, t) for o, t in due if t > now), key=lambda pair: pair[1])


def party_group(party_id: int, occurrence: int) -> str:
    return f"party:{party_id}:{occurrence}"


def party_timer_specs(
    party_id: int, occurrence: int, starts_at: datetime, offsets: Sequence[timedelta], *, now: datetime
) -> list[TimerSpec]:
    """The reminders of one party occurrence that are still ahead, one timer each."""
    group = party_group(party_id, occurrence)
    return [
        TimerSpec(
            key=f"{group}:{int(offset.total_seconds())}",
            kind=PARTY_KIND,
            due_at=due,
            group=group,
            payload={
                "party_id": party_id,
                "occurrence": occurrence,
                "offset": int(offset.total_seconds()),
                "starts_at": to_ts(starts_at),
            },
        )
        for offset, due in reminder_times(starts_at, offsets, now=now)
    ]


def release_group(release_id: int) -> str:
    return f"release:{release_id}"


def release_timer_specs(
    release_id: int, release_at: datetime, offsets: Sequence[timedelta], *, now: datetime
) -> list[TimerSpec]:
    group = release_group(release_id)
    return [
        TimerSpec(
            key=f"{group}:{int(offset.total_seconds())}",
            kind=RELEASE_KIND,
            due_at=due,
            group=group,
            payload={"release_id": release_id, "offset": int(offset.total_seconds()), "release_at": to_ts(release_at)},
        )
        for offset, due in reminder_times(release_at, offsets, now=now)
    ]
