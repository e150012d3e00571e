"""The outbound scheduler's task on a virtual clock: pacing, results, coalescing, lateness, 429s."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import VirtualClock
from bot.outbound import LANE_RULES, Outbound, Priority

START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def outbound():  # type: ignore[no-untyped-def]
    clock = VirtualClock(START)
    runner = Outbound(clock, budget=45, rules=LANE_RULES, late_after=2.0)
    runner.start()
    yield runner
    await runner.stop()


def recorder(outbound: Outbound, log: list[tuple[str, float]]):  # type: ignore[no-untyped-def]
    def make(name: str):  # type: ignore[no-untyped-def]
        async def send() -> str:
            log.append((name, (outbound.clock.now() - START).total_seconds()))
            return name
        return send
    return make


async def test_a_sixth_message_to_one_channel_waits_for_the_window(outbound: Outbound) -> None:
    sent: list[tuple[str, float]] = []
    make = recorder(outbound, sent)
    futures = [outbound.submit(make(f"m{i}"), lanes=(("messages", 1),), priority=Priority.REMINDER) for i in range(6)]
    await asyncio.gather(*futures[:4])
    assert [name for name, _ in sent] == ["m0", "m1", "m2", "m3"] and not futures[4].done()
    assert outbound.stats().queued == 2
    await outbound.clock.advance(timedelta(seconds=4.9))  # type: ignore[attr-defined]
    assert not futures[4].done()
    await outbound.clock.advance(timedelta(seconds=0.1))  # type: ignore[attr-defined]
    assert await asyncio.gather(*futures[4:]) == ["m4", "m5"]
    assert [at for _, at in sent] == [0, 0, 0, 0, 5, 5]
    stats = outbound.stats()
    assert stats.sent == 6 and stats.queued == 0 and stats.max_wait == pytest.approx(5.0) and stats.late == 2


async def test_errors_reach_the_caller_and_free_the_slot(outbound: Outbound) -> None:
    async def refused() -> None:
        raise PermissionError("403")

    with pytest.raises(PermissionError):
        await outbound.submit(refused, lanes=(("messages", 1),), priority=Priority.GAME)
    assert outbound.stats().failed == 1 and outbound.stats().in_flight == 0


async def test_edits_of_one_message_are_coalesced_to_the_newest(outbound: Outbound) -> None:
    sent: list[tuple[str, float]] = []
    make = recorder(outbound, sent)
    fills = [outbound.submit(make(f"fill{i}"), lanes=(("edits", 1),), priority=Priority.GAME) for i in range(4)]
    waits = [
        outbound.submit(make(f"v{i}"), lanes=(("edits", 1),), priority=Priority.BACKGROUND, coalesce=("edit", 42))
        for i in range(3)
    ]
    assert waits[0] is waits[1] is waits[2]
    await asyncio.gather(*fills)  # answered now: their slots free up 5 s from now
    await outbound.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]
    assert await waits[0] == "v2"
    assert [name for name, _ in sent if name.startswith("v")] == ["v2"]
    assert outbound.stats().coalesced == 2


async def test_a_game_message_overtakes_queued_release_dms(outbound: Outbound) -> None:
    sent: list[tuple[str, float]] = []
    make = recorder(outbound, sent)
    outbound.pause(None, 1.0)  # everything waits: the order is then the scheduler's choice alone
    dms = [outbound.submit(make(f"dm{i}"), lanes=(("dm-open", 0),), priority=Priority.RELEASE_DM, requests=2)
           for i in range(3)]
    reminder = outbound.submit(make("reminder"), lanes=(("messages", 2),), priority=Priority.REMINDER)
    question = outbound.submit(make("question"), lanes=(("messages", 3),), priority=Priority.GAME)
    await outbound.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    await asyncio.gather(question, reminder, *dms)
    assert [name for name, _ in sent] == ["question", "reminder", "dm0", "dm1", "dm2"]
    assert outbound.stats().rate_limited == 1


async def test_lateness_is_logged_with_how_late(outbound: Outbound, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.outbound.runner")
    make = recorder(outbound, [])
    due = outbound.clock.now() - timedelta(seconds=3)
    await outbound.submit(make("late"), lanes=(("messages", 9),), priority=Priority.REMINDER, due_at=due,
                          what="reminder")
    assert "reminder went 3.0 s late" in caplog.text


async def test_stop_cancels_what_never_went(outbound: Outbound) -> None:
    make = recorder(outbound, [])
    outbound.pause(("messages", 1), 60)
    waiting = outbound.submit(make("x"), lanes=(("messages", 1),), priority=Priority.REMINDER)
    assert outbound.queued(waiting)
    await outbound.stop()
    assert waiting.cancelled()


async def test_drain_waits_until_the_queue_is_sent(outbound: Outbound) -> None:
    """A graceful shutdown waits for queued sends, even those held back by a rate-limit window."""
    sent: list[tuple[str, float]] = []
    make = recorder(outbound, sent)
    futures = [outbound.submit(make(f"m{i}"), lanes=(("messages", 1),), priority=Priority.REMINDER) for i in range(6)]
    drained = asyncio.ensure_future(outbound.drain())
    await asyncio.gather(*futures[:4])
    assert not drained.done()
    await outbound.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]
    await drained
    assert [name for name, _ in sent] == [f"m{i}" for i in range(6)] and outbound.stats().queued == 0
