"""Real bot processes (`python -m bot --shards … --shard-count 4`) on one PostgreSQL, and one of them killed.

Two processes run two shards each against the stand-in's four servers. While reminders are
due, the process holding their claims is killed with SIGKILL: what it had claimed is sent by the
other once the lease (2 s here) runs out, with the same nonce (the stand-in, like Discord, drops a
repeat with `enforce_nonce`), so every reminder is in its channel exactly once.
The killed process restarts and closes the trivia game it was running, with a note; the other
process's game goes on.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.localdiscord import LocalDiscord, bot_environment
from bot.localdiscord.model import ChannelType
from bot.localdiscord.shards import shard_of, sharded_world
from bot.localpg import LocalPostgres
from bot.scheduling import party_timer_specs
from bot.store import events
from bot.store import timers as timer_store
from bot.store.postgres import PostgresStore
from bot.store.trivia import TriviaStore
from tests.e2e.conftest import assert_clean

SHARD_COUNT = 4
LEASE_SECONDS = 2
REMINDERS = 40  # 5 per text channel: the bot paces itself to Discord's 5 messages per 5 s per channel


@pytest.fixture
async def fake() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running(world=sharded_world(SHARD_COUNT), shard_count=SHARD_COUNT) as fake:
        yield fake
        assert_clean(fake)


class BotProcess:
    def __init__(self, fake: LocalDiscord, url: str, folder: Path, shards: str) -> None:
        self.env = bot_environment(
            fake, dev_guild=False,
            DATABASE_URL=url, DATABASE_PATH=str(folder / "content.sqlite3"), TIMER_LEASE_SECONDS=str(LEASE_SECONDS),
            LOG_LEVEL="WARNING",
        )
        self.folder = folder
        self.shards = shards
        self.process: asyncio.subprocess.Process | None = None
        folder.mkdir(exist_ok=True)

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--sync", "--shards", self.shards, "--shard-count", str(SHARD_COUNT),
            cwd=self.folder, env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(sig)
            await asyncio.wait_for(self.process.wait(), timeout=30)


async def test_a_killed_process_reminders_are_sent_by_the_other_once(
    fake: LocalDiscord, pg_cluster: LocalPostgres, tmp_path: Path
) -> None:
    url = pg_cluster.create_database()
    store = await PostgresStore.connect(url)
    first = BotProcess(fake, url, tmp_path / "a", "0,1")
    second = BotProcess(fake, url, tmp_path / "b", "2,3")
    try:
        await first.start()
        await second.start()
        await fake.wait_for_shards(range(SHARD_COUNT), timeout=60)

        # a trivia game on each process
        guild_of = {shard_of(g.id, SHARD_COUNT): g for g in fake.guilds}
        games = {}
        for shard in (0, 2):
            fake.use_guild(guild_of[shard])
            await fake.slash("trivia start", rounds=5, user="alice")
            await fake.wait_for_message("general", predicate=lambda m: "Question 1 of 5" in m.text, timeout=30)
            games[shard] = fake.channel("general").id

        # reminders due in two seconds, spread over the four servers' text channels
        now = datetime.now(UTC)
        channels = [c for g in fake.guilds for c in g.channels.values() if c.type is ChannelType.GUILD_TEXT]
        for n in range(REMINDERS):
            channel = channels[n % len(channels)]
            new = events.NewParty(
                guild_id=int(channel.guild_id or 0), channel_id=channel.id, creator_id=fake.user("you").id,
                title=f"Party {n:03d}", starts_at=now + timedelta(seconds=2), timezone="Asia/Kolkata",
                reminder_offsets=(timedelta(0),),
            )
            await events.create_party(
                store, new, now=now,
                timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=now),
            )
        mark = fake.mark()

        def reminders() -> list[str]:
            return [m.text for c in channels for m in fake.channel_messages(c.id) if m.id > mark and "Party" in m.text]

        # kill whichever process holds claims right now (its owner id carries its pid)
        by_pid = {p.process.pid: p for p in (first, second) if p.process is not None}
        claimed_sql = "SELECT id, claimed_by FROM timers WHERE state = 'sending'"
        victim = None
        for _ in range(2000):
            rows = await store.fetch_all(claimed_sql)
            pids = {int(str(row[1]).split(":")[-2]) for row in rows}
            if pids & by_pid.keys():
                victim = by_pid[next(iter(pids & by_pid.keys()))]
                break
            await asyncio.sleep(0.005)
        assert victim is not None, "no process was ever seen holding a claim"
        assert victim.process is not None
        await victim.stop(signal.SIGKILL)
        held = [row[0] for row in await store.fetch_all(claimed_sql) if f":{victim.process.pid}:" in str(row[1])]
        survivor = second if victim is first else first
        await fake.wait_until(lambda: len(reminders()) >= REMINDERS, timeout=30, what=f"{REMINDERS} reminders")
        await asyncio.sleep(LEASE_SECONDS * 2)  # any duplicate would have come by now
        titles = sorted(re.search(r"Party (\d{3})", text).group(1) for text in reminders())  # type: ignore[union-attr]
        assert titles == [f"{n:03d}" for n in range(REMINDERS)]
        party_timers = await timer_store.list_prefix(store, "party:")
        assert len(party_timers) == REMINDERS and {t.state for t in party_timers} == {"sent"}
        assert held  # the dead process's claims were claimed again by the other and sent (same nonce)
        attempts = {row[0] for row in await store.fetch_all(
            f"SELECT attempts FROM timers WHERE id IN ({', '.join('?' * len(held))})", held
        )}
        assert min(attempts) >= 2, attempts

        # the killed process comes back: it closes its own interrupted game, not the other's
        await victim.start()
        await fake.wait_for_shards(range(SHARD_COUNT), timeout=60)
        own, other = (0, 2) if victim is first else (2, 0)
        fake.use_guild(guild_of[own])
        await fake.wait_for_message("general", predicate=lambda m: "interrupted by a restart" in m.text, timeout=30)
        trivia = TriviaStore(store)
        assert await trivia.running_game(games[own]) is None
        assert await trivia.running_game(games[other]) is not None
        assert survivor.process is not None and survivor.process.returncode is None
    finally:
        for process in (first, second):
            await process.stop(signal.SIGKILL)
        await store.close()
