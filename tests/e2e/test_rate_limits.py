"""The bot inside Discord's rate limits, end to end, with the stand-in playing them (`rate_limited=True`).

Bot and stand-in share the test's VirtualClock: Discord's buckets refill and the bot's scheduler
paces on the same virtual seconds, so "5 now, the rest one second later" is asserted exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, Message, Perm, bot_config, run_bot
from bot.localdiscord.ratelimits import RateLimiter
from tests.e2e.conftest import advance_past_pause, assert_clean, wait_for_countdown

MESSAGES = "/channels/{channel_id}/messages"
MESSAGE = "/channels/{channel_id}/messages/{message_id}"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP_EDIT = "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"


@pytest.fixture
async def limited(clock: VirtualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running(clock=clock, rate_limited=True) as fake:
        yield fake
        assert_clean(fake)


def limits(fake: LocalDiscord) -> RateLimiter:
    assert fake.ratelimits is not None
    return fake.ratelimits


def settings(fake: LocalDiscord, tmp_path: Path, **overrides: Any) -> Config:
    base = Config(token=fake.token, database_path=tmp_path / "bot.sqlite3", content_dir=DEFAULT_CONTENT_DIR)
    return bot_config(fake, base, **overrides)


def is_question(number: int, message: Message) -> bool:
    return bool(message.embeds) and str(message.embeds[0].get("title", "")).startswith(f"Question {number} of")


def closed(message: Message) -> bool:
    return all(b.get("disabled") for b in message.buttons if ":answer:" in b["custom_id"])


async def test_a_burst_of_games_is_played_through_interactions_with_no_429(
    limited: LocalDiscord, clock: VirtualClock, tmp_path: Path
) -> None:
    fake = limited
    channels = [await fake.add_channel(f"trivia-{n}") for n in range(12)]
    async with run_bot(fake, settings(fake, tmp_path), clock=clock) as bot:
        at_login = limits(fake).counters.global_counted  # the log-in and command sync
        trivia: Any = bot.get_cog("Trivia")
        starts = await asyncio.gather(
            *(fake.slash("trivia start", rounds=2, user="bob", channel=c) for c in channels)
        )
        assert all("game #" in s.content for s in starts)
        for number in (1, 2):
            questions = [
                await fake.wait_for_message(c, predicate=lambda m, n=number: is_question(n, m)) for c in channels
            ]
            await fake.wait_until(
                lambda: all(s.game.next_deadline() in clock.pending_deadlines() for s in trivia.sessions.values()),
                what="every game's countdown",
            )
            await clock.advance(timedelta(seconds=20))
            for question in questions:
                await fake.wait_until(lambda q=question: closed(q), what="a reveal")
            if number == 1:
                await advance_past_pause(fake, clock, games=len(channels))
        for channel in channels:
            await fake.wait_for_message(channel, predicate=lambda m: "final standings" in m.text.lower())

        counters = limits(fake).counters
        assert counters.global_429 == 0 and counters.route_429_total == 0 and limits(fake).invalid_requests() == 0
        # Question, reveal and standings all rode the /trivia start interaction: no channel POST at all.
        assert fake.calls_to("POST", MESSAGES) == [] and fake.calls_to("PATCH", MESSAGE) == []
        # Per game: the intro, two questions and the standings; two reveals.
        assert len(fake.calls_to("POST", FOLLOWUP)) == 12 * 4 and len(fake.calls_to("PATCH", FOLLOWUP_EDIT)) == 12 * 2
        assert counters.global_counted == at_login  # interaction endpoints are outside the global limit
        meter = bot.request_meter.stats()
        assert meter.global_429 == meter.route_429 == meter.invalid_last_10_min == 0


async def create_parties(fake: LocalDiscord, clock: VirtualClock, channels: list[Any]) -> None:
    """One party per channel, all at 19:00 with a reminder 10 minutes before; a second between commands
    so the bot's 5-a-second budget (this test's) never makes a command wait."""
    for channel in channels:
        reply = await fake.slash(
            "watchparty create", title=f"Rewatch in {channel.name}", when="19:00", timezone="UTC",
            reminders="10m", user="you", channel=channel,
        )
        assert "is on for" in reply.content, reply.content
        await clock.advance(timedelta(seconds=1))


async def test_a_reminder_to_many_channels_is_paced_within_the_budget_and_complete(
    limited: LocalDiscord, clock: VirtualClock, tmp_path: Path
) -> None:
    fake = limited
    await fake.revoke_bot_permissions(Perm.MANAGE_EVENTS)  # parties without Discord events: only the posts
    channels = [await fake.add_channel(f"party-{n}") for n in range(12)]
    async with run_bot(fake, settings(fake, tmp_path, requests_per_second=5.0), clock=clock) as bot:
        await create_parties(fake, clock, channels)
        mark = fake.mark()
        await clock.advance(clock.now().replace(hour=18, minute=50, second=0) - clock.now())

        def reminders() -> list[Message]:
            return [m for c in channels for m in fake.sent_messages(c) if m.id > mark and "starts in" in m.content]

        # The budget: five requests in this second, the other seven queued behind it.
        await fake.wait_until(lambda: len(reminders()) == 5 and bot.outbound.stats().queued == 7,
                              what="five reminders sent and seven queued")
        await clock.advance(timedelta(seconds=1))
        await fake.wait_until(lambda: len(reminders()) == 10, what="the next five reminders a second later")
        await clock.advance(timedelta(seconds=1))
        await fake.wait_until(lambda: len(reminders()) == 12, what="the last two")
        assert sorted(m.channel_id for m in reminders()) == sorted(c.id for c in channels)  # one each, none lost
        assert limits(fake).counters.global_429 == 0 and limits(fake).counters.route_429_total == 0
        assert limits(fake).peak_global_rate() <= 5
        assert bot.outbound.stats().queued == 0


async def test_a_429_that_happens_anyway_is_obeyed_once_and_counted(
    limited: LocalDiscord, clock: VirtualClock, tmp_path: Path
) -> None:
    fake = limited
    await fake.revoke_bot_permissions(Perm.MANAGE_EVENTS)
    channels = [await fake.add_channel(f"party-{n}") for n in range(4)]
    async with run_bot(fake, settings(fake, tmp_path), clock=clock) as bot:
        await create_parties(fake, clock, channels)
        before = len(fake.calls_to("POST", MESSAGES))
        fake.fail_next("POST", MESSAGES, status=429, retry_after=0.05)  # Discord says: wait 50 ms
        mark = fake.mark()
        await clock.advance(clock.now().replace(hour=18, minute=50, second=0) - clock.now())
        await fake.wait_until(lambda: bot.outbound.rate_limited == 1, what="the 429")
        await clock.advance(timedelta(seconds=1))  # the paused lane opens again

        def reminders() -> list[Message]:
            return [m for c in channels for m in fake.sent_messages(c) if m.id > mark and "starts in" in m.content]

        await fake.wait_until(lambda: len(reminders()) == 4, what="every reminder")
        calls = fake.calls_to("POST", MESSAGES)[before:]
        assert [c.status for c in calls].count(429) == 1 and len(calls) == 5  # one refusal, one retry
        refused = next(c for c in calls if c.status == 429)
        retried = [c for c in calls if c.path == refused.path and c.status == 200]
        assert len(retried) == 1
        assert limits(fake).counters.injected_429 == 1 and limits(fake).invalid_requests() == 1
        assert bot.request_meter.stats().route_429 == 1 and bot.outbound.stats().rate_limited == 1
        assert sorted(m.channel_id for m in reminders()) == sorted(c.id for c in channels)


async def test_a_waiting_edit_of_a_message_is_replaced_by_the_newer_one(
    limited: LocalDiscord, clock: VirtualClock, tmp_path: Path
) -> None:
    fake = limited
    await fake.revoke_bot_permissions(Perm.MANAGE_EVENTS)
    async with run_bot(fake, settings(fake, tmp_path), clock=clock) as bot:
        reply = await fake.slash("watchparty create", title="Take 0", when="19:00", timezone="UTC", user="you")
        assert "Watch party #1" in reply.content
        announcement = await fake.wait_for_message("general", predicate=lambda m: bool(m.embeds))
        for take in range(1, 5):  # four edits fill the channel's edit lane for five seconds
            await fake.slash("watchparty edit", party=1, title=f"Take {take}", user="you")
        assert "Take 4" in announcement.text
        waiting = [
            asyncio.create_task(fake.slash("watchparty edit", party=1, title=f"Take {take}", user="you"))
            for take in (5, 6)
        ]
        await fake.wait_until(lambda: bot.outbound.stats().coalesced == 1, what="the second edit to join the first")
        assert bot.outbound.stats().queued == 1
        edits_before = len(fake.calls_to("PATCH", MESSAGE))
        await clock.advance(timedelta(seconds=5))
        answers = await asyncio.gather(*waiting)
        assert all("Updated watch party #1" in a.content for a in answers)
        assert len(fake.calls_to("PATCH", MESSAGE)) == edits_before + 1  # one PATCH for both
        assert "Take 6" in announcement.text
        assert limits(fake).counters.route_429_total == 0 and limits(fake).counters.global_429 == 0


async def test_a_game_outliving_the_start_token_moves_to_channel_posts(
    fake: LocalDiscord, bot: Any, clock: VirtualClock
) -> None:
    """Discord's interaction token lasts 15 minutes: questions and reveals after 14 go through the channel."""
    await bot.store.execute(
        "INSERT INTO guild_settings (guild_id, trivia_answer_seconds, updated_at) VALUES (?, 120, 0)", (fake.guild.id,)
    )
    await fake.slash("trivia start", rounds=10, user="bob")
    cog: Any = bot.get_cog("Trivia")
    via_token: list[int] = []
    for number in range(1, 9):  # alice answers each question just before it would close
        question = await fake.wait_for_message("general", predicate=lambda m, n=number: is_question(n, m))
        game = cog.sessions[fake.channel("general").id].game
        await fake.wait_until(lambda g=game: g.next_deadline() in clock.pending_deadlines(), what="the countdown")
        await clock.advance(timedelta(seconds=119))
        await fake.click(question, question.buttons[0]["custom_id"], user="alice")
        if number == 1:
            await clock.advance(timedelta(seconds=1))  # nobody is "active" yet: question 1 runs its full time
        await fake.wait_until(lambda q=question: closed(q), what=f"reveal {number}")
        posted_in_channel = [c.response["id"] for c in fake.calls_to("POST", MESSAGES)]
        if str(question.id) not in posted_in_channel:
            via_token.append(number)
        await advance_past_pause(fake, clock)
    # Question 7 went out at about 12.5 minutes, question 8 at about 14.5: past the 14-minute switch.
    assert via_token == [1, 2, 3, 4, 5, 6, 7]
    edited = {c.params["message_id"] for c in fake.calls_to("PATCH", MESSAGE)}
    assert len(edited) == 2  # the reveals of questions 7 (a followup) and 8 (a channel post)
    assert len(fake.calls_to("POST", FOLLOWUP)) == 1 + 7  # the intro and questions 1-7
    await fake.slash("trivia stop", user="bob")


async def test_a_start_whose_intro_is_refused_does_not_hold_the_channel(
    fake: LocalDiscord, bot: Any, clock: VirtualClock
) -> None:
    """/trivia start answers "thinking" at once; if Discord then refuses the intro, no game is left behind."""
    from bot.store.trivia import TriviaStore

    fake.fail_next("POST", FOLLOWUP, status=404, code=10015, message="Unknown Webhook")
    reply = await fake.slash("trivia start", rounds=2, user="bob")
    assert reply.interaction.response_type == 5  # deferred before any database work
    record = reply.interaction
    await fake.wait_until(lambda: record.followups, what="the error to the starter")
    assert record.original is not None and record.original.deleted  # "thinking…" is taken back
    assert record.followups[0].ephemeral  # and the error goes to the starter alone
    cog: Any = bot.get_cog("Trivia")
    assert not cog.sessions
    assert await TriviaStore(bot.store).running_game(fake.channel("general").id) is None
    assert not [m for m in fake.sent_messages("general") if m.embeds and "Question" in str(m.embeds[0])]
    fake.bot_errors.clear()  # Discord refusing the intro is logged as an error, as it should be
    await clock.advance(timedelta(seconds=10))
    again = await fake.slash("trivia start", rounds=1, user="bob")
    assert "game #" in again.content and not again.ephemeral


async def test_a_rush_of_parties_gets_its_discord_events_in_the_background(
    limited: LocalDiscord, clock: VirtualClock, tmp_path: Path
) -> None:
    """A server may create about 5 events per 10 s: the fifth party is answered at once, its event follows."""
    from bot.store import events as event_store

    fake = limited
    channels = [await fake.add_channel(f"party-{n}") for n in range(5)]
    async with run_bot(fake, settings(fake, tmp_path), clock=clock) as bot:
        replies = [
            await fake.slash("watchparty create", title=f"Rewatch {n}", when="19:00", timezone="UTC", user="you",
                             channel=channel)
            for n, channel in enumerate(channels)
        ]
        assert all("I also created a Discord event" in r.content for r in replies[:4])
        assert "Discord event follows in a few minutes" in replies[4].content
        assert len(fake.scheduled_events) == 4
        fifth = await event_store.get_party(bot.store, 5)
        assert fifth is not None and fifth.scheduled_event_id is None and fifth.message_id is not None
        renamed = await fake.slash("watchparty edit", party=5, title="Rewatch, renamed", user="you")
        assert "Updated watch party #5" in renamed.content  # while its event still waits its turn

        await clock.advance(timedelta(seconds=10))
        await fake.wait_until(lambda: len(fake.scheduled_events) == 5, what="the queued event")
        cog: Any = bot.get_cog("WatchParty")
        await fake.wait_until(lambda: not cog._background, what="the event id to be saved")
        party = await event_store.get_party(bot.store, 5)
        assert party is not None and party.scheduled_event_id in fake.scheduled_events
        assert party.message_id == fifth.message_id
        assert fake.scheduled_events[party.scheduled_event_id]["name"] == "Rewatch, renamed"  # the edit followed
        assert limits(fake).counters.route_429_total == 0


async def test_a_game_whose_token_discord_forgot_carries_on_in_the_channel(
    fake: LocalDiscord, bot: Any, clock: VirtualClock
) -> None:
    """Unknown Webhook (10015) for a question: the game posts it, and what follows, in the channel instead."""
    fake.fail_next("POST", FOLLOWUP, status=404, code=10015, message="Unknown Webhook", after=1)
    await fake.slash("trivia start", rounds=2, user="bob")
    q1 = await fake.wait_for_message("general", predicate=lambda m: is_question(1, m))
    [posted] = fake.calls_to("POST", MESSAGES)
    assert posted.response["id"] == str(q1.id)
    await wait_for_countdown(fake, clock, bot)
    await clock.advance(timedelta(seconds=20))
    await fake.wait_until(lambda: closed(q1), what="the reveal, edited in the channel")
    assert [c.params["message_id"] for c in fake.calls_to("PATCH", MESSAGE)] == [str(q1.id)]
    await fake.slash("trivia stop", user="bob")
