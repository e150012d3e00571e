"""Timer engine figures: start-up with many pending timers, memory, and lateness under a burst.

    .venv/bin/python bench/timers.py [--pending 100000] [--burst 10000] [--spread 60]

1. Start-up: a fresh process opens a database holding N pending timers and starts the engine
   until the dispatcher is asleep towards the earliest one. Printed for 1,000 and N timers, each
   in its own process, with resident memory before and after, to show that neither grows with N.
2. Lateness: with the REAL clock (SystemClock) and a no-op handler, M timers in M separate groups
   (one handler call each) due within one minute, spread evenly over `--spread` seconds; then the
   same M timers all due in the same second. Lateness = when the handler ran − the due second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import SystemClock, VirtualClock
from bot.store import Store
from bot.store import timers as timer_store
from bot.store.timers import TimerSpec
from bot.timers import Firing, TimerEngine

KIND = "bench.noop"


def rss_mib() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


async def populate(path: Path, count: int) -> None:
    """N pending timers over the next 30 days, four per group like a party's reminders."""
    store = await Store.open(path)
    now = datetime.now(UTC)
    step = timedelta(days=30) / count
    specs = (
        TimerSpec(key=f"party:{i // 4}:0:{i % 4}", kind=KIND, due_at=now + timedelta(hours=1) + step * i)
        for i in range(count)
    )
    await timer_store.insert_timers(store, specs, now=now)
    await store.close()


async def load(path: Path) -> dict[str, float]:
    """Open the store and start the engine until it sleeps; the clock is virtual so nothing fires."""
    before = rss_mib()
    started = time.perf_counter()
    store = await Store.open(path)
    engine = TimerEngine(store, VirtualClock(datetime.now(UTC)))

    async def noop(firing: Firing) -> None:
        return None

    engine.register(KIND, noop)
    await engine.start()
    await engine.wait_idle()
    elapsed = time.perf_counter() - started
    after = rss_mib()
    pending = (await timer_store.count_by_state(store)).get("pending", 0)
    await engine.stop()
    await store.close()
    return {"pending": pending, "seconds": elapsed, "rss_before": before, "rss_after": after}


async def lateness(count: int, spread: float) -> list[float]:
    """Real clock: schedule `count` timers over `spread` seconds and record how late each handler ran."""
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3")
        clock = SystemClock()
        engine = TimerEngine(store, clock)
        late: list[float] = []
        done = asyncio.Event()

        async def noop(firing: Firing) -> None:
            now = clock.now()
            late.extend((now - timer.due_at).total_seconds() for timer in firing.timers)
            if len(late) >= count:
                done.set()

        engine.register(KIND, noop)
        await engine.start()
        base = math.ceil(time.time()) + 3
        specs = [
            TimerSpec(
                key=f"bench:{i}:0",
                kind=KIND,
                due_at=datetime.fromtimestamp(base + int(i * spread / count), UTC),
            )
            for i in range(count)
        ]
        await engine.schedule_many(specs)
        await asyncio.wait_for(done.wait(), timeout=spread + 120)
        await engine.stop()
        await store.close()
        return late


def _summary(late: list[float]) -> str:
    ordered = sorted(late)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return (
        f"median {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   "
        f"max {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


def _child(phase: str, path: Path, count: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--db", str(path), "--pending", str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out) if out.strip() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--phase", choices=("populate", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "populate":
        asyncio.run(populate(args.db, args.pending))
        return
    if args.phase == "load":
        print(json.dumps(asyncio.run(load(args.db))))
        return

    print("Start-up with pending timers (fresh process each; engine until its dispatcher sleeps)")
    with tempfile.TemporaryDirectory() as folder:
        for count in sorted({1_000, args.pending}):
            path = Path(folder) / f"pending-{count}.sqlite3"
            _child("populate", path, count)
            figures = _child("load", path, count)
            size = path.stat().st_size / 2**20
            before, after = figures["rss_before"], figures["rss_after"]
            print(
                f"  {int(figures['pending']):>7,} pending ({size:5.1f} MiB file): "
                f"start {figures['seconds'] * 1000:6.1f} ms   "
                f"RSS {before:5.1f} → {after:5.1f} MiB (+{after - before:.1f})"
            )

    print(f"Lateness, real clock (SystemClock), no-op handler, {args.burst:,} timers in {args.burst:,} groups")
    spread = asyncio.run(lateness(args.burst, args.spread))
    print(f"  spread over {args.spread:.0f} s: {_summary(spread)}")
    burst = asyncio.run(lateness(args.burst, 0))
    print(f"  all in the same second: {_summary(burst)}")


if __name__ == "__main__":
    main()
