"""How far ahead the bot plans anything: the one place for time horizons.

A party more than two years out is a typo or a joke, and a release more than ten years out is not
news; past those horizons the bot refuses with a sentence instead of storing a value that later
overflows (`datetime` ends at year 9999, `timedelta` at 999,999,999 days, and a Discord timestamp
or an .ics file built from such a value fails far from where it was typed). Every time the bot
computes from user input (the `when` parser, repeats, reminder offsets, release dates, the timer
engine) is checked against these before it is used.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.errors import UserError

PARTY = timedelta(days=731)
"""Watch parties (and their weekly repeats and reminders): two years ahead."""
RELEASE = timedelta(days=3653)
"""Release dates and their reminders: ten years ahead."""
TIMER = RELEASE
"""Nothing the timer engine is asked to schedule is further out than the longest horizon."""
LONGEST_DURATION = timedelta(days=36525)
"""A typed duration longer than a century is not read as a duration at all (it could not be added to a date)."""


class BeyondHorizonError(UserError):
    """A time further ahead than the bot plans; the text says how far it may be."""


def describe(horizon: timedelta) -> str:
    """`2 years`, `10 years`, `30 days`."""
    years = round(horizon.days / 365.25)
    if years >= 1 and abs(horizon.days - years * 365.25) <= 1:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{horizon.days} day{'s' if horizon.days != 1 else ''}"


def later(moment: datetime, delta: timedelta) -> datetime | None:
    """`moment + delta`, or None where the calendar ends (instead of OverflowError)."""
    try:
        return moment + delta
    except OverflowError:
        return None


def within(moment: datetime, now: datetime, horizon: timedelta) -> bool:
    return moment - now <= horizon


def require_within(moment: datetime, now: datetime, horizon: timedelta, what: str) -> None:
    """Refuse `moment` if it is more than `horizon` after `now` (`what`: "Watch parties", "Releases"…)."""
    if not within(moment, now, horizon):
        raise BeyondHorizonError(f"{what} can be at most {describe(horizon)} ahead; that is further out.")
