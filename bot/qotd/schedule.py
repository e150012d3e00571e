"""When the daily question goes out: a wall-clock time in the server's zone, every day.

The next post is "the next local date whose HH:MM is still ahead", computed on the wall clock
and only then turned into an instant (never the previous post + 24 h, which drifts an hour at
each DST change). A time skipped by the spring-forward jump moves forward by the gap that day
(02:30 → 03:30); a time that happens twice when clocks go back takes its first reading, so a
day never gets two posts. Both follow `bot.scheduling.localtime.lenient` (RFC 5545's rule).
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.scheduling.localtime import lenient

_CLOCK = re.compile(r"^\s*(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


class PostTimeError(UserError):
    """The daily time was not a time of day (`25:00`, `9:75`, `noonish`)."""


def parse_post_time(text: str) -> time:
    """`20:00`, `8:30`, `9pm`, `9:15 am`, `20.30` → a time of day; anything else is a PostTimeError."""
    match = _CLOCK.match(text or "")
    if match is None:
        raise PostTimeError(
            f"I couldn't read “{(text or '').strip()[:40]}” as a time of day. Use 24-hour `HH:MM`, like `20:00`."
        )
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise PostTimeError(f"“{text.strip()}” isn't a time: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match["m"] is None:
        raise PostTimeError(f"“{text.strip()}” needs minutes or am/pm, like `{hour}:00` or `{hour}pm`.")
    if hour > 23 or minute > 59:
        raise PostTimeError(f"“{text.strip()}” isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59.")
    return time(hour, minute)


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The server's calendar date at `instant`: what "today's question" means."""
    return instant.astimezone(zone).date()


def post_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on `day` in `zone` (gaps shifted forward, overlaps the first reading)."""
    return lenient(datetime.combine(day, at), zone).astimezone(UTC)


def next_post_at(
    at: time, zone: ZoneInfo, *, after: datetime, done_days: Container[date] = ()
) -> tuple[date, datetime]:
    """The first (day, instant) strictly after `after` whose day is not in `done_days`.

    `done_days` holds the days that already had their question (posted early with `/qotd now`, or
    before a second setup changed the time), so a day never gets a second scheduled post.
    """
    day = local_day(after, zone) - timedelta(days=1)  # a gap can push yesterday's post past midnight
    for _ in range(400):
        instant = post_instant(day, at, zone)
        if instant > after and day not in done_days:
            return day, instant
        day += timedelta(days=1)
    raise RuntimeError("no posting day within 400 days")  # unreachable unless done_days holds them all
