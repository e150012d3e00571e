"""Reading the `when` of a watch party: a small explicit grammar instead of `dateparser`.

Why hand-written: the phrases people use for a party are few (`tomorrow 8pm`, `friday 21:00`,
`in 90 minutes`, `2026-12-01 20:00`), and a grammar we own can say exactly what it understood
and what it did not, refuse a DST-skipped or DST-repeated time instead of silently picking one,
and never guesses month/day order in `12/01`. `dateparser` costs ~50 ms to import plus ~100 ms on
its first parse, pulls in `regex`, `pytz` and `tzlocal`, and silently returns a time that does not
exist for `2026-03-08 02:30` in New York.

Grammar (case-insensitive; `at`, `on` and commas are ignored):
    in <duration>                 in 90 minutes, in 2 hours, in 1h30m, in an hour
    <duration> from now
    [<date>] <time> [<abbrev>]    in either order: 8pm tomorrow works too
    <date>  := today | tonight | tomorrow | [next|this] <weekday> | YYYY-MM-DD | 1 dec [2026] | dec 1 [2026]
    <time>  := 20:00 | 8pm | 8:30 pm | 8.30pm | noon | midnight
A bare time is its next occurrence; a weekday is the nearest one still ahead (today if the time
has not passed). <abbrev> is the zone's own abbreviation (IST, EDT…), which also picks one of
the two readings of a repeated DST hour, or another zone alias (`8pm UTC`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import horizons
from bot.i18n import duration as i18n_duration
from bot.i18n import language_of, rough_duration, t
from bot.i18n.catalog import catalogue
from bot.scheduling.errors import (
    AmbiguousTimeError,
    NonExistentTimeError,
    PastTimeError,
    TimeParseError,
    TooFarAheadError,
)
from bot.scheduling.localtime import examine, gap_edges
from bot.scheduling.zones import ALIASES, resolve_zone

MAX_AHEAD = horizons.PARTY
EXAMPLES = "`2026-12-01 20:00`, `tomorrow 8pm`, `friday 9:30pm`, `20:00`, `in 90 minutes`, `in 1h30m`"

_UNITS: dict[str, int] = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 604800),
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?|an?|one)\s*([a-z]+)")
_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
_TODAY_WORDS = frozenset({"today", "tonight"})
_TOMORROW_WORDS = frozenset({"tomorrow", "tmrw", "tmr", "tomorow", "tommorow", "tommorrow"})
_DATE_WORDS = frozenset(
    {
        *_WEEKDAYS,
        *_MONTHS,
        *_TODAY_WORDS,
        *_TOMORROW_WORDS,
        "yesterday",
        "next",
        "this",
        "coming",
        "upcoming",
        "noon",
        "am",
        "pm",
    }
)
_TIME = re.compile(
    r"(?<![\d:.\-/])(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>am|pm)\b"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})(?::(?P<s24>\d{2}))?(?![\d:])"
    r"|(?P<word>noon|midnight))"
)
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_SLASH_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}))?$")


@dataclass(frozen=True, slots=True)
class ParsedWhen:
    """An instant the user asked for, with the zone it was read in (for confirmations)."""

    at: datetime  # aware, UTC
    zone: ZoneInfo

    @property
    def local(self) -> datetime:
        return self.at.astimezone(self.zone)

    def describe(self) -> str:
        """`Tue 1 Dec 2026, 20:00 IST (Asia/Kolkata)`."""
        local = self.local
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()} ({self.zone.key})"


def format_duration(delta: timedelta) -> str:
    """`2 hours`, `1 day 3 hours`, `45 minutes` (two largest units, rounded down)."""
    seconds = int(abs(delta).total_seconds())
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts[:2]) if parts else "less than a minute"


def _span(delta: timedelta) -> Callable[[object], str]:
    """A duration in the reader's language, for an error's text (`format_duration` in English)."""
    return lambda locale: format_duration(delta) if language_of(locale) == "en" else i18n_duration(locale, delta)


def _limit(horizon: timedelta) -> Callable[[object], str]:
    return lambda locale: horizons.describe(horizon) if language_of(locale) == "en" else rough_duration(locale, horizon)


def _what(what: str) -> Callable[[object], str]:
    """"watch parties" / "releases" in the reader's language (other words stay as given)."""
    key = "time.what_" + what.replace(" ", "_")
    return lambda locale: t(locale, key) if key in catalogue("en") else what


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzinfo}"


def parse_duration(text: str) -> timedelta | None:
    """`90 minutes`, `1h30m`, `1 hour and 30 minutes`, `1.5h`, `an hour`, `half an hour`; None if not a duration."""
    text = text.strip()
    if text in {"half an hour", "half hour"}:
        return timedelta(minutes=30)
    text = re.sub(r"(\d)h(\d+)$", r"\1h\2m", text)  # 1h30 → 1h30m
    text = re.sub(r"\band\b", " ", text)
    total = 0.0
    position = 0
    for match in _DURATION_PART.finditer(text):
        if text[position : match.start()].strip():
            return None
        amount, unit = match.groups()
        if unit not in _UNITS:
            return None
        total += (1.0 if amount in {"a", "an", "one"} else float(amount)) * _UNITS[unit]
        position = match.end()
    if position == 0 or text[position:].strip():
        return None
    if total > horizons.LONGEST_DURATION.total_seconds():  # also inf, from a number with hundreds of digits
        raise TooFarAheadError(
            key="time.far_too_long", text=text.strip(), parties=_limit(horizons.PARTY),
            releases=_limit(horizons.RELEASE),
        )
    return timedelta(seconds=round(total))


def _normalise(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"\b([ap])\.\s*m\.?", r"\1m", text)  # p.m. → pm
    text = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(\d)", r"\1 \2", text)  # ISO 'T'
    text = text.replace(",", " ")
    text = re.sub(r"\b(at|on)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _clock_time(match: re.Match[str]) -> time:
    groups = match.groupdict()
    if groups["word"]:
        return time(12) if groups["word"] == "noon" else time(0)
    if groups["h24"] is not None:
        hour, minute, second = int(groups["h24"]), int(groups["m24"]), int(groups["s24"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise TimeParseError(key="time.bad_24h", text=match.group(0))
        return time(hour, minute, second)
    hour, minute, second = int(groups["h"]), int(groups["m"] or 0), int(groups["s"] or 0)
    if not 1 <= hour <= 12 or minute > 59 or second > 59:
        raise TimeParseError(key="time.bad_12h", text=match.group(0))
    hour = hour % 12 + (12 if groups["ampm"] == "pm" else 0)
    return time(hour, minute, second)


def _date_part(text: str, today: date, original: str) -> tuple[str, date | int | None]:
    """Classify the date words: ('none'|'date'|'weekday'|'dayless', value)."""
    if not text:
        return "none", None
    if text in _TODAY_WORDS:
        return "date", today
    if text in _TOMORROW_WORDS:
        return "date", today + timedelta(days=1)
    if text == "yesterday":
        return "date", today - timedelta(days=1)  # refused as past, with the date it meant
    words = text.split()
    if words[0] in {"next", "this", "coming", "upcoming"} and len(words) == 2:
        words = words[1:]
    if len(words) == 1 and words[0] in _WEEKDAYS:
        return "weekday", _WEEKDAYS[words[0]]
    if match := _ISO_DATE.match(text):
        return "date", _make_date(int(match[1]), int(match[2]), int(match[3]), text)
    if _SLASH_DATE.match(text):
        raise TimeParseError(key="time.day_month", text=text)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(text)
        if match and match[month_group] in _MONTHS:
            month, day = _MONTHS[match[month_group]], int(match[day_group])
            if match[3]:
                return "date", _make_date(int(match[3]), month, day, text)
            _make_date(2024, month, day, text)  # a leap year: 29 Feb is a real day
            return "dayless", month * 100 + day
    raise TimeParseError(key="time.no_date", original=original, text=text, examples=EXAMPLES)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise TimeParseError(key="time.not_a_date", text=text) from None


def _split_abbreviation(text: str) -> tuple[str, str | None]:
    """Peel a trailing zone abbreviation or alias (`8pm ist`, `01:30 edt`, `9pm utc`)."""
    words = text.split()
    if len(words) >= 2 and words[-1].isalpha() and 2 <= len(words[-1]) <= 5 and words[-1] not in _DATE_WORDS:
        return " ".join(words[:-1]), words[-1]
    return text, None


def _instant(naive: datetime, zone: ZoneInfo, abbreviation: str | None) -> datetime:
    """The instant for a wall time, refusing skipped times and asking which repeated time was meant."""
    wall = examine(naive, zone)
    if abbreviation is not None:
        for candidate in (wall.first, wall.second):
            name = candidate.tzname()
            if name and name.lower() == abbreviation and wall.kind != "gap":
                return candidate
    if wall.kind == "gap":
        before, after = gap_edges(wall)
        raise NonExistentTimeError(
            key="time.gap", naive=f"{naive:%Y-%m-%d %H:%M}", zone=zone.key, before=f"{before:%H:%M}",
            after=f"{after:%H:%M}", shifted=f"{wall.shifted:%H:%M}",
        )
    if wall.kind == "ambiguous":
        first, second = wall.first, wall.second
        raise AmbiguousTimeError(
            key="time.ambiguous", naive=f"{naive:%Y-%m-%d %H:%M}", zone=zone.key,
            first=f"{first:%H:%M} {first.tzname()}", first_utc=f"{first.astimezone(UTC):%H:%M}",
            second=f"{second:%H:%M} {second.tzname()}", second_utc=f"{second.astimezone(UTC):%H:%M}",
            second_name=second.tzname(),
        )
    if abbreviation is not None:
        raise TimeParseError(
            key="time.wrong_abbreviation", abbreviation=abbreviation.upper(), zone=zone.key,
            actual=wall.first.tzname(),
        )
    return wall.first


def parse_when(
    text: str, *, now: datetime, zone: ZoneInfo | str, max_ahead: timedelta = MAX_AHEAD, what: str = "watch parties"
) -> ParsedWhen:
    """Read `text` relative to `now` (aware) in `zone`; the result is in the future and within `max_ahead`.

    Never raises anything but a `UserError` for what was typed: times past the horizon (`bot.horizons`)
    are refused before any arithmetic could overflow. `what` names the thing being planned in that refusal.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = resolve_zone(zone) if isinstance(zone, str) else zone
    original = text.strip()
    if not original:
        raise TimeParseError(key="time.say_when", examples=EXAMPLES)
    norm = _normalise(original)

    relative = None
    if norm.startswith("in "):
        relative = parse_duration(norm[3:])
    elif norm.endswith(" from now"):
        relative = parse_duration(norm[: -len(" from now")])
    if relative is not None:
        at = horizons.later(now, relative)
        if at is None or relative > max_ahead:
            raise TooFarAheadError(
                key="time.too_far_relative", duration=_span(relative), what=_what(what), limit=_limit(max_ahead)
            )
        return _checked(ParsedWhen(at.astimezone(UTC), tz), now, max_ahead, what)
    if norm.startswith("in "):
        raise TimeParseError(key="time.bad_duration", text=original[3:].strip())

    norm, abbreviation = _split_abbreviation(norm)
    if abbreviation is not None:
        alias = ALIASES.get(abbreviation)
        if alias is not None and alias != tz.key:
            tz, abbreviation = ZoneInfo(alias), None  # `9pm utc` while the zone is Asia/Kolkata

    matches = list(_TIME.finditer(norm))
    if len(matches) != 1:
        if not matches:
            if _looks_like_date(norm, now.astimezone(tz).date()):
                raise TimeParseError(key="time.no_time", original=original)
            raise TimeParseError(key="time.unreadable", original=original, examples=EXAMPLES)
        raise TimeParseError(key="time.two_times", original=original)
    match = matches[0]
    clock = _clock_time(match)
    rest = (norm[: match.start()] + " " + norm[match.end() :]).strip()
    rest = re.sub(r"\s+", " ", rest)
    today = now.astimezone(tz).date()
    kind, value = _date_part(rest, today, original)

    now_wall = now.astimezone(tz).replace(tzinfo=None)

    def upcoming(days: list[date]) -> date:
        """The first candidate day whose wall time is still ahead (past days are never examined for DST)."""
        return next(day for day in days if datetime.combine(day, clock) > now_wall)

    if kind == "date":
        assert isinstance(value, date)
        day = value
        if day - today > max_ahead + timedelta(days=1):  # refused before a far date reaches zone arithmetic
            raise TooFarAheadError(
                key="time.too_far_date", day=f"{day:%Y-%m-%d}", duration=_span(day - today), what=_what(what),
                limit=_limit(max_ahead),
            )
    elif kind == "none":
        day = upcoming([today, today + timedelta(days=1)])
    elif kind == "weekday":
        assert isinstance(value, int)
        ahead = (value - today.weekday()) % 7
        day = upcoming([today + timedelta(days=ahead), today + timedelta(days=ahead + 7)])
    else:
        assert isinstance(value, int)
        month, mday = divmod(value, 100)
        day = upcoming([d for d in (_maybe_date(y, month, mday) for y in range(today.year, today.year + 9)) if d])
    at = _instant(datetime.combine(day, clock), tz, abbreviation).astimezone(UTC)
    return _checked(ParsedWhen(at, tz), now, max_ahead, what)


def _maybe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None  # 29 Feb outside leap years


def _looks_like_date(text: str, today: date) -> bool:
    try:
        kind, _ = _date_part(text, today, text)
    except TimeParseError:
        return False
    return kind != "none"


def _checked(parsed: ParsedWhen, now: datetime, max_ahead: timedelta, what: str) -> ParsedWhen:
    local = parsed.local
    if parsed.at <= now:
        if now - parsed.at < timedelta(minutes=1):
            raise PastTimeError(key="time.now", stamp=_stamp(local))
        raise PastTimeError(key="time.past", duration=format_duration(now - parsed.at), stamp=_stamp(local))
    if parsed.at - now > max_ahead:
        raise TooFarAheadError(
            key="time.too_far", duration=_span(parsed.at - now), stamp=_stamp(local), what=_what(what),
            limit=_limit(max_ahead),
        )
    return parsed
