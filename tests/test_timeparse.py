"""Reading `when`, zones, weekly repeats and reminder offsets; `now` is fixed by each test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.scheduling import (
    DEFAULT_OFFSETS,
    PARTY_KIND,
    AmbiguousTimeError,
    NonExistentTimeError,
    OffsetParseError,
    PastTimeError,
    TimeParseError,
    TooFarAheadError,
    UnknownZoneError,
    format_offset,
    next_occurrence,
    parse_offsets,
    parse_when,
    party_timer_specs,
    reminder_times,
    resolve_zone,
    suggest_zones,
    weekly_occurrence,
    zone_label,
)

# Friday 20 November 2026, 22:00 in India, 11:30 in New York.
NOW = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
KOLKATA = "Asia/Kolkata"
NEW_YORK = "America/New_York"


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        # absolute dates
        ("2026-12-01 20:00", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("2026-12-01 8pm", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("2026-12-01T20:00", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("2026/12/01 20:00", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("2026-12-01 at 8:30 pm", KOLKATA, "2026-12-01 20:30 Asia/Kolkata"),
        ("1 dec 8pm", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("Dec 1st 8pm", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("December 1 2026, 20:00", KOLKATA, "2026-12-01 20:00 Asia/Kolkata"),
        ("15 jan 8pm", KOLKATA, "2027-01-15 20:00 Asia/Kolkata"),  # already past this year
        # bare times: the next occurrence
        ("20:00", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("23:15", KOLKATA, "2026-11-20 23:15 Asia/Kolkata"),
        ("8:30pm", KOLKATA, "2026-11-21 20:30 Asia/Kolkata"),
        ("8.30 p.m.", KOLKATA, "2026-11-21 20:30 Asia/Kolkata"),
        ("11pm", KOLKATA, "2026-11-20 23:00 Asia/Kolkata"),
        ("12am", KOLKATA, "2026-11-21 00:00 Asia/Kolkata"),
        ("midnight", KOLKATA, "2026-11-21 00:00 Asia/Kolkata"),
        ("12pm", KOLKATA, "2026-11-21 12:00 Asia/Kolkata"),
        ("noon", KOLKATA, "2026-11-21 12:00 Asia/Kolkata"),
        ("20:00", NEW_YORK, "2026-11-20 20:00 America/New_York"),
        ("9am", NEW_YORK, "2026-11-21 09:00 America/New_York"),
        # relative
        ("in 90 minutes", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in 2 hours", KOLKATA, "2026-11-21 00:00 Asia/Kolkata"),
        ("in 1h30m", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in 1h30", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in 1 hour and 30 minutes", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in 1.5 hours", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in an hour", KOLKATA, "2026-11-20 23:00 Asia/Kolkata"),
        ("in half an hour", KOLKATA, "2026-11-20 22:30 Asia/Kolkata"),
        ("in 45 mins", KOLKATA, "2026-11-20 22:45 Asia/Kolkata"),
        ("in 3 days", KOLKATA, "2026-11-23 22:00 Asia/Kolkata"),
        ("in 1 week", KOLKATA, "2026-11-27 22:00 Asia/Kolkata"),
        ("90 minutes from now", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("in 52 weeks", KOLKATA, "2027-11-19 22:00 Asia/Kolkata"),
        # today / tomorrow
        ("tomorrow 8pm", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("tomorrow 20:00", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("tomorrow at 8pm", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("8pm tomorrow", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("tmrw 8pm", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("  TOMORROW   8PM ", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("today 23:30", KOLKATA, "2026-11-20 23:30 Asia/Kolkata"),
        ("today 21:00", NEW_YORK, "2026-11-20 21:00 America/New_York"),
        ("tonight 11pm", KOLKATA, "2026-11-20 23:00 Asia/Kolkata"),
        # weekdays: the nearest one still ahead (today is Friday, 22:00 in Kolkata)
        ("friday 9pm", KOLKATA, "2026-11-27 21:00 Asia/Kolkata"),
        ("friday 11pm", KOLKATA, "2026-11-20 23:00 Asia/Kolkata"),
        ("fri 9pm", KOLKATA, "2026-11-27 21:00 Asia/Kolkata"),
        ("next friday 9pm", KOLKATA, "2026-11-27 21:00 Asia/Kolkata"),
        ("friday 9pm", NEW_YORK, "2026-11-20 21:00 America/New_York"),
        ("saturday 9pm", KOLKATA, "2026-11-21 21:00 Asia/Kolkata"),
        ("sunday at 8:30 p.m.", KOLKATA, "2026-11-22 20:30 Asia/Kolkata"),
        ("on monday at 7pm", KOLKATA, "2026-11-23 19:00 Asia/Kolkata"),
        ("Thursday 20:00", KOLKATA, "2026-11-26 20:00 Asia/Kolkata"),
        ("9pm wednesday", KOLKATA, "2026-11-25 21:00 Asia/Kolkata"),
        # zone words in the text
        ("8pm IST", KOLKATA, "2026-11-21 20:00 Asia/Kolkata"),
        ("9pm utc", KOLKATA, "2026-11-20 21:00 UTC"),
        ("tomorrow 8pm EST", KOLKATA, "2026-11-21 20:00 America/New_York"),
    ],
)
def test_parse_when_table(text: str, zone: str, expected: str):
    """Each phrase lands on the expected local time in the expected zone."""
    parsed = parse_when(text, now=NOW, zone=zone)
    assert f"{parsed.local:%Y-%m-%d %H:%M} {parsed.zone.key}" == expected
    assert parsed.at.tzinfo is UTC and parsed.at == parsed.local.astimezone(UTC)


def test_parse_when_converts_to_utc():
    """20:00 in Kolkata is 14:30 UTC; in New York in November it is 01:00 UTC the next day."""
    assert parse_when("2026-12-01 20:00", now=NOW, zone=KOLKATA).at == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    assert parse_when("2026-12-01 20:00", now=NOW, zone=NEW_YORK).at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert parse_when("in 90 minutes", now=NOW, zone=ZoneInfo(NEW_YORK)).at == NOW + timedelta(minutes=90)


def test_describe_for_confirmations():
    """The confirmation names weekday, date, time, abbreviation and zone."""
    parsed = parse_when("2026-12-01 20:00", now=NOW, zone=KOLKATA)
    assert parsed.describe() == "Tue 1 Dec 2026, 20:00 IST (Asia/Kolkata)"


# -- DST --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "now", "expected_utc"),
    [
        # New York springs forward on 2026-03-08 at 02:00 EST → 03:00 EDT
        ("2026-03-08 01:59", NEW_YORK, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, 6, 59, tzinfo=UTC)),
        ("2026-03-08 03:30", NEW_YORK, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # and falls back on 2026-11-01 at 02:00 EDT → 01:00 EST: the abbreviation picks a reading
        ("2026-11-01 01:30 EDT", NEW_YORK, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        ("2026-11-01 01:30 EST", NEW_YORK, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        (
            "2026-10-25 01:30 BST",
            "Europe/London",
            datetime(2026, 10, 1, tzinfo=UTC),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        ),
        (
            "2026-10-25 01:30 GMT",
            "Europe/London",
            datetime(2026, 10, 1, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
        # "in 2 hours" is elapsed time, whatever the wall clock does: 01:30 EST + 2 h = 04:30 EDT
        ("in 2 hours", NEW_YORK, datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 8, 30, tzinfo=UTC)),
        # a bare time already past today is tomorrow's, without tripping over today's DST gap
        ("02:30", NEW_YORK, datetime(2026, 3, 8, 12, 0, tzinfo=UTC), datetime(2026, 3, 9, 6, 30, tzinfo=UTC)),
    ],
)
def test_dst_times_that_exist(text: str, zone: str, now: datetime, expected_utc: datetime):
    """Times next to a DST change map to the right instant."""
    assert parse_when(text, now=now, zone=zone).at == expected_utc


@pytest.mark.parametrize(
    ("text", "zone", "now", "fragments"),
    [
        ("2026-03-08 02:30", NEW_YORK, datetime(2026, 3, 1, tzinfo=UTC), ["does not exist", "02:00", "03:00", "03:30"]),
        ("2026-03-29 01:30", "Europe/London", datetime(2026, 3, 1, tzinfo=UTC), ["does not exist", "01:00", "02:00"]),
        ("02:30", NEW_YORK, datetime(2026, 3, 7, 17, 0, tzinfo=UTC), ["2026-03-08 02:30 does not exist"]),
        ("sunday 2:15am", NEW_YORK, datetime(2026, 3, 5, tzinfo=UTC), ["2026-03-08 02:15 does not exist"]),
    ],
)
def test_dst_gap_is_refused(text: str, zone: str, now: datetime, fragments: list[str]):
    """A wall time skipped by spring-forward is refused, naming the jump and a time that exists."""
    with pytest.raises(NonExistentTimeError) as info:
        parse_when(text, now=now, zone=zone)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("text", "zone", "now", "fragments"),
    [
        (
            "2026-11-01 01:30",
            NEW_YORK,
            datetime(2026, 10, 1, tzinfo=UTC),
            ["happens twice", "01:30 EDT (05:30 UTC)", "01:30 EST (06:30 UTC)"],
        ),
        (
            "2026-10-25 1:30am",
            "Europe/London",
            datetime(2026, 10, 1, tzinfo=UTC),
            ["happens twice", "01:30 BST (00:30 UTC)", "01:30 GMT (01:30 UTC)"],
        ),
    ],
)
def test_dst_overlap_asks_which(text: str, zone: str, now: datetime, fragments: list[str]):
    """A wall time repeated by fall-back is refused with both candidates."""
    with pytest.raises(AmbiguousTimeError) as info:
        parse_when(text, now=now, zone=zone)
    for fragment in fragments:
        assert fragment in str(info.value)


# -- errors -----------------------------------------------------------------------------------


def test_past_time_says_how_long_ago_and_what_was_understood():
    """The message from the issue, exactly."""
    with pytest.raises(PastTimeError) as info:
        parse_when("today 20:00", now=NOW, zone=KOLKATA)
    assert str(info.value) == "That was 2 hours ago: 2026-11-20 20:00 Asia/Kolkata."


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("yesterday 8pm", "That was 1 day 2 hours ago: 2026-11-19 20:00 Asia/Kolkata"),
        ("2026-11-20 21:59", "That was 1 minute ago"),
        ("in 0 minutes", "That is now"),
        ("2025-12-01 20:00", "ago: 2025-12-01 20:00 Asia/Kolkata"),
    ],
)
def test_past_times_are_refused(text: str, fragment: str):
    with pytest.raises(PastTimeError) as info:
        parse_when(text, now=NOW, zone=KOLKATA)
    assert fragment in str(info.value)


@pytest.mark.parametrize("text", ["2028-12-01 20:00", "in 800 days", "in 105 weeks", "9999-12-31 23:59"])
def test_more_than_the_party_horizon_ahead_is_refused(text: str):
    with pytest.raises(TooFarAheadError) as info:
        parse_when(text, now=NOW, zone=KOLKATA)
    assert "at most 2 years ahead" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Say when"),
        ("blah", "Examples that work: `2026-12-01 20:00`, `tomorrow 8pm`"),
        ("soon", "Examples that work"),
        ("8", "Examples that work"),
        ("next week", "Examples that work"),
        ("2026-12-01", "as a date but found no time: add one, e.g. `2026-12-01 20:00`"),
        ("tomorrow", "as a date but found no time"),
        ("friday", "as a date but found no time"),
        ("12/01 8pm", "could be day/month or month/day"),
        ("25:00", "“25:00” is not a time of day"),
        ("13pm", "with am/pm the hour is 1–12"),
        ("0pm", "with am/pm the hour is 1–12"),
        ("2026-02-30 20:00", "is not a date on the calendar"),
        ("31 feb 8pm", "is not a date on the calendar"),
        ("in 5 parsecs", "couldn't read “5 parsecs” as a duration"),
        ("in 30 seconds", "couldn't read “30 seconds” as a duration"),
        ("8pm 9pm", "more than one time"),
        ("8pm xyz", "“XYZ” is not Asia/Kolkata's abbreviation"),
        ("someday 8pm", "I read a time in “someday 8pm” but not the date “someday”"),
    ],
)
def test_unparseable_input_says_what_went_wrong(text: str, fragment: str):
    with pytest.raises(TimeParseError) as info:
        parse_when(text, now=NOW, zone=KOLKATA)
    assert fragment in str(info.value)


def test_errors_are_user_errors():
    """Every refusal is shown to the user as it is (ephemerally) by the error handler."""
    for error in (
        TimeParseError,
        PastTimeError,
        TooFarAheadError,
        UnknownZoneError,
        AmbiguousTimeError,
        NonExistentTimeError,
        OffsetParseError,
    ):
        assert issubclass(error, UserError)


def test_parse_when_with_an_unknown_zone_suggests_close_names():
    with pytest.raises(UnknownZoneError) as info:
        parse_when("8pm", now=NOW, zone="Asia/Kolkatta")
    assert info.value.suggestions[0] == "Asia/Kolkata"


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        parse_when("8pm", now=datetime(2026, 11, 20, 16, 30), zone=KOLKATA)


# -- zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("asia/kolkata", "Asia/Kolkata"),
        ("  Asia/Kolkata ", "Asia/Kolkata"),
        ("IST", "Asia/Kolkata"),
        ("ist", "Asia/Kolkata"),
        ("Kolkata", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Asia/Calcutta", "Asia/Calcutta"),
        ("new york", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("EST", "America/New_York"),
        ("London", "Europe/London"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Australia/Sydney", "Australia/Sydney"),
    ],
)
def test_resolve_zone(text: str, zone: str):
    assert resolve_zone(text).key == zone


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("Asia/Kolkatta", "Asia/Kolkata"), ("Londn", "Europe/London"), ("new yrok", "America/New_York")],
)
def test_unknown_zone_suggests_close_names(text: str, suggested: str):
    with pytest.raises(UnknownZoneError) as info:
        resolve_zone(text)
    assert suggested in info.value.suggestions[:3]
    assert f"Did you mean {info.value.suggestions[0]}" in str(info.value)


@pytest.mark.parametrize("text", ["Mars/Olympus_Mons", "", "   "])
def test_nonsense_zone_is_refused(text: str):
    with pytest.raises(UnknownZoneError, match="I don't know the time zone"):
        resolve_zone(text)


def test_suggest_zones_for_autocomplete():
    """Empty box → common zones; prefixes match names and cities; aliases and typos work; at most 25."""
    assert suggest_zones("")[0] == "Asia/Kolkata"
    assert suggest_zones("kol")[0] == "Asia/Kolkata"
    assert suggest_zones("IST")[0] == "Asia/Kolkata"
    assert suggest_zones("america/new")[0] == "America/New_York"
    assert suggest_zones("new y")[0] == "America/New_York"
    assert "Europe/London" in suggest_zones("londn")
    europe = suggest_zones("europe/")
    assert len(europe) == 25 and all(name.startswith("Europe/") for name in europe)
    assert len(suggest_zones("a", limit=10)) == 10
    assert "Asia/Calcutta" not in suggest_zones("asia/c", limit=100)  # old spellings are not offered
    for name in suggest_zones("an"):
        ZoneInfo(name)  # everything offered loads


def test_zone_label_shows_the_current_offset():
    assert zone_label("Asia/Kolkata", NOW) == "Asia/Kolkata (UTC+05:30)"
    assert zone_label(NEW_YORK, NOW) == "America/New_York (UTC-05:00)"
    assert zone_label(NEW_YORK, datetime(2026, 7, 1, tzinfo=UTC)) == "America/New_York (UTC-04:00)"


# -- weekly repeats ---------------------------------------------------------------------------


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("anchor", "zone", "after", "expected"),
    [
        # London, Friday 21:00: GMT (21:00 UTC) before 29 March, BST (20:00 UTC) after
        (_utc(2026, 3, 27, 21), "Europe/London", _utc(2026, 3, 27, 21), _utc(2026, 4, 3, 20)),
        # and back on 25 October
        (_utc(2026, 10, 23, 20), "Europe/London", _utc(2026, 10, 23, 20), _utc(2026, 10, 30, 21)),
        # New York, Friday 21:00: EDT (01:00 UTC Saturday) then EST (02:00 UTC) after 1 November
        (_utc(2026, 10, 31, 1), NEW_YORK, _utc(2026, 10, 31, 1), _utc(2026, 11, 7, 2)),
        # Sunday 02:30 New York: skipped on 8 March, so 03:30 EDT that night only
        (_utc(2026, 3, 1, 7, 30), NEW_YORK, _utc(2026, 3, 1, 7, 30), _utc(2026, 3, 8, 7, 30)),
        # ...and 02:30 EDT the week after (no drift to 03:30)
        (_utc(2026, 3, 1, 7, 30), NEW_YORK, _utc(2026, 3, 8, 7, 30), _utc(2026, 3, 15, 6, 30)),
        # Sunday 01:30 EDT: repeated on 1 November, the first reading (EDT) is used
        (_utc(2026, 10, 25, 5, 30), NEW_YORK, _utc(2026, 10, 25, 5, 30), _utc(2026, 11, 1, 5, 30)),
        # far after the anchor: the next Friday 21:00 IST that has not started yet
        (_utc(2026, 1, 2, 15, 30), KOLKATA, NOW, _utc(2026, 11, 27, 15, 30)),
        # `after` before the anchor: the anchor itself
        (_utc(2026, 12, 4, 15, 30), KOLKATA, NOW, _utc(2026, 12, 4, 15, 30)),
    ],
)
def test_next_weekly_occurrence(anchor: datetime, zone: str, after: datetime, expected: datetime):
    assert next_occurrence(anchor, ZoneInfo(zone), "weekly", after=after) == expected


@pytest.mark.parametrize("zone", ["Europe/London", NEW_YORK])
def test_a_year_of_weekly_parties_stays_at_21_00_local(zone: str):
    """52 Fridays in a row, across both DST changes: always Friday 21:00 on the wall clock."""
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 2, 21, 0, tzinfo=tz).astimezone(UTC)
    occurrence = start
    offsets = set()
    for _ in range(52):
        following = next_occurrence(start, tz, "weekly", after=occurrence)
        assert following is not None
        local = following.astimezone(tz)
        assert (local.weekday(), local.hour, local.minute) == (4, 21, 0)
        assert (local.date() - occurrence.astimezone(tz).date()).days == 7
        offsets.add(local.utcoffset())
        occurrence = following
    assert len(offsets) == 2  # both summer and winter time were crossed


def test_weekly_occurrence_by_index_and_no_repeat():
    tz = ZoneInfo("Europe/London")
    anchor = _utc(2026, 3, 27, 21)
    assert weekly_occurrence(anchor, tz, 0) == anchor
    assert weekly_occurrence(anchor, tz, 1) == _utc(2026, 4, 3, 20)
    assert next_occurrence(anchor, tz, "none", after=_utc(2026, 3, 1)) == anchor
    assert next_occurrence(anchor, tz, "none", after=anchor) is None


# -- reminder offsets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h,1h,10m,0", (timedelta(hours=24), timedelta(hours=1), timedelta(minutes=10), timedelta(0))),
        (None, DEFAULT_OFFSETS),
        ("", DEFAULT_OFFSETS),
        ("0, 10m ,1h", (timedelta(hours=1), timedelta(minutes=10), timedelta(0))),
        ("1d,24h", (timedelta(days=1),)),
        ("1h30m;start", (timedelta(minutes=90), timedelta(0))),
        ("2 hours, 15 minutes", (timedelta(hours=2), timedelta(minutes=15))),
        ("7d", (timedelta(days=7),)),
        ("none", ()),
    ],
)
def test_parse_offsets(text: str | None, expected: tuple[timedelta, ...]):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("24h,2x", "couldn't read “2x”"),
        ("8d", "at most 7 days before"),
        ("1h,2h,3h,4h,5h,6h,7h", "at most 6"),
        ("30s", "couldn't read “30s”"),
        ("1.01h", "whole number of minutes"),
        (",,", "found no reminder times"),
    ],
)
def test_bad_offsets_are_refused(text: str, fragment: str):
    with pytest.raises(OffsetParseError) as info:
        parse_offsets(text)
    assert fragment in str(info.value)
    assert "24h,1h,10m,0" in str(info.value)


@pytest.mark.parametrize("text", ["1d", "1h30m", "10m", "0", "2d3h"])
def test_format_offset_round_trips(text: str):
    assert format_offset(parse_offsets(text)[0]) == text


def test_reminders_already_past_are_dropped_at_creation():
    """A party 30 minutes away keeps only its 10-minute and start reminders."""
    starts = NOW + timedelta(minutes=30)
    assert reminder_times(starts, DEFAULT_OFFSETS, now=NOW) == [
        (timedelta(minutes=10), NOW + timedelta(minutes=20)),
        (timedelta(0), starts),
    ]


def test_party_timer_specs():
    """One timer per remaining reminder, keyed party:<id>:<occurrence>:<offset>, grouped per occurrence."""
    starts = NOW + timedelta(hours=2)
    specs = party_timer_specs(12, 3, starts, DEFAULT_OFFSETS, now=NOW)
    assert [s.key for s in specs] == ["party:12:3:3600", "party:12:3:600", "party:12:3:0"]
    assert {s.group_key for s in specs} == {"party:12:3"}
    assert {s.kind for s in specs} == {PARTY_KIND}
    assert [s.due_at for s in specs] == [NOW + timedelta(hours=1), NOW + timedelta(minutes=110), starts]
    assert specs[0].payload == {"party_id": 12, "occurrence": 3, "offset": 3600, "starts_at": int(starts.timestamp())}
