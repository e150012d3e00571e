"""Click-to-ack latency of trivia answer buttons, our bot on the local Discord stand-in.

A game is started, `--players` members join, and each clicks an answer button of question 1 at
`--rate` clicks per second. Printed: the time from dispatching each click to the arrival of the
bot's callback POST (when the player's client stops spinning and shows "Locked in"), and the time
from the deadline to the reveal edit with that many answers. Bot and stand-in share one process and
event loop, like the e2e tests; the game's clock is virtual, so only our own work is timed.

    .venv/bin/python bench/trivia_discord.py [--players 200] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, Message, bot_config, run_bot

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
MESSAGE = "/channels/{channel_id}/messages/{message_id}"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(players: int, rate: float) -> int:
    clock = VirtualClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord.running(clock=clock, ack_deadline=None) as fake:
            config = bot_config(
                fake, Config(token=fake.token, database_path=Path(tmp) / "b.sqlite3", content_dir=DEFAULT_CONTENT_DIR)
            )
            names = [f"player{n}" for n in range(players)]
            for name in names:
                await fake.add_member(name)
            async with run_bot(fake, config, clock=clock):
                await fake.slash("trivia start", rounds=2, user="bob")

                def first_question() -> Message | None:
                    return next((m for m in fake.sent_messages("general") if m.buttons and not m.deleted), None)

                question: Message = await fake.wait_until(first_question, what="question 1")
                button = question.buttons[0]
                loop = asyncio.get_running_loop()
                records = []
                start = loop.time()
                for n, name in enumerate(names):
                    delay = start + n / rate - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    records.append(await fake.dispatch_interaction(
                        3, user=fake.user(name), channel=fake.channel("general"),
                        data={"custom_id": button["custom_id"], "component_type": 2},
                        label="bench click", source_message=question,
                    ))
                ids = {str(r.id): r for r in records}

                def arrivals() -> dict[str, float]:
                    return {c.params["interaction_id"]: c.started for c in fake.calls_to("POST", CALLBACK)
                            if c.params.get("interaction_id") in ids}

                await fake.wait_until(lambda: len(arrivals()) == len(ids), timeout=60, what="every click answered")
                arrived = arrivals()
                acks = [(arrived[i] - r.dispatched_at) * 1000 for i, r in ids.items()]

                edits_before = len(fake.calls_to("PATCH", MESSAGE))
                began = time.perf_counter()
                await clock.advance(timedelta(seconds=20))
                await fake.wait_until(lambda: len(fake.calls_to("PATCH", MESSAGE)) > edits_before, timeout=60,
                                      what="the reveal")
                reveal_ms = (time.perf_counter() - began) * 1000
                await fake.slash("trivia stop", user="bob")
                violations = list(fake.violations)

    print(f"Trivia answer clicks: {players} players at {rate:g} clicks/s, dispatch -> callback POST (one process)")
    print(f"  median {statistics.median(acks):.2f} ms  p99 {percentile(acks, 0.99):.2f} ms  max {max(acks):.2f} ms")
    print(f"  deadline -> reveal edit with {players} answers scored and stored: {reveal_ms:.1f} ms")
    if violations:
        print(f"  {len(violations)} bodies Discord would refuse, e.g. {violations[0]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--players", type=int, default=200, help="members clicking (default 200)")
    parser.add_argument("--rate", type=float, default=200.0, help="clicks per second (default 200)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.players, args.rate))


if __name__ == "__main__":
    raise SystemExit(main())
