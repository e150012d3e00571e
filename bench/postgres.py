"""The bot on PostgreSQL next to SQLite: command latency, trivia, and timer throughput with 1, 2 and 4 processes.

1. Interaction latency (dispatch → callback POST, as in bench/latency.py) for reading and writing
   commands and trivia, once with a SQLite file and once with community state in PostgreSQL.
2. Timer throughput: 100,000 pending timers, all due, claimed and marked by 1, 2 and 4 separate
   processes sharing one PostgreSQL (FOR UPDATE SKIP LOCKED + lease), each a real `TimerEngine`
   with a handler that does nothing, so the figure is the store's claim/mark path.

A throwaway PostgreSQL is started from the machine's initdb/pg_ctl (bot/localpg.py).

    .venv/bin/python bench/postgres.py [--count 200] [--rate 100] [--timers 100000] [--processes 1,2,4]
                                       [--only latency|timers]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# the shared helpers of bench/latency.py
from latency import measure, percentile

from bot.clock import SystemClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, bot_config, run_bot
from bot.localpg import LocalPostgres, running_postgres
from bot.store import timers as timer_store
from bot.store.postgres import PostgresStore
from bot.timers import Firing, TimerEngine

COMMANDS = ["about", "spoilers", "trivia stats", "trivia leaderboard", "trivia question", "watchparty list"]
USERS = ["you", "alice", "bob"]


async def latency_rows(cluster: LocalPostgres, count: int, rate: float) -> list[tuple[str, str, list[float]]]:
    rows: list[tuple[str, str, list[float]]] = []
    for backend in ("sqlite", "postgres"):
        with tempfile.TemporaryDirectory() as tmp:
            async with LocalDiscord.running(ack_deadline=None) as fake:
                base = Config(token=fake.token, database_path=Path(tmp) / "b.sqlite3", content_dir=DEFAULT_CONTENT_DIR,
                              database_url=cluster.create_database("bench") if backend == "postgres" else None)
                async with run_bot(fake, bot_config(fake, base)):
                    for command in COMMANDS:
                        await measure(fake, command, min(20, count), rate, USERS)  # warm-up
                        rows.append((backend, f"/{command}", await measure(fake, command, count, rate, USERS)))
    return rows


def print_rows(rows: list[tuple[str, str, list[float]]], count: int, rate: float) -> None:
    print(f"Interaction latency, dispatch -> callback POST ({count} per command at {rate:g}/s, one process)")
    print(f"{'command':<22} {'SQLite median':>14} {'p99':>7} {'PostgreSQL median':>18} {'p99':>7} {'+ms':>6}")
    by = {(backend, command): samples for backend, command, samples in rows}
    for command in dict.fromkeys(command for _, command, _ in rows):
        lite, pg = by[("sqlite", command)], by[("postgres", command)]
        print(
            f"{command:<22} {statistics.median(lite):>14.2f} {percentile(lite, 0.99):>7.2f} "
            f"{statistics.median(pg):>18.2f} {percentile(pg, 0.99):>7.2f} "
            f"{statistics.median(pg) - statistics.median(lite):>6.2f}"
        )


# -- timer throughput ---------------------------------------------------------------------------


async def fill_timers(url: str, count: int) -> None:
    store = await PostgresStore.connect(url)
    try:
        now = int(datetime.now(UTC).timestamp()) - 60
        records = [(f"bench:{n}:0", f"bench:{n}", "bench", now + n % 50, "{}", now, now) for n in range(count)]
        async with store.pool.acquire() as raw:
            await raw.copy_records_to_table(
                "timers", records=records,
                columns=["dedupe_key", "group_key", "kind", "due_at", "payload", "created_at", "updated_at"],
            )
            await raw.execute("ANALYZE timers")
    finally:
        await store.close()


def worker(url: str, go: multiprocessing.synchronize.Event, out: multiprocessing.Queue) -> None:  # type: ignore[name-defined]
    asyncio.run(_worker(url, go, out))


async def _worker(url: str, go: multiprocessing.synchronize.Event, out: multiprocessing.Queue) -> None:  # type: ignore[name-defined]
    store = await PostgresStore.connect(url, max_size=4)
    delivered = 0

    async def handler(firing: Firing) -> None:
        nonlocal delivered
        delivered += len(firing.timers)

    engine = TimerEngine(store, SystemClock(), grace=timedelta(hours=1), batch_size=200, concurrency=8)
    engine.register("bench", handler)
    await asyncio.to_thread(go.wait)
    await engine.start()
    while True:
        await asyncio.sleep(0.05)
        states = await timer_store.count_by_state(store)
        if not states.get("pending") and not states.get("sending"):
            break
    await engine.stop()
    await store.close()
    out.put(delivered)


def throughput(cluster: LocalPostgres, timers: int, processes: int) -> tuple[float, list[int]]:
    url = cluster.create_database("timers")
    asyncio.run(fill_timers(url, timers))
    context = multiprocessing.get_context("spawn")
    go, out = context.Event(), context.Queue()
    children = [context.Process(target=worker, args=(url, go, out)) for _ in range(processes)]
    for child in children:
        child.start()
    time.sleep(2.0)  # let every process connect and migrate-check before the clock starts
    began = time.perf_counter()
    go.set()
    shares = [out.get(timeout=600) for _ in children]
    elapsed = time.perf_counter() - began
    for child in children:
        child.join()
    return elapsed, shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--only", choices=["latency", "timers"], help="run one half")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    with running_postgres() as cluster:
        if args.only != "timers":
            print_rows(asyncio.run(latency_rows(cluster, args.count, args.rate)), args.count, args.rate)
            print()
        if args.only == "latency":
            return 0
        print(f"Timer throughput: {args.timers:,} pending timers, all due, one PostgreSQL, no-op handler")
        print(f"{'processes':>9} {'seconds':>8} {'timers/s':>9}  per process")
        for processes in (int(p) for p in args.processes.split(",")):
            elapsed, shares = throughput(cluster, args.timers, processes)
            assert sum(shares) == args.timers, f"delivered {sum(shares)} of {args.timers}"
            print(f"{processes:>9} {elapsed:>8.2f} {args.timers / elapsed:>9,.0f}  {', '.join(map(str, shares))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
