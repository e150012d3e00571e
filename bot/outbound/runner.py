"""The outbound scheduler's task: sends queued jobs when the `Pacer` allows, on the bot's clock.

Everything the bot sends to Discord that does not answer an interaction goes through here. A
caller `await`s `submit(...)` and gets the send's result (or its exception) when its turn came and
the request finished; meanwhile the loop sleeps on the bot's clock (a test's VirtualClock) until a
window opens, or until a submission or an answer changes the picture. A job that can go at once is
started inside `submit`, so an idle scheduler adds no latency and no task switch.

Lateness (from a job's due time to its start) is logged when it passes `late_after`, and every
figure the metrics need is in `stats()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.clock import Clock
from bot.outbound.pacer import Job, Lane, LaneRule, Pacer, Priority

log = logging.getLogger(__name__)

T = TypeVar("T")
Send = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class OutboundStats:
    """A snapshot for metrics and benchmarks (issue #14 reads these)."""

    queued: int
    queued_by_priority: dict[str, int]
    in_flight: int
    sent: int
    failed: int
    coalesced: int
    late: int  # jobs that started more than `late_after` after they were due
    max_wait: float  # seconds, over all jobs so far
    recent_waits: tuple[float, ...]  # the last few hundred waits, for percentiles
    rate_limited: int  # 429s obeyed (reported by the Discord side)


class Outbound:
    def __init__(
        self,
        clock: Clock,
        *,
        budget: float,
        rules: Mapping[str, LaneRule],
        late_after: float = 2.0,
    ) -> None:
        self.clock = clock
        self.pacer = Pacer(budget, rules)
        self.late_after = late_after
        self._futures: dict[Job, asyncio.Future[Any]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._sent = 0
        self._failed = 0
        self._late = 0
        self._max_wait = 0.0
        self._waits: deque[float] = deque(maxlen=512)
        self.rate_limited = 0
        self.on_wait: Callable[[float], None] | None = None
        """Told each job's queue wait in seconds (the metrics histogram)."""

    def now(self) -> float:
        return self.clock.now().timestamp()

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._run(), name="outbound-scheduler")

    async def stop(self) -> None:
        """Stop pacing; jobs still queued fail with CancelledError (their callers are shutting down too)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        for job, future in list(self._futures.items()):
            if job.started_at is None and not future.done():
                future.cancel()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drain(self) -> None:
        """Wait until everything queued has been sent (a graceful shutdown; the caller bounds the time).

        Shielded: a shutdown that gives up cancels this wait, not the sends themselves.
        """
        while self._futures or self._tasks:
            await asyncio.shield(asyncio.gather(*self._futures.values(), *self._tasks, return_exceptions=True))

    # -- submitting ------------------------------------------------------------------------------

    def submit(
        self,
        send: Send,
        *,
        lanes: tuple[Lane, ...],
        priority: Priority,
        requests: int = 1,
        coalesce: Hashable | None = None,
        due_at: datetime | None = None,
        what: str = "",
    ) -> asyncio.Future[Any]:
        """Queue `send` (a coroutine function making `requests` REST calls); the future has its result."""
        now = self.now()
        due = now if due_at is None else min(due_at.astimezone(UTC).timestamp(), now)
        job = Job(lanes=lanes, priority=priority, payload=send, due_at=due, requests=requests,
                  coalesce=coalesce, what=what)
        queued = self.pacer.submit(job)
        future = self._futures.get(queued)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            future.add_done_callback(_retrieve)
            self._futures[queued] = future
        self._pump()
        self._wake.set()
        return future

    def queued(self, future: asyncio.Future[Any]) -> bool:
        """Whether the job behind `future` is still waiting for its turn (not yet sent)."""
        return any(f is future and job.started_at is None for job, f in self._futures.items())

    def pause(self, lane: Lane | None, seconds: float) -> None:
        """Obey a 429 that happened anyway: hold `lane` (everything if None) for `seconds`."""
        self.rate_limited += 1
        self.pacer.pause(lane, self.now() + seconds)
        self._wake.set()

    def stats(self) -> OutboundStats:
        return OutboundStats(
            queued=self.pacer.depth,
            queued_by_priority=self.pacer.depth_by_priority(),
            in_flight=self.pacer.in_flight,
            sent=self._sent,
            failed=self._failed,
            coalesced=self.pacer.coalesced,
            late=self._late,
            max_wait=self._max_wait,
            recent_waits=tuple(self._waits),
            rate_limited=self.rate_limited,
        )

    # -- the loop --------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Start every job that may go now."""
        now = self.now()
        while (job := self.pacer.next_job(now)) is not None:
            self.pacer.started(job, now)
            self._note_wait(job)
            task = asyncio.create_task(self._send(job), name=f"outbound {job.what}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            self._pump()
            at = self.pacer.next_change(self.now())
            if at is None:
                await self._wake.wait()
                continue
            # A window ending within a microsecond counts as ended (pacer.EPSILON), so waking on the
            # microsecond-rounded deadline never finds it still shut and spins.
            sleeper = asyncio.ensure_future(self.clock.sleep_until(datetime.fromtimestamp(at, UTC)))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in (sleeper, waker):
                    waiting.cancel()

    async def _send(self, job: Job) -> None:
        future = self._futures.pop(job)
        try:
            result = await job.payload()
        except asyncio.CancelledError:
            if not future.done():
                future.cancel()
            raise
        except Exception as exc:
            self._failed += 1
            if not future.done():
                future.set_exception(exc)
        else:
            self._sent += 1
            if not future.done():
                future.set_result(result)
        finally:
            self.pacer.finished(job, self.now())
            self._wake.set()

    def _note_wait(self, job: Job) -> None:
        wait = job.wait or 0.0
        self._waits.append(wait)
        self._max_wait = max(self._max_wait, wait)
        if self.on_wait is not None:
            self.on_wait(wait)
        if wait > self.late_after:
            self._late += 1
            log.info("outbound: %s went %.1f s late (%s priority, %d still queued)",
                     job.what or "a request", wait, job.priority.name.lower(), self.pacer.depth)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark an exception as seen: callers that await get it; fire-and-forget callers handle their own."""
    if not future.cancelled():
        future.exception()
