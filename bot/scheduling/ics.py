"""An iCalendar (.ics) file for one watch party, so members can put it in their own calendar.

The start is written in the party's zone (`DTSTART;TZID=Asia/Kolkata:...`) with a VTIMEZONE block,
and weekly parties carry an RRULE: calendar apps then keep the local wall-clock time across DST
changes, as the bot does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//Little Things fan bot//watch parties//EN"
DEFAULT_LENGTH = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class IcsParty:
    uid: str
    title: str
    starts_at: datetime  # aware
    timezone: str  # IANA name
    description: str = ""
    location: str = ""
    weekly: bool = False
    length: timedelta = DEFAULT_LENGTH


def party_ics(party: IcsParty, *, stamp: datetime) -> bytes:
    """The calendar file's bytes; `stamp` (aware) is DTSTAMP, passed in so the output is reproducible."""
    if party.starts_at.tzinfo is None or stamp.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    zone = ZoneInfo(party.timezone)
    start = party.starts_at.astimezone(zone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", party.uid)
    event.add("summary", party.title)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + party.length)
    if party.description:
        event.add("description", party.description)
    if party.location:
        event.add("location", party.location)
    if party.weekly:
        event.add("rrule", {"freq": "weekly"})
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
