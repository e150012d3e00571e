"""Replayed gateway events end to end: Discord delivers the same INTERACTION_CREATE or MESSAGE_CREATE
twice (as after a RESUME); the bot handles it once, before any handler runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, run_bot
from bot.store.trivia import TriviaStore
from tests.e2e.test_trivia_games import answer_ids, closed, current_question, wait_question

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


def callbacks_for(fake: LocalDiscord, interaction_id: int) -> int:
    return sum(1 for c in fake.calls_to("POST", CALLBACK) if str(interaction_id) in c.path)


async def test_a_replayed_click_is_answered_once_and_scores_once(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    general = fake.channel("general")
    await fake.slash("trivia start", rounds=1, user="bob")
    q1 = await wait_question(fake, 1)
    question = await current_question(bot, general.id)
    right, _ = answer_ids(q1, question.answer)
    ack = await fake.click(q1, right, user="alice")
    assert "Locked in" in ack.content

    await fake.deliver_again(ack)
    await fake.wait_until(lambda: bot.replays.dropped["INTERACTION_CREATE"] == 1, what="the replay to be dropped")
    assert callbacks_for(fake, ack.interaction.id) == 1
    assert not [c for c in fake.calls if c.status == 400]  # no 40060 "already acknowledged"

    await clock.advance(timedelta(seconds=20))
    await fake.wait_until(lambda: closed(q1), what="the reveal")
    stats = await TriviaStore(bot.store).player_stats(fake.guild.id, fake.user("alice").id)
    assert stats.correct == 1 and stats.answers == 1


async def test_a_replayed_slash_command_runs_once(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    first = await fake.slash("trivia start", rounds=2, user="bob")
    await fake.deliver_again(first)
    await fake.wait_until(lambda: bot.replays.dropped["INTERACTION_CREATE"] == 1, what="the replay to be dropped")
    assert callbacks_for(fake, first.interaction.id) == 1
    # Had the replay run, a second game would have been refused with an ephemeral answer: none was sent.
    assert not [m for m in fake.sent_messages() if m.ephemeral]


async def test_a_replayed_typed_answer_is_scored_once(fake: LocalDiscord, config: Config, clock: VirtualClock) -> None:
    async with run_bot(fake, config.with_overrides(typed_trivia=True), clock=clock) as bot:
        general = fake.channel("general")
        await fake.slash("trivia start", rounds=1, mode="typed", user="alice")
        q1 = await wait_question(fake, 1)
        question = await current_question(bot, general.id)
        wrong = await fake.say("general", "not the answer", user="bob")
        await fake.deliver_again(wrong)
        await fake.wait_until(lambda: bot.replays.dropped["MESSAGE_CREATE"] == 1, what="the replayed guess dropped")
        winner = await fake.say("general", question.answer, user="you")
        await fake.deliver_again(winner)
        await fake.wait_until(lambda: bot.replays.dropped["MESSAGE_CREATE"] == 2, what="the replayed answer dropped")
        await fake.wait_until(lambda: "closed" in q1.text, what="the reveal")
        store = TriviaStore(bot.store)
        you = await store.player_stats(fake.guild.id, fake.user("you").id)
        assert you.correct == 1
        bob = await store.player_stats(fake.guild.id, fake.user("bob").id)
        assert bob.correct == 0


async def test_the_stand_in_refuses_to_replay_what_it_never_delivered(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("about")
    await fake.drop_connection()  # a new socket, same session: the replay still finds the dispatch
    await fake.deliver_again(reply)
    await fake.wait_until(lambda: bot.replays.dropped["INTERACTION_CREATE"] == 1, what="the replay to be dropped")
    message = await fake.say("general", "hello", user="alice")  # no message intent: never delivered
    with pytest.raises(RuntimeError, match="no MESSAGE_CREATE"):
        await fake.deliver_again(message)
