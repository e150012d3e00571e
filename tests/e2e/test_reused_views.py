"""Reused Previous/Next views (`cogs/_view_cache.py`): a reuse never shows another page's, person's
or language's buttons."""

from __future__ import annotations

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord


async def test_the_same_member_in_another_language_gets_buttons_in_it(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    english = await fake.slash("recap", season=2, user="alice")
    again = await fake.slash("recap", season=2, user="alice")
    assert [b["label"] for b in english.buttons] == [b["label"] for b in again.buttons] == ["Previous", "Next"]
    fake.user("alice").locale = "hi"
    hindi = await fake.slash("recap", season=2, user="alice")
    assert [b["label"] for b in hindi.buttons] == ["पिछला", "अगला"]
    assert [b["custom_id"] for b in hindi.buttons] == [b["custom_id"] for b in english.buttons]


async def test_recap_buttons_belong_to_who_asked(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    alice = await fake.slash("recap", season=2, user="alice")
    bob = await fake.slash("recap", season=2, user="bob")
    assert str(fake.user("alice").id) in alice.buttons[0]["custom_id"]
    assert str(fake.user("bob").id) in bob.buttons[0]["custom_id"]


async def test_leaderboard_buttons_follow_the_language(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    english = await fake.slash("trivia leaderboard", user="bob")
    fake.user("alice").locale = "hi"
    hindi = await fake.slash("trivia leaderboard", user="alice")
    assert [b["label"] for b in english.buttons] == ["◀ Previous", "Next ▶"]
    assert [b["label"] for b in hindi.buttons] == ["◀ पिछला", "अगला ▶"]
