"""Numbers, dates and durations as a reader of the language expects them, from Babel's CLDR data.

Hindi groups digits the Indian way (12,34,567), names months in Devanagari (5 अक्टूबर 2018) and
says durations as "2 घंटे में". Discord's own `<t:…>` timestamps are rendered by each reader's client,
so these are for text the bot writes itself.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_timedelta
from babel.numbers import format_decimal

from bot.i18n.catalog import language_of


def number(locale: object, value: float) -> str:
    return str(format_decimal(value, locale=language_of(locale)))


def long_date(locale: object, day: dt.date) -> str:
    """`5 October 2018` / `5 अक्टूबर 2018`."""
    return str(format_date(day, format="long", locale=language_of(locale)))


def duration(locale: object, delta: dt.timedelta, *, direction: bool = False) -> str:
    """`2 hours` / `2 घंटे`; with `direction`, `in 2 hours` / `2 घंटे में`."""
    return str(
        format_timedelta(delta, locale=language_of(locale), add_direction=direction, threshold=1.0)
    )
