"""Pure text helpers of the watch-party cogs (no Discord needed)."""

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.store.events import PartyListing
from cogs._watchparty_text import (
    clip_lines,
    episode_label,
    listing_line,
    mention_chunks,
    reminder_headline,
    safe_title,
)


def test_safe_title_defuses_every_mention_form_and_keeps_length() -> None:
    for raw in ("@everyone party", "@here", "<@123>", "<@&456> night", "<@!789>"):
        clean = safe_title(raw)
        assert "@" not in clean and len(clean) == len(raw)
    assert safe_title("  two\n lines\t here ") == "two lines here"


def test_mention_chunks_stay_under_the_limit_and_never_split_a_mention() -> None:
    ids = [100000000000000000 + i for i in range(300)]
    chunks = mention_chunks("⏰ **Party** starts in 1 hour", ids)
    assert len(chunks) > 1 and all(len(c) < 2000 for c in chunks)
    assert chunks[0].startswith("⏰ **Party**")
    found = [int(m) for c in chunks for m in re.findall(r"<@(\d+)>", c)]
    assert found == ids
    assert mention_chunks("header", []) == ["header"]
    with pytest.raises(ValueError):
        mention_chunks("x" * 2000, ids)


def test_reminder_headline_wording() -> None:
    start = datetime(2026, 3, 3, 19, tzinfo=UTC)
    assert "starts in 1 hour" in reminder_headline("P", start, timedelta(hours=1))
    assert "<t:1772564400:F>" in reminder_headline("P", start, timedelta(hours=1))
    assert "starting now" in reminder_headline("P", start, timedelta(0))
    assert "missed 2 earlier reminders" in reminder_headline("P", start, timedelta(minutes=10), missed=2)


def test_episode_label_and_clip_lines() -> None:
    assert episode_label(None, None) is None
    assert episode_label(2, None) == "Season 2"
    assert episode_label(2, 3, "A @title") == "Season 2, episode 3: A \uff20title"
    assert clip_lines([]) == "None"
    lines = [f"line {i:04d}" for i in range(500)]
    clipped = clip_lines(lines, limit=1024)
    assert len(clipped) <= 1024 and clipped.endswith("more") and clipped.startswith("line 0000")


def test_pack_release_dates_read_as_utc_midnight() -> None:
    from datetime import date

    from cogs._watchparty_text import pack_release_at

    assert pack_release_at(date(2016, 10, 14)) == datetime(2016, 10, 14, tzinfo=UTC)
    moment = datetime(2021, 4, 9, 12, tzinfo=UTC)
    assert pack_release_at(moment) is moment


def test_a_list_line_follows_everything_it_shows_though_it_is_remembered() -> None:
    """`listing_line` is cached by its inputs: a new RSVP count, another language or spoiler level
    is another line, never a stale one."""
    starts = datetime(2026, 3, 7, 14, 30, tzinfo=UTC)
    party = PartyListing(7, "Season 3 finale night", starts, "weekly", 3, 1)
    line = listing_line(party, "en", None)
    assert line == (f"`#7` **Season 3 finale night**: <t:{int(starts.timestamp())}:F> "
                    f"(<t:{int(starts.timestamp())}:R>) · 1 going · weekly")
    assert listing_line(party, "en", None) is line  # remembered
    assert "2 going" in listing_line(dataclasses.replace(party, going=2), "en", None)
    assert "||**Season 3 finale night**||" in listing_line(party, "en", 1)  # a Season 1 reader: behind tags
    assert listing_line(party, "hi", None) != line
