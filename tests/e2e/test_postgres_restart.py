"""PostgreSQL restarts under load: members get the clear "try again", nothing half-written, and the bot reconnects."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.localpg import LocalPostgres
from bot.store.members import get_spoiler_season

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


async def test_a_server_restart_is_try_again_and_the_bot_reconnects(
    fake: LocalDiscord, bot: LittleThingsBot, pg_cluster: LocalPostgres
) -> None:
    alice = fake.user("alice").id
    await fake.slash("spoilers", season=1, user="alice")
    busy = [fake.slash("watchparty create", title=f"Load {n}", when="in 3 hours", user="you") for n in range(5)]
    load = asyncio.gather(*busy, return_exceptions=True)
    await asyncio.to_thread(pg_cluster.stop, "fast")
    try:
        refused = await fake.slash("spoilers", season=3, user="alice")
        assert refused.ephemeral
        assert "busy or unavailable" in refused.content and "Try again" in refused.content
        assert "error id" not in refused.content.lower()  # not the crash apology
    finally:
        await asyncio.to_thread(pg_cluster.start)
    for outcome in await load:  # each either went through before the stop or was told to try again
        assert not isinstance(outcome, BaseException), outcome
        assert "Load" in outcome.text or "Try again" in outcome.content, outcome.text
        assert "error id" not in outcome.text.lower()
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) == 1  # nothing half-written

    accepted = await fake.slash("spoilers", season=3, user="alice")
    assert "busy" not in accepted.content
    assert await get_spoiler_season(bot.store, fake.guild.id, alice) == 3
    created = await fake.slash("watchparty create", title="After the restart", when="in 2 hours", user="you")
    assert "After the restart" in created.text
    # the outage was logged (warnings, and the timer dispatcher's retried error); nothing else
    fake.bot_errors[:] = [e for e in fake.bot_errors if "timer dispatcher" not in e.message]
