"""Trivia persistence against a real SQLite file per test."""

import dataclasses
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.loader import load_pack, pack_fingerprint
from bot.content.models import ContentPack
from bot.errors import NotFoundError, PermissionDeniedError, UserError
from bot.store import Store
from bot.store.content import import_pack
from bot.store.shared_pack import sync_shared_questions
from bot.store.trivia import GameAlreadyRunningError, Scope, TriviaStore, UnfinishedGame
from bot.trivia.game import EndReason, Game, GameOver, GameSettings, GameState, ScoredAnswer
from bot.trivia.models import GameMode
from bot.trivia.selection import QuestionFilter, select_questions
from bot.trivia.suggestions import parse_suggestion
from tests.conftest import DbTarget

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD, CHANNEL = 1000, 2000, 3000
ALICE, BOB, CARA, MOD = 11, 12, 13, 99


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
async def store(db: DbTarget) -> AsyncIterator[Store]:
    opened = await db.open()
    yield opened
    await opened.close()


@pytest.fixture
async def trivia(store: Store) -> TriviaStore:
    await seed_questions(store, 12)
    return TriviaStore(store)


async def seed_questions(store: Store, n: int) -> None:
    """Pack-style rows, as the content import writes them (seasons 0-4, three wrong choices)."""
    await store.execute_many(
        "INSERT INTO trivia_questions (id, season, difficulty, question, answer, aliases, wrong, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (f"q{i:02d}", i % 5, ("easy", "medium", "hard")[i % 3], f"Question {i}?", f"Answer {i}",
             json.dumps([f"alias {i}"]), json.dumps([f"W{i}a", f"W{i}b", f"W{i}c"]), "facts §2")
            for i in range(n)
        ],
    )


def answer(user: int, correct: bool, points: int, streak: int, t: float) -> ScoredAnswer:
    return ScoredAnswer(user, 0, "x", correct, points, streak, at(t))


async def new_game(trivia: TriviaStore, channel: int = CHANNEL, ids=("q00", "q01", "q02"), now=T0) -> int:
    return await trivia.create_game(
        guild_id=GUILD, channel_id=channel, starter_id=ALICE,
        settings=GameSettings(rounds=len(ids)), question_ids=list(ids), now=now,
    )


# -- questions ------------------------------------------------------------------------------------


async def test_questions_load_in_the_order_asked(trivia: TriviaStore) -> None:
    """get_questions keeps the requested order, maps JSON lists, and season 0 reads as None."""
    found = await trivia.get_questions(["q05", "q01", "nope"])
    assert [q.id for q in found] == ["q05", "q01"]
    assert found[0].season is None and found[1].season == 1
    assert found[1].aliases == ("alias 1",) and found[1].wrong == ("W1a", "W1b", "W1c")
    assert await trivia.get_question("nope") is None and await trivia.get_questions([]) == []


async def test_retired_questions_are_not_candidates(store: Store, trivia: TriviaStore) -> None:
    """Only live questions can be chosen."""
    await store.execute("UPDATE trivia_questions SET retired = 1 WHERE id = 'q03'")
    ids = {c.id for c in await trivia.question_candidates(GUILD)}
    assert "q03" not in ids and len(ids) == 11
    assert all(c.wrong_count == 3 for c in await trivia.question_candidates(GUILD))


# -- games and rounds -----------------------------------------------------------------------------


async def test_one_running_game_per_channel(trivia: TriviaStore) -> None:
    """A second game in the same channel is refused by the database; other channels are free."""
    game_id = await new_game(trivia)
    with pytest.raises(GameAlreadyRunningError):
        await new_game(trivia)
    assert isinstance(GameAlreadyRunningError(), UserError)
    await new_game(trivia, channel=CHANNEL + 1)
    record = await trivia.running_game(CHANNEL)
    assert record is not None and record.id == game_id and record.settings == GameSettings(rounds=3)
    assert record.question_ids == ("q00", "q01", "q02") and record.mode is GameMode.BUTTONS
    over = GameOver(GameState.FINISHED, EndReason.COMPLETED, (), (), at(100))
    assert await trivia.finish_game(game_id, over)
    await new_game(trivia)  # free again once the first has ended


async def test_open_round_records_guild_usage(trivia: TriviaStore) -> None:
    """Posting a question marks it as recently asked in that guild only."""
    game_id = await new_game(trivia)
    await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    usage = {c.id: c.last_asked for c in await trivia.question_candidates(GUILD)}
    assert usage["q00"] == at(0) and usage["q01"] is None
    assert all(c.last_asked is None for c in await trivia.question_candidates(OTHER_GUILD))
    record = await trivia.get_game(game_id)
    assert record is not None and record.current_round == 1


async def test_a_question_cannot_repeat_within_a_game(trivia: TriviaStore) -> None:
    """The database refuses the same question twice in one game."""
    game_id = await new_game(trivia)
    await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    with pytest.raises(Exception, match="UNIQUE"):
        await trivia.open_round(game_id=game_id, round_no=2, question_id="q00", posted_at=at(30))


async def test_recently_asked_questions_are_picked_last(trivia: TriviaStore) -> None:
    """Usage from the store feeds selection: after a game, its questions are avoided."""
    game_id = await new_game(trivia, ids=("q00", "q01"))
    await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    await trivia.open_round(game_id=game_id, round_no=2, question_id="q01", posted_at=at(30))
    chosen = select_questions(await trivia.question_candidates(GUILD), 10, QuestionFilter(), random.Random(1))
    assert "q00" not in chosen and "q01" not in chosen
    chosen = select_questions(await trivia.question_candidates(GUILD), 11, QuestionFilter(), random.Random(1))
    assert "q00" in chosen and "q01" not in chosen


async def test_close_round_writes_everything_once(trivia: TriviaStore) -> None:
    """Answers, totals and the closed time are written together; closing again changes nothing."""
    game_id = await new_game(trivia)
    round_id = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    await trivia.set_round_message(round_id, 555)
    answers = [answer(ALICE, True, 100, 1, 1), answer(BOB, False, 0, 0, 2)]
    assert await trivia.close_round(round_id, answers, at(20))
    assert not await trivia.close_round(round_id, answers, at(21))
    rounds = await trivia.game_rounds(game_id)
    assert rounds[0].closed_at == at(20) and rounds[0].message_id == 555
    stored = await trivia.round_answers(round_id)
    assert [(a.user_id, a.correct, a.points, a.answered_at) for a in stored] == [
        (ALICE, True, 100, at(1)), (BOB, False, 0, at(2))
    ]
    alice = await trivia.player_stats(GUILD, ALICE)
    assert (alice.answers, alice.correct, alice.points, alice.games) == (1, 1, 100, 1)


async def test_a_failed_close_writes_nothing(trivia: TriviaStore) -> None:
    """If any write fails the whole close rolls back: the round stays open, no score moves."""
    game_id = await new_game(trivia)
    round_id = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    twice = [answer(ALICE, True, 100, 1, 1), answer(ALICE, True, 100, 1, 2)]
    with pytest.raises(Exception, match="UNIQUE"):
        await trivia.close_round(round_id, twice, at(20))
    assert (await trivia.game_rounds(game_id))[0].closed_at is None
    assert await trivia.round_answers(round_id) == []
    assert (await trivia.player_stats(GUILD, ALICE)).answers == 0
    assert await trivia.close_round(round_id, twice[:1], at(21))
    assert (await trivia.player_stats(GUILD, ALICE)).points == 100


async def test_rounds_of_ended_games_are_not_scored(trivia: TriviaStore) -> None:
    """A close arriving after the game was stopped is ignored."""
    game_id = await new_game(trivia)
    round_id = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    await trivia.finish_game(game_id, GameOver(GameState.STOPPED, EndReason.STOPPED, (), (), at(5)), stopped_by=MOD)
    assert not await trivia.close_round(round_id, [answer(ALICE, True, 100, 1, 1)], at(20))
    assert (await trivia.player_stats(GUILD, ALICE)).answers == 0
    with pytest.raises(NotFoundError):
        await trivia.open_round(game_id=game_id, round_no=2, question_id="q01", posted_at=at(30))


async def test_finish_records_wins_once(trivia: TriviaStore) -> None:
    """Winners get a win in all-time and this month; finishing twice does not add another."""
    game_id = await new_game(trivia)
    round_id = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    await trivia.close_round(round_id, [answer(ALICE, True, 90, 1, 1), answer(BOB, True, 80, 1, 2)], at(20))
    over = GameOver(GameState.FINISHED, EndReason.COMPLETED, (), (ALICE,), at(30))
    assert await trivia.finish_game(game_id, over)
    assert not await trivia.finish_game(game_id, over)
    assert (await trivia.player_stats(GUILD, ALICE)).wins == 1
    assert (await trivia.player_stats(GUILD, BOB)).wins == 0
    month = await trivia.leaderboard(GUILD, scope=Scope.MONTH, now=at(40))
    assert [(e.user_id, e.wins) for e in month.entries] == [(ALICE, 1), (BOB, 0)]
    record = await trivia.get_game(game_id)
    assert record is not None and record.state == "finished" and record.end_reason == "completed"
    assert record.ended_at == at(30)


async def test_a_full_game_through_the_state_machine(trivia: TriviaStore) -> None:
    """Game + store together: scores, streaks, games played and the win all land."""
    ids = ["q00", "q01", "q02"]
    game_id = await new_game(trivia, ids=ids)
    game = Game(game_id=game_id, guild_id=GUILD, channel_id=CHANNEL, starter_id=ALICE,
                settings=GameSettings(rounds=3), questions=await trivia.get_questions(ids), rng=random.Random(4))
    t = 0.0
    while game.state is GameState.RUNNING:
        start = game.start_round(at(t))
        round_id = await trivia.open_round(game_id=game_id, round_no=start.number,
                                           question_id=start.question.id, posted_at=at(t))
        good = start.choices.index(start.question.answer)
        game.answer_choice(ALICE, start.number, good, at(t + 2))
        game.answer_choice(BOB, start.number, good if start.number == 2 else (good + 1) % 4, at(t + 1))
        result = game.close_round(at(t + 20))
        assert await trivia.close_round(round_id, result.answers, result.closed_at)
        t += 30
    assert game.game_over is not None
    assert await trivia.finish_game(game_id, game.game_over)
    alice = await trivia.player_stats(GUILD, ALICE)
    assert (alice.games, alice.answers, alice.correct, alice.best_streak, alice.wins, alice.rank) == (1, 3, 3, 3, 1, 1)
    assert alice.points == game.game_over.standings[0].points
    bob = await trivia.player_stats(GUILD, BOB)
    assert (bob.games, bob.answers, bob.correct, bob.best_streak, bob.wins, bob.rank) == (1, 3, 1, 1, 0, 2)
    assert bob.accuracy == pytest.approx(1 / 3)


async def test_games_count_once_per_game(trivia: TriviaStore) -> None:
    """Answering several questions of one game counts one game; a second game counts two."""
    for n, channel in enumerate((CHANNEL, CHANNEL + 1)):
        game_id = await new_game(trivia, channel=channel)
        for r, qid in enumerate(("q00", "q01"), start=1):
            round_id = await trivia.open_round(game_id=game_id, round_no=r, question_id=qid, posted_at=at(n * 100 + r))
            await trivia.close_round(round_id, [answer(ALICE, True, 10, r, n * 100 + r)], at(n * 100 + r + 5))
        assert (await trivia.player_stats(GUILD, ALICE)).games == n + 1


async def test_unfinished_games_are_closed_at_start_up(db: DbTarget) -> None:
    """After a crash, reopening finds the game running; start-up abandons it and keeps closed rounds."""
    store = await db.open()
    await seed_questions(store, 5)
    trivia = TriviaStore(store)
    game_id = await new_game(trivia)
    other = await trivia.create_game(guild_id=OTHER_GUILD, channel_id=4000, starter_id=BOB,
                                     settings=GameSettings(), question_ids=["q00"], now=T0)
    first = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=at(0))
    await trivia.close_round(first, [answer(ALICE, True, 100, 1, 1)], at(20))
    await trivia.open_round(game_id=game_id, round_no=2, question_id="q01", posted_at=at(30))
    await store.close()  # the process dies with question 2 in flight

    store = await db.open()
    trivia = TriviaStore(store)
    closed = await trivia.close_unfinished_games(at(500))
    assert closed == [UnfinishedGame(game_id, GUILD, CHANNEL), UnfinishedGame(other, OTHER_GUILD, 4000)]
    assert await trivia.close_unfinished_games(at(600)) == []
    record = await trivia.get_game(game_id)
    assert record is not None and record.state == "abandoned" and record.end_reason == "restarted"
    rounds = await trivia.game_rounds(game_id)
    assert [r.closed_at is not None for r in rounds] == [True, False]
    alice = await trivia.player_stats(GUILD, ALICE)
    assert (alice.points, alice.answers, alice.wins) == (100, 1, 0)
    assert await trivia.running_game(CHANNEL) is None
    await store.close()


# -- boards ---------------------------------------------------------------------------------------


async def play_scores(trivia: TriviaStore, scores: dict[int, int], when: datetime, channel: int) -> None:
    game_id = await trivia.create_game(guild_id=GUILD, channel_id=channel, starter_id=ALICE,
                                       settings=GameSettings(), question_ids=["q00"], now=when)
    round_id = await trivia.open_round(game_id=game_id, round_no=1, question_id="q00", posted_at=when)
    answers = [ScoredAnswer(u, 0, "x", p > 0, p, int(p > 0), when) for u, p in scores.items()]
    await trivia.close_round(round_id, answers, when + timedelta(seconds=20))
    await trivia.finish_game(game_id, GameOver(GameState.FINISHED, EndReason.COMPLETED, (), (), when))


async def test_leaderboard_all_time_and_this_month(trivia: TriviaStore) -> None:
    """All time sums everything; this month only questions closed in the current UTC month."""
    april = datetime(2024, 4, 30, 23, 0, tzinfo=UTC)
    may = datetime(2024, 5, 2, tzinfo=UTC)
    await play_scores(trivia, {ALICE: 300, BOB: 50}, april, CHANNEL)
    await play_scores(trivia, {BOB: 100, CARA: 80}, may, CHANNEL + 1)
    all_time = await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=may)
    assert [(e.rank, e.user_id, e.points) for e in all_time.entries] == [(1, ALICE, 300), (2, BOB, 150), (3, CARA, 80)]
    month = await trivia.leaderboard(GUILD, scope=Scope.MONTH, now=may)
    assert month.period == "2024-05"
    assert [(e.rank, e.user_id, e.points) for e in month.entries] == [(1, BOB, 100), (2, CARA, 80)]
    assert (await trivia.leaderboard(OTHER_GUILD, scope=Scope.ALL_TIME, now=may)).entries == ()


async def test_leaderboard_pages_and_ties(trivia: TriviaStore) -> None:
    """Pages of a given size, ranks shared by ties across page boundaries, out-of-range pages clamped."""
    scores = {100 + i: (50 if i < 3 else 40 - i) for i in range(23)}
    await play_scores(trivia, scores, T0, CHANNEL)
    first = await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=T0, page=1, page_size=2)
    assert (first.pages, first.total_players) == (12, 23)
    assert [e.rank for e in first.entries] == [1, 1]
    second = await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=T0, page=2, page_size=2)
    assert [e.rank for e in second.entries] == [1, 4]
    last = await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=T0, page=99, page_size=10)
    assert last.page == 3 and len(last.entries) == 3 and last.entries[-1].rank == 23
    assert (await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=T0, page=0)).page == 1


async def test_empty_leaderboard_has_one_empty_page(trivia: TriviaStore) -> None:
    """No games yet: page 1 of 1, no entries."""
    board = await trivia.leaderboard(GUILD, scope=Scope.MONTH, now=T0, page=3)
    assert (board.page, board.pages, board.entries) == (1, 1, ())


async def test_stats_for_someone_who_never_played(trivia: TriviaStore) -> None:
    """Zeros, no accuracy, no rank."""
    stats = await trivia.player_stats(GUILD, CARA)
    assert (stats.games, stats.answers, stats.wins, stats.rank, stats.accuracy) == (0, 0, 0, None, None)


async def test_stats_rank_and_best_streak_are_per_guild(trivia: TriviaStore) -> None:
    """Rank counts only players of this guild with more points; best streak is the maximum seen."""
    await play_scores(trivia, {ALICE: 10, BOB: 30, CARA: 30}, T0, CHANNEL)
    assert (await trivia.player_stats(GUILD, ALICE)).rank == 3
    assert (await trivia.player_stats(GUILD, BOB)).rank == 1
    assert (await trivia.player_stats(OTHER_GUILD, BOB)).rank is None


# -- quick questions ------------------------------------------------------------------------------


async def test_quick_questions_are_answered_once_and_scored_apart(trivia: TriviaStore) -> None:
    """A quick answer counts once, only for its asker, and never reaches the game leaderboard."""
    quick = await trivia.start_quick_question(guild_id=GUILD, user_id=ALICE, question_id="q04", asked_at=at(0))
    assert not await trivia.answer_quick_question(quick, user_id=BOB, correct=True, points=90, answered_at=at(1))
    assert await trivia.answer_quick_question(quick, user_id=ALICE, correct=True, points=90, answered_at=at(2))
    assert not await trivia.answer_quick_question(quick, user_id=ALICE, correct=True, points=90, answered_at=at(3))
    wrong = await trivia.start_quick_question(guild_id=GUILD, user_id=ALICE, question_id="q05", asked_at=at(10))
    assert await trivia.answer_quick_question(wrong, user_id=ALICE, correct=False, points=77, answered_at=at(11))
    await trivia.start_quick_question(guild_id=GUILD, user_id=ALICE, question_id="q06", asked_at=at(20))
    stats = await trivia.quick_stats(GUILD, ALICE)
    assert (stats.asked, stats.answers, stats.correct, stats.points) == (3, 2, 1, 90)
    assert (await trivia.leaderboard(GUILD, scope=Scope.ALL_TIME, now=at(30))).entries == ()
    candidates = {c.id: c.last_asked for c in await trivia.quick_candidates(GUILD, ALICE)}
    assert candidates["q04"] == at(0) and candidates["q06"] == at(20) and candidates["q07"] is None
    assert all(c.last_asked is None for c in await trivia.quick_candidates(GUILD, BOB))
    assert all(c.last_asked is None for c in await trivia.question_candidates(GUILD))


# -- suggestions ----------------------------------------------------------------------------------


def draft(question: str = "Which city is Kavya from?", season: str = "3"):
    return parse_suggestion(question=question, answer="Nagpur", variants="Nagpur city",
                            wrong="Pune\nNashik\nMumbai", season=season)


async def test_suggestion_review_flow(trivia: TriviaStore) -> None:
    """Pending suggestions queue per guild; approval adds a live community question at once."""
    first = await trivia.add_suggestion(guild_id=GUILD, author_id=ALICE, draft=draft(), now=at(0))
    second = await trivia.add_suggestion(guild_id=GUILD, author_id=BOB, draft=draft("Whole show one?", ""), now=at(1))
    await trivia.add_suggestion(guild_id=OTHER_GUILD, author_id=BOB, draft=draft(), now=at(2))
    pending = await trivia.pending_suggestions(GUILD)
    assert [s.id for s in pending] == [first, second] and await trivia.count_pending_suggestions(GUILD) == 2
    assert pending[0].aliases == ("Nagpur city",) and pending[0].wrong == ("Pune", "Nashik", "Mumbai")

    question = await trivia.approve_suggestion(first, guild_id=GUILD, reviewer_id=MOD, now=at(5))
    assert question.origin == "community" and question.season == 3
    stored = await trivia.get_question(question.id)
    assert stored == question
    assert question.id in {c.id for c in await trivia.question_candidates(GUILD)}
    whole = await trivia.approve_suggestion(second, guild_id=GUILD, reviewer_id=ALICE, now=at(6))
    assert (await trivia.get_question(whole.id)) is not None and whole.season is None
    record = await trivia.get_suggestion(first)
    assert record is not None and record.status == "approved" and record.reviewer_id == MOD
    assert record.question_id == question.id and record.reviewed_at == at(5)
    assert await trivia.pending_suggestions(GUILD) == []


async def test_nobody_approves_their_own_suggestion(trivia: TriviaStore) -> None:
    """The author cannot approve, and nothing changes when they try; they may withdraw (reject) it."""
    sid = await trivia.add_suggestion(guild_id=GUILD, author_id=MOD, draft=draft(), now=at(0))
    with pytest.raises(PermissionDeniedError):
        await trivia.approve_suggestion(sid, guild_id=GUILD, reviewer_id=MOD, now=at(1))
    assert (await trivia.get_suggestion(sid)).status == "pending"  # type: ignore[union-attr]
    await trivia.reject_suggestion(sid, guild_id=GUILD, reviewer_id=MOD, now=at(2))
    assert (await trivia.get_suggestion(sid)).status == "rejected"  # type: ignore[union-attr]


async def test_a_suggestion_is_reviewed_once_and_only_in_its_guild(trivia: TriviaStore) -> None:
    """Reviewing twice, or from another server, or a missing id, is a clear user error."""
    sid = await trivia.add_suggestion(guild_id=GUILD, author_id=ALICE, draft=draft(), now=at(0))
    with pytest.raises(NotFoundError):
        await trivia.approve_suggestion(sid, guild_id=OTHER_GUILD, reviewer_id=MOD, now=at(1))
    with pytest.raises(NotFoundError):
        await trivia.reject_suggestion(9999, guild_id=GUILD, reviewer_id=MOD, now=at(1))
    await trivia.reject_suggestion(sid, guild_id=GUILD, reviewer_id=MOD, now=at(2))
    with pytest.raises(UserError, match="already rejected"):
        await trivia.approve_suggestion(sid, guild_id=GUILD, reviewer_id=MOD, now=at(3))
    assert await trivia.get_question(f"community-{sid}") is None


async def test_approved_questions_survive_a_content_reimport(store: Store) -> None:
    """Re-importing the pack (even one with fewer questions) keeps community questions live."""
    loaded = load_pack(DEFAULT_CONTENT_DIR)
    assert loaded.pack is not None, loaded.problems
    await import_questions(store, loaded.pack, pack_fingerprint(DEFAULT_CONTENT_DIR))
    trivia = TriviaStore(store)
    sid = await trivia.add_suggestion(guild_id=GUILD, author_id=ALICE, draft=draft(), now=at(0))
    question = await trivia.approve_suggestion(sid, guild_id=GUILD, reviewer_id=MOD, now=at(1))
    smaller = dataclasses.replace(loaded.pack, questions=loaded.pack.questions[:1])
    await import_questions(store, smaller, "another-fingerprint")
    live = {c.id for c in await trivia.question_candidates(GUILD)}
    assert question.id in live and loaded.pack.questions[0].id in live
    assert await trivia.get_question(question.id) == question


async def import_questions(store: Store, pack: ContentPack, fingerprint: str) -> None:
    """The content import on SQLite; on PostgreSQL the shared question bank is what the pack writes."""
    if store.dialect == "postgres":
        await sync_shared_questions(store, pack, fingerprint)
    else:
        await import_pack(store, pack, fingerprint)


# -- reports --------------------------------------------------------------------------------------


async def test_reports_count_one_per_member(trivia: TriviaStore) -> None:
    """One report per member per question; review sees counts and reasons, most reported first."""
    async def report(qid: str, user: int, reason: str, t: float, guild: int = GUILD) -> bool:
        return await trivia.report_question(question_id=qid, user_id=user, guild_id=guild, reason=reason, now=at(t))

    assert await report("q01", ALICE, "wrong year", 0)
    assert not await report("q01", ALICE, "again", 1)
    assert await report("q01", BOB, "", 2)
    assert await report("q02", BOB, "typo", 3)
    assert await report("q03", CARA, "x", 4, guild=OTHER_GUILD)
    reports = await trivia.open_reports(GUILD)
    assert [(r.question_id, r.reports, r.reasons) for r in reports] == [
        ("q01", 2, ("wrong year",)), ("q02", 1, ("typo",))
    ]
    assert reports[0].question == "Question 1?" and reports[0].first_reported_at == at(0)
    assert await trivia.resolve_reports("q01", guild_id=GUILD, now=at(10)) == 2
    assert [r.question_id for r in await trivia.open_reports(GUILD)] == ["q02"]
    assert not await report("q01", ALICE, "x", 11)


async def test_reporting_a_missing_question(trivia: TriviaStore) -> None:
    """An unknown question id is a clear error, not a crash."""
    with pytest.raises(NotFoundError):
        await trivia.report_question(question_id="gone", user_id=ALICE, guild_id=GUILD, reason="", now=at(0))
