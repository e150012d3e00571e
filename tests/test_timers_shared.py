"""Several processes share one PostgreSQL timers table: every timer is sent once, a dead one's by the others.

Each "process" here is its own `PostgresStore` (its own pool) and `TimerEngine` with its own owner
id, on one VirtualClock; the multi-process end-to-end tests run real processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import VirtualClock
from bot.localpg import LocalPostgres
from bot.store import timers as timer_store
from bot.store.postgres import PostgresStore
from bot.timers import Firing, TimerEngine
from tests.test_timers_engine import KIND, START, Recorder, spec

LEASE = timedelta(seconds=60)


@pytest.fixture
async def url(pg_cluster: LocalPostgres) -> str:
    return pg_cluster.create_database()


@pytest.fixture
async def stores(url: str) -> AsyncIterator[list[PostgresStore]]:
    opened = [await PostgresStore.connect(url) for _ in range(2)]
    yield opened
    for store in opened:
        await store.close()


async def settle(clock: VirtualClock, engines: list[TimerEngine], delta: timedelta) -> None:
    """Move the shared clock to now + delta, stopping at every deadline so each engine catches up."""
    target = clock.now() + delta
    for engine in engines:
        await engine.wait_idle()
    while True:
        due = [d for d in clock.pending_deadlines() if d <= target]
        if not due:
            break
        await clock.advance(max(due[0] - clock.now(), timedelta(0)))
        for _ in range(2):  # one engine's outcome can wake the other
            for engine in engines:
                await engine.wait_idle()
    if target > clock.now():
        await clock.advance(target - clock.now())
    for engine in engines:
        await engine.wait_idle()


async def test_500_reminders_due_in_one_minute_are_each_sent_once(stores: list[PostgresStore]) -> None:
    clock = VirtualClock(START)
    specs = [spec(f"r:{i}:0", timedelta(seconds=30 + i % 30)) for i in range(500)]
    await timer_store.insert_timers(stores[0], specs, now=START)
    recorders = [Recorder(clock) for _ in stores]
    engines = [TimerEngine(store, clock, batch_size=50, lease=LEASE, owner=f"p{i}") for i, store in enumerate(stores)]
    for engine, recorder in zip(engines, recorders, strict=True):
        engine.register(KIND, recorder)
        await engine.start()
    try:
        await settle(clock, engines, timedelta(minutes=2))
    finally:
        for engine in engines:
            await engine.stop()
    sent = [key for recorder in recorders for keys in recorder.keys for key in keys]
    assert len(sent) == 500 and set(sent) == {s.key for s in specs}
    assert await timer_store.count_by_state(stores[0]) == {"sent": 500}


async def test_a_dead_process_claims_are_sent_by_another_after_the_lease(stores: list[PostgresStore]) -> None:
    clock = VirtualClock(START)
    await timer_store.insert_timers(stores[0], [spec(f"d:{i}:0", timedelta(seconds=10)) for i in range(20)], now=START)
    claimed = asyncio.Event()

    async def hang(firing: Firing) -> None:  # claimed, maybe sent, never marked: then the process dies
        claimed.set()
        await asyncio.Event().wait()

    doomed_recorder = Recorder(clock, hang)
    doomed = TimerEngine(stores[0], clock, lease=LEASE, owner="doomed")
    doomed.register(KIND, doomed_recorder)
    await doomed.start()
    await clock.advance(timedelta(seconds=10))
    await asyncio.wait_for(claimed.wait(), 5)
    await doomed.stop(timeout=0)  # what kill -9 leaves: rows `sending`, claimed by "doomed"
    assert (await timer_store.count_by_state(stores[0])).get("sending", 0) > 0

    survivor_recorder = Recorder(clock)
    survivor = TimerEngine(stores[1], clock, lease=LEASE, owner="survivor")
    survivor.register(KIND, survivor_recorder)
    await survivor.start()  # its start-up does not steal rows whose lease still runs
    try:
        await survivor.wait_idle()
        assert survivor_recorder.calls == []  # every due row is the dead process's, its lease still running
        await settle(clock, [survivor], LEASE + timedelta(seconds=1))
    finally:
        await survivor.stop()
    doomed_keys = {k for keys in doomed_recorder.keys for k in keys}
    resent = [f for _, f in survivor_recorder.calls if {t.key for t in f.timers} & doomed_keys]
    assert {t.key for f in resent for t in f.timers} == doomed_keys
    # the same nonce as the dead process used, so Discord drops a message it had already sent
    assert {f.nonce for f in resent} == {f.nonce for _, f in doomed_recorder.calls}
    sent_at = [when for when, f in survivor_recorder.calls if f in resent]
    assert all(when <= START + timedelta(seconds=10) + LEASE + timedelta(seconds=1) for when in sent_at)
    assert await timer_store.count_by_state(stores[0]) == {"sent": 20}
