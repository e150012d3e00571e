"""Interaction latency of our bot against a bare discord.py bot, both on the local Discord stand-in.

For each command, N interactions are dispatched at a fixed rate over the gateway and the time from
dispatch to the arrival of the bot's callback POST is recorded (the moment a real user's client
would stop showing "sending command…"). The bare bot answering `/ping` with "pong" is the floor:
everything above it is our own work per handler. Also printed: the stand-in's per-body validation
cost, measured on the bodies the bots actually sent.

    .venv/bin/python bench/latency.py [--count 200] [--rate 100] [--command "about"] ...

By default every synced command and subcommand without required options is measured, except the
owner-only /admin ones. Bot and stand-in share one process and event loop, like the e2e tests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import InteractionRecord, LocalDiscord, PingBot, SpecValidator, bot_config, run_bot, run_client

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


def runnable_commands(commands: Sequence[Mapping[str, Any]]) -> list[str]:
    """`name` / `name sub` for every command that needs no option, except /admin."""
    found: list[str] = []

    def walk(prefix: str, options: Sequence[Mapping[str, Any]]) -> None:
        subs = [o for o in options if o.get("type") in (1, 2)]
        if not subs:
            if not any(o.get("required") for o in options):
                found.append(prefix)
            return
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        if (command.get("type") or 1) == 1 and command["name"] != "admin":
            walk(command["name"], command.get("options") or [])
    return sorted(found)


async def measure(fake: LocalDiscord, command: str, count: int, rate: float, users: Sequence[str]) -> list[float]:
    """Dispatch `count` interactions at `rate` per second; latency (ms) to each callback POST."""
    loop = asyncio.get_running_loop()
    records: list[InteractionRecord] = []
    start = loop.time()
    for n in range(count):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        actor = fake.actor(users[n % len(users)])
        records.append(await actor.start_slash(command))
    return await callback_latencies(fake, records, what=f"/{command}")


async def callback_latencies(
    fake: LocalDiscord, records: Sequence[InteractionRecord], *, what: str, timeout: float = 60
) -> list[float]:
    """Milliseconds from each dispatch to the bot's callback POST for it, once all have arrived.

    The wait re-checks after every request the stand-in records, so each check reads only the calls
    recorded since the last one: rescanning every call of the run each time cost the benchmark's
    process (which the bots share the machine with) more with every section measured.
    """
    ids = {str(r.id): r for r in records}
    arrived: dict[str, float] = {}
    read = 0

    def all_arrived() -> bool:
        nonlocal read
        calls = fake.calls
        for index in range(read, len(calls)):
            call = calls[index]
            if call.method == "POST" and call.route == CALLBACK:
                interaction_id = call.params.get("interaction_id")
                if interaction_id in ids:
                    arrived.setdefault(interaction_id, call.started)
        read = len(calls)
        return len(arrived) == len(ids)

    await fake.wait_until(all_arrived, timeout=timeout, what=f"{len(ids)} answers to {what}")
    return [(arrived[i] - r.dispatched_at) * 1000 for i, r in ids.items()]


def print_latency_table(rows: Sequence[tuple[str, str, Sequence[float]]], count: int, rate: float) -> None:
    """One line per command: median, p99 and max, the ratio to the first row (the bare bot) and the
    milliseconds added to it."""
    floor = statistics.median(rows[0][2])
    width = max(24, *(len(name) for _, name, _ in rows))
    print(f"Interaction latency, dispatch -> callback POST ({count} per command at {rate:g}/s, one process)")
    print(f"{'bot':<16} {'command':<{width}} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} {'x bare':>7} {'+ms':>6}")
    for bot_name, name, samples in rows:
        median = statistics.median(samples)
        print(
            f"{bot_name:<16} {name:<{width}} {median:>10.2f} {percentile(samples, 0.99):>8.2f} "
            f"{max(samples):>8.2f} {median / floor:>7.2f} {median - floor:>6.2f}"
        )


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def validation_cost(fake: LocalDiscord) -> tuple[int, float, float]:
    """(bodies, cold median µs, warm median µs) to validate the JSON bodies the bots sent.

    Cold: a fresh validator that has seen none of the bodies' parts. Warm: the same bodies again,
    where unchanged parts (rows of buttons, identical bodies) are known to be valid already.
    """
    bodies = [c for c in fake.calls if c.route and c.json is not None]
    if not bodies:
        return 0, 0.0, 0.0
    fresh = SpecValidator(fake.spec.spec)
    cold: list[float] = []
    warm: list[float] = []
    for samples in (cold, warm):
        for call in bodies:
            began = time.perf_counter()
            fresh.validate(call.method, call.route or "", call.json)
            samples.append((time.perf_counter() - began) * 1e6)
    return len(bodies), statistics.median(cold), statistics.median(warm)


async def run(count: int, rate: float, chosen: Sequence[str]) -> int:
    rows: list[tuple[str, str, list[float]]] = []
    notes: list[str] = []
    # Fan out across people, as real traffic does; the bots see different users and channels.
    users = ["you", "alice", "bob"]
    async with LocalDiscord.running(ack_deadline=None) as fake, run_client(fake, PingBot(guild_id=fake.guild.id)):
        await measure(fake, "ping", min(20, count), rate, users)  # warm-up
        rows.append(("bare discord.py", "ping", await measure(fake, "ping", count, rate, users)))
        bare_cost = validation_cost(fake)

    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord.running(ack_deadline=None) as fake:
            config = bot_config(
                fake,
                Config(token=fake.token, database_path=Path(tmp) / "bench.sqlite3", content_dir=DEFAULT_CONTENT_DIR),
            )
            async with run_bot(fake, config):
                commands = list(chosen) or runnable_commands(fake.commands.get(fake.guild.id, []))
                if not commands:
                    notes.append("LittleThingsBot has no command yet that runs without options (besides /admin).")
                for command in commands:
                    try:
                        await measure(fake, command, min(20, count), rate, users)  # warm-up (caches, first queries)
                        rows.append(("LittleThingsBot", command, await measure(fake, command, count, rate, users)))
                    except TimeoutError as exc:
                        notes.append(f"/{command}: not every interaction was answered ({exc})")
                ours_cost = validation_cost(fake)
                violations = list(fake.violations)

    print_latency_table([(bot_name, f"/{command}", samples) for bot_name, command, samples in rows], count, rate)
    for label, (bodies, cold_us, warm_us) in (("bare bot", bare_cost), ("our bot", ours_cost)):
        print(
            f"Spec validation, {label}: {bodies} bodies, median {cold_us:.0f} µs cold, {warm_us:.0f} µs warm per body"
        )
    if violations:
        print(f"{len(violations)} bodies Discord would refuse, e.g. {violations[0]}")
    for note in notes:
        print(note)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="interactions per command (default 200)")
    parser.add_argument("--rate", type=float, default=100.0, help="interactions per second (default 100)")
    parser.add_argument("--command", action="append", default=[], help="command to measure (repeatable), e.g. 'about'")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.count, args.rate, args.command))


if __name__ == "__main__":
    raise SystemExit(main())
