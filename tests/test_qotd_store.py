"""QOTD persistence against a real SQLite file: one daily post per day, one answer each, reveal once."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store import qotd as qotd_store
from bot.store.members import set_spoiler_season
from bot.store.qotd import NewPost
from bot.timers import TimerSpec

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUILD, CHANNEL = 1000, 3000
ALICE, BOB = 11, 12


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "q.sqlite3")
    await opened.execute_many(
        "INSERT INTO trivia_questions (id, season, difficulty, question, answer, aliases, wrong, source) "
        "VALUES (?, ?, ?, ?, ?, '[]', '[\"x\", \"y\", \"z\"]', 'facts')",
        [(f"q{i}", i % 5, "easy", f"Question {i}?", f"Answer {i}") for i in range(5)],
    )
    yield opened
    await opened.close()


async def question_ids(store: Store) -> list[str]:
    rows = await store.fetch_all("SELECT id FROM trivia_questions ORDER BY id LIMIT 5")
    return [r["id"] for r in rows]


def new_post(question_id: str, day: date, *, kind: str = "daily", at: datetime = T0) -> NewPost:
    return NewPost(guild_id=GUILD, channel_id=CHANNEL, day=day, kind=kind, question_id=question_id,
                   choices=["a", "b", "c", "d"], correct_index=2, hidden_season=None, posted_at=at,
                   reveal_at=at + timedelta(hours=23))


async def test_a_day_is_claimed_once_and_a_retry_gets_the_same_question(store: Store) -> None:
    """Claiming the same day again returns the first row (same question), not a new one."""
    first_q, other_q, *_ = await question_ids(store)
    post, fresh = await qotd_store.claim_daily(store, new_post(first_q, date(2026, 3, 2)))
    again, fresh_again = await qotd_store.claim_daily(store, new_post(other_q, date(2026, 3, 2)))
    assert fresh and not fresh_again and again.id == post.id and again.question_id == first_q
    extra = await qotd_store.add_post(store, new_post(other_q, date(2026, 3, 2), kind="extra"))
    assert extra.id != post.id


async def test_one_answer_per_member(store: Store) -> None:
    """The second click is refused and the first choice kept."""
    [qid, *_] = await question_ids(store)
    post, _ = await qotd_store.claim_daily(store, new_post(qid, date(2026, 3, 2)))
    assert await qotd_store.add_answer(store, post.id, ALICE, 2, correct=True, now=T0)
    assert not await qotd_store.add_answer(store, post.id, ALICE, 0, correct=False, now=T0)
    assert await qotd_store.answer_of(store, post.id, ALICE) == 2


async def test_reveal_applies_streaks_exactly_once(store: Store) -> None:
    """Two reveals of the same post (timer and next day's post racing) count the day once."""
    q1, q2, *_ = await question_ids(store)
    day1, day2 = date(2026, 3, 2), date(2026, 3, 3)
    p1, _ = await qotd_store.claim_daily(store, new_post(q1, day1))
    await qotd_store.set_message(store, p1.id, 555)
    await qotd_store.add_answer(store, p1.id, ALICE, 2, correct=True, now=T0)
    await qotd_store.add_answer(store, p1.id, BOB, 1, correct=False, now=T0)
    revealed = await qotd_store.reveal(store, p1.id, now=T0 + timedelta(hours=23))
    assert revealed is not None and revealed.right == (ALICE,) and revealed.answers == 2
    assert await qotd_store.reveal(store, p1.id, now=T0 + timedelta(hours=24)) is None
    p2, _ = await qotd_store.claim_daily(store, new_post(q2, day2, at=T0 + timedelta(days=1)))
    await qotd_store.set_message(store, p2.id, 556)
    await qotd_store.add_answer(store, p2.id, ALICE, 2, correct=True, now=T0)
    await qotd_store.reveal(store, p2.id, now=T0 + timedelta(days=2))
    streak = await qotd_store.get_streak(store, GUILD, ALICE)
    assert (streak.current, streak.best, streak.last_day) == (2, 2, day2)
    assert await qotd_store.last_revealed_day(store, GUILD) == day2
    assert [s.user_id for s in await qotd_store.streaks(store, GUILD, since=day2)] == [ALICE]


async def test_setup_replaces_and_off_bumps_the_revision(store: Store) -> None:
    """The second setup keeps one row with revision 2 and reports the first; off makes revision 3."""
    def spec(config: qotd_store.QotdConfig) -> list[TimerSpec]:
        return [TimerSpec(f"qotd:{GUILD}:post:r{config.revision}:x", "qotd.post", T0)]

    first, previous = await qotd_store.save_config(
        store, guild_id=GUILD, channel_id=CHANNEL, post_time=time(20, 0), timezone="UTC", seasons=[2, 1],
        difficulty=None, user_id=ALICE, now=T0, timers=spec)
    assert previous is None and first.revision == 1 and first.seasons == (1, 2)
    second, previous = await qotd_store.save_config(
        store, guild_id=GUILD, channel_id=CHANNEL + 1, post_time=time(9, 30), timezone="Europe/London", seasons=[],
        difficulty="hard", user_id=ALICE, now=T0, timers=spec)
    assert previous == first and second.revision == 2 and second.post_time == time(9, 30)
    off = await qotd_store.disable(store, GUILD, now=T0)
    assert off is not None and off.revision == 3 and not off.enabled
    assert await qotd_store.disable(store, GUILD, now=T0) is None


async def test_least_watched_member_sets_the_spoiler_level(store: Store) -> None:
    """The lowest spoiler setting in the server; None when nobody set one."""
    assert await qotd_store.min_spoiler_season(store, GUILD) is None
    await set_spoiler_season(store, GUILD, ALICE, 3, now=T0)
    await set_spoiler_season(store, GUILD, BOB, 1, now=T0)
    await set_spoiler_season(store, GUILD + 1, BOB, 0, now=T0)
    assert await qotd_store.min_spoiler_season(store, GUILD) == 1
