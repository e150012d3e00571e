"""One injectable clock for everything that reads or waits on time.

Production uses real time. Tests use a frozen clock they move by hand, and the playground uses a
virtual clock that follows real time but can be fast-forwarded (`wait 10m`). Everything that
waits (timer dispatcher, trivia countdowns) waits through `sleep_until`, so moving the clock wakes
exactly the waiters that became due, in deadline order, without real sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...

    async def sleep_until(self, deadline: datetime) -> None:
        """Return once `now() >= deadline` (at once if it already is)."""
        ...


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, deadline: datetime) -> None:
        while True:
            remaining = (deadline - self.now()).total_seconds()
            if remaining <= 0:
                return
            await asyncio.sleep(remaining)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + timedelta(seconds=seconds))


class VirtualClock:
    """A clock that tests and the playground move forward.

    With `follow_real_time=False` time stands still until `advance` is called (tests). With
    `follow_real_time=True` it runs with the wall clock plus an offset that `advance` grows
    (playground). Waiters sit in a heap keyed by deadline; `advance` releases the due ones in order
    and yields to the loop between them so each one's follow-up work runs before the next is woken.
    """

    def __init__(self, start: datetime | None = None, *, follow_real_time: bool = False) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs a timezone-aware start")
        self._follow = follow_real_time
        self._base = start.astimezone(UTC)
        self._real_base = time.monotonic()
        self._offset = timedelta()
        self._waiters: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._counter = itertools.count()
        self._changed: asyncio.Event | None = None

    def now(self) -> datetime:
        elapsed = timedelta(seconds=time.monotonic() - self._real_base) if self._follow else timedelta()
        return self._base + elapsed + self._offset

    async def sleep_until(self, deadline: datetime) -> None:
        while self.now() < deadline:
            loop = asyncio.get_running_loop()
            fut: asyncio.Future[None] = loop.create_future()
            heapq.heappush(self._waiters, (deadline, next(self._counter), fut))
            if self._follow:
                remaining = (deadline - self.now()).total_seconds()
                handle = loop.call_later(max(remaining, 0), _resolve, fut)
                try:
                    await fut
                finally:
                    handle.cancel()
            else:
                await fut

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + timedelta(seconds=seconds))

    async def advance(self, delta: timedelta | float) -> None:
        """Move time forward, waking every waiter that falls due, earliest first."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        if delta < timedelta():
            raise ValueError("time only moves forward")
        target = self.now() + delta
        while self._waiters and self._waiters[0][0] <= target:
            deadline, _, fut = heapq.heappop(self._waiters)
            if fut.done():
                continue
            if deadline > self.now():
                self._offset += deadline - self.now()
            _resolve(fut)
            await _settle()
        if target > self.now():
            self._offset += target - self.now()
        # Release anything that is due now (waiters added during the loop above).
        while self._waiters and self._waiters[0][0] <= self.now():
            _, _, fut = heapq.heappop(self._waiters)
            _resolve(fut)
        await _settle()

    def pending_deadlines(self) -> list[datetime]:
        return sorted(d for d, _, f in self._waiters if not f.done())

    def next_deadline(self) -> datetime | None:
        """The earliest deadline anyone is waiting for (the playground's `wait` steps through these)."""
        pending = [d for d, _, f in self._waiters if not f.done()]
        return min(pending) if pending else None


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


async def _settle(rounds: int = 20) -> None:
    """Let woken tasks run until they block again (on I/O or the next deadline)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
