"""Question of the day: schedules, posts, answers and streaks (tables from migration 0005_qotd).

Exactly-once rests on the database: one daily post per server and day (a partial unique index),
one answer per member (primary key), and a reveal that applies streaks only in the transaction
that flips `revealed_at` from NULL, so a reveal raced by the 23-hour timer and the next day's post
counts once. SQL is portable (`ON CONFLICT`, `RETURNING`), as for PostgreSQL later.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import aiosqlite

from bot.qotd.streaks import Streak, apply_result
from bot.store.core import Store
from bot.store.timers import TimerSpec, from_ts, insert_timers_in, to_ts


@dataclass(frozen=True, slots=True)
class QotdConfig:
    guild_id: int
    channel_id: int
    post_time: time
    timezone: str
    seasons: tuple[int, ...]  # empty: every season
    difficulty: str | None
    enabled: bool
    revision: int


@dataclass(frozen=True, slots=True)
class QotdPost:
    id: int
    guild_id: int
    channel_id: int
    day: date
    kind: str  # 'daily' | 'extra'
    question_id: str
    choices: tuple[str, ...]
    correct_index: int
    hidden_season: int | None
    message_id: int | None
    posted_at: datetime
    reveal_at: datetime
    revealed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewPost:
    guild_id: int
    channel_id: int
    day: date
    kind: str
    question_id: str
    choices: Sequence[str]
    correct_index: int
    hidden_season: int | None
    posted_at: datetime
    reveal_at: datetime


@dataclass(frozen=True, slots=True)
class Reveal:
    """A post that this call revealed, with who got it right (in answer order)."""

    post: QotdPost
    right: tuple[int, ...]
    answers: int


# -- configs ---------------------------------------------------------------------------------------


async def get_config(store: Store, guild_id: int) -> QotdConfig | None:
    row = await store.fetch_one("SELECT * FROM qotd_configs WHERE guild_id = ?", (guild_id,))
    return None if row is None else _config(row)


async def save_config(
    store: Store,
    *,
    guild_id: int,
    channel_id: int,
    post_time: time,
    timezone: str,
    seasons: Sequence[int],
    difficulty: str | None,
    user_id: int,
    now: datetime,
    timers: Callable[[QotdConfig], Sequence[TimerSpec]],
) -> tuple[QotdConfig, QotdConfig | None]:
    """Create or replace the server's schedule (revision + 1) and insert its first timer atomically.

    Returns (new, previous or None). Call `TimerEngine.notify()` afterwards.
    """
    stamp = to_ts(now)
    async with store.transaction() as conn:
        async with conn.execute("SELECT * FROM qotd_configs WHERE guild_id = ?", (guild_id,)) as cur:
            old = await cur.fetchone()
        async with conn.execute(
            "INSERT INTO qotd_configs (guild_id, channel_id, post_time, timezone, seasons, difficulty, enabled, "
            "revision, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, post_time = excluded.post_time, "
            "timezone = excluded.timezone, seasons = excluded.seasons, difficulty = excluded.difficulty, "
            "enabled = 1, revision = qotd_configs.revision + 1, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at RETURNING *",
            (guild_id, channel_id, post_time.strftime("%H:%M"), timezone, json.dumps(sorted(set(seasons))),
             difficulty, user_id, stamp, stamp),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        config = _config(row)
        await insert_timers_in(conn, timers(config), now=now)
    return config, (_config(old) if old is not None else None)


async def disable(store: Store, guild_id: int, *, now: datetime) -> QotdConfig | None:
    """Turn the schedule off (revision + 1, so pending timers go stale); None if there was none on."""
    async with store.transaction() as conn, conn.execute(
        "UPDATE qotd_configs SET enabled = 0, revision = revision + 1, updated_at = ? "
        "WHERE guild_id = ? AND enabled = 1 RETURNING *",
        (to_ts(now), guild_id),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else _config(row)


# -- posts -----------------------------------------------------------------------------------------


async def claim_daily(store: Store, new: NewPost) -> tuple[QotdPost, bool]:
    """The day's daily post: inserted now (True) or the one an earlier attempt inserted (False).

    A retried timer (crash between send and mark) gets the same question back, so its resend with
    the same nonce is the same message.
    """
    async with store.transaction() as conn:
        async with conn.execute(
            _INSERT_POST + " ON CONFLICT (guild_id, day) WHERE kind = 'daily' DO NOTHING RETURNING *", _post_params(new)
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            return _post(row), True
        async with conn.execute(
            "SELECT * FROM qotd_posts WHERE guild_id = ? AND day = ? AND kind = 'daily'",
            (new.guild_id, new.day.isoformat()),
        ) as cur:
            existing = await cur.fetchone()
    assert existing is not None
    return _post(existing), False


async def add_post(store: Store, new: NewPost) -> QotdPost:
    """An extra post (a second `/qotd now` the same day)."""
    async with store.transaction() as conn, conn.execute(_INSERT_POST + " RETURNING *", _post_params(new)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return _post(row)


async def delete_unsent(store: Store, post_id: int) -> None:
    """Forget a post Discord refused (no message), so the day can be tried again."""
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM qotd_answers WHERE post_id = ?", (post_id,))
        await conn.execute("DELETE FROM qotd_posts WHERE id = ? AND message_id IS NULL", (post_id,))


async def set_message(store: Store, post_id: int, message_id: int) -> None:
    await store.execute("UPDATE qotd_posts SET message_id = ? WHERE id = ?", (message_id, post_id))


async def get_post(store: Store, post_id: int) -> QotdPost | None:
    row = await store.fetch_one("SELECT * FROM qotd_posts WHERE id = ?", (post_id,))
    return None if row is None else _post(row)


async def daily_post(store: Store, guild_id: int, day: date) -> QotdPost | None:
    row = await store.fetch_one(
        "SELECT * FROM qotd_posts WHERE guild_id = ? AND day = ? AND kind = 'daily'", (guild_id, day.isoformat())
    )
    return None if row is None else _post(row)


async def posted_days(store: Store, guild_id: int, *, since: date) -> set[date]:
    rows = await store.fetch_all(
        "SELECT DISTINCT day FROM qotd_posts WHERE guild_id = ? AND day >= ? AND message_id IS NOT NULL",
        (guild_id, since.isoformat()),
    )
    return {date.fromisoformat(r["day"]) for r in rows}


async def open_posts(store: Store, guild_id: int) -> list[QotdPost]:
    """Posted, not yet revealed, oldest first."""
    rows = await store.fetch_all(
        "SELECT * FROM qotd_posts WHERE guild_id = ? AND revealed_at IS NULL AND message_id IS NOT NULL "
        "ORDER BY posted_at, id",
        (guild_id,),
    )
    return [_post(r) for r in rows]


async def asked_at(store: Store, guild_id: int) -> dict[str, datetime]:
    """When this server last had each question as its daily question."""
    rows = await store.fetch_all(
        "SELECT question_id, MAX(posted_at) AS at FROM qotd_posts WHERE guild_id = ? GROUP BY question_id",
        (guild_id,),
    )
    return {r["question_id"]: from_ts(r["at"]) for r in rows}


# -- answers ---------------------------------------------------------------------------------------


async def add_answer(store: Store, post_id: int, user_id: int, choice: int, *, correct: bool, now: datetime) -> bool:
    """Record the member's one answer; False if they had already answered."""
    async with store.transaction() as conn, conn.execute(
        "INSERT INTO qotd_answers (post_id, user_id, choice, correct, answered_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (post_id, user_id) DO NOTHING RETURNING user_id",
        (post_id, user_id, choice, int(correct), to_ts(now)),
    ) as cur:
        row = await cur.fetchone()
    return row is not None


async def answer_of(store: Store, post_id: int, user_id: int) -> int | None:
    value = await store.fetch_value(
        "SELECT choice FROM qotd_answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)
    )
    return None if value is None else int(value)


async def reveal(store: Store, post_id: int, *, now: datetime) -> Reveal | None:
    """Close a post and apply its day's streak results, once; None if it was already revealed."""
    stamp = to_ts(now)
    async with store.transaction() as conn:
        async with conn.execute(
            "UPDATE qotd_posts SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL RETURNING *", (stamp, post_id)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        post = _post(row)
        async with conn.execute(
            "SELECT MAX(day) FROM qotd_posts WHERE guild_id = ? AND day < ? AND message_id IS NOT NULL",
            (post.guild_id, post.day.isoformat()),
        ) as cur:
            prev = await cur.fetchone()
        previous_day = date.fromisoformat(prev[0]) if prev is not None and prev[0] else None
        async with conn.execute(
            "SELECT a.user_id, a.correct, s.current_days, s.best_days, s.last_day FROM qotd_answers a "
            "LEFT JOIN qotd_streaks s ON s.guild_id = ? AND s.user_id = a.user_id "
            "WHERE a.post_id = ? ORDER BY a.answered_at, a.user_id",
            (post.guild_id, post.id),
        ) as cur:
            answers = list(await cur.fetchall())
        right: list[int] = []
        for a in answers:
            before = Streak(a["user_id"], a["current_days"] or 0, a["best_days"] or 0, _day(a["last_day"]))
            after = apply_result(before, day=post.day, previous_day=previous_day, correct=bool(a["correct"]))
            if a["correct"]:
                right.append(a["user_id"])
            if after != before or a["current_days"] is None:
                await conn.execute(
                    "INSERT INTO qotd_streaks (guild_id, user_id, current_days, best_days, last_day, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                    "current_days = excluded.current_days, best_days = excluded.best_days, "
                    "last_day = excluded.last_day, updated_at = excluded.updated_at",
                    (post.guild_id, after.user_id, after.current, after.best,
                     after.last_day.isoformat() if after.last_day else None, stamp),
                )
    return Reveal(post, tuple(right), len(answers))


# -- streaks ---------------------------------------------------------------------------------------


async def last_revealed_day(store: Store, guild_id: int) -> date | None:
    value = await store.fetch_value(
        "SELECT MAX(day) FROM qotd_posts WHERE guild_id = ? AND revealed_at IS NOT NULL", (guild_id,)
    )
    return _day(value)


async def get_streak(store: Store, guild_id: int, user_id: int) -> Streak:
    row = await store.fetch_one(
        "SELECT user_id, current_days, best_days, last_day FROM qotd_streaks WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return Streak(user_id) if row is None else _streak(row)


async def streaks(store: Store, guild_id: int, *, since: date | None) -> list[Streak]:
    """Streaks that may still be alive (last counted day on or after `since`)."""
    rows = await store.fetch_all(
        "SELECT user_id, current_days, best_days, last_day FROM qotd_streaks WHERE guild_id = ? AND current_days > 0 "
        "AND last_day >= ?",
        (guild_id, since.isoformat() if since else ""),
    )
    return [_streak(r) for r in rows]


async def best_streaks(store: Store, guild_id: int, *, limit: int = 3) -> list[Streak]:
    rows = await store.fetch_all(
        "SELECT user_id, current_days, best_days, last_day FROM qotd_streaks WHERE guild_id = ? AND best_days > 0 "
        "ORDER BY best_days DESC, user_id LIMIT ?",
        (guild_id, limit),
    )
    return [_streak(r) for r in rows]


async def min_spoiler_season(store: Store, guild_id: int) -> int | None:
    """The least-watched member's spoiler limit in the server (None: nobody set one)."""
    value = await store.fetch_value(
        "SELECT MIN(spoiler_season) FROM member_settings WHERE guild_id = ? AND spoiler_season IS NOT NULL",
        (guild_id,),
    )
    return None if value is None else int(value)


# -- rows ------------------------------------------------------------------------------------------

_INSERT_POST = (
    "INSERT INTO qotd_posts (guild_id, channel_id, day, kind, question_id, choices, correct_index, hidden_season, "
    "posted_at, reveal_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _post_params(new: NewPost) -> tuple[object, ...]:
    return (new.guild_id, new.channel_id, new.day.isoformat(), new.kind, new.question_id,
            json.dumps(list(new.choices)), new.correct_index, new.hidden_season, to_ts(new.posted_at),
            to_ts(new.reveal_at))


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _config(row: aiosqlite.Row) -> QotdConfig:
    hour, minute = (int(part) for part in str(row["post_time"]).split(":"))
    return QotdConfig(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=time(hour, minute),
        timezone=row["timezone"],
        seasons=tuple(int(s) for s in json.loads(row["seasons"])),
        difficulty=row["difficulty"],
        enabled=bool(row["enabled"]),
        revision=row["revision"],
    )


def _post(row: aiosqlite.Row) -> QotdPost:
    return QotdPost(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        day=date.fromisoformat(row["day"]),
        kind=row["kind"],
        question_id=row["question_id"],
        choices=tuple(json.loads(row["choices"])),
        correct_index=row["correct_index"],
        hidden_season=row["hidden_season"],
        message_id=row["message_id"],
        posted_at=from_ts(row["posted_at"]),
        reveal_at=from_ts(row["reveal_at"]),
        revealed_at=from_ts(row["revealed_at"]) if row["revealed_at"] is not None else None,
    )


def _streak(row: aiosqlite.Row) -> Streak:
    return Streak(row["user_id"], row["current_days"], row["best_days"], _day(row["last_day"]))
