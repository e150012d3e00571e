"""Turning a wall-clock time in a zone into an instant, honest about DST gaps and overlaps.

`zoneinfo` never complains: a skipped time (clocks go forward) or a repeated one (clocks go back)
silently gets one of two offsets. A user who asks for 02:30 on a spring-forward night deserves to
hear that it does not exist; a weekly party at 21:00 just needs a sensible instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["normal", "ambiguous", "gap"]


@dataclass(frozen=True, slots=True)
class WallTime:
    """How a naive wall-clock time maps onto a zone."""

    kind: Kind
    first: datetime  # fold=0: the earlier reading (before the transition's offset change)
    second: datetime  # fold=1: the later reading; same as `first` when kind is "normal"

    @property
    def shifted(self) -> datetime:
        """For a gap: the instant you get by moving the wall clock forward by the gap (02:30 → 03:30)."""
        return self.first.astimezone(UTC).astimezone(self.first.tzinfo)


def examine(naive: datetime, zone: ZoneInfo) -> WallTime:
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return WallTime("normal", first, first)
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive.replace(fold=0):
        return WallTime("gap", first, second)
    return WallTime("ambiguous", first, second)


def lenient(naive: datetime, zone: ZoneInfo) -> datetime:
    """An instant for any wall time: gaps move forward by the gap, overlaps take the first (RFC 5545)."""
    wall = examine(naive, zone)
    if wall.kind == "gap":
        return wall.shifted
    return wall.first


def gap_edges(wall: WallTime) -> tuple[datetime, datetime]:
    """For a gap: the last wall time before the jump and the first after it (02:00 → 03:00), aware."""
    zone = wall.first.tzinfo
    assert isinstance(zone, ZoneInfo)
    # fold=1 uses the new offset (an earlier instant), fold=0 the old one: the change lies between.
    low = wall.second.astimezone(UTC)
    high = wall.first.astimezone(UTC)
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
            low = mid
        else:
            high = mid
    transition = high.replace(microsecond=0)
    before = (transition - timedelta(seconds=1)).astimezone(zone) + timedelta(seconds=1)
    return before, transition.astimezone(zone)
