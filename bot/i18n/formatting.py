"""Numbers, dates and durations as a reader of the language expects them, from Babel's CLDR data.

Hindi groups digits the Indian way (12,34,567), names months in Devanagari (5 अक्टूबर 2018) and
says durations as "2 घंटे में". Discord's own `<t:…>` timestamps are rendered by each reader's client,
so these are for text the bot writes itself.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal

from bot.i18n.catalog import language_of


def number(locale: object, value: float) -> str:
    return _number(language_of(locale), value)


@lru_cache(maxsize=8192)
def _number(language: str, value: float) -> str:
    """Cached: Babel takes about 20 µs a number (locale lookup, pattern, quantizing), and a leaderboard
    page writes ten of them, the same ones page after page until the scores change."""
    return str(format_decimal(value, locale=language))


def long_date(locale: object, day: dt.date) -> str:
    """`5 October 2018` / `5 अक्टूबर 2018`."""
    return str(format_date(day, format="long", locale=language_of(locale)))


def local_datetime(locale: object, moment: dt.datetime) -> str:
    """`Tue 1 Dec 2026, 20:00 IST` / `मंगल 1 दिस॰ 2026, 20:00 IST` in the moment's own zone."""
    text = str(format_datetime(moment, "EEE d MMM y, HH:mm", locale=language_of(locale)))
    return f"{text} {moment.tzname()}" if moment.tzname() else text


def rough_duration(locale: object, delta: dt.timedelta) -> str:
    """One rounded unit: `2 years` / `2 वर्ष` (for limits such as "at most 2 years ahead")."""
    return str(format_timedelta(delta, threshold=1.0, locale=language_of(locale)))


def duration(locale: object, delta: dt.timedelta, *, direction: bool = False) -> str:
    """`1 day 3 hours` / `1 दिन 3 घंटे` (two largest units, rounded down); with `direction`, `in …` / `… में`."""
    from bot.i18n.catalog import t

    language = language_of(locale)
    seconds = int(abs(delta).total_seconds())
    parts = []
    for size in (86400, 3600, 60):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(str(format_timedelta(dt.timedelta(seconds=count * size), threshold=1.0, locale=language)))
    text = " ".join(parts[:2]) if parts else t(language, "common.under_a_minute")
    return t(language, "common.in_duration", duration=text) if direction else text
