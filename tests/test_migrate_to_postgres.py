"""`python -m bot migrate-to-postgres`: every community row arrives, ids continue, a second run is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_CONTENT_DIR
from bot.localpg import LocalPostgres
from bot.scheduling import party_timer_specs
from bot.store import Store, events, members, settings
from bot.store import timers as timer_store
from bot.store.content import sync_pack
from bot.store.migrate_pg import migrate_to_postgres
from bot.store.postgres import PostgresStore, StoreError
from bot.store.trivia import TriviaStore
from bot.trivia.game import EndReason, GameOver, GameSettings, GameState, ScoredAnswer
from bot.trivia.suggestions import parse_suggestion

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
GUILD = 1_113_799_608_238_211_074  # a real-sized snowflake: 64-bit ids must survive


async def fill(path: Path) -> None:
    """Community state of every kind, written through the store modules as the bot writes it."""
    store = await Store.open(path)
    try:
        await sync_pack(store, DEFAULT_CONTENT_DIR)
        trivia = TriviaStore(store)
        ids = [c.id for c in await trivia.question_candidates(GUILD)][:2]
        game = await trivia.create_game(guild_id=GUILD, channel_id=GUILD + 1, starter_id=GUILD + 2,
                                        settings=GameSettings(rounds=2), question_ids=ids, now=NOW)
        round_id = await trivia.open_round(game_id=game, round_no=1, question_id=ids[0], posted_at=NOW)
        await trivia.close_round(round_id, [ScoredAnswer(GUILD + 2, 0, "x", True, 90, 1, NOW)], NOW)
        await trivia.finish_game(game, GameOver(GameState.FINISHED, EndReason.COMPLETED, (), (GUILD + 2,), NOW))
        await trivia.create_game(guild_id=GUILD, channel_id=GUILD + 9, starter_id=GUILD + 2,
                                 settings=GameSettings(rounds=1), question_ids=ids[:1], now=NOW)  # left running
        draft = parse_suggestion(question="Which city is Kavya from?", answer="Nagpur", wrong="Pune\nNashik\nMumbai",
                                 season="3")
        suggestion = await trivia.add_suggestion(guild_id=GUILD, author_id=GUILD + 3, draft=draft, now=NOW)
        await trivia.approve_suggestion(suggestion, guild_id=GUILD, reviewer_id=GUILD + 4, now=NOW)
        await trivia.report_question(question_id=ids[1], user_id=GUILD + 3, guild_id=GUILD, reason="typo", now=NOW)
        await trivia.start_quick_question(guild_id=GUILD, user_id=GUILD + 3, question_id=ids[1], asked_at=NOW)
        await settings.set_guild_timezone(store, GUILD, "Asia/Kolkata", now=NOW)
        await members.set_spoiler_season(store, GUILD, GUILD + 3, 2, now=NOW)
        party = await events.create_party(
            store,
            events.NewParty(guild_id=GUILD, channel_id=GUILD + 1, creator_id=GUILD + 2, title="S2 rewatch",
                            starts_at=NOW + timedelta(hours=2), timezone="Asia/Kolkata",
                            reminder_offsets=(timedelta(hours=1), timedelta(0))),
            now=NOW,
            timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=NOW),
        )
        await events.set_rsvp(store, party.id, GUILD + 3, "going", now=NOW)
        await events.opt_in(store, GUILD, GUILD + 3, now=NOW)
        # a reminder a crash left half-sent
        await timer_store.claim_due(store, now=NOW + timedelta(hours=1), grace=timedelta(minutes=30), limit=1)
    finally:
        await store.close()


COMMUNITY_TABLES = [
    "guild_settings", "member_settings", "trivia_questions", "trivia_games", "trivia_rounds", "trivia_answers",
    "trivia_game_players", "trivia_scores", "trivia_question_usage", "trivia_quick_questions",
    "trivia_suggestions", "trivia_reports", "timers", "watch_parties", "party_rsvps", "release_optins",
]


async def test_every_community_row_arrives_and_ids_continue(tmp_path: Path, pg_cluster: LocalPostgres) -> None:
    path = tmp_path / "bot.sqlite3"
    await fill(path)
    url = pg_cluster.create_database()
    report = await migrate_to_postgres(path, url)
    source = await Store.open(path)
    target = await PostgresStore.connect(url)
    try:
        for table in COMMUNITY_TABLES:
            columns = [r[1] for r in await source.fetch_all(f"PRAGMA table_info({table})")]
            order = ", ".join(columns)
            before = [tuple(r) for r in await source.fetch_all(f"SELECT {order} FROM {table} ORDER BY {order}")]
            after = [tuple(r) for r in await target.fetch_all(f"SELECT {order} FROM {table} ORDER BY {order}")]
            if table == "timers":  # the half-sent reminder is pending again, to be resent with its nonce
                state = columns.index("state")
                before = [(*r[:state], "pending" if r[state] == "sending" else r[state], *r[state + 1 :])
                          for r in before]
            assert after == before, table
            assert before, f"the fixture wrote nothing to {table}"
            assert report.rows[table] == len(before)
        trivia = TriviaStore(target)
        assert (await trivia.player_stats(GUILD, GUILD + 2)).wins == 1
        assert await trivia.running_game(GUILD + 9) is not None
        next_game = await trivia.create_game(guild_id=GUILD, channel_id=GUILD + 5, starter_id=GUILD + 2,
                                             settings=GameSettings(), question_ids=[], now=NOW)
        assert next_game == 3  # the identity continues after the copied ids
        payloads = [json.loads(t.payload) if isinstance(t.payload, str) else t.payload
                    for t in await timer_store.list_prefix(target, "party:")]
        assert payloads and all("party_id" in p for p in payloads)
    finally:
        await target.close()
        await source.close()


async def test_a_second_run_is_refused_and_changes_nothing(tmp_path: Path, pg_cluster: LocalPostgres) -> None:
    path = tmp_path / "bot.sqlite3"
    await fill(path)
    url = pg_cluster.create_database()
    await migrate_to_postgres(path, url)
    with pytest.raises(StoreError, match="already has rows"):
        await migrate_to_postgres(path, url)
    target = await PostgresStore.connect(url)
    try:
        assert await target.fetch_value("SELECT COUNT(*) FROM trivia_games") == 2
    finally:
        await target.close()


def test_the_command_copies_and_says_what_it_did(
    tmp_path: Path, pg_cluster: LocalPostgres, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    path = tmp_path / "bot.sqlite3"
    asyncio.run(fill(path))
    monkeypatch.chdir(tmp_path)
    assert main(["migrate-to-postgres", "--db", str(path), "--to", pg_cluster.create_database()]) == 0
    out = capsys.readouterr().out
    assert "copied" in out and "trivia_games" in out and "DATABASE_URL" in out
    assert main(["migrate-to-postgres", "--db", str(path)]) == 2
    assert "--to postgresql://" in capsys.readouterr().err
