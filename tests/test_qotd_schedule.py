"""QOTD schedule: reading the daily time, and the next post across DST changes."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.qotd import PostTimeError, local_day, next_post_at, parse_post_time

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20:00", time(20, 0)), ("8:30", time(8, 30)), ("00:00", time(0, 0)), ("9pm", time(21, 0)),
     ("12am", time(0, 0)), ("12 pm", time(12, 0)), ("9:15 AM", time(9, 15)), ("20.30", time(20, 30))],
)
def test_times_people_type(text: str, expected: time) -> None:
    """24-hour and am/pm times of day are read."""
    assert parse_post_time(text) == expected


@pytest.mark.parametrize(("text", "words"), [("25:00", "hours go from 00 to 23"), ("9:75", "minutes"),
                                            ("13pm", "1 to 12"), ("noonish", "couldn't read"), ("", "couldn't read"),
                                            ("20", "needs minutes")])
def test_impossible_times_say_why(text: str, words: str) -> None:
    """`25:00` and friends are refused with a sentence that says what is wrong."""
    with pytest.raises(PostTimeError, match=words):
        parse_post_time(text)


def test_next_post_is_later_today_or_tomorrow() -> None:
    """Before the time: today; at or after it: tomorrow."""
    after = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # 15:30 IST
    expected = (date(2026, 3, 2), datetime(2026, 3, 2, 14, 30, tzinfo=UTC))
    assert next_post_at(time(20, 0), KOLKATA, after=after) == expected
    assert next_post_at(time(15, 30), KOLKATA, after=after)[0] == date(2026, 3, 3)


def test_the_wall_clock_time_holds_across_spring_forward() -> None:
    """09:00 London is 09:00 UTC before 29 March 2026 and 08:00 UTC after."""
    day, at = next_post_at(time(9, 0), LONDON, after=datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
    assert (day, at) == (date(2026, 3, 29), datetime(2026, 3, 29, 8, 0, tzinfo=UTC))


def test_a_skipped_time_moves_forward_by_the_gap() -> None:
    """01:30 does not exist in London on 29 March 2026: that day it is 02:30 BST (01:30 UTC)."""
    day, at = next_post_at(time(1, 30), LONDON, after=datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert day == date(2026, 3, 29) and at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert at.astimezone(LONDON).hour == 2


def test_a_repeated_time_is_posted_once_at_its_first_reading() -> None:
    """01:30 happens twice in New York on 1 November 2026: the first (EDT) one, and only once."""
    day, at = next_post_at(time(1, 30), NEW_YORK, after=datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    assert day == date(2026, 11, 1) and at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    following, _ = next_post_at(time(1, 30), NEW_YORK, after=at)
    assert following == date(2026, 11, 2)


def test_days_already_done_are_skipped() -> None:
    """A day whose question went out early (`/qotd now`) gets no scheduled post."""
    after = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    day, at = next_post_at(time(20, 0), KOLKATA, after=after, done_days={date(2026, 3, 2)})
    assert day == date(2026, 3, 3) and at == datetime(2026, 3, 3, 14, 30, tzinfo=UTC)


def test_local_day_is_the_servers_date() -> None:
    """At 20:00 UTC it is already tomorrow in Kolkata."""
    assert local_day(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), KOLKATA) == date(2026, 3, 3)
