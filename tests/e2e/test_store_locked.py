"""A database locked by another process: the member gets a clear ephemeral answer, nothing is lost."""

import sqlite3

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.store.members import get_spoiler_season


async def test_a_locked_database_is_explained_and_the_next_try_works(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await bot.store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(bot.store.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        refused = await fake.slash("spoilers", season=2, user="alice")
        assert refused.ephemeral
        assert "busy or unavailable" in refused.content and "nothing was changed" in refused.content
        other.execute("ROLLBACK")
    finally:
        other.close()
    alice = fake.user("alice").id
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) is None

    accepted = await fake.slash("spoilers", season=2, user="alice")
    assert "busy" not in accepted.content
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) == 2
