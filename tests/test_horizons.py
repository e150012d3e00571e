"""Time horizons: the `when` parser on random and extreme input either parses or says what it could not
read (a `UserError`), never OverflowError/ValueError; offsets, repeats and timers stay inside the horizons."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import horizons
from bot.errors import UserError
from bot.scheduling import parse_offsets, parse_when
from bot.scheduling.errors import OffsetParseError, TooFarAheadError
from bot.scheduling.recurrence import next_occurrence

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
REPEATABLE = settings(derandomize=True, database=None, deadline=None)
"""Deterministic: the same examples on every run (no random seed, no example database)."""
ZONES = ["UTC", "Asia/Kolkata", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"]

WORDS = ["in", "days", "weeks", "hours", "minutes", "from now", "tomorrow", "friday", "next", "dec", "pm", "am",
         "at", "noon", "midnight", "ist", "utc", ":", "-", ".", " ", "h", "m", "d", "w", "an", "half"]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**40).map(str),
    st.sampled_from(["9" * 400, "0.5", "1e400", "99999999.5", "9999", "10000", "0", "00", "24", "60"]),
)
PHRASES = st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS), min_size=1, max_size=8).map(" ".join)
ANY_TEXT = st.text(alphabet=string.printable + "’“”🎬é", max_size=60)


def _either_parses_or_explains(text: str, zone: str, max_ahead: timedelta) -> None:
    try:
        parsed = parse_when(text, now=NOW, zone=zone, max_ahead=max_ahead)
    except UserError as error:
        assert str(error).strip()
        return
    assert NOW < parsed.at <= NOW + max_ahead
    parsed.describe()  # the confirmation can always be written


@settings(REPEATABLE, max_examples=400)
@given(text=PHRASES, zone=st.sampled_from(ZONES))
def test_when_phrases_parse_or_explain(text: str, zone: str) -> None:
    _either_parses_or_explains(text, zone, horizons.PARTY)


@settings(REPEATABLE, max_examples=300)
@given(text=ANY_TEXT, zone=st.sampled_from(ZONES), release=st.booleans())
def test_any_text_parses_or_explains(text: str, zone: str, release: bool) -> None:
    _either_parses_or_explains(text, zone, horizons.RELEASE if release else horizons.PARTY)


@settings(REPEATABLE, max_examples=200)
@given(year=st.integers(min_value=1, max_value=9999), month=st.integers(1, 12), day=st.integers(1, 28),
       zone=st.sampled_from(ZONES))
def test_any_calendar_date_parses_or_explains(year: int, month: int, day: int, zone: str) -> None:
    _either_parses_or_explains(f"{year:04d}-{month:02d}-{day:02d} 20:00", zone, horizons.RELEASE)


@pytest.mark.parametrize(
    "text", ["in 99999999 days", "in 9999999999999999999999999999999999999 weeks", "in 99999999.5 hours",
             f"in {'9' * 400} minutes", "9999-12-31 23:59", "dec 31 9999 8pm"],
)
def test_extreme_times_are_refused_in_words(text: str) -> None:
    with pytest.raises(TooFarAheadError) as info:
        parse_when(text, now=NOW, zone="America/New_York")
    assert "at most" in str(info.value) or "far too long" in str(info.value)


def test_releases_have_a_longer_horizon_than_parties() -> None:
    text = "in 260 weeks"
    with pytest.raises(TooFarAheadError, match="2 years"):
        parse_when(text, now=NOW, zone="UTC")
    parsed = parse_when(text, now=NOW, zone="UTC", max_ahead=horizons.RELEASE, what="releases")
    assert parsed.at == NOW + timedelta(weeks=260)
    with pytest.raises(TooFarAheadError, match="releases can be at most 10 years"):
        parse_when("in 600 weeks", now=NOW, zone="UTC", max_ahead=horizons.RELEASE, what="releases")


@pytest.mark.parametrize("text", ["99999999999999999999d", f"{'9' * 400}m", "1, 99999999 days"])
def test_huge_reminder_offsets_are_refused_in_words(text: str) -> None:
    with pytest.raises(OffsetParseError):
        parse_offsets(text)


def test_weekly_repeats_stop_at_the_calendar_end_without_overflow() -> None:
    from zoneinfo import ZoneInfo

    anchor = datetime(9999, 12, 28, 20, 0, tzinfo=UTC)
    assert next_occurrence(anchor, ZoneInfo("UTC"), "weekly", after=anchor) is None


def test_horizon_words() -> None:
    assert horizons.describe(horizons.PARTY) == "2 years"
    assert horizons.describe(horizons.RELEASE) == "10 years"
    assert horizons.describe(timedelta(days=30)) == "30 days"
    assert horizons.later(datetime.max.replace(tzinfo=UTC), timedelta(days=1)) is None
    with pytest.raises(horizons.BeyondHorizonError, match="at most 2 years"):
        horizons.require_within(NOW + timedelta(days=800), NOW, horizons.PARTY, "Watch parties")


async def test_the_timer_store_refuses_a_timer_past_the_horizon(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.store import Store
    from bot.store.timers import TimerSpec, get_timer, insert_timers

    store = await Store.open(tmp_path / "t.sqlite3")
    try:
        far = TimerSpec(key="far", kind="x", due_at=NOW + horizons.TIMER + timedelta(days=1))
        near = TimerSpec(key="near", kind="x", due_at=NOW + timedelta(days=1))
        with pytest.raises(horizons.BeyondHorizonError):
            await insert_timers(store, [near, far], now=NOW)
        assert await get_timer(store, "near") is None  # nothing of the batch was kept
        assert await insert_timers(store, [near], now=NOW) == 1
    finally:
        await store.close()
