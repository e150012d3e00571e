"""Times past the horizons end to end: a clear ephemeral refusal, nothing stored, never the generic apology."""

from __future__ import annotations

import pytest

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.store import events as event_store


@pytest.mark.parametrize(
    ("when", "words"),
    [
        ("in 99999999 days", "far too long"),
        (f"in {'9' * 300} weeks", "far too long"),
        ("9999-12-31 23:59", "at most 2 years ahead"),
        ("in 800 days", "at most 2 years ahead"),
    ],
)
async def test_a_party_past_the_horizon_is_refused_in_words(
    fake: LocalDiscord, bot: LittleThingsBot, when: str, words: str
) -> None:
    reply = await fake.slash("watchparty create", title="Far", when=when, timezone="America/New_York")
    assert reply.ephemeral and words in reply.content, reply.content
    assert "went wrong" not in reply.content
    assert await event_store.list_parties(bot.store, fake.guild.id) == []


async def test_huge_reminder_offsets_are_refused_in_words(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("watchparty create", title="Soon", when="in 2 hours", reminders="99999999999999d")
    assert reply.ephemeral and "at most 7 days before" in reply.content, reply.content


async def test_releases_may_be_ten_years_ahead_and_no_further(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    far = await fake.slash("release add", title="Far", when="in 600 weeks", user="you")
    assert far.ephemeral and "releases can be at most 10 years ahead" in far.content, far.content
    near = await fake.slash("release add", title="Near", when="in 400 weeks", user="you")
    assert not near.ephemeral and "Added release" in near.content
    countdown = await fake.slash("countdown")
    assert "Near" in countdown.content
