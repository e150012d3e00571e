"""The timer engine against a real SQLite file and a VirtualClock (time is moved, never slept through)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import VirtualClock
from bot.store import Store
from bot.store import timers as timer_store
from bot.timers import (
    Firing,
    PermanentTimerError,
    RetryableTimerError,
    TimerEngine,
    TimerSpec,
    nonce_for,
)
from tests.conftest import DbTarget

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# Tests of exactly how long the dispatcher sleeps: on PostgreSQL it also looks again once per lease
# (other processes add timers and may die holding claims), which tests/test_timers_shared.py covers.
SLEEP_EXACT = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
KIND = "test.reminder"


class Recorder:
    """A handler that remembers each call and when (on the virtual clock) it happened."""

    def __init__(self, clock: VirtualClock, behaviour: Callable[[Firing], Awaitable[None]] | None = None) -> None:
        self.clock = clock
        self.calls: list[tuple[datetime, Firing]] = []
        self.behaviour = behaviour

    async def __call__(self, firing: Firing) -> None:
        self.calls.append((self.clock.now(), firing))
        if self.behaviour is not None:
            await self.behaviour(firing)

    @property
    def keys(self) -> list[list[str]]:
        return [[t.key for t in firing.timers] for _, firing in self.calls]


async def move(clock: VirtualClock, engine: TimerEngine, delta: timedelta) -> None:
    """Advance to each deadline on the way, letting the engine finish its work at each stop."""
    target = clock.now() + delta
    await engine.wait_idle()
    while True:
        due = [d for d in clock.pending_deadlines() if d <= target]
        if not due:
            break
        await clock.advance(max(due[0] - clock.now(), timedelta(0)))
        await engine.wait_idle()
    if target > clock.now():
        await clock.advance(target - clock.now())
    await engine.wait_idle()


def spec(key: str, at: timedelta, *, group: str | None = None, kind: str = KIND) -> TimerSpec:
    return TimerSpec(key=key, kind=kind, due_at=START + at, payload={"key": key}, group=group)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
async def store(db: DbTarget) -> AsyncIterator[Store]:
    store = await db.open()
    yield store
    await store.close()


@pytest.fixture
def recorder(clock: VirtualClock) -> Recorder:
    return Recorder(clock)


@pytest.fixture
async def engine(store: Store, clock: VirtualClock, recorder: Recorder) -> AsyncIterator[TimerEngine]:
    engine = TimerEngine(store, clock, retry_base=timedelta(seconds=30), max_attempts=3)
    engine.register(KIND, recorder)
    await engine.start()
    yield engine
    await engine.stop(timeout=0)


async def test_timers_fire_in_due_order_and_not_early(engine: TimerEngine, clock: VirtualClock, recorder: Recorder):
    """Scheduled out of order, timers fire earliest first, each exactly at its due second."""
    for key, seconds in (("c:1", 30), ("a:1", 10), ("b:1", 20)):
        await engine.schedule(spec(key, timedelta(seconds=seconds)))
    await move(clock, engine, timedelta(seconds=9))
    assert recorder.calls == []
    await move(clock, engine, timedelta(minutes=5))
    assert recorder.keys == [["a:1"], ["b:1"], ["c:1"]]
    assert [when - START for when, _ in recorder.calls] == [timedelta(seconds=s) for s in (10, 20, 30)]
    assert {t.state for key in ("a:1", "b:1", "c:1") if (t := await engine.get(key))} == {"sent"}


async def test_schedule_is_idempotent_on_the_key(engine: TimerEngine, clock: VirtualClock, recorder: Recorder):
    """Scheduling the same key twice keeps the first row and delivers once."""
    first = await engine.schedule(spec("party:1:0:600", timedelta(minutes=1)))
    second = await engine.schedule(spec("party:1:0:600", timedelta(minutes=2)))
    assert second.id == first.id and second.due_at == START + timedelta(minutes=1)
    assert await engine.schedule_many([spec("party:1:0:600", timedelta(minutes=3))]) == 0
    await move(clock, engine, timedelta(minutes=5))
    assert recorder.keys == [["party:1:0:600"]]


async def test_cancel_by_key_group_and_prefix(engine: TimerEngine, clock: VirtualClock, recorder: Recorder):
    """Cancelled timers never fire; a prefix stops at the key boundary (party:7: is not party:70:)."""
    await engine.schedule_many(
        [
            spec("party:7:0:600", timedelta(minutes=1)),
            spec("party:7:1:600", timedelta(minutes=2)),
            spec("party:70:0:600", timedelta(minutes=3)),
            spec("party:8:0:600", timedelta(minutes=4)),
            spec("party:8:0:0", timedelta(minutes=5)),
            spec("release:1:0", timedelta(minutes=6)),
        ]
    )
    assert await engine.cancel("release:1:0") is True
    assert await engine.cancel("release:1:0") is False
    assert await engine.cancel_prefix("party:7:") == 2
    assert await engine.cancel_group("party:8:0") == 2
    await move(clock, engine, timedelta(minutes=10))
    assert recorder.keys == [["party:70:0:600"]]
    states = {t.key: t.state for t in await timer_store.list_prefix(engine._store, "party:")}
    assert states == {
        "party:7:0:600": "cancelled",
        "party:7:1:600": "cancelled",
        "party:70:0:600": "sent",
        "party:8:0:600": "cancelled",
        "party:8:0:0": "cancelled",
    }


async def test_reschedule_moves_pending_revives_sent_and_cancels_the_rest(
    engine: TimerEngine, clock: VirtualClock, recorder: Recorder
):
    """A moved party: pending reminders move, a sent one is sent again (new nonce), dropped ones are cancelled."""
    group = "party:3:0"
    await engine.schedule_many(
        [
            spec(f"{group}:3600", timedelta(minutes=1)),
            spec(f"{group}:600", timedelta(minutes=51)),
            spec(f"{group}:0", timedelta(minutes=61)),
        ]
    )
    await move(clock, engine, timedelta(minutes=2))
    assert recorder.keys == [[f"{group}:3600"]]
    first_nonce = recorder.calls[0][1].nonce

    moved = await engine.reschedule(
        group,
        [spec(f"{group}:3600", timedelta(hours=2)), spec(f"{group}:0", timedelta(hours=3))],
    )
    by_key = {t.key: t for t in moved}
    assert by_key[f"{group}:600"].state == "cancelled"
    assert by_key[f"{group}:3600"].state == "pending" and by_key[f"{group}:3600"].revision == 1
    assert by_key[f"{group}:0"].due_at == START + timedelta(hours=3) and by_key[f"{group}:0"].revision == 0
    assert [t.key for t in await engine.list_group(group)] == [f"{group}:600", f"{group}:3600", f"{group}:0"]

    await move(clock, engine, timedelta(hours=4))
    assert recorder.keys == [[f"{group}:3600"], [f"{group}:3600"], [f"{group}:0"]]
    assert [when - START for when, _ in recorder.calls[1:]] == [timedelta(hours=2), timedelta(hours=3)]
    assert recorder.calls[1][1].nonce != first_nonce


@SLEEP_EXACT
async def test_an_earlier_timer_wakes_the_sleeping_dispatcher(
    engine: TimerEngine, clock: VirtualClock, recorder: Recorder
):
    """While it sleeps towards a timer an hour away, adding one due in 5 minutes moves its wake-up."""
    await engine.schedule(spec("late:1", timedelta(minutes=50)))
    await engine.wait_idle()
    assert clock.pending_deadlines() == [START + timedelta(minutes=50)]
    await engine.schedule(spec("early:1", timedelta(minutes=5)))
    await engine.wait_idle()
    assert clock.pending_deadlines() == [START + timedelta(minutes=5)]
    await move(clock, engine, timedelta(minutes=5))
    assert recorder.keys == [["early:1"]]
    assert recorder.calls[0][0] == START + timedelta(minutes=5)


@SLEEP_EXACT
async def test_a_later_timer_does_not_wake_it(engine: TimerEngine, clock: VirtualClock):
    """Only writes that could make it wake earlier interrupt its sleep."""
    await engine.schedule(spec("soon:1", timedelta(minutes=5)))
    await engine.wait_idle()
    engine.notify(START + timedelta(hours=2))
    assert not engine._wake.is_set()
    engine.notify(START + timedelta(minutes=1))
    assert engine._wake.is_set()


@SLEEP_EXACT
async def test_a_timer_beyond_the_sleep_cap(store: Store, clock: VirtualClock, recorder: Recorder):
    """The dispatcher never sleeps more than max_sleep: it wakes, re-reads, and fires on time."""
    engine = TimerEngine(store, clock, max_sleep=timedelta(hours=1))
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.schedule(spec("far:1", timedelta(hours=3, minutes=10)))
        await engine.wait_idle()
        assert clock.pending_deadlines() == [START + timedelta(hours=1)]
        await move(clock, engine, timedelta(hours=1))
        assert recorder.calls == []
        assert clock.pending_deadlines() == [START + timedelta(hours=2)]
        await move(clock, engine, timedelta(hours=3))
        assert recorder.keys == [["far:1"]]
        assert recorder.calls[0][0] == START + timedelta(hours=3, minutes=10)
    finally:
        await engine.stop(timeout=0)


async def test_restart_catches_up_once_per_group_and_skips_past_grace(
    tmp_path: Path, clock: VirtualClock, recorder: Recorder
):
    """Timers due while the bot was down: one call per group with all due siblings; too-late ones skipped."""
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    engine = TimerEngine(store, clock)
    engine.register(KIND, recorder)
    await engine.start()
    party = "party:5:0"  # starts at START + 2h, reminders 1h, 30m, 10m and at the start
    await engine.schedule_many(
        [
            spec(f"{party}:3600", timedelta(hours=1)),
            spec(f"{party}:1800", timedelta(minutes=90)),
            spec(f"{party}:600", timedelta(minutes=110)),
            spec(f"{party}:0", timedelta(minutes=120)),
            spec("party:6:0:600", timedelta(minutes=105)),
            spec("party:9:0:600", timedelta(minutes=20)),
            spec("party:9:0:0", timedelta(minutes=30)),
        ]
    )
    await engine.stop()
    await store.close()

    await clock.advance(timedelta(minutes=115))  # the bot is down from START to START + 1h55m

    store = await Store.open(path)
    engine = TimerEngine(store, clock, grace=timedelta(minutes=30))
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.wait_idle()
        calls = {firing.group: firing for _, firing in recorder.calls}
        assert len(recorder.calls) == 3
        catch_up = calls[party]
        assert [t.key for t in catch_up.timers] == [f"{party}:1800", f"{party}:600"]
        assert [t.key for t in catch_up.skipped] == [f"{party}:3600"]
        assert catch_up.catch_up and catch_up.timer.key == f"{party}:600"
        assert [t.key for t in calls["party:6:0"].timers] == ["party:6:0:600"]
        assert not calls["party:6:0"].catch_up
        told = calls["party:9:0"]  # everything missed: the handler is told, nothing to send
        assert told.timers == () and [t.key for t in told.skipped] == ["party:9:0:600", "party:9:0:0"]
        states = {t.key: t.state for t in await engine.list_group(party)}
        assert states == {
            f"{party}:3600": "skipped",
            f"{party}:1800": "sent",
            f"{party}:600": "sent",
            f"{party}:0": "pending",
        }
        await move(clock, engine, timedelta(minutes=5))
        assert [t.key for t in recorder.calls[-1][1].timers] == [f"{party}:0"]
        assert len(recorder.calls) == 4
    finally:
        await engine.stop(timeout=0)
        await store.close()


async def test_crash_between_send_and_mark_resends_with_the_same_nonce(tmp_path: Path, clock: VirtualClock):
    """A send that happened but was never marked is sent again after restart, with the same nonce and key."""
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    sent = asyncio.Event()

    async def send_then_die(firing: Firing) -> None:
        sent.set()
        await asyncio.Event().wait()  # the process "dies" here, after sending, before marking

    first = Recorder(clock, send_then_die)
    engine = TimerEngine(store, clock)
    engine.register(KIND, first)
    await engine.start()
    await engine.schedule(spec("party:2:0:600", timedelta(minutes=1)))
    await engine.wait_idle()
    await clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(sent.wait(), timeout=5)
    await engine.stop(timeout=0)
    assert (await timer_store.get_timer(store, "party:2:0:600")).state == "sending"  # type: ignore[union-attr]
    await store.close()

    store = await Store.open(path)
    second = Recorder(clock)
    engine = TimerEngine(store, clock)
    engine.register(KIND, second)
    await engine.start()
    try:
        await engine.wait_idle()
        (_, before), (_, after) = first.calls[0], second.calls[0]
        assert [t.key for t in after.timers] == ["party:2:0:600"]
        assert after.nonce == before.nonce == nonce_for("party:2:0:600", 0)
        assert len(after.nonce) <= 25
        timer = await engine.get("party:2:0:600")
        assert timer is not None and timer.state == "sent" and timer.attempts == 2
    finally:
        await engine.stop(timeout=0)
        await store.close()


async def test_claimed_but_unmarked_rows_return_to_pending_at_start(tmp_path: Path, clock: VirtualClock):
    """Claim in one connection, reopen the file without marking: start() resends the row."""
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    await timer_store.insert_timers(store, [spec("release:4:0", timedelta(seconds=0))], now=START)
    claimed = await timer_store.claim_due(store, now=START, grace=timedelta(minutes=30), limit=10)
    assert [t.key for group in claimed for t in group.claimed] == ["release:4:0"]
    await store.close()

    store = await Store.open(path)
    recorder = Recorder(clock)
    engine = TimerEngine(store, clock)
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.wait_idle()
        assert recorder.keys == [["release:4:0"]]
        assert recorder.calls[0][1].nonce == nonce_for("release:4:0")
    finally:
        await engine.stop(timeout=0)
        await store.close()


async def test_retryable_failures_back_off_exponentially_then_fail(
    store: Store, clock: VirtualClock, caplog: pytest.LogCaptureFixture
):
    """Retries at +30 s then +60 s; the third failure (max_attempts=3) marks it failed with the error."""

    async def flaky(firing: Firing) -> None:
        raise RetryableTimerError("Discord said 503")

    recorder = Recorder(clock, flaky)
    engine = TimerEngine(store, clock, retry_base=timedelta(seconds=30), max_attempts=3)
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.schedule(spec("r:1", timedelta(minutes=1)))
        await move(clock, engine, timedelta(minutes=1, seconds=29))
        assert len(recorder.calls) == 1
        await move(clock, engine, timedelta(hours=1))
        offsets = [when - START for when, _ in recorder.calls]
        assert offsets == [timedelta(seconds=60), timedelta(seconds=90), timedelta(seconds=150)]
        assert len({firing.nonce for _, firing in recorder.calls}) == 1  # every attempt: same nonce
        timer = await engine.get("r:1")
        assert timer is not None and timer.state == "failed" and timer.attempts == 3
        assert timer.last_error == "RetryableTimerError: Discord said 503"
        assert "failed after 3 attempts" in caplog.text
    finally:
        await engine.stop(timeout=0)


async def test_a_retry_that_succeeds_and_retry_after(store: Store, clock: VirtualClock):
    """A 429-style retry_after longer than the backoff is honoured; the second attempt succeeds."""
    failures = [RetryableTimerError("rate limited", retry_after=120)]

    async def once(firing: Firing) -> None:
        if failures:
            raise failures.pop()

    recorder = Recorder(clock, once)
    engine = TimerEngine(store, clock, retry_base=timedelta(seconds=30))
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.schedule(spec("r:2", timedelta(0)))
        await move(clock, engine, timedelta(minutes=10))
        assert [when - START for when, _ in recorder.calls] == [timedelta(0), timedelta(seconds=120)]
        timer = await engine.get("r:2")
        assert timer is not None and timer.state == "sent" and timer.last_error is None
    finally:
        await engine.stop(timeout=0)


async def test_permanent_failure_is_not_retried(store: Store, clock: VirtualClock, caplog: pytest.LogCaptureFixture):
    """Forbidden/NotFound-style errors mark the timer failed at once, with a log line."""

    async def forbidden(firing: Firing) -> None:
        raise PermanentTimerError("Missing Access to channel 42")

    recorder = Recorder(clock, forbidden)
    engine = TimerEngine(store, clock)
    engine.register(KIND, recorder)
    await engine.start()
    try:
        caplog.set_level(logging.WARNING, logger="bot.timers.engine")
        await engine.schedule(spec("p:1", timedelta(minutes=1)))
        await move(clock, engine, timedelta(hours=2))
        assert len(recorder.calls) == 1
        timer = await engine.get("p:1")
        assert timer is not None and timer.state == "failed" and timer.attempts == 1
        assert "Missing Access to channel 42" in (timer.last_error or "")
        assert "failed for good: Missing Access to channel 42" in caplog.text
    finally:
        await engine.stop(timeout=0)


async def test_an_unexpected_handler_error_is_retried(store: Store, clock: VirtualClock):
    """A bug in a handler is logged and treated as retryable, not lost."""
    errors = [KeyError("party_id")]

    async def buggy(firing: Firing) -> None:
        if errors:
            raise errors.pop()

    recorder = Recorder(clock, buggy)
    engine = TimerEngine(store, clock, retry_base=timedelta(seconds=30))
    engine.register(KIND, recorder)
    await engine.start()
    try:
        await engine.schedule(spec("b:1", timedelta(0)))
        await move(clock, engine, timedelta(minutes=1))
        assert len(recorder.calls) == 2
        assert (await engine.get("b:1")).state == "sent"  # type: ignore[union-attr]
    finally:
        await engine.stop(timeout=0)


async def test_a_kind_without_handler_fails(engine: TimerEngine, clock: VirtualClock, recorder: Recorder):
    """An unknown kind does not block the queue: it fails and the others are delivered."""
    await engine.schedule(spec("x:1", timedelta(seconds=1), kind="nobody.handles"))
    await engine.schedule(spec("y:1", timedelta(seconds=2)))
    await move(clock, engine, timedelta(seconds=5))
    assert recorder.keys == [["y:1"]]
    timer = await engine.get("x:1")
    assert timer is not None and timer.state == "failed" and "no handler" in (timer.last_error or "")


async def test_many_timers_in_the_same_second(store: Store, clock: VirtualClock, recorder: Recorder):
    """300 groups due the same second, read 50 at a time: each delivered once, in order; a group of 5 is one call."""
    engine = TimerEngine(store, clock, batch_size=50, concurrency=4)
    engine.register(KIND, recorder)
    await engine.start()
    try:
        due = timedelta(minutes=1)
        await engine.schedule_many([spec(f"solo:{i:03d}:0", due) for i in range(300)])
        await engine.schedule_many([spec(f"five:1:{i}", due) for i in range(5)])
        await move(clock, engine, timedelta(minutes=2))
        solos = [keys[0] for keys in recorder.keys if keys[0].startswith("solo:")]
        assert solos == [f"solo:{i:03d}:0" for i in range(300)]
        assert [keys for keys in recorder.keys if keys[0].startswith("five:")] == [[f"five:1:{i}" for i in range(5)]]
        assert all(when == START + due for when, _ in recorder.calls)
        assert await timer_store.count_by_state(store) == {"sent": 305}
    finally:
        await engine.stop(timeout=0)


async def test_stop_waits_for_a_delivery_in_flight(store: Store, clock: VirtualClock):
    """A clean shutdown lets a running send finish and records it as sent."""
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(firing: Firing) -> None:
        started.set()
        await release.wait()

    engine = TimerEngine(store, clock)
    engine.register(KIND, Recorder(clock, slow))
    await engine.start()
    await engine.schedule(spec("s:1", timedelta(0)))
    await asyncio.wait_for(started.wait(), timeout=5)
    stopping = asyncio.create_task(engine.stop(timeout=5))
    await asyncio.sleep(0)
    release.set()
    await stopping
    assert (await timer_store.get_timer(store, "s:1")).state == "sent"  # type: ignore[union-attr]
    assert not engine.running


async def test_register_twice_and_start_twice_are_refused(engine: TimerEngine, recorder: Recorder):
    """One handler per kind; one dispatcher per engine."""
    with pytest.raises(ValueError, match="already registered"):
        engine.register(KIND, recorder)
    with pytest.raises(RuntimeError, match="already started"):
        await engine.start()


async def test_a_slow_handler_told_only_of_skipped_timers_still_lets_the_engine_go_idle(
    tmp_path: Path, clock: VirtualClock
):
    """A skipped-only firing records nothing; its handler outlasting the dispatcher's turn still ends in idle."""
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    engine = TimerEngine(store, clock)
    await engine.start()
    await engine.schedule(spec("daily:1", timedelta(minutes=10)))
    await engine.stop()
    await clock.advance(timedelta(hours=2))  # down long enough for the timer to be skipped

    release = asyncio.Event()

    async def slow(firing: Firing) -> None:
        await release.wait()

    recorder = Recorder(clock, slow)
    engine = TimerEngine(store, clock, grace=timedelta(minutes=30))
    engine.register(KIND, recorder)
    await engine.start()
    try:
        async def dispatcher_asleep() -> None:  # while the handler is still running
            while clock.next_deadline() is None:
                await asyncio.sleep(0.001)

        await asyncio.wait_for(dispatcher_asleep(), timeout=5)
        release.set()
        await asyncio.wait_for(engine.wait_idle(), timeout=2)
        [(_, firing)] = recorder.calls
        assert firing.timers == () and [t.key for t in firing.skipped] == ["daily:1"]
    finally:
        await engine.stop(timeout=0)
        await store.close()
