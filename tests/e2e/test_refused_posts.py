"""Posts Discord refuses (403 Missing Permissions / Missing Access, 404 Unknown Channel) on someone's behalf,
end to end: the game or party ends cleanly, the member who started it is told privately which permission
is missing and where, and a moderator sees it once: one WARNING, and in /about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.localdiscord import LocalDiscord, Message
from bot.store import events as event_store
from bot.store.trivia import TriviaStore

MESSAGES = "/channels/{channel_id}/messages"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
REFUSALS = [
    pytest.param(403, 50013, "**Send Messages** and **Embed Links**", id="403-missing-permissions"),
    pytest.param(403, 50001, "**View Channel**", id="403-missing-access"),
    pytest.param(404, 10003, "no longer exists", id="404-unknown-channel"),
]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "refused" in r.getMessage()]


def private_to(fake: LocalDiscord, user: str, words: str) -> list[Message]:
    uid = fake.user(user).id
    return [m for m in fake.sent_messages() if m.ephemeral and m.visible_to == uid and words in m.content]


async def moderator_sees_it_in_about(fake: LocalDiscord, words: str) -> None:
    await fake.slash("about", user="you")
    note = await fake.wait_for_message(
        "general", predicate=lambda m: m.ephemeral and "Posts Discord refused" in m.content
    )
    assert words in note.content
    public = await fake.slash("about", user="alice")  # not a moderator: no such note
    assert "refused" not in public.text


@pytest.mark.parametrize(("status", "code", "words"), REFUSALS)
async def test_a_refused_trivia_question_ends_the_game_and_tells_the_starter(
    fake: LocalDiscord, bot: LittleThingsBot, caplog: pytest.LogCaptureFixture, status: int, code: int, words: str
) -> None:
    # The intro and the question are followups of /trivia start: the intro goes through, the question is refused.
    fake.fail_next("POST", FOLLOWUP, status=status, code=code, after=1)
    start = await fake.slash("trivia start", rounds=3, user="bob")
    cog: Any = bot.get_cog("Trivia")
    await fake.wait_until(lambda: bool(private_to(fake, "bob", "trivia game #")), what="the starter to be told")
    [told] = private_to(fake, "bob", "trivia game #")
    assert words in told.content and f"<#{fake.channel('general').id}>" in told.content
    assert told in start.interaction.followups  # a followup to their /trivia start
    assert not cog.sessions and await TriviaStore(bot.store).running_game(fake.channel("general").id) is None
    assert len(warnings(caplog)) == 1
    await moderator_sees_it_in_about(fake, words)


@pytest.mark.parametrize(("status", "code", "words"), REFUSALS)
async def test_a_refused_party_announcement_creates_nothing_and_says_why(
    fake: LocalDiscord, bot: LittleThingsBot, caplog: pytest.LogCaptureFixture, status: int, code: int, words: str
) -> None:
    fake.fail_next("POST", MESSAGES, status=status, code=code)
    reply = await fake.slash("watchparty create", title="Nope", when="in 2 hours", user="alice")
    assert reply.ephemeral and "didn't create the party" in reply.content and words in reply.content
    assert await event_store.list_parties(bot.store, fake.guild.id) == []
    assert len(warnings(caplog)) == 1


@pytest.mark.parametrize(("status", "code", "words"), REFUSALS)
async def test_a_refused_party_reminder_cancels_the_party_and_tells_its_creator(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, caplog: pytest.LogCaptureFixture,
    status: int, code: int, words: str,
) -> None:
    reply = await fake.slash("watchparty create", title="Doomed", when="2026-03-03 19:00", timezone="UTC",
                             reminders="24h,1h,10m", user="alice")
    assert reply.ephemeral
    fake.fail_next("POST", MESSAGES, status=status, code=code)
    await clock.advance(timedelta(hours=1))  # the 24 h reminder
    await bot.timers.wait_idle()
    [dm] = fake.dm_messages("alice")
    assert "watch party #1 **Doomed** is cancelled" in dm.content and words in dm.content
    party = await event_store.get_party(bot.store, 1)
    assert party is not None and party.state == "cancelled"
    mark = fake.mark()
    await clock.advance(timedelta(hours=24))  # later reminders are not attempted
    await bot.timers.wait_idle()
    assert not [m for m in fake.sent_messages("general") if m.id > mark and not m.ephemeral]
    assert len(warnings(caplog)) == 1 and len(fake.dm_messages("alice")) == 1
    await moderator_sees_it_in_about(fake, words)


@pytest.mark.parametrize(("status", "code", "words"), REFUSALS)
async def test_a_refused_release_announcement_is_told_to_its_creator_once(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, caplog: pytest.LogCaptureFixture,
    status: int, code: int, words: str,
) -> None:
    await fake.slash("settings announcements", options={"channel": "off-topic"})
    await fake.slash("remindme release", user="bob")
    added = await fake.slash("release add", title="Trailer", when="2026-03-04 12:00", timezone="UTC")
    assert "Added release #1" in added.content
    fake.fail_next("POST", MESSAGES, status=status, code=code)  # the announcement is the first post
    await clock.advance(timedelta(hours=18))  # 24 h before
    await bot.timers.wait_idle()
    fake.fail_next("POST", MESSAGES, status=status, code=code)
    await clock.advance(timedelta(hours=23))  # 1 h before: refused again
    await bot.timers.wait_idle()
    [told] = [m for m in fake.dm_messages("you") if "couldn't announce" in m.content]
    assert "Release #1 **Trailer**" in told.content and words in told.content
    assert f"<#{fake.channel('off-topic').id}>" in told.content
    assert len(fake.dm_messages("bob")) == 2  # the release goes on: DMs still arrive
    assert len(warnings(caplog)) == 1
    await moderator_sees_it_in_about(fake, words)
