"""A release-day rush against a local Discord that plays Discord's rate limits, in real time.

Three scenarios, each with its own stand-in (`rate_limited=True`: 50 requests/s per token outside
interaction endpoints, per-route buckets, 429s, the invalid-request counter) and its own bot:

1. `--games` trivia games started within one second, one per channel, played to the end.
2. A release announcement to `--channels` channels (one announcement channel per server, as on
   release day) and `--dms` release DMs, while `--busy-games` games run.
3. `--parties` `/watchparty create` within `--party-seconds` seconds in one server.

Printed for each: global and per-route 429s, invalid requests (10 minutes), interaction callback
times, question-after-start and reveal lateness, announcement lateness, and the busiest second of
globally counted requests against the bot's budget. Bot and stand-in share one process and one
event loop on a real clock, so every figure includes the other side's work.

    .venv/bin/python bench/discord_limits.py [--games 1000] [--rounds 2] [--window 10]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import LittleThingsBot
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import InteractionRecord, LocalDiscord, MessageCreated, bot_config, run_bot
from bot.localdiscord.ratelimits import RateLimiter
from bot.scheduling import DEFAULT_OFFSETS, release_timer_specs
from bot.store import events as event_store
from bot.store import settings as settings_store
from bot.store.events import NewRelease

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
FOLLOWUP_EDIT = "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
MESSAGES = "/channels/{channel_id}/messages"
EVENTS = "/guilds/{guild_id}/scheduled-events"
FAKE_GUILDS = 900_000_000_000_000_000  # ids of the "other servers" whose announcement channels scenario 2 uses


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def spread(values: Sequence[float], unit: str = "ms", scale: float = 1000.0, digits: int = 0) -> str:
    if not values:
        return "n/a"
    v = [x * scale for x in values]
    return (f"median {statistics.median(v):.{digits}f} {unit}, p99 {percentile(v, 0.99):.{digits}f} {unit}, "
            f"max {max(v):.{digits}f} {unit}")


@asynccontextmanager
async def world(budget: float, validate: bool = True) -> AsyncIterator[tuple[LocalDiscord, LittleThingsBot]]:
    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord.running(rate_limited=True, default_timeout=120, validate_bodies=validate) as fake:
            base = Config(token=fake.token, database_path=Path(tmp) / "bench.sqlite3", content_dir=DEFAULT_CONTENT_DIR)
            async with run_bot(fake, bot_config(fake, base, requests_per_second=budget), timeout=60) as bot:
                yield fake, bot


def limiter(fake: LocalDiscord) -> RateLimiter:
    assert fake.ratelimits is not None
    return fake.ratelimits


async def set_answer_window(bot: LittleThingsBot, guild_id: int, seconds: int) -> None:
    await bot.store.execute(
        "INSERT INTO guild_settings (guild_id, trivia_answer_seconds, updated_at) VALUES (?, ?, 0) "
        "ON CONFLICT (guild_id) DO UPDATE SET trivia_answer_seconds = excluded.trivia_answer_seconds",
        (guild_id, seconds),
    )


async def dispatch_spread(fake: LocalDiscord, jobs: Sequence[tuple[str, Any, dict[str, Any]]], seconds: float
                          ) -> list[InteractionRecord]:
    """Dispatch (command, channel, options) evenly over `seconds`."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    records = []
    for n, (command, channel, options) in enumerate(jobs):
        delay = start + n * seconds / max(len(jobs), 1) - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        records.append(await fake.actor("bob", channel).start_slash(command, **options))
    return records


async def start_games(fake: LocalDiscord, bot: LittleThingsBot, count: int, rounds: int, window: int,
                      prefix: str) -> list[InteractionRecord]:
    await set_answer_window(bot, fake.guild.id, window)
    channels = [await fake.add_channel(f"{prefix}-{n}") for n in range(count)]
    await asyncio.sleep(0.2)  # let the bot see the CHANNEL_CREATEs
    return await dispatch_spread(fake, [("trivia start", c, {"rounds": rounds}) for c in channels], 1.0)


def game_figures(fake: LocalDiscord, records: Sequence[InteractionRecord], window: int) -> dict[str, list[float]]:
    """Callback times, question-after-start, and reveal lateness (reveal edit minus question + window)."""
    tokens = {r.token: r for r in records}
    posts: dict[str, list[float]] = defaultdict(list)
    reveals: dict[str, list[float]] = defaultdict(list)
    for call in fake.calls_to("POST", FOLLOWUP):
        embeds = (call.json or {}).get("embeds") or [{}]
        is_question = str(embeds[0].get("title", "")).startswith("Question")
        if call.params.get("webhook_token") in tokens and call.status == 200 and is_question:
            posts[call.params["webhook_token"]].append(call.started)
    for call in fake.calls_to("PATCH", FOLLOWUP_EDIT):
        embeds = (call.json or {}).get("embeds") or [{}]
        if call.params.get("webhook_token") in tokens and "closed" in str(embeds[0].get("title", "")):
            reveals[call.params["webhook_token"]].append(call.started)
    callbacks = [r.acked_at - r.dispatched_at for r in records if r.acked_at is not None]
    first = [posts[t][0] - r.dispatched_at for t, r in tokens.items() if posts[t]]
    late = [at - (posted + window) for t in tokens for posted, at in zip(posts[t], reveals[t], strict=False)]
    return {"callbacks": callbacks, "question": first, "reveal": late,
            "answered": [1.0 for r in records if r.acked_at is not None]}


def limits_line(fake: LocalDiscord, bot: LittleThingsBot, budget: float, since: int) -> list[str]:
    rl = limiter(fake)
    counters = rl.counters
    sent = counters.global_sent_at[since:]
    busiest = RateLimiter.peak_of(sent)
    meter = bot.request_meter.stats()
    return [
        f"  429s: global {counters.global_429}, per-route {counters.route_429_total} "
        f"({dict(counters.route_429) or 'none'}); the bot counted {meter.global_429 + meter.route_429}",
        f"  invalid requests in the last 10 minutes: {rl.invalid_requests()} (Cloudflare bans at 10,000)",
        f"  globally counted requests: {len(sent)}; busiest second {busiest}, {average(sent)} "
        f"(budget {budget:g}/s, Discord 50/s)",
    ]


def average(times: Sequence[float]) -> str:
    """Requests per second from the first to the last one (how close the busy stretch came to the budget)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return "no busy stretch"
    return f"{(len(times) - 1) / (times[-1] - times[0]):.1f}/s on average over {times[-1] - times[0]:.1f} s"


class Finals:
    """Counts games that posted their final standings, from the stand-in's event feed (cheap to ask)."""

    def __init__(self, fake: LocalDiscord) -> None:
        self.channels: set[int] = set()
        fake.subscribe(self._seen)

    def _seen(self, event: object) -> None:
        message = event.message if isinstance(event, MessageCreated) else None
        if message is not None and message.embeds and "final standings" in str(message.embeds[0].get("title")):
            self.channels.add(message.channel_id)


async def wait_games_over(fake: LocalDiscord, finals: Finals, records: Sequence[InteractionRecord],
                          timeout: float) -> None:
    """Until every game whose start Discord accepted has posted its final standings."""
    await asyncio.sleep(3)  # Discord's 3 s: after them, a start is answered or never will be
    started = sum(1 for r in records if r.response_type is not None)
    await fake.wait_until(lambda: len(finals.channels) >= started, timeout=timeout, what="every game to finish")


async def scenario_games(args: argparse.Namespace) -> None:
    async with world(args.budget, not args.no_validate) as (fake, bot):
        since = len(limiter(fake).counters.global_sent_at)
        began = time.perf_counter()
        finals = Finals(fake)
        records = await start_games(fake, bot, args.games, args.rounds, args.window, "trivia")
        await wait_games_over(fake, finals, records, timeout=args.rounds * (args.window + 10) + 120)
        took = time.perf_counter() - began
        figures = game_figures(fake, records, args.window)
        print(f"1. {args.games} trivia games started within 1 s, {args.rounds} rounds of {args.window} s, "
              f"played to the end in {took:.1f} s")
        print(f"  callbacks answered {len(figures['answered'])}/{len(records)}: {spread(figures['callbacks'])}")
        print(f"  question after /trivia start: {spread(figures['question'])}")
        print(f"  reveal lateness: {spread(figures['reveal'])}")
        print(f"  channel POSTs: {len(fake.calls_to('POST', MESSAGES))} (questions ride the start interaction)")
        print("\n".join(limits_line(fake, bot, args.budget, since)))


async def scenario_announce(args: argparse.Namespace) -> None:
    async with world(args.budget, not args.no_validate) as (fake, bot):
        channels = [await fake.add_channel(f"announce-{n}") for n in range(args.channels)]
        members = [await fake.add_member(f"fan{n}") for n in range(args.dms)]
        now = bot.clock.now()
        release_at = now + timedelta(seconds=args.lead)
        for n, channel in enumerate(channels):
            guild_id = FAKE_GUILDS + n
            await settings_store.set_announcements(bot.store, guild_id, channel_id=channel.id, role_id=None, now=now)
            if n == 0:
                for member in members:
                    await event_store.opt_in(bot.store, guild_id, member.id, now=now)
            await event_store.add_release(
                bot.store, NewRelease(guild_id, "Bench release", release_at, "UTC", fake.user("you").id), now=now,
                timers=lambda r: release_timer_specs(r.id, r.release_at, DEFAULT_OFFSETS, now=now),
            )
        bot.timers.notify()
        since = len(limiter(fake).counters.global_sent_at)
        finals = Finals(fake)
        records = await start_games(fake, bot, args.busy_games, args.rounds, args.window, "busy")
        ids = {c.id for c in channels}

        def announced() -> list[float]:
            return [c.started for c in fake.calls_to("POST", MESSAGES)
                    if c.status == 200 and int(c.params["channel_id"]) in ids]

        await fake.wait_until(lambda: len(announced()) >= len(channels), timeout=args.channels / args.budget + 120,
                              what="every announcement")
        dm_ids = {fake.dm_channel(m).id for m in members}
        await fake.wait_until(
            lambda: sum(1 for c in fake.calls_to("POST", MESSAGES)
                        if c.status == 200 and int(c.params["channel_id"]) in dm_ids) >= len(members),
            timeout=args.dms * 1.5 + 120, what="every release DM")
        dms = [c.started for c in fake.calls_to("POST", MESSAGES)
               if c.status == 200 and int(c.params["channel_id"]) in dm_ids]
        await wait_games_over(fake, finals, records, timeout=args.rounds * (args.window + 10) + 120)
        due = fake.loop_time() - (bot.clock.now() - release_at).total_seconds()  # release_at on the loop clock
        late = [at - due for at in announced()]
        figures = game_figures(fake, records, args.window)
        stats = bot.outbound.stats()
        print(f"2. release announcement to {args.channels} channels + {args.dms} DMs while {args.busy_games} games run")
        times = sorted(announced())
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
        print(f"  announcements after the release time: {spread(late, 's', 1.0, 1)}; "
              f"physical limit {args.channels / args.budget:.1f} s ({args.channels} requests / {args.budget:g} per s); "
              f"sent at {rate:.1f}/s")
        if dms:
            print(f"  release DMs after the release time: last at {max(dms) - due:.1f} s (DM opening: ~5 per 5 s)")
        print(f"  game callbacks: {spread(figures['callbacks'])}")
        print(f"  question after /trivia start: {spread(figures['question'])}")
        print(f"  reveal lateness during the rush: {spread(figures['reveal'])}")
        print(f"  scheduler: {stats.sent} sent, {stats.late} logged late, max wait {stats.max_wait:.1f} s, "
              f"{stats.queued} still queued")
        print("\n".join(limits_line(fake, bot, args.budget, since)))


async def scenario_parties(args: argparse.Namespace) -> None:
    async with world(args.budget, not args.no_validate) as (fake, bot):
        channels = [await fake.add_channel(f"party-{n}") for n in range(max(1, args.parties // 4))]
        await asyncio.sleep(0.2)
        since = len(limiter(fake).counters.global_sent_at)
        jobs = [("watchparty create", channels[n % len(channels)], {"title": f"Rewatch {n}", "when": "in 2 hours"})
                for n in range(args.parties)]
        records = await dispatch_spread(fake, jobs, args.party_seconds)
        tokens = {r.token: r for r in records}

        def followups() -> dict[str, float]:
            return {c.params["webhook_token"]: c.started for c in fake.calls_to("POST", FOLLOWUP)
                    if c.params.get("webhook_token") in tokens}

        await fake.wait_until(lambda: len(followups()) == len(records), timeout=120, what="every followup")
        arrived = followups()
        callbacks = [r.acked_at - r.dispatched_at for r in records if r.acked_at is not None]
        answers = [arrived[t] - r.dispatched_at for t, r in tokens.items()]
        events = len([c for c in fake.calls_to("POST", EVENTS) if c.status == 200])
        stats = bot.outbound.stats()
        print(f"3. {args.parties} /watchparty create within {args.party_seconds:g} s in one server "
              f"({len(channels)} channels)")
        print(f"  callbacks (defer) answered {len(callbacks)}/{len(records)}: {spread(callbacks)}")
        print(f"  followup after the command: {spread(answers)}")
        print(f"  Discord events created so far {events}, queued {stats.queued_by_priority['background']} "
              f"(a server gets ~5 per 10 s: all {args.parties} take ~{args.parties / 4 * 10 / 60:.0f} min, "
              "in the background)")
        print("\n".join(limits_line(fake, bot, args.budget, since)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--games", type=int, default=1000, help="scenario 1: games started within 1 s")
    parser.add_argument("--rounds", type=int, default=2, help="questions per game (default 2)")
    parser.add_argument("--window", type=int, default=10, help="answer window in seconds (5-120, default 10)")
    parser.add_argument("--channels", type=int, default=500, help="scenario 2: announcement channels")
    parser.add_argument("--dms", type=int, default=20, help="scenario 2: release DMs")
    parser.add_argument("--busy-games", type=int, default=200, help="scenario 2: games running meanwhile")
    parser.add_argument("--lead", type=float, default=3.0, help="scenario 2: seconds from set-up to the release")
    parser.add_argument("--parties", type=int, default=200, help="scenario 3: /watchparty create commands")
    parser.add_argument("--party-seconds", type=float, default=4.0, help="scenario 3: over how many seconds")
    parser.add_argument("--budget", type=float, default=45.0, help="the bot's requests per second (default 45)")
    parser.add_argument("--no-validate", action="store_true",
                        help="the stand-in skips its OpenAPI check of bodies (its own CPU cost, same process)")
    parser.add_argument("--only", choices=("games", "announce", "parties"), help="run one scenario")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # a late callback's 10062 is counted below, not printed
    print(f"machine load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, scenario in (("games", scenario_games), ("announce", scenario_announce), ("parties", scenario_parties)):
        if args.only in (None, name):
            asyncio.run(scenario(args))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
