"""Trivia persistence: games, rounds, answers, boards, quick questions, suggestions, reports.

Consistency rules the cog relies on:
- `close_round` is one transaction: the answers, the per-game totals, the guild score aggregates
  and the round's `closed_at`. It only acts on an open round of a running game, so a retry after
  a crash (or a second close) changes nothing, and `UNIQUE(round_id, user_id)` means an answer can
  never count twice. A crash loses at most the question in flight.
- The database allows one running game per channel (a partial unique index), whatever the cog does.
- `close_unfinished_games` at start-up marks games a restart interrupted as abandoned (no win).

Times are stored as UTC epoch milliseconds. Leaderboard months are UTC months, keyed by when the
question closed (wins: when the game ended).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import aiosqlite

from bot.errors import NotFoundError, PermissionDeniedError, UserError
from bot.store.core import Store
from bot.store.portable import in_list
from bot.trivia.game import GameOver, GameSettings, ScoredAnswer
from bot.trivia.models import Candidate, GameMode, Question
from bot.trivia.suggestions import SuggestionDraft

log = logging.getLogger(__name__)

ALL_TIME = "all"
COMMUNITY_ORIGIN = "community"
DEFAULT_PAGE_SIZE = 10


# List pages (each a range of an index in the list's order; sizes and tallies kept by the triggers
# of migration `list_pages`), module constants so tests can check their query plans.
BOARD_PAGE_SQL = """
    SELECT user_id, points, correct, answers, wins,
           (SELECT COUNT(*) FROM trivia_scores b
            WHERE b.guild_id = s.guild_id AND b.period = s.period AND b.answers > 0
              AND b.points > s.points) + 1 AS rank,
           (SELECT players FROM trivia_board_sizes z WHERE z.guild_id = s.guild_id AND z.period = s.period) AS total
    FROM trivia_scores s
    WHERE guild_id = ? AND period = ? AND answers > 0
    ORDER BY points DESC, correct DESC, user_id
    LIMIT ? OFFSET ?
"""
FIRST_PENDING_SQL = """
    SELECT s.*, (SELECT pending FROM trivia_queue_sizes z WHERE z.guild_id = s.guild_id) AS waiting
    FROM trivia_suggestions s WHERE s.guild_id = ? AND s.status = 'pending'
    ORDER BY s.created_at, s.id LIMIT 1
"""
# The page of most-reported questions (a range of the tallies index) with their reasons (a range of
# the reasons index per question) in one query. Rows come one per reason (or one with NULL for a
# question without any); `open_reports` groups them and puts the page in order (a handful of rows).
OPEN_REPORTS_SQL = """
    SELECT p.question_id, p.question, p.answer, p.reports, p.first_at, r.reason
    FROM (
        SELECT t.question_id, q.question, q.answer, t.reports, t.first_at
        FROM trivia_report_tallies t JOIN trivia_questions q ON q.id = t.question_id
        WHERE t.guild_id = ?
        ORDER BY t.reports DESC, t.first_at, t.question_id
        LIMIT ?
    ) p
    LEFT JOIN trivia_reports r
        ON r.guild_id = ? AND r.question_id = p.question_id AND r.resolved_at IS NULL AND r.reason > ''
"""
_QUESTION_COLUMNS = "id, season, difficulty, question, answer, aliases, wrong, source, origin"


class GameAlreadyRunningError(UserError):
    def __init__(self) -> None:
        super().__init__(key="errors.game_running")


class Scope(StrEnum):
    ALL_TIME = "all"
    MONTH = "month"


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("trivia times must be timezone-aware")
    return math.floor(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def month_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


@dataclass(frozen=True)
class GameRecord:
    id: int
    guild_id: int
    channel_id: int
    starter_id: int
    mode: GameMode
    settings: GameSettings
    question_ids: tuple[str, ...]
    state: str
    end_reason: str | None
    current_round: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class RoundRecord:
    id: int
    game_id: int
    round_no: int
    question_id: str
    message_id: int | None
    posted_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class AnswerRecord:
    round_id: int
    user_id: int
    choice: int | None
    text: str | None
    correct: bool
    points: int
    streak: int
    answered_at: datetime


@dataclass(frozen=True)
class UnfinishedGame:
    game_id: int
    guild_id: int
    channel_id: int


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    user_id: int
    points: int
    correct: int
    answers: int
    wins: int


@dataclass(frozen=True)
class LeaderboardPage:
    scope: Scope
    period: str
    page: int
    pages: int
    total_players: int
    entries: tuple[LeaderboardEntry, ...]


@dataclass(frozen=True)
class PlayerStats:
    user_id: int
    games: int
    answers: int
    correct: int
    points: int
    best_streak: int
    wins: int
    rank: int | None
    """All-time rank in the guild by points (None before the first answer)."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class QuickStats:
    asked: int
    answers: int
    correct: int
    points: int


@dataclass(frozen=True)
class SuggestionRecord:
    id: int
    guild_id: int
    author_id: int
    question: str
    answer: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    season: int | None
    status: str
    reviewer_id: int | None
    reviewed_at: datetime | None
    question_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class ReportSummary:
    question_id: str
    question: str
    answer: str
    reports: int
    reasons: tuple[str, ...]
    first_reported_at: datetime


@dataclass(frozen=True)
class QuickQuestionRecord:
    id: int
    guild_id: int
    user_id: int
    question_id: str
    asked_at: datetime
    answered: bool


class TriviaStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- questions -------------------------------------------------------------------------------

    async def question_candidates(self, guild_id: int) -> list[Candidate]:
        """Every live question with when this guild was last asked it."""
        # On the loop (a few hundred rows, well under a trip to aiosqlite's thread): a rush of starts.
        rows = await self._store.fetch_page(
            """
            SELECT q.id, q.season, q.difficulty, q.wrong, u.last_asked_at
            FROM trivia_questions q
            LEFT JOIN trivia_question_usage u ON u.guild_id = ? AND u.question_id = q.id
            WHERE q.retired = 0
            """,
            (guild_id,),
        )
        return [_candidate(row) for row in rows]

    async def quick_candidates(self, guild_id: int, user_id: int) -> list[Candidate]:
        """Every live question with when this member last had it as a quick question."""
        rows = await self._store.fetch_all(
            """
            SELECT q.id, q.season, q.difficulty, q.wrong, k.last_asked_at
            FROM trivia_questions q
            LEFT JOIN (SELECT question_id, MAX(asked_at) AS last_asked_at FROM trivia_quick_questions
                       WHERE guild_id = ? AND user_id = ? GROUP BY question_id) k ON k.question_id = q.id
            WHERE q.retired = 0
            """,
            (guild_id, user_id),
        )
        return [_candidate(row) for row in rows]

    async def get_questions(self, ids: Sequence[str]) -> list[Question]:
        """The questions in the order asked for; unknown ids are left out."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._store.fetch_page(  # by primary key, on the loop
            f"SELECT {_QUESTION_COLUMNS} FROM trivia_questions WHERE id IN ({marks})",  # noqa: S608 (placeholders only)
            tuple(ids),
        )
        by_id = {row["id"]: _question(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def get_question(self, question_id: str) -> Question | None:
        found = await self.get_questions([question_id])
        return found[0] if found else None

    # -- games -----------------------------------------------------------------------------------

    async def create_game(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        settings: GameSettings,
        question_ids: Sequence[str],
        now: datetime,
    ) -> int:
        """A running game row; `GameAlreadyRunningError` when the channel already has one."""
        params = (guild_id, channel_id, starter_id, str(settings.mode), json.dumps(settings.to_json()),
                  json.dumps(list(question_ids)), to_ms(now))
        try:
            if self._store.batches_writes:  # SQLite: a rush of starts commits together (bot.store.batch)
                game_id = await self._store.write(lambda conn: _returned_id_now(conn, _CREATE_GAME, params))
            else:
                async with self._store.transaction() as conn:
                    game_id = await _returned_id(conn, _CREATE_GAME, params)
        except sqlite3.IntegrityError as exc:
            if "trivia_games.channel_id" in str(exc) or "UNIQUE" in str(exc):
                raise GameAlreadyRunningError() from exc
            raise
        assert game_id is not None
        return game_id

    async def get_game(self, game_id: int) -> GameRecord | None:
        row = await self._store.fetch_one("SELECT * FROM trivia_games WHERE id = ?", (game_id,))
        return None if row is None else _game(row)

    async def running_game(self, channel_id: int) -> GameRecord | None:
        rows = await self._store.fetch_page(  # by index, on the loop: every /trivia start asks
            "SELECT * FROM trivia_games WHERE channel_id = ? AND state = 'running'", (channel_id,)
        )
        return _game(rows[0]) if rows else None

    async def open_round(self, *, game_id: int, round_no: int, question_id: str, posted_at: datetime) -> int:
        """Record a posted question (and that the guild has now seen it); returns the round id."""
        at = to_ms(posted_at)
        opened = (round_no, question_id, at, game_id)
        current = (round_no, game_id)
        usage = (game_id, question_id, at)
        if self._store.batches_writes:  # SQLite: batched with the other games' rounds (bot.store.batch)

            def record(conn: sqlite3.Connection) -> int | None:
                round_id = _returned_id_now(conn, _OPEN_ROUND, opened)
                if round_id is None:
                    raise NotFoundError(key="errors.game_gone")
                conn.execute(_SET_CURRENT_ROUND, current)
                conn.execute(_QUESTION_USED, usage)
                return round_id

            round_id = await self._store.write(record)
        else:
            async with self._store.transaction() as conn:
                round_id = await _returned_id(conn, _OPEN_ROUND, opened)
                if round_id is None:
                    raise NotFoundError(key="errors.game_gone")
                await conn.execute(_SET_CURRENT_ROUND, current)
                await conn.execute(_QUESTION_USED, usage)
        assert round_id is not None
        return round_id

    async def set_round_message(self, round_id: int, message_id: int) -> None:
        await self._store.execute("UPDATE trivia_rounds SET message_id = ? WHERE id = ?", (message_id, round_id))

    async def close_round(self, round_id: int, answers: Sequence[ScoredAnswer], closed_at: datetime) -> bool:
        """Score a question in one transaction. False (and nothing written) if it was already closed
        or its game is no longer running."""
        at = to_ms(closed_at)
        periods = (ALL_TIME, month_key(closed_at))
        async with self._store.transaction() as conn:
            rows = await conn.execute_fetchall(
                """
                UPDATE trivia_rounds SET closed_at = ?
                WHERE id = ? AND closed_at IS NULL
                  AND game_id IN (SELECT id FROM trivia_games WHERE state = 'running')
                RETURNING game_id
                """,
                (at, round_id),
            )
            if not rows:
                log.info("round %s was already closed or its game ended; nothing scored", round_id)
                return False
            game_id = next(iter(rows))[0]
            if not answers:
                return True
            # Scores first: "first answer in this game" is read from trivia_game_players before
            # this question's rows are added to it.
            await conn.executemany(
                """
                INSERT INTO trivia_scores (guild_id, period, user_id, points, answers, correct, games, best_streak)
                VALUES ((SELECT guild_id FROM trivia_games WHERE id = :game), :period, :user, :points, 1, :correct,
                        CASE WHEN EXISTS (SELECT 1 FROM trivia_game_players WHERE game_id = :game AND user_id = :user)
                             THEN 0 ELSE 1 END,
                        :streak)
                ON CONFLICT (guild_id, period, user_id) DO UPDATE SET
                    points = trivia_scores.points + excluded.points,
                    answers = trivia_scores.answers + 1,
                    correct = trivia_scores.correct + excluded.correct,
                    games = trivia_scores.games + excluded.games,
                    best_streak = CASE WHEN excluded.best_streak > trivia_scores.best_streak
                                       THEN excluded.best_streak ELSE trivia_scores.best_streak END
                """,
                [{"game": game_id, "period": period, "user": a.user_id, "points": a.points,
                  "correct": int(a.correct), "streak": a.streak}
                 for a in answers for period in periods],
            )
            await conn.executemany(
                """
                INSERT INTO trivia_answers (round_id, user_id, choice, text, correct, points, streak, answered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [(round_id, a.user_id, a.choice, a.text, int(a.correct), a.points, a.streak, to_ms(a.answered_at))
                 for a in answers],
            )
            await conn.executemany(
                """
                INSERT INTO trivia_game_players (game_id, user_id, points, correct, answers) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (game_id, user_id) DO UPDATE SET
                    points = trivia_game_players.points + excluded.points,
                    correct = trivia_game_players.correct + excluded.correct,
                    answers = trivia_game_players.answers + 1
                """,
                [(game_id, a.user_id, a.points, int(a.correct)) for a in answers],
            )
        return True

    async def finish_game(self, game_id: int, over: GameOver, *, stopped_by: int | None = None) -> bool:
        """Record the end (finished or stopped) and the winners; False if the game had already ended."""
        at = to_ms(over.ended_at)
        async with self._store.transaction() as conn:
            rows = await conn.execute_fetchall(
                """
                UPDATE trivia_games SET state = ?, end_reason = ?, ended_at = ?, stopped_by = ?
                WHERE id = ? AND state = 'running'
                RETURNING guild_id
                """,
                (str(over.state), str(over.reason), at, stopped_by, game_id),
            )
            if not rows:
                return False
            guild_id = next(iter(rows))[0]
            if over.winners:
                await conn.executemany(
                    "UPDATE trivia_game_players SET won = 1 WHERE game_id = ? AND user_id = ?",
                    [(game_id, user_id) for user_id in over.winners],
                )
                await conn.executemany(
                    """
                    INSERT INTO trivia_scores (guild_id, period, user_id, wins) VALUES (?, ?, ?, 1)
                    ON CONFLICT (guild_id, period, user_id) DO UPDATE SET wins = trivia_scores.wins + 1
                    """,
                    [(guild_id, period, user_id)
                     for user_id in over.winners for period in (ALL_TIME, month_key(over.ended_at))],
                )
        return True

    async def close_unfinished_games(
        self, now: datetime, *, shard_count: int | None = None, shard_ids: Sequence[int] = ()
    ) -> list[UnfinishedGame]:
        """At start-up: every game a restart interrupted becomes abandoned (no win); the cog tells
        each channel. Rounds in flight stay unclosed, i.e. unscored.

        A sharded process only closes the games of servers on its own shards: the others belong to
        live processes (a game lives on the shard that owns its server).
        """
        where, params = "state = 'running'", list[Any]()
        if shard_count is not None:
            owned, params = in_list(f"((guild_id >> 22) % {int(shard_count)})", shard_ids)
            where += f" AND {owned}"
        async with self._store.transaction() as conn, conn.execute(
            f"""
            UPDATE trivia_games SET state = 'abandoned', end_reason = 'restarted', ended_at = ?
            WHERE {where}
            RETURNING id, guild_id, channel_id
            """,  # noqa: S608 - integers and placeholders only
            (to_ms(now), *params),
        ) as cursor:
            rows = await cursor.fetchall()
        games = [UnfinishedGame(r[0], r[1], r[2]) for r in sorted(rows, key=lambda r: r[0])]
        if games:
            log.info("closed %d trivia game(s) interrupted by a restart", len(games))
        return games

    async def game_rounds(self, game_id: int) -> list[RoundRecord]:
        rows = await self._store.fetch_all(
            "SELECT * FROM trivia_rounds WHERE game_id = ? ORDER BY round_no", (game_id,)
        )
        return [
            RoundRecord(r["id"], r["game_id"], r["round_no"], r["question_id"], r["message_id"],
                        _dt(r["posted_at"]), from_ms(r["closed_at"]))
            for r in rows
        ]

    async def round_answers(self, round_id: int) -> list[AnswerRecord]:
        rows = await self._store.fetch_all(
            "SELECT * FROM trivia_answers WHERE round_id = ? ORDER BY answered_at, user_id", (round_id,)
        )
        return [
            AnswerRecord(r["round_id"], r["user_id"], r["choice"], r["text"], bool(r["correct"]), r["points"],
                         r["streak"], _dt(r["answered_at"]))
            for r in rows
        ]

    # -- boards ----------------------------------------------------------------------------------

    async def leaderboard(
        self, guild_id: int, *, scope: Scope, now: datetime, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
    ) -> LeaderboardPage:
        """One page (1-based; clamped to the last page) of the guild's board, ties sharing a rank."""
        period = ALL_TIME if scope is Scope.ALL_TIME else month_key(now)
        page = max(page, 1)
        rows = await self._board_page(guild_id, period, page, page_size)
        if rows:
            total = int(rows[0]["total"])
        else:  # an empty board, or a page past its end (then the last page is read)
            sizes = await self._store.fetch_page(
                "SELECT COALESCE(MAX(players), 0) FROM trivia_board_sizes WHERE guild_id = ? AND period = ?",
                (guild_id, period),
            )
            total = int(sizes[0][0])
        pages = max(1, math.ceil(total / page_size))
        if page > pages:
            page = pages
            rows = await self._board_page(guild_id, period, page, page_size)
        entries = tuple(
            LeaderboardEntry(r["rank"], r["user_id"], r["points"], r["correct"], r["answers"], r["wins"]) for r in rows
        )
        return LeaderboardPage(scope, period, page, pages, total, entries)

    async def _board_page(self, guild_id: int, period: str, page: int, page_size: int) -> list[Any]:
        """One page of the board in one trip: a range of the board's index (migration `list_pages`), with
        the board's size, which triggers keep, instead of a count of its rows."""
        return await self._store.fetch_page(BOARD_PAGE_SQL, (guild_id, period, page_size, (page - 1) * page_size))

    async def player_stats(self, guild_id: int, user_id: int) -> PlayerStats:
        row = await self._store.fetch_one(
            """
            SELECT games, answers, correct, points, best_streak, wins,
                   (SELECT COUNT(*) FROM trivia_scores b
                    WHERE b.guild_id = s.guild_id AND b.period = s.period AND b.answers > 0
                      AND b.points > s.points) + 1 AS rank
            FROM trivia_scores s
            WHERE guild_id = ? AND period = ? AND user_id = ?
            """,
            (guild_id, ALL_TIME, user_id),
        )
        if row is None or row["answers"] == 0:
            return PlayerStats(user_id, 0, 0, 0, 0, 0, 0, None)
        return PlayerStats(user_id, row["games"], row["answers"], row["correct"], row["points"],
                           row["best_streak"], row["wins"], row["rank"])

    # -- quick questions -------------------------------------------------------------------------

    async def start_quick_question(self, *, guild_id: int, user_id: int, question_id: str, asked_at: datetime) -> int:
        async with self._store.transaction() as conn:
            quick_id = await _returned_id(
                conn,
                "INSERT INTO trivia_quick_questions (guild_id, user_id, question_id, asked_at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (guild_id, user_id, question_id, to_ms(asked_at)),
            )
        assert quick_id is not None
        return int(quick_id)

    async def get_quick_question(self, quick_id: int) -> QuickQuestionRecord | None:
        row = await self._store.fetch_one(
            "SELECT id, guild_id, user_id, question_id, asked_at, correct FROM trivia_quick_questions WHERE id = ?",
            (quick_id,),
        )
        if row is None:
            return None
        return QuickQuestionRecord(
            id=row["id"],
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            question_id=row["question_id"],
            asked_at=_dt(row["asked_at"]),
            answered=row["correct"] is not None,
        )

    async def answer_quick_question(
        self, quick_id: int, *, user_id: int, correct: bool, points: int, answered_at: datetime
    ) -> bool:
        """Record the one answer to a quick question; False if it was already answered (or not theirs)."""
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                """
                UPDATE trivia_quick_questions SET correct = ?, points = ?, answered_at = ?
                WHERE id = ? AND user_id = ? AND correct IS NULL
                """,
                (int(correct), points if correct else 0, to_ms(answered_at), quick_id, user_id),
            )
            return cursor.rowcount == 1

    async def quick_stats(self, guild_id: int, user_id: int) -> QuickStats:
        row = await self._store.fetch_one(
            """
            SELECT COUNT(*), COUNT(correct), CAST(COALESCE(SUM(correct), 0) AS BIGINT),
                   CAST(COALESCE(SUM(points), 0) AS BIGINT)
            FROM trivia_quick_questions WHERE guild_id = ? AND user_id = ?
            """,
            (guild_id, user_id),
        )
        assert row is not None
        return QuickStats(row[0], row[1], row[2], row[3])

    # -- suggestions -----------------------------------------------------------------------------

    async def add_suggestion(self, *, guild_id: int, author_id: int, draft: SuggestionDraft, now: datetime) -> int:
        async with self._store.transaction() as conn:
            suggestion_id = await _returned_id(
                conn,
                """
                INSERT INTO trivia_suggestions
                    (guild_id, author_id, question, answer, aliases, wrong, season, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """,
                (guild_id, author_id, draft.question, draft.answer, json.dumps(list(draft.aliases)),
                 json.dumps(list(draft.wrong)), draft.season, to_ms(now)),
            )
        assert suggestion_id is not None
        return int(suggestion_id)

    async def pending_suggestions(self, guild_id: int, *, limit: int = 10, offset: int = 0) -> list[SuggestionRecord]:
        rows = await self._store.fetch_all(
            """
            SELECT * FROM trivia_suggestions WHERE guild_id = ? AND status = 'pending'
            ORDER BY created_at, id LIMIT ? OFFSET ?
            """,
            (guild_id, limit, offset),
        )
        return [_suggestion(r) for r in rows]

    async def first_pending_suggestion(self, guild_id: int) -> tuple[SuggestionRecord | None, int]:
        """The oldest suggestion waiting for review and how many wait, in one trip (the review page)."""
        rows = await self._store.fetch_page(FIRST_PENDING_SQL, (guild_id,))
        if not rows:
            return None, 0
        return _suggestion(rows[0]), int(rows[0]["waiting"] or 0)

    async def count_pending_suggestions(self, guild_id: int) -> int:
        return int(await self._store.fetch_value(
            "SELECT COALESCE(MAX(pending), 0) FROM trivia_queue_sizes WHERE guild_id = ?", (guild_id,)
        ))

    async def get_suggestion(self, suggestion_id: int) -> SuggestionRecord | None:
        row = await self._store.fetch_one("SELECT * FROM trivia_suggestions WHERE id = ?", (suggestion_id,))
        return None if row is None else _suggestion(row)

    async def approve_suggestion(
        self, suggestion_id: int, *, guild_id: int, reviewer_id: int, now: datetime, difficulty: str = "medium"
    ) -> Question:
        """Put the suggestion into the bank at once (origin 'community', which content re-imports keep)."""
        question_id = f"community-{suggestion_id}"
        async with self._store.transaction() as conn:
            suggestion = await self._pending_for_review(conn, suggestion_id, guild_id)
            if suggestion.author_id == reviewer_id:
                raise PermissionDeniedError(key="errors.own_suggestion")
            await conn.execute(
                """
                INSERT INTO trivia_questions (id, season, difficulty, question, answer, aliases, wrong, source, origin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (question_id, suggestion.season or 0, difficulty, suggestion.question, suggestion.answer,
                 json.dumps(list(suggestion.aliases)), json.dumps(list(suggestion.wrong)),
                 f"community suggestion #{suggestion_id}", COMMUNITY_ORIGIN),
            )
            await conn.execute(
                """
                UPDATE trivia_suggestions SET status = 'approved', reviewer_id = ?, reviewed_at = ?, question_id = ?
                WHERE id = ?
                """,
                (reviewer_id, to_ms(now), question_id, suggestion_id),
            )
        return Question(question_id, suggestion.question, suggestion.answer, suggestion.aliases, suggestion.wrong,
                        suggestion.season, difficulty, f"community suggestion #{suggestion_id}", COMMUNITY_ORIGIN)

    async def reject_suggestion(self, suggestion_id: int, *, guild_id: int, reviewer_id: int, now: datetime) -> None:
        async with self._store.transaction() as conn:
            await self._pending_for_review(conn, suggestion_id, guild_id)
            await conn.execute(
                "UPDATE trivia_suggestions SET status = 'rejected', reviewer_id = ?, reviewed_at = ? WHERE id = ?",
                (reviewer_id, to_ms(now), suggestion_id),
            )

    async def _pending_for_review(
        self, conn: aiosqlite.Connection, suggestion_id: int, guild_id: int
    ) -> SuggestionRecord:
        async with conn.execute(
            "SELECT * FROM trivia_suggestions WHERE id = ? AND guild_id = ?", (suggestion_id, guild_id)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(key="errors.no_suggestion", id=suggestion_id)
        suggestion = _suggestion(row)
        if suggestion.status != "pending":
            raise UserError(key=f"errors.suggestion_{suggestion.status}", id=suggestion_id)
        return suggestion

    # -- reports ---------------------------------------------------------------------------------

    async def report_question(
        self, *, question_id: str, user_id: int, guild_id: int, reason: str, now: datetime
    ) -> bool:
        """File a report; False if this member already reported this question."""
        async with self._store.transaction() as conn:
            exists = await _value(conn, "SELECT 1 FROM trivia_questions WHERE id = ?", (question_id,))
            if exists is None:
                raise NotFoundError(key="trivia.question_gone")
            cursor = await conn.execute(
                """
                INSERT INTO trivia_reports (question_id, user_id, guild_id, reason, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (question_id, user_id) DO NOTHING
                """,
                (question_id, user_id, guild_id, reason[:200], to_ms(now)),
            )
            return cursor.rowcount == 1

    async def open_reports(self, guild_id: int, *, limit: int = 10) -> list[ReportSummary]:
        """Questions with unresolved reports from this guild, most reported first."""
        rows = await self._store.fetch_page(OPEN_REPORTS_SQL, (guild_id, limit, guild_id))
        pages: dict[str, tuple[Any, list[str]]] = {}
        for row in rows:
            _, reasons = pages.setdefault(row["question_id"], (row, []))
            if row["reason"] is not None:
                reasons.append(row["reason"])
        ordered = sorted(pages.values(), key=lambda p: (-p[0]["reports"], p[0]["first_at"], p[0]["question_id"]))
        return [
            ReportSummary(r["question_id"], r["question"], r["answer"], r["reports"], tuple(reasons),
                          _dt(r["first_at"]))
            for r, reasons in ordered
        ]

    async def resolve_reports(self, question_id: str, *, guild_id: int, now: datetime) -> int:
        """Mark this guild's open reports on a question as looked at; returns how many."""
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                """
                UPDATE trivia_reports SET resolved_at = ?
                WHERE question_id = ? AND guild_id = ? AND resolved_at IS NULL
                """,
                (to_ms(now), question_id, guild_id),
            )
            return cursor.rowcount


# -- row mapping ---------------------------------------------------------------------------------


async def _value(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> Any:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


_CREATE_GAME = """
    INSERT INTO trivia_games
        (guild_id, channel_id, starter_id, mode, settings, question_ids, started_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    RETURNING id
"""
_OPEN_ROUND = """
    INSERT INTO trivia_rounds (game_id, round_no, question_id, posted_at)
    SELECT id, CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BIGINT)
    FROM trivia_games WHERE id = ? AND state = 'running'
    RETURNING id
"""
_SET_CURRENT_ROUND = "UPDATE trivia_games SET current_round = ? WHERE id = ?"
_QUESTION_USED = """
    INSERT INTO trivia_question_usage (guild_id, question_id, last_asked_at)
    VALUES ((SELECT guild_id FROM trivia_games WHERE id = ?), ?, ?)
    ON CONFLICT (guild_id, question_id)
    DO UPDATE SET last_asked_at = excluded.last_asked_at,
                  times_asked = trivia_question_usage.times_asked + 1
"""


def _returned_id_now(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int | None:
    """As `_returned_id`, on the plain sqlite3 connection a batched write gets."""
    rows = conn.execute(sql, params).fetchall()
    return None if not rows else int(rows[0][0])


async def _returned_id(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> int | None:
    """The id an `INSERT … RETURNING id` gave (every row is read, so the statement is finished before COMMIT)."""
    rows = list(await conn.execute_fetchall(sql, params))
    return None if not rows else int(rows[0][0])


def _dt(value: int) -> datetime:
    moment = from_ms(value)
    assert moment is not None
    return moment


def _json_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    data = json.loads(text)
    return tuple(str(item) for item in data) if isinstance(data, list) else ()


def _candidate(row: aiosqlite.Row) -> Candidate:
    return Candidate(row["id"], row["season"] or None, row["difficulty"], len(_json_list(row["wrong"])),
                     from_ms(row["last_asked_at"]))


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        text=row["question"],
        answer=row["answer"],
        aliases=_json_list(row["aliases"]),
        wrong=_json_list(row["wrong"]),
        season=row["season"] or None,
        difficulty=row["difficulty"],
        source=row["source"] or "",
        origin=row["origin"],
    )


def _game(row: aiosqlite.Row) -> GameRecord:
    settings = GameSettings.from_json(json.loads(row["settings"]))
    return GameRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        starter_id=row["starter_id"],
        mode=GameMode(row["mode"]),
        settings=settings,
        question_ids=_json_list(row["question_ids"]),
        state=row["state"],
        end_reason=row["end_reason"],
        current_round=row["current_round"],
        started_at=_dt(row["started_at"]),
        ended_at=from_ms(row["ended_at"]),
    )


def _suggestion(row: aiosqlite.Row) -> SuggestionRecord:
    return SuggestionRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        author_id=row["author_id"],
        question=row["question"],
        answer=row["answer"],
        aliases=_json_list(row["aliases"]),
        wrong=_json_list(row["wrong"]),
        season=row["season"],
        status=row["status"],
        reviewer_id=row["reviewer_id"],
        reviewed_at=from_ms(row["reviewed_at"]),
        question_id=row["question_id"],
        created_at=_dt(row["created_at"]),
    )
