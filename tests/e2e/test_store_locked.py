"""A database locked by another process: the member gets a clear ephemeral answer, nothing is lost."""

import asyncio
import sqlite3

import pytest

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.store.members import get_spoiler_season

# A SQLite file lock; PostgreSQL's "try again" (a server restart) is in tests/test_store_postgres.py.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


async def test_a_locked_database_is_explained_and_the_next_try_works(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await bot.store.conn.execute("PRAGMA busy_timeout = 50")
    # Another process's connection, driven from a thread so the bot's loop keeps running meanwhile
    # (the bot may be finishing a start-up write when the test begins).
    other = sqlite3.connect(bot.store.path, isolation_level=None, timeout=10, check_same_thread=False)
    try:
        await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")
        refused = await fake.slash("spoilers", season=2, user="alice")
        assert refused.ephemeral
        assert "busy or unavailable" in refused.content and "nothing was changed" in refused.content
        await asyncio.to_thread(other.execute, "ROLLBACK")
    finally:
        other.close()
    alice = fake.user("alice").id
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) is None

    accepted = await fake.slash("spoilers", season=2, user="alice")
    assert "busy" not in accepted.content
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) == 2
