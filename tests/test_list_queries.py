"""List commands read one page through an index: their cost is the page's, not the table's.

Checked with EXPLAIN QUERY PLAN on a real SQLite file: a search on the index in the list's order
(no full scan, no sort of the whole table). The timings are printed by bench/readspeed.py.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.core import migration_scripts
from bot.store.events import UPCOMING_PAGE_SQL
from bot.store.trivia import BOARD_PAGE_SQL, FIRST_PENDING_SQL, OPEN_REPORTS_SQL


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


async def plan(store: Store, sql: str, params: tuple[object, ...]) -> list[str]:
    return [str(row[3]) for row in await store.fetch_all("EXPLAIN QUERY PLAN " + sql, params)]


async def test_watchparty_list_reads_a_page_from_the_index_in_start_order(store: Store) -> None:
    steps = await plan(store, UPCOMING_PAGE_SQL, (1, 25))
    assert any("USING INDEX watch_parties_guild (guild_id=? AND state=?)" in s for s in steps), steps
    assert any("party_rsvps" in s and "(party_id=?)" in s for s in steps), steps  # going: one party's rows
    assert not any("SCAN" in s or "TEMP B-TREE" in s for s in steps), steps


async def test_watchparty_autocomplete_reads_a_page_from_the_index(store: Store) -> None:
    sql = "SELECT * FROM watch_parties WHERE guild_id = ? AND state = ? ORDER BY starts_at, id LIMIT ?"
    steps = await plan(store, sql, (1, "scheduled", 25))
    assert steps == ["SEARCH watch_parties USING INDEX watch_parties_guild (guild_id=? AND state=?)"]


async def test_a_leaderboard_page_is_a_range_of_the_board_index(store: Store) -> None:
    steps = await plan(store, BOARD_PAGE_SQL, (1, "all", 10, 0))
    assert steps[0] == "SEARCH s USING INDEX trivia_scores_page (guild_id=? AND period=?)", steps
    assert not any("SCAN" in s or "TEMP B-TREE" in s for s in steps), steps


async def test_the_review_queue_reads_sizes_and_tallies_not_the_queue(store: Store) -> None:
    sizes = await plan(store, "SELECT COALESCE(MAX(pending), 0) FROM trivia_queue_sizes WHERE guild_id = ?", (1,))
    assert sizes == ["SEARCH trivia_queue_sizes USING INTEGER PRIMARY KEY (rowid=?)"]
    board = await plan(
        store, "SELECT COALESCE(MAX(players), 0) FROM trivia_board_sizes WHERE guild_id = ? AND period = ?", (1, "all")
    )
    assert len(board) == 1 and board[0].startswith("SEARCH trivia_board_sizes USING")
    assert board[0].endswith("(guild_id=? AND period=?)"), board
    pending = await plan(store, FIRST_PENDING_SQL, (1,))
    assert pending[0] == "SEARCH s USING INDEX trivia_suggestions_queue (guild_id=? AND status=?)", pending
    assert not any("SCAN" in s or "TEMP B-TREE" in s for s in pending), pending
    reports = await plan(store, OPEN_REPORTS_SQL, (1, 5, 1))
    assert "SEARCH t USING COVERING INDEX trivia_report_tallies_page (guild_id=?)" in reports, reports
    reasons = "COVERING INDEX trivia_reports_reasons (guild_id=? AND question_id=? AND resolved_at=? AND reason>?)"
    assert any(reasons in s for s in reports), reports  # one range of the reasons index per question of the page
    # The only scan is of the page itself (at most `limit` rows, the subquery), never of a table.
    assert [s for s in reports if "SCAN" in s or "TEMP B-TREE" in s] == ["SCAN p"], reports


async def test_the_triggers_keep_sizes_and_tallies_equal_to_a_recount(store: Store) -> None:
    """Random writes of every kind, through any SQL, then the kept figures against a full recount."""
    rng = random.Random(13)
    conn = store.conn
    await conn.executemany(
        "INSERT INTO trivia_questions (id, season, difficulty, question, answer, aliases, wrong, source, origin) "
        "VALUES (?, 1, 'easy', 'Q?', 'A', '[]', '[]', 'test', 'community')",
        [(f"q{n}",) for n in range(4)],
    )
    for step in range(600):
        guild, user = rng.randrange(1, 4), rng.randrange(1, 30)
        period = rng.choice(["all", "2026-03"])
        match rng.randrange(9):
            case 0 | 1:
                await conn.execute(
                    "INSERT INTO trivia_scores (guild_id, period, user_id, points, answers) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, period, user_id) DO UPDATE SET answers = answers + excluded.answers",
                    (guild, period, user, rng.randrange(100), rng.randrange(0, 2)),
                )
            case 2:
                await conn.execute(
                    "UPDATE trivia_scores SET answers = ?, guild_id = ? WHERE guild_id = ? AND user_id = ?",
                    (rng.randrange(0, 2), 100 + step, guild, user),  # a fresh guild: no key clash
                )
            case 3:
                await conn.execute("DELETE FROM trivia_scores WHERE guild_id = ? AND user_id = ?", (guild, user))
            case 4:
                await conn.execute(
                    "INSERT INTO trivia_suggestions (guild_id, author_id, question, answer, status, created_at) "
                    "VALUES (?, ?, 'Q?', 'A', ?, ?)",
                    (guild, user, rng.choice(["pending", "pending", "approved"]), step),
                )
            case 5:
                await conn.execute(
                    "UPDATE trivia_suggestions SET status = ? WHERE id = (SELECT id FROM trivia_suggestions "
                    "WHERE guild_id = ? ORDER BY random() LIMIT 1)", (rng.choice(["pending", "rejected"]), guild),
                )
                if rng.random() < 0.3:
                    await conn.execute("DELETE FROM trivia_suggestions WHERE guild_id = ? AND author_id = ?",
                                       (guild, user))
            case 6 | 7:
                await conn.execute(
                    "INSERT INTO trivia_reports (question_id, user_id, guild_id, reason, created_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (f"q{rng.randrange(4)}", user, guild, rng.choice(["", "typo"]), rng.randrange(1_000)),
                )
            case _:
                question = f"q{rng.randrange(4)}"
                action = rng.randrange(5)
                if action == 4:  # the oldest open report resolved alone: the tally's first_at moves on
                    await conn.execute(
                        "UPDATE trivia_reports SET resolved_at = ? WHERE question_id = ? AND user_id = ("
                        "SELECT user_id FROM trivia_reports WHERE question_id = ? AND guild_id = ? "
                        "AND resolved_at IS NULL ORDER BY created_at LIMIT 1)", (step, question, question, guild))
                elif action == 0:  # a moderator resolves a question's reports in one statement
                    await conn.execute("UPDATE trivia_reports SET resolved_at = ? WHERE question_id = ? "
                                       "AND guild_id = ? AND resolved_at IS NULL", (step, question, guild))
                elif action == 1:
                    await conn.execute("UPDATE trivia_reports SET resolved_at = NULL WHERE question_id = ? "
                                       "AND user_id = ?", (question, user))
                elif action == 2:
                    await conn.execute("UPDATE trivia_reports SET created_at = ?, guild_id = ? WHERE user_id = ?",
                                       (rng.randrange(1_000), rng.randrange(1, 4), user))  # key is (question, user)
                else:
                    await conn.execute("DELETE FROM trivia_reports WHERE question_id = ? AND user_id = ?",
                                       (question, user))

    async def rows(sql: str) -> set[tuple[object, ...]]:
        return {tuple(r) for r in await store.fetch_all(sql)}

    assert await rows("SELECT guild_id, period, players FROM trivia_board_sizes WHERE players > 0") == await rows(
        "SELECT guild_id, period, COUNT(*) FROM trivia_scores WHERE answers > 0 GROUP BY guild_id, period"
    )
    assert await rows("SELECT guild_id, pending FROM trivia_queue_sizes WHERE pending > 0") == await rows(
        "SELECT guild_id, COUNT(*) FROM trivia_suggestions WHERE status = 'pending' GROUP BY guild_id"
    )
    assert await rows("SELECT guild_id, question_id, reports, first_at FROM trivia_report_tallies") == await rows(
        "SELECT guild_id, question_id, COUNT(*), MIN(created_at) FROM trivia_reports WHERE resolved_at IS NULL "
        "GROUP BY guild_id, question_id"
    )
    assert await rows("SELECT 1 FROM trivia_board_sizes WHERE players < 0") == set()
    assert await rows("SELECT 1 FROM trivia_queue_sizes WHERE pending < 0") == set()


async def test_the_migration_counts_what_was_stored_before_it(tmp_path: Path) -> None:
    ours = next(version for version, name, _ in migration_scripts() if name == "list_pages")
    before = await Store.open(tmp_path / "old.sqlite3", migrate_to=ours - 1)
    try:
        await before.conn.execute(
            "INSERT INTO trivia_scores (guild_id, period, user_id, points, answers) VALUES (1, 'all', 1, 5, 1), "
            "(1, 'all', 2, 5, 0), (1, 'all', 3, 5, 2)"
        )
        await before.conn.execute(
            "INSERT INTO trivia_suggestions (guild_id, author_id, question, answer, status, created_at) "
            "VALUES (1, 1, 'Q?', 'A', 'pending', 0), (1, 2, 'Q?', 'A', 'rejected', 0)"
        )
        await before.migrate()
        assert await before.fetch_value("SELECT players FROM trivia_board_sizes WHERE guild_id = 1") == 2
        assert await before.fetch_value("SELECT pending FROM trivia_queue_sizes WHERE guild_id = 1") == 1
    finally:
        await before.close()


async def test_a_page_read_on_the_loop_sees_what_was_just_written_and_falls_back_when_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.execute(
        "INSERT INTO trivia_suggestions (guild_id, author_id, question, answer, created_at) VALUES (1, 2, 'Q?', 'A', 0)"
    )
    assert [tuple(r) for r in await store.fetch_page(FIRST_PENDING_SQL, (1,))] == [
        tuple(r) for r in await store.fetch_all(FIRST_PENDING_SQL, (1,))
    ]
    assert (await store.fetch_page(FIRST_PENDING_SQL, (1,)))[0]["waiting"] == 1

    def refused() -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "_read_connection", refused)
    assert (await store.fetch_page(FIRST_PENDING_SQL, (1,)))[0]["waiting"] == 1  # through aiosqlite's thread


async def test_the_page_connection_cannot_write(store: Store) -> None:
    await store.fetch_page("SELECT 1")
    reader = store._read_connection()
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("DELETE FROM trivia_suggestions")
