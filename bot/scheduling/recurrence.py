"""Weekly repeats that keep the party's local wall-clock time across DST changes.

A party every Friday at 21:00 Europe/London is at 20:00 UTC in summer and 21:00 UTC in winter:
the series is anchored to the first occurrence's local date and time, and each occurrence is that
wall time a whole number of weeks later (never the previous occurrence + 7×24 h, which drifts an
hour at each DST change and drifts for good after a skipped time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.scheduling.localtime import lenient

RepeatRule = Literal["none", "weekly"]


def weekly_occurrence(anchor: datetime, zone: ZoneInfo, weeks: int) -> datetime | None:
    """The anchor's wall time `weeks` weeks later, in UTC; None past the end of the calendar (year 9999).

    A wall time skipped by DST moves forward by the gap (02:30 → 03:30 that night only); a
    repeated one takes its first reading.
    """
    try:
        local = anchor.astimezone(zone)
        naive = local.replace(tzinfo=None, fold=0) + timedelta(weeks=weeks)
        return lenient(naive, zone).astimezone(UTC)
    except (OverflowError, ValueError):  # ValueError: a year beyond 9999 inside zone arithmetic
        return None


def next_occurrence(anchor: datetime, zone: ZoneInfo, rule: RepeatRule, *, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after`, or None (no repeat and the anchor has passed)."""
    if rule == "none":
        return anchor.astimezone(UTC) if anchor > after else None
    local_anchor = anchor.astimezone(zone).date()
    weeks = max(0, (after.astimezone(zone).date() - local_anchor).days // 7)
    while True:
        candidate = weekly_occurrence(anchor, zone, weeks)
        if candidate is None:
            return None
        if candidate > after:
            return candidate
        weeks += 1
