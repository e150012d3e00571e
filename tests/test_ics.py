"""The .ics builder: the zone is kept (TZID + VTIMEZONE), weekly repeats, escaping, reproducibility."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.scheduling.ics import IcsParty, party_ics

STAMP = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def parse(data: bytes) -> icalendar.Event:
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return event


def test_start_is_written_in_the_party_zone_with_its_vtimezone() -> None:
    party = IcsParty("p-1@bot", "Rewatch", datetime(2026, 3, 10, 15, 30, tzinfo=UTC), "Asia/Kolkata")
    data = party_ics(party, stamp=STAMP)
    assert b"DTSTART;TZID=Asia/Kolkata:20260310T210000" in data
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Asia/Kolkata" in data
    event = parse(data)
    assert event.decoded("dtstart") == datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert "rrule" not in event


def test_weekly_parties_repeat_in_local_time_across_dst() -> None:
    party = IcsParty("p-2@bot", "Weekly", datetime(2026, 3, 24, 19, 0, tzinfo=UTC), "Europe/London", weekly=True)
    data = party_ics(party, stamp=STAMP)
    event = parse(data)
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert b"DTSTART;TZID=Europe/London:20260324T190000" in data
    assert data.count(b"BEGIN:DAYLIGHT") >= 1  # the London VTIMEZONE carries its summer time rule


def test_text_is_escaped_and_output_is_reproducible() -> None:
    party = IcsParty(
        "p-3@bot",
        "Dhruv, Kavya; and tea",
        datetime(2026, 5, 1, 12, tzinfo=UTC),
        "UTC",
        description="Line one\nLine two",
        location="#general (Fans)",
    )
    first = party_ics(party, stamp=STAMP)
    assert first == party_ics(party, stamp=STAMP)
    assert b"SUMMARY:Dhruv\\, Kavya\\; and tea" in first
    event = parse(first)
    assert str(event["summary"]) == "Dhruv, Kavya; and tea"
    assert str(event["description"]) == "Line one\nLine two" and str(event["location"]) == "#general (Fans)"
    assert event.decoded("dtstamp") == STAMP


def test_naive_times_are_refused() -> None:
    party = IcsParty("p-4@bot", "Naive", datetime(2026, 5, 1, 12), "UTC")
    with pytest.raises(ValueError, match="aware"):
        party_ics(party, stamp=STAMP)
