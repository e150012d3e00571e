"""The injectable clock: moving it wakes exactly the due sleepers, earliest first."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SystemClock, VirtualClock

START = datetime(2026, 1, 1, tzinfo=UTC)


async def test_advance_wakes_due_sleepers_in_deadline_order_and_no_others() -> None:
    clock = VirtualClock(START)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name: str, minutes: int) -> None:
        await clock.sleep_until(START + timedelta(minutes=minutes))
        woke.append((name, clock.now()))

    tasks = [asyncio.create_task(sleeper(n, m)) for n, m in (("late", 30), ("early", 5), ("never", 90))]
    await asyncio.sleep(0)
    assert clock.next_deadline() == START + timedelta(minutes=5)
    await clock.advance(timedelta(hours=1))
    assert woke == [("early", START + timedelta(minutes=5)), ("late", START + timedelta(minutes=30))]
    assert clock.now() == START + timedelta(hours=1)
    assert clock.next_deadline() == START + timedelta(minutes=90)
    tasks[2].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_sleeper_added_by_a_woken_task_inside_the_window_also_fires() -> None:
    clock = VirtualClock(START)
    woke: list[int] = []

    async def chain() -> None:
        await clock.sleep(10)
        woke.append(1)
        await clock.sleep(10)
        woke.append(2)

    task = asyncio.create_task(chain())
    await asyncio.sleep(0)
    await clock.advance(25)
    assert woke == [1, 2]
    await task


async def test_past_deadlines_return_at_once_and_time_never_goes_back() -> None:
    clock = VirtualClock(START)
    await asyncio.wait_for(clock.sleep_until(START - timedelta(days=1)), timeout=1)
    with pytest.raises(ValueError):
        await clock.advance(-1)
    with pytest.raises(ValueError):
        VirtualClock(datetime(2026, 1, 1))


async def test_a_following_clock_runs_with_real_time_plus_what_was_skipped() -> None:
    clock = VirtualClock(START, follow_real_time=True)
    await clock.advance(timedelta(days=1))
    assert clock.now() >= START + timedelta(days=1)
    await asyncio.wait_for(clock.sleep(0.01), timeout=1)


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
