"""Latency of /recap, /cast, /character, /search and /fact at a steady request rate, against the
bare discord.py `/ping` floor, on the local Discord stand-in (machinery from bench/latency.py).

    .venv/bin/python bench/recaps.py [--count 200] [--rate 200]

Each row: N interactions dispatched at the given rate, time from dispatch to the bot's callback
POST. "x bare" is the median over the bare bot's /ping median; the difference is our own work per
handler (store reads, name matching, embed fitting) plus discord.py's serialisation of a bigger body.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import callback_latencies, print_latency_table
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import InteractionRecord, LocalDiscord, PingBot, bot_config, run_bot, run_client
from bot.localdiscord.interactions import AUTOCOMPLETE

CASES: list[tuple[str, dict[str, Any]]] = [
    ("recap", {"season": 2}),
    ("recap", {"season": 3, "episode": 1}),
    ("cast", {}),
    ("cast", {"name": "Mithla"}),
    ("character", {"name": "kavya"}),
    ("search", {"query": "Nagpur"}),
    ("search", {"query": "mumbai wedding"}),
    ("fact", {}),
]
AUTOCOMPLETES: list[tuple[str, dict[str, Any]]] = [
    ("cast", {"name": "mithla"}),
    ("recap", {"season": 3, "episode": ""}),
]
USERS = ["you", "alice", "bob"]


async def measure(
    fake: LocalDiscord, command: str, options: Mapping[str, Any], count: int, rate: float, *, typing: bool = False
) -> list[float]:
    """Dispatch `count` interactions at `rate` per second (autocompletes of the last option when
    `typing`); latency (ms) to each callback POST."""
    loop = asyncio.get_running_loop()
    records: list[InteractionRecord] = []
    start = loop.time()
    for n in range(count):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        actor = fake.actor(USERS[n % len(USERS)])
        if typing:
            focused = list(options)[-1]
            data = actor._command_data(command, actor.channel, options, focused=focused)  # what typing sends
            records.append(await fake.dispatch_interaction(
                AUTOCOMPLETE, user=actor.user, channel=actor.channel, data=data, label=f"/{command} autocomplete"
            ))
        else:
            records.append(await actor.start_slash(command, options=options))
    return await callback_latencies(fake, records, what=f"/{command}")


def label(command: str, options: Mapping[str, Any]) -> str:
    return " ".join([f"/{command}", *(f"{k}:{v}" for k, v in options.items())])


async def run(count: int, rate: float) -> int:
    rows: list[tuple[str, str, list[float]]] = []
    async with LocalDiscord.running(ack_deadline=None) as fake, run_client(fake, PingBot(guild_id=fake.guild.id)):
        await measure(fake, "ping", {}, min(20, count), rate)
        rows.append(("bare discord.py", "/ping", await measure(fake, "ping", {}, count, rate)))

    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord.running(ack_deadline=None) as fake:
            config = bot_config(
                fake,
                Config(token=fake.token, database_path=Path(tmp) / "bench.sqlite3", content_dir=DEFAULT_CONTENT_DIR),
            )
            async with run_bot(fake, config):
                await fake.slash("spoilers", season=2, user="alice")  # one user in three has the guard on
                for command, options in CASES:
                    await measure(fake, command, options, min(20, count), rate)  # warm-up
                    rows.append(("LittleThingsBot", label(command, options), await measure(
                        fake, command, options, count, rate
                    )))
                for command, options in AUTOCOMPLETES:
                    await measure(fake, command, options, min(20, count), rate, typing=True)
                    name = label(command, options) + " (autocomplete)"
                    rows.append(("LittleThingsBot", name, await measure(
                        fake, command, options, count, rate, typing=True
                    )))
                violations = list(fake.violations)

    print_latency_table(rows, count, rate)
    if violations:
        print(f"{len(violations)} bodies Discord would refuse, e.g. {violations[0]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="interactions per command (default 200)")
    parser.add_argument("--rate", type=float, default=200.0, help="interactions per second (default 200)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.count, args.rate))


if __name__ == "__main__":
    raise SystemExit(main())
