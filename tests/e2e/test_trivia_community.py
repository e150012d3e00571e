"""Trivia around the games: boards, stats, quick questions, suggestions, review and reports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.localdiscord import InteractionError, LocalDiscord, Message
from bot.store.trivia import TriviaStore
from bot.trivia.game import GameSettings, ScoredAnswer
from tests.e2e.conftest import advance_past_pause
from tests.e2e.test_trivia_games import ANSWER_WINDOW, closed, stale_click, wait_question

SUGGESTION = {
    "question": "Which streaming service released Season 2 of Little Things?",
    "answer": "Netflix",
    "variants": "",
    "wrong": "Amazon Prime Video\nHotstar\nZEE5",
    "season": "2",
}


async def seed_scores(bot: LittleThingsBot, guild_id: int, channel_id: int, clock: VirtualClock, players: int) -> None:
    """`players` made-up members with 10, 20, 30... points, written the way a game writes them."""
    store = TriviaStore(bot.store)
    now = clock.now()
    candidates = await store.question_candidates(guild_id)
    game_id = await store.create_game(guild_id=guild_id, channel_id=channel_id, starter_id=1,
                                      settings=GameSettings(rounds=1), question_ids=[candidates[0].id], now=now)
    round_id = await store.open_round(game_id=game_id, round_no=1, question_id=candidates[0].id, posted_at=now)
    answers = [ScoredAnswer(1000 + i, 0, "x", True, 10 * i, 1, now) for i in range(1, players + 1)]
    assert await store.close_round(round_id, answers, now)
    await store.close_unfinished_games(now)


async def test_leaderboard_pages_with_buttons(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock) -> None:
    await seed_scores(bot, fake.guild.id, fake.channel("off-topic").id, clock, players=23)
    board = await fake.slash("trivia leaderboard", user="alice")
    assert not board.ephemeral and "Page 1 of 3" in board.text and "<@1023>" in board.text and "230" in board.text
    assert "<@1013>" not in board.text
    previous, following = board.buttons
    assert previous["disabled"] and not following.get("disabled")
    page2 = await fake.click(board, following["custom_id"], user="bob")
    assert page2.kind == "update" and "Page 2 of 3" in page2.text and "<@1013>" in page2.text
    page3 = await fake.click(board, label="Next ▶", user="bob")
    assert "Page 3 of 3" in page3.text and "<@1001>" in page3.text and board.buttons[1].get("disabled")
    direct = await fake.slash("trivia leaderboard", scope="month", page=99, user="alice")
    assert "Page 3 of 3" in direct.text and "2026-03" in direct.text  # clamped to the last page


async def test_stats_and_a_quick_question(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock) -> None:
    empty = await fake.slash("trivia stats", user="alice")
    assert "No game answers yet" in empty.text

    quick = await fake.slash("trivia question", user="alice")
    assert quick.ephemeral and len(quick.buttons) == 4
    quick_id = int(quick.buttons[0]["custom_id"].split(":")[2])
    record = await TriviaStore(bot.store).get_quick_question(quick_id)
    assert record is not None
    question = await TriviaStore(bot.store).get_question(record.question_id)
    assert question is not None
    right = next(b["custom_id"] for b in quick.buttons if b["label"] == question.answer[:80])
    await clock.advance(timedelta(seconds=2))
    answered = await fake.click(quick, right, user="alice")
    assert answered.kind == "update" and "Right" in answered.content and "+95" in answered.content
    assert all(b.get("disabled") for b in quick.buttons if ":quick:" in b["custom_id"])
    again = await stale_click(fake, quick.message, right, "alice")  # type: ignore[arg-type]
    assert again.ephemeral and "already answered" in again.content

    stats = await fake.slash("trivia stats", member="alice", user="bob")
    assert "1/1 right" in stats.text and "95 pts" in stats.text
    assert "No game answers yet" in stats.text  # quick questions are scored apart from games


async def play_until(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, text: str) -> Message:
    """Alice answers every question (so the game keeps going) until one containing `text` is revealed."""
    number = 1
    mark = None
    while True:
        message = await wait_question(fake, number, after=mark)
        await fake.click(message, message.buttons[0]["custom_id"], user="alice")
        if number == 1:
            await clock.advance(ANSWER_WINDOW)  # the first question always runs its full time
        await fake.wait_until(lambda shown=message: closed(shown), what=f"reveal {number}")  # type: ignore[misc]
        if text in message.text:
            return message
        mark = fake.mark()
        await advance_past_pause(fake, clock)
        number += 1


async def test_suggest_review_approve_then_the_question_is_asked(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    form = await fake.slash("trivia suggest", user="alice")
    assert form.kind == "modal"
    bad = await fake.submit_modal(form, {**SUGGESTION, "wrong": "Hotstar\nZEE5"}, user="alice")
    assert bad.ephemeral and "exactly 3 wrong choices" in bad.content
    form = await fake.slash("trivia suggest", user="alice")
    thanks = await fake.submit_modal(form, SUGGESTION, user="alice")
    assert thanks.ephemeral and "#1" in thanks.content
    own_form = await fake.slash("trivia suggest", user="you")
    await fake.submit_modal(own_form, {**SUGGESTION, "question": "A moderator's own suggested question?"}, user="you")

    denied = await fake.slash("trivia review", user="alice")
    assert denied.ephemeral and "Manage Messages" in denied.content
    review = await fake.slash("trivia review", user="you")
    assert review.ephemeral and "Suggestion #1" in review.text and "Netflix" in review.text
    approved = await fake.click(review, "trivia:review:approve:1", user="you")
    assert "Approved #1" in approved.content and "community-1" in approved.content
    assert "Suggestion #2" in approved.text  # the next one in the queue
    own = await fake.click(review, "trivia:review:approve:2", user="you")
    assert own.ephemeral and "your own suggestion" in own.content
    rejected = await fake.click(review, "trivia:review:reject:2", user="you")
    assert "Rejected #2" in rejected.content and "No suggestions are waiting" in rejected.text

    await fake.slash("trivia start", rounds=50, season="2", difficulty="medium", user="alice")
    asked = await play_until(fake, bot, clock, SUGGESTION["question"])
    report = await fake.click(asked, "trivia:report:community-1", user="bob")
    assert report.ephemeral and "Thanks" in report.content
    twice = await fake.click(asked, "trivia:report:community-1", user="bob")
    assert "already reported" in twice.content
    await fake.slash("trivia stop", user="alice")
    reports = await fake.slash("trivia review", user="you")
    assert "1×" in reports.text and "community-1" in reports.text


async def test_review_buttons_check_permissions_too(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    form = await fake.slash("trivia suggest", user="bob")
    await fake.submit_modal(form, SUGGESTION, user="bob")
    review = await fake.slash("trivia review", user="you")
    # A forwarded or stale review button pressed by a member without Manage Messages.
    record = await fake.dispatch_interaction(
        3, user=fake.user("alice"), channel=fake.channel("general"),
        data={"custom_id": "trivia:review:approve:1", "component_type": 2}, label="alice approves",
        source_message=review.message,
    )
    refused = await fake.await_answer(record)
    assert refused.ephemeral and "Manage Messages" in refused.content
    pending = await TriviaStore(bot.store).count_pending_suggestions(fake.guild.id)
    assert pending == 1


async def test_trivia_commands_are_guild_only_and_options_are_checked(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    with pytest.raises(InteractionError):
        await fake.slash("trivia leaderboard", scope="year")
