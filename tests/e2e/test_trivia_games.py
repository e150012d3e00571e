"""Trivia games end to end: our real bot, the real command tree, a local Discord and a virtual clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import InteractionError, LocalDiscord, Message, Reply, run_bot
from bot.store.members import set_spoiler_season
from bot.store.trivia import Scope, TriviaStore
from bot.trivia.game import Game, GameSettings, GameState
from bot.trivia.matching import AnswerKey, MatchKind
from bot.trivia.models import GameMode, Question
from tests.e2e.conftest import advance_past_pause, wait_for_countdown

ANSWER_WINDOW = timedelta(seconds=20)
PAUSE = timedelta(seconds=5)
MESSAGES = "/channels/{channel_id}/messages"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"


def is_question(number: int) -> Any:
    def check(message: Message) -> bool:
        return bool(message.embeds) and message.embeds[0].get("title") == f"Question {number} of " + \
            message.embeds[0].get("title", "").rsplit(" ", 1)[-1]
    return check


async def wait_question(fake: LocalDiscord, number: int, channel: str = "general", after: int | None = None) -> Message:
    return await fake.wait_for_message(channel, predicate=is_question(number), after=after)


async def current_question(bot: LittleThingsBot, channel_id: int) -> Question:
    """The question the running game in `channel_id` is asking, read through the store."""
    store = TriviaStore(bot.store)
    game = await store.running_game(channel_id)
    assert game is not None
    rounds = await store.game_rounds(game.id)
    question = await store.get_question(rounds[-1].question_id)
    assert question is not None
    return question


def answer_ids(message: Message, answer: str) -> tuple[str, str]:
    """(custom id of the right button, custom id of a wrong one)."""
    right = [b["custom_id"] for b in message.buttons if b["label"] == answer[:80]]
    wrong = [b["custom_id"] for b in message.buttons if b["label"] != answer[:80] and "answer" in b["custom_id"]]
    assert len(right) == 1 and wrong, message.buttons
    return right[0], wrong[0]


def closed(message: Message) -> bool:
    return all(b.get("disabled") for b in message.buttons if ":answer:" in b["custom_id"])


async def stale_click(fake: LocalDiscord, message: Message, custom_id: str, user: str) -> Reply:
    """A click Discord delivers for a button the bot has since disabled (a client that had not refreshed)."""
    record = await fake.dispatch_interaction(
        3, user=fake.user(user), channel=fake.channel(message.channel_id),
        data={"custom_id": custom_id, "component_type": 2}, label=f"late {custom_id}", source_message=message,
    )
    return await fake.await_answer(record)


async def test_a_three_player_buttons_game_scores_reveals_and_stops(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    general = fake.channel("general")
    start = await fake.slash("trivia start", rounds=3, user="bob")
    assert not start.ephemeral and "game #" in start.content and not start.message.pings  # type: ignore[union-attr]

    # Question 1: runs its full time (nobody is "active" yet); a double click and a wrong answer.
    q1 = await wait_question(fake, 1)
    assert "<t:" in q1.text and len([b for b in q1.buttons if ":answer:" in b["custom_id"]]) == 4
    question = await current_question(bot, general.id)
    right, wrong = answer_ids(q1, question.answer)
    ack = await fake.click(q1, right, user="alice")
    assert ack.ephemeral and "Locked in" in ack.content
    again = await fake.click(q1, wrong, user="alice")
    assert again.ephemeral and "already answered" in again.content
    await fake.click(q1, wrong, user="bob")
    await fake.click(q1, right, user="you")
    assert not closed(q1)
    await clock.advance(ANSWER_WINDOW)
    await fake.wait_until(lambda: closed(q1), what="the reveal of question 1")
    reveal = q1.text
    assert "✅" in reveal
    assert f"<@{fake.user('alice').id}> +100" in reveal and f"<@{fake.user('you').id}> +100" in reveal
    assert any(b["custom_id"] == f"trivia:report:{question.id}" for b in q1.buttons)

    # A click that arrives after the reveal is told the question is closed, and counts for nothing.
    late = await stale_click(fake, q1, right, "bob")
    assert late.ephemeral and "closed" in late.content

    # Question 2: everyone active answers, so it is revealed without waiting for the clock.
    mark = fake.mark()
    await advance_past_pause(fake, clock)
    q2 = await wait_question(fake, 2, after=mark)
    question2 = await current_question(bot, general.id)
    right2, wrong2 = answer_ids(q2, question2.answer)
    await fake.click(q2, right2, user="alice")
    await fake.click(q2, right2, user="you")
    assert not closed(q2)
    await fake.click(q2, wrong2, user="bob")
    await fake.wait_until(lambda: closed(q2), what="an early reveal once everyone answered")

    # Question 3: alice may not stop bob's game; bob (the starter) can, and sees the standings.
    mark = fake.mark()
    await advance_past_pause(fake, clock)
    q3 = await wait_question(fake, 3, after=mark)
    refused = await fake.slash("trivia stop", user="alice")
    assert refused.ephemeral and "started this game" in refused.content
    stopped = await fake.slash("trivia stop", user="bob")
    assert not stopped.ephemeral and "final standings" in stopped.text.lower()
    assert "🥇" in stopped.text and "210" in stopped.text
    await fake.wait_until(lambda: closed(q3), what="the stopped question's buttons to be disabled")

    store = TriviaStore(bot.store)
    board = await store.leaderboard(fake.guild.id, scope=Scope.ALL_TIME, now=clock.now())
    points = {e.user_id: e.points for e in board.entries}
    # Fast and right twice: 100, then 100 + a streak bonus of 10. Bob answered wrong twice.
    assert points == {fake.user("alice").id: 210, fake.user("you").id: 210, fake.user("bob").id: 0}
    assert await store.running_game(general.id) is None
    after = await fake.slash("trivia stop", user="bob")
    assert after.ephemeral and "no trivia game" in after.content.lower()


async def test_a_second_game_in_the_same_channel_is_refused_and_named(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await fake.slash("trivia start", rounds=2, user="bob")
    await wait_question(fake, 1)
    second = await fake.slash("trivia start", user="alice")
    assert second.ephemeral and "already running" in second.content and "game #" in second.content
    assert not second.message.pings  # type: ignore[union-attr]
    other = await fake.slash("trivia start", rounds=1, user="alice", channel="off-topic")
    assert not other.ephemeral  # another channel is free
    await fake.slash("trivia stop", user="you")  # a moderator may stop anyone's game
    again = await fake.slash("trivia start", rounds=1, user="bob")
    assert again.ephemeral and "Try again in" in again.content  # the per-channel cooldown
    await clock.advance(timedelta(seconds=10))
    ok = await fake.slash("trivia start", rounds=1, user="bob")
    assert not ok.ephemeral and "game #" in ok.content


async def test_three_unanswered_questions_end_the_game(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await fake.slash("trivia start", rounds=10, user="bob")
    for number in (1, 2, 3):
        message = await wait_question(fake, number)
        await wait_for_countdown(fake, clock, bot)
        await clock.advance(ANSWER_WINDOW)
        await fake.wait_until(partial(closed, message), what=f"reveal {number}")
        if number < 3:
            await advance_past_pause(fake, clock)
    final = await fake.wait_for_message("general", predicate=lambda m: "final standings" in m.text.lower())
    assert "three questions in a row" in final.text
    assert await TriviaStore(bot.store).running_game(fake.channel("general").id) is None


async def test_out_of_range_options_are_refused_by_discord(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    for bad in ({"rounds": 0}, {"rounds": 51}, {"season": "5"}, {"difficulty": "extreme"}, {"mode": "voice"}):
        with pytest.raises(InteractionError):
            await fake.slash("trivia start", **bad)
    with pytest.raises(InteractionError):
        await fake.slash("trivia leaderboard", page=0)


async def test_typed_mode_needs_the_message_content_setting(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("trivia start", mode="typed", user="alice")
    assert reply.ephemeral and "message content" in reply.content
    assert await TriviaStore(bot.store).running_game(fake.channel("general").id) is None


async def test_forbidden_when_posting_ends_the_game_without_crashing(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    fake.fail_next("POST", FOLLOWUP, status=403, code=50013, after=1)  # the intro goes through, question 1 not
    await fake.slash("trivia start", rounds=3, user="bob")
    store = TriviaStore(bot.store)
    general = fake.channel("general").id
    cog: Any = bot.get_cog("Trivia")
    await fake.wait_until(lambda: not cog.sessions, what="the game to end")
    assert await store.running_game(general) is None
    await clock.advance(timedelta(seconds=10))
    reply = await fake.slash("trivia start", rounds=1, user="bob")
    assert not reply.ephemeral


async def test_a_typed_game_first_right_answer_wins_with_hints(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    typed = config.with_overrides(typed_trivia=True)
    async with run_bot(fake, typed, clock=clock) as bot:
        general = fake.channel("general")
        start = await fake.slash("trivia start", rounds=2, mode="typed", user="alice")
        assert not start.ephemeral
        q1 = await wait_question(fake, 1)
        assert not q1.buttons and "`" in q1.text  # the answer's shape, no buttons
        question = await current_question(bot, general.id)

        # Two hints at 1/3 and 2/3 of the 30 s window.
        mark = fake.mark()
        await wait_for_countdown(fake, clock, bot)
        await clock.advance(timedelta(seconds=10))
        hint1 = await fake.wait_for_message("general", predicate=lambda m: m.content.startswith("Hint"), after=mark)
        await wait_for_countdown(fake, clock, bot)
        await clock.advance(timedelta(seconds=10))
        hint2 = await fake.wait_for_message(
            "general", predicate=lambda m: m.content.startswith("Hint"), after=hint1.id
        )
        assert "_" in hint2.content  # never the whole answer, however short
        assert hint2.content.count("_") <= hint1.content.count("_")

        await fake.say("general", "definitely not this", user="bob")
        await fake.say("general", question.answer, user="you")
        await fake.wait_until(lambda: "closed" in q1.text, what="the reveal after a right answer")
        assert f"<@{fake.user('you').id}>" in q1.text and question.answer in q1.text
        assert any(b["custom_id"] == f"trivia:report:{question.id}" for b in q1.buttons)
        late = await fake.say("general", question.answer, user="bob")
        assert late is not None

        mark = fake.mark()
        await advance_past_pause(fake, clock)
        await wait_question(fake, 2, after=mark)
        await wait_for_countdown(fake, clock, bot)
        await clock.advance(timedelta(seconds=30))
        final = await fake.wait_for_message("general", predicate=lambda m: "final standings" in m.text.lower())
        assert f"<@{fake.user('you').id}>" in final.text

        stats = await TriviaStore(bot.store).player_stats(fake.guild.id, fake.user("you").id)
        assert stats.correct == 1 and 0 < stats.points < 100  # two hints were shown: half points at most
        bob = await TriviaStore(bot.store).player_stats(fake.guild.id, fake.user("bob").id)
        assert bob.correct == 0


async def test_a_restart_mid_game_closes_it_and_old_buttons_say_closed(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    general = fake.channel("general")
    async with run_bot(fake, config, clock=clock) as bot:
        await fake.slash("trivia start", rounds=5, user="bob")
        q1 = await wait_question(fake, 1)
        question = await current_question(bot, general.id)
        right, _ = answer_ids(q1, question.answer)
        await fake.click(q1, right, user="alice")
        await clock.advance(ANSWER_WINDOW)
        await fake.wait_until(lambda: closed(q1), what="reveal 1")
        mark = fake.mark()
        await advance_past_pause(fake, clock)
        q2 = await wait_question(fake, 2, after=mark)
        right2, _ = answer_ids(q2, (await current_question(bot, general.id)).answer)
        await fake.click(q2, right2, user="alice")  # in flight when the bot goes down: not scored

    mark = fake.mark()
    async with run_bot(fake, config, clock=clock) as bot:
        notice = await fake.wait_for_message(
            "general", predicate=lambda m: "interrupted by a restart" in m.content, after=mark
        )
        assert notice is not None
        await fake.wait_until(lambda: closed(q2), what="the interrupted question's buttons to be disabled")
        late = await stale_click(fake, q2, right2, "alice")
        assert late.ephemeral and "closed" in late.content
        store = TriviaStore(bot.store)
        assert await store.running_game(general.id) is None
        stats = await store.player_stats(fake.guild.id, fake.user("alice").id)
        assert stats.correct == 1 and stats.answers == 1  # question 1 kept, question 2 dropped
        reply = await fake.slash("trivia start", rounds=1, user="alice")
        assert not reply.ephemeral


async def test_spoiler_setting_limits_seasons_unless_one_is_asked_for(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    alice = fake.user("alice").id
    await set_spoiler_season(bot.store, fake.guild.id, alice, 1, now=clock.now())
    reply = await fake.slash("trivia start", rounds=50, user="alice")
    assert "spoiler" in reply.content
    store = TriviaStore(bot.store)
    game = await store.running_game(fake.channel("general").id)
    assert game is not None
    asked = await store.get_questions(game.question_ids)
    assert asked and all(q.season == 1 for q in asked)
    await fake.slash("trivia stop", user="alice")
    await clock.advance(timedelta(seconds=10))
    await fake.slash("trivia start", rounds=50, season="3", user="alice")
    game = await store.running_game(fake.channel("general").id)
    assert game is not None
    assert all(q.season == 3 for q in await store.get_questions(game.question_ids))
    await fake.slash("trivia stop", user="alice")


def test_mark_posted_moves_the_countdown_to_when_the_question_appeared() -> None:
    """Unit test of `Game.mark_posted` (added for the cog): posting time is not taken from players."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    qs = [Question(f"q{i}", f"Question {i}?", f"Answer {i}", (), ("W1", "W2", "W3")) for i in range(2)]
    game = Game(game_id=1, guild_id=1, channel_id=1, starter_id=1, settings=GameSettings(rounds=2),
                questions=qs, rng=random.Random(1))
    assert game.mark_posted(t0) is None  # no open question
    start = game.start_round(t0)
    moved = game.mark_posted(t0 + timedelta(seconds=3))
    assert moved == start.deadline + timedelta(seconds=3)
    assert not game.reveal_due(start.deadline + timedelta(seconds=1))
    assert game.answer_choice(7, 1, 0, start.deadline + timedelta(seconds=2)).status == "accepted"
    assert game.mark_posted(t0 + timedelta(seconds=9)) == moved  # never after an answer
    assert game.reveal_due(moved) and game.state is GameState.RUNNING

    typed = Game(game_id=2, guild_id=1, channel_id=1, starter_id=1,
                 settings=GameSettings(rounds=1, mode=GameMode.TYPED), questions=qs[:1], rng=random.Random(1))
    first = typed.start_round(t0)
    typed.mark_posted(t0 + timedelta(seconds=2))
    assert typed.take_hint(first.hint_times[0]) is None  # the hint moved with the countdown
    assert typed.take_hint(first.hint_times[0] + timedelta(seconds=2)) is not None


def a_typo_of(question: Question) -> str | None:
    """A one-letter slip the matcher forgives for this answer, if it forgives any."""
    key = AnswerKey(question.answer, question.aliases, question.wrong, context=question.text)
    answer = question.answer
    for i in range(1, len(answer) - 1):
        if not answer[i].isalpha() or not answer[i - 1].isalpha():
            continue
        guess = answer[:i] + answer[i + 1 :]
        if key.match(guess).kind is MatchKind.FUZZY:
            return guess
    return None


async def test_a_typed_answer_with_a_typo_wins_and_the_reveal_spells_it_right(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, config.with_overrides(typed_trivia=True), clock=clock) as bot:
        cog: Any = bot.get_cog("Trivia")
        cog.rng = random.Random(4)
        general = fake.channel("general")
        await fake.slash("trivia start", rounds=50, mode="typed", user="alice")
        mark = None
        for number in range(1, 51):
            message = await wait_question(fake, number, after=mark)
            question = await current_question(bot, general.id)
            typo = a_typo_of(question)
            await fake.say("general", typo or question.answer, user="bob")
            await fake.wait_until(lambda shown=message: "closed" in shown.text, what="the reveal")  # type: ignore[misc]
            if typo is not None:
                assert "close enough" in message.text and f"**{question.answer}**" in message.text
                break
            assert "close enough" not in message.text
            mark = fake.mark()
            await advance_past_pause(fake, clock)
        else:
            pytest.fail("no question in the pack has an answer long enough for a forgiven typo")
        await fake.slash("trivia stop", user="alice")
