"""Two bot processes, two shards each, one PostgreSQL: every server is served by the process owning its shard.

The stand-in hosts four servers, one per shard (`(guild_id >> 22) % 4`), and recommends four
shards at GET /gateway/bot. Each "process" is its own `ShardedLittleThingsBot` with its own pool
and its own local content file, sharing one PostgreSQL database (tests/e2e/test_shards_processes.py
runs real processes and kills one).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, bot_config, run_bot
from bot.localdiscord.shards import shard_of, sharded_world
from bot.localpg import LocalPostgres
from bot.scheduling import party_timer_specs
from bot.store import events
from bot.store import timers as timer_store
from tests.e2e.conftest import assert_clean

SHARD_COUNT = 4
PROCESSES = ((0, 1), (2, 3))


@pytest.fixture
async def fake(clock: VirtualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running(clock=clock, world=sharded_world(SHARD_COUNT), shard_count=SHARD_COUNT) as fake:
        yield fake
        assert_clean(fake)


@pytest.fixture
async def bots(
    fake: LocalDiscord, clock: VirtualClock, tmp_path: Path, pg_cluster: LocalPostgres
) -> AsyncIterator[list[LittleThingsBot]]:
    url = pg_cluster.create_database()
    configs = [
        bot_config(fake, Config(token=fake.token, content_dir=DEFAULT_CONTENT_DIR)).with_overrides(
            database_url=url,
            database_path=tmp_path / f"content-{n}.sqlite3",
            shard_ids=shards,
            shard_count=SHARD_COUNT,
            dev_guild_id=None,  # sharded bots sync globally: every server sees the commands
        )
        for n, shards in enumerate(PROCESSES)
    ]
    async with (
        run_bot(fake, configs[0], clock=clock, sync_globally=True) as first,
        run_bot(fake, configs[1], clock=clock, sync_globally=True) as second,
    ):
        await fake.wait_for_shards(range(SHARD_COUNT))
        yield [first, second]


def owner(bots: list[LittleThingsBot], guild_id: int) -> LittleThingsBot:
    shard = shard_of(guild_id, SHARD_COUNT)
    return next(bot for bot, shards in zip(bots, PROCESSES, strict=True) if shard in shards)


async def test_the_stand_in_recommends_its_shard_count(fake: LocalDiscord) -> None:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.get(f"{fake.api_base_url}/gateway/bot") as response:
        body = await response.json(content_type=None)
    assert body["shards"] == SHARD_COUNT and body["url"] == fake.gateway_url


async def test_each_process_gets_only_the_servers_of_its_shards(
    fake: LocalDiscord, bots: list[LittleThingsBot]
) -> None:
    for bot, shards in zip(bots, PROCESSES, strict=True):
        assert sorted(bot.shards) == list(shards)
        assert {g.id for g in bot.guilds} == {g.id for g in fake.guilds if shard_of(g.id, SHARD_COUNT) in shards}


async def test_games_and_parties_work_in_every_server(fake: LocalDiscord, bots: list[LittleThingsBot]) -> None:
    for guild in fake.guilds:
        fake.use_guild(guild)
        general = fake.channel("general")
        reply = await fake.slash("watchparty create", title=f"Rewatch in {guild.name}", when="in 2 hours", user="you")
        assert f"Rewatch in {guild.name}" in reply.text
        await fake.slash("trivia start", rounds=1, user="alice")
        await fake.wait_for_message(general, predicate=lambda m: "Question 1 of 1" in m.text)
        trivia = owner(bots, guild.id).get_cog("Trivia")
        others = [bot.get_cog("Trivia") for bot in bots if bot is not owner(bots, guild.id)]
        assert general.id in trivia.sessions  # type: ignore[union-attr]
        assert all(general.id not in cog.sessions for cog in others)  # type: ignore[union-attr]
        await fake.slash("trivia stop", user="alice")
    parties = await bots[0].store.fetch_value("SELECT COUNT(*) FROM watch_parties")
    assert parties == len(fake.guilds)


async def test_500_reminders_due_in_one_minute_are_each_sent_once(
    fake: LocalDiscord, bots: list[LittleThingsBot], clock: VirtualClock
) -> None:
    store = bots[0].store
    now = clock.now()
    channels = [g.channel("general") for g in fake.guilds]
    for n in range(500):
        channel = channels[n % len(channels)]
        new = events.NewParty(
            guild_id=int(channel.guild_id or 0), channel_id=channel.id, creator_id=fake.user("you").id,
            title=f"Party {n:03d}", starts_at=now + timedelta(minutes=10, seconds=n % 60),
            timezone="Asia/Kolkata", reminder_offsets=(timedelta(0),),
        )
        await events.create_party(
            store, new, now=now,
            timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=now),
        )
    for bot in bots:
        bot.timers.notify()
    mark = fake.mark()
    await clock.advance(timedelta(minutes=11))

    def found() -> list[str]:
        return [m.text for c in channels for m in fake.channel_messages(c.id) if m.id > mark and "Party" in m.text]

    def pacing() -> datetime | None:
        """The outbound pacer's next slot on the bot's clock (Discord allows 5 messages per 5 s per channel)."""
        soon = [d for d in clock.pending_deadlines() if d <= clock.now() + timedelta(seconds=10)]
        return min(soon) if soon else None

    while len(found()) < 500:
        await fake.wait_until(lambda: len(found()) >= 500 or pacing() is not None, timeout=60, what="500 reminders")
        slot = pacing()
        if len(found()) < 500 and slot is not None:
            await clock.advance(max(slot - clock.now(), timedelta(0)))
    for bot in bots:
        await bot.timers.wait_idle()
    titles = [re.search(r"Party (\d{3})", text).group(1) for text in found()]  # type: ignore[union-attr]
    assert sorted(titles) == [f"{n:03d}" for n in range(500)]
    party_timers = await timer_store.list_prefix(store, "party:")
    assert len(party_timers) == 500 and {t.state for t in party_timers} == {"sent"}
