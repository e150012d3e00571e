"""The dispatcher: one task that sleeps until the earliest pending timer and delivers due groups.

Why this shape (after RoboDanny's reminder cog): no task per timer and no polling. The task
reads only the next due rows through the (state, due_at) index, sleeps on the injected clock
until the earliest one (never longer than `max_sleep`, then it re-reads), and is woken when a
write could make it wake earlier. Each due group is claimed (`sending`, committed) before its
handler runs and marked afterwards; outcomes of finished deliveries are written together on the
dispatcher's next turn, so a burst of timers costs a few transactions, not one per timer.

Delivery is at-least-once: a crash between send and mark leaves rows in `sending`, which
`start()` puts back to `pending`; the handler sends again with the same `Firing.nonce`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store import timers as timer_store
from bot.store.core import Store
from bot.store.timers import ClaimedGroup, Outcome, Timer, TimerSpec
from bot.timers.model import Firing, Handler, PermanentTimerError, ReportedTimerError, RetryableTimerError

log = logging.getLogger(__name__)


class TimerEngine:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        grace: timedelta = timedelta(minutes=30),
        max_sleep: timedelta = timedelta(hours=1),
        batch_size: int = 200,
        concurrency: int = 8,
        max_attempts: int = 5,
        retry_base: timedelta = timedelta(seconds=30),
        retry_max: timedelta = timedelta(minutes=15),
        error_pause: timedelta = timedelta(seconds=5),
        owner: str | None = None,
        lease: timedelta = timer_store.DEFAULT_LEASE,
    ) -> None:
        if batch_size < 1 or concurrency < 1 or max_attempts < 1:
            raise ValueError("batch_size, concurrency and max_attempts must be at least 1")
        self._store = store
        self._clock = clock
        self.grace = grace
        self.max_sleep = max_sleep
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.error_pause = error_pause
        # Who claims (PostgreSQL: several processes share the timers table) and for how long.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease = lease
        if store.dialect == "postgres":
            # Other processes add timers and may die holding claims without telling us: look again
            # at least once per lease, so their due rows and expired claims are picked up in time.
            self.max_sleep = min(max_sleep, lease)
        self._handlers: dict[str, Handler] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._deadline: datetime | None = None  # set only while the dispatcher sleeps
        self._inflight: set[asyncio.Task[None]] = set()
        self._outcomes: list[Outcome] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Told how late each delivery starts (seconds after its earliest due time): the metrics hook.
        self.on_launch: Callable[[float], None] | None = None

    # -- handlers and lifecycle -------------------------------------------------------------

    def register(self, kind: str, handler: Handler) -> None:
        """Deliver timers of `kind` with `handler` (register before `start()`; one handler per kind)."""
        if kind in self._handlers:
            raise ValueError(f"a handler for timer kind {kind!r} is already registered")
        self._handlers[kind] = handler

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Recover from a crash, then start the dispatcher (once, from `setup_hook`, not `on_ready`)."""
        if self._task is not None:
            raise RuntimeError("the timer engine is already started")
        recovered = await timer_store.reset_sending(self._store, now=self._clock.now())
        if recovered:
            log.warning("%d timers were being sent when the bot stopped; they will be sent again", recovered)
        if not self._handlers:
            log.warning("timer engine started with no handlers registered")
        self._idle.clear()
        self._task = asyncio.create_task(self._run(), name="timer-dispatcher")

    async def stop(self, *, timeout: float = 10.0) -> None:
        """Stop dispatching; let deliveries in flight finish for up to `timeout` seconds.

        Deliveries still running then are cancelled and left `sending`: the next `start()`
        sends them again with the same nonce. Finished outcomes are written before returning.
        """
        task, self._task = self._task, None
        if task is None:
            return
        # The dispatcher is asked, not cancelled: cancelling it inside a store transaction could
        # leave the connection's transaction open. It stops at its next turn or sleep.
        self._stopping = True
        self._wake.set()
        _, unfinished = await asyncio.wait({task, *self._inflight}, timeout=timeout)
        for delivery in unfinished - {task}:
            delivery.cancel()
        await asyncio.gather(*(unfinished - {task}), return_exceptions=True)
        with contextlib.suppress(asyncio.CancelledError):
            await task  # free slots now: it finishes its turn and leaves
        try:
            await self._flush_outcomes()
        except Exception:
            log.exception("could not record %d timer outcomes at shutdown", len(self._outcomes))
        self._idle.clear()
        self._stopping = False

    async def wait_idle(self) -> None:
        """Return once the dispatcher sleeps with nothing due, in flight or unwritten.

        For tests and the playground after moving a virtual clock; never needed in production.
        """
        if self._task is None:
            raise RuntimeError("the timer engine is not running")
        while True:
            await self._idle.wait()
            await asyncio.sleep(0)  # let the sleeper task register its deadline with the clock
            deadline = self._deadline
            if (
                not self._idle.is_set()
                or self._wake.is_set()
                or (deadline is not None and deadline <= self._clock.now())
            ):
                continue  # woken meanwhile: wait for the next idle moment
            return

    def notify(self, due_at: datetime | None = None) -> None:
        """Tell the dispatcher rows changed; it wakes if `due_at` is earlier than its current sleep.

        The engine's own write methods call this. Call it after inserting timers yourself (for
        instance with `bot.store.timers.insert_timers_in` inside a party's transaction).
        """
        deadline = self._deadline
        if due_at is None or deadline is None or due_at < deadline:
            self._idle.clear()
            self._wake.set()

    # -- scheduling API ---------------------------------------------------------------------

    async def schedule(self, spec: TimerSpec) -> Timer:
        """Schedule one timer; idempotent on its key (an existing row, whatever its state, is returned as is)."""
        await timer_store.insert_timers(self._store, [spec], now=self._clock.now())
        self.notify(spec.due_at)
        timer = await timer_store.get_timer(self._store, spec.key)
        assert timer is not None
        return timer

    async def schedule_many(self, specs: Sequence[TimerSpec]) -> int:
        """Schedule several in one transaction; returns how many were new."""
        if not specs:
            return 0
        added = await timer_store.insert_timers(self._store, specs, now=self._clock.now())
        self.notify(min(spec.due_at for spec in specs))
        return added

    async def cancel(self, key: str) -> bool:
        """Cancel one pending timer; False if it was not pending (unknown, sent, already cancelled…)."""
        changed = await timer_store.cancel_keys(self._store, [key], now=self._clock.now())
        self.notify()
        return changed > 0

    async def cancel_group(self, group: str) -> int:
        changed = await timer_store.cancel_group(self._store, group, now=self._clock.now())
        self.notify()
        return changed

    async def cancel_prefix(self, prefix: str) -> int:
        """Cancel pending timers whose key starts with `prefix` (`party:7:` = every occurrence of party 7)."""
        changed = await timer_store.cancel_prefix(self._store, prefix, now=self._clock.now())
        self.notify()
        return changed

    async def reschedule(self, group: str, specs: Sequence[TimerSpec]) -> list[Timer]:
        """Replace a group's future with `specs` (see `bot.store.timers.reschedule_group`)."""
        timers = await timer_store.reschedule_group(self._store, group, specs, now=self._clock.now())
        self.notify(min((spec.due_at for spec in specs), default=None))
        return timers

    async def get(self, key: str) -> Timer | None:
        return await timer_store.get_timer(self._store, key)

    async def list_group(self, group: str) -> list[Timer]:
        return await timer_store.list_group(self._store, group)

    # -- the dispatcher ---------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._turn()
            except Exception:
                log.exception("timer dispatcher error; trying again in %s", self.error_pause)
                await self._sleep(self._clock.now() + self.error_pause, idle=False)

    async def _turn(self) -> None:
        """Write finished outcomes, claim and launch what is due, or sleep until the next due time."""
        self._deadline = None
        self._wake.clear()
        await self._flush_outcomes()
        now = self._clock.now()
        groups = await timer_store.claim_due(
            self._store, now=now, grace=self.grace, limit=self.batch_size, owner=self.owner, lease=self.lease
        )
        if groups:
            for group in groups:
                await self._slots.acquire()
                if self._stopping:  # the rest stay `sending`; the next start() sends them
                    self._slots.release()
                    return
                self._launch(group, now)
            return
        if self._outcomes:
            return
        next_due = await timer_store.next_due_at(self._store)
        deadline = now + self.max_sleep
        if next_due is not None and next_due < deadline:
            deadline = next_due
        if not self._stopping:
            await self._sleep(deadline, idle=not self._inflight and not self._outcomes)

    async def _sleep(self, deadline: datetime, *, idle: bool) -> None:
        """Sleep on the clock until `deadline` or until `notify()`/a finished delivery wakes us."""
        self._deadline = deadline
        sleeper = asyncio.ensure_future(self._clock.sleep_until(deadline))
        waker = asyncio.ensure_future(self._wake.wait())
        if idle:
            self._idle.set()  # after the sleeper exists, so idle watchers see its deadline on the clock
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
            self._idle.clear()
            self._deadline = None

    async def _flush_outcomes(self) -> None:
        if not self._outcomes:
            return
        batch = list(self._outcomes)
        await timer_store.record_outcomes(self._store, batch, now=self._clock.now())
        del self._outcomes[: len(batch)]

    def _launch(self, group: ClaimedGroup, now: datetime) -> None:
        firing = Firing(kind=group.kind, group=group.group, timers=group.claimed, skipped=group.skipped, claimed_at=now)
        if firing.skipped:
            log.warning(
                "skipped %d %s timer(s) of %s: missed by more than %s",
                len(firing.skipped),
                firing.kind,
                firing.group,
                self.grace,
            )
        if self.on_launch is not None and firing.timers:
            self.on_launch((now - firing.timers[0].due_at).total_seconds())
        task = asyncio.create_task(self._deliver(firing), name=f"timer:{firing.group}")
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _deliver(self, firing: Firing) -> None:
        try:
            outcome = await self._call_handler(firing)
            if outcome is not None:
                self._outcomes.append(outcome)
            # Wake the dispatcher even with nothing to record (a skipped-only firing): it went to
            # sleep "not idle" while this ran, and must look again to become idle.
            self._idle.clear()
            self._wake.set()
        finally:
            self._slots.release()

    async def _call_handler(self, firing: Firing) -> Outcome | None:
        ids = tuple(timer.id for timer in firing.timers)
        handler = self._handlers.get(firing.kind)
        if handler is None:
            log.error("no handler registered for timer kind %r (%s)", firing.kind, firing.group)
            return Outcome(ids, "failed", error=f"no handler for kind {firing.kind!r}") if ids else None
        try:
            await handler(firing)
        except PermanentTimerError as exc:
            level = logging.INFO if isinstance(exc, ReportedTimerError) else logging.WARNING
            log.log(level, "timer %s (%s) failed for good: %s", firing.group, firing.kind, exc)
            return Outcome(ids, "failed", error=_describe(exc)) if ids else None
        except RetryableTimerError as exc:
            log.info("timer %s (%s) will be retried: %s", firing.group, firing.kind, exc)
            return self._retry(firing, ids, exc, exc.retry_after)
        except Exception as exc:
            log.exception("timer handler for %s (%s) raised", firing.group, firing.kind)
            return self._retry(firing, ids, exc, None)
        return Outcome(ids, "sent") if ids else None

    def _retry(self, firing: Firing, ids: tuple[int, ...], exc: Exception, retry_after: float | None) -> Outcome | None:
        if not ids:
            return None
        attempts = max(timer.attempts for timer in firing.timers)
        if attempts >= self.max_attempts:
            log.warning("timer %s (%s) failed after %d attempts: %s", firing.group, firing.kind, attempts, exc)
            return Outcome(ids, "failed", error=_describe(exc))
        delay = min(self.retry_base * 2 ** (attempts - 1), self.retry_max)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return Outcome(ids, "pending", retry_at=self._clock.now() + delay, error=_describe(exc))


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
