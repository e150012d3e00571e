"""The outbound scheduler's decisions, as pure logic: which queued request may go now, and when to look again.

Discord's limits are windows that open with a request as Discord receives it, so a request counts
from an instant the bot cannot see. The pacer is conservative in the only way that is always safe:
a request holds its slot from the moment it is sent until `per` seconds after its answer arrived
(Discord received it before that). At most `limit` slots per lane, and `budget` per second for
everything, can be held at once; so no window Discord could draw ever holds more.

Jobs wait in priority order (a running game's messages first, then reminders, then release DMs,
then background work), first come first served within a priority, and a job whose lane is busy
never holds up a job for another lane. A pending edit of a message is replaced by a newer edit of
the same message (`coalesce`), keeping its place in the queue. Nothing is ever dropped.

Times are plain seconds from whatever clock the caller uses; nothing here reads a clock or sleeps.
"""

from __future__ import annotations

import enum
import itertools
from collections import deque
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class Priority(enum.IntEnum):
    GAME = 0  # a running game's question, reveal or standings; a post a member is waiting for
    REMINDER = 1  # watch-party reminders and release announcements
    RELEASE_DM = 2
    BACKGROUND = 3  # Discord events, refreshed announcements


EPSILON = 1e-6  # float seconds from datetimes: a window that ends within a microsecond has ended
Lane = tuple[str, int]  # (kind, resource id), e.g. ("messages", channel_id)


@dataclass(frozen=True)
class LaneRule:
    limit: int
    per: float


@dataclass(eq=False)
class Job:
    """One request (or a fixed few, `requests`) waiting for its turn. `payload` is the caller's."""

    lanes: tuple[Lane, ...]
    priority: Priority
    payload: Any
    due_at: float
    requests: int = 1
    coalesce: Hashable | None = None
    what: str = ""
    seq: int = 0
    started_at: float | None = None
    merged: int = 0  # how many newer edits replaced this one's payload while it waited

    @property
    def wait(self) -> float | None:
        return None if self.started_at is None else self.started_at - self.due_at


@dataclass
class _Slots:
    """One window's occupancy: requests in flight, and answer times still inside `per`."""

    rule: LaneRule
    in_flight: int = 0
    done: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0

    def prune(self, now: float) -> None:
        while self.done and self.done[0] <= now - self.rule.per + EPSILON:
            self.done.popleft()

    def free(self, now: float, count: int = 1) -> bool:
        self.prune(now)
        return now >= self.paused_until and self.in_flight + len(self.done) + count <= self.rule.limit

    def ready_at(self, now: float, count: int = 1) -> float | None:
        """When `count` slots will be free, or None if that needs an answer still in flight."""
        self.prune(now)
        excess = self.in_flight + len(self.done) + count - self.rule.limit
        at = max(now, self.paused_until)
        if excess <= 0:
            return at
        if excess > len(self.done):
            return None
        return max(at, self.done[excess - 1] + self.rule.per)

    def take(self, count: int) -> None:
        self.in_flight += count

    def release(self, now: float, count: int) -> None:
        self.in_flight -= count
        self.done.extend([now] * count)

    @property
    def idle(self) -> bool:
        return self.in_flight == 0 and not self.done


class Pacer:
    """Queue + windows. `submit` jobs, ask `next_job(now)`, report `started` and `finished`."""

    def __init__(self, budget: float, rules: Mapping[str, LaneRule], *, global_window: float = 1.0) -> None:
        if budget <= 0:
            raise ValueError("the request budget must be positive")
        self.rules = dict(rules)
        self._global = _Slots(LaneRule(max(1, int(budget * global_window)), global_window))
        self._lanes: dict[Lane, _Slots] = {}
        self._queues: dict[Priority, dict[int, Job]] = {p: {} for p in Priority}
        self._pending_edits: dict[Hashable, Job] = {}
        self._seq = itertools.count(1)
        self.coalesced = 0

    # -- queue -----------------------------------------------------------------------------------

    def submit(self, job: Job) -> Job:
        """Queue `job`; if it coalesces with a waiting job, that one takes the new payload and is returned."""
        unknown = [kind for kind, _ in job.lanes if kind not in self.rules]
        if unknown:
            raise ValueError(f"no lane rule for {unknown[0]!r}")
        if job.coalesce is not None:
            waiting = self._pending_edits.get(job.coalesce)
            if waiting is not None:
                waiting.payload = job.payload
                waiting.merged += 1
                waiting.what = job.what or waiting.what
                if job.priority < waiting.priority:
                    del self._queues[waiting.priority][waiting.seq]
                    waiting.priority = job.priority
                    self._queues[waiting.priority][waiting.seq] = waiting
                self.coalesced += 1
                return waiting
            self._pending_edits[job.coalesce] = job
        job.seq = next(self._seq)
        self._queues[job.priority][job.seq] = job
        return job

    def pending(self) -> Iterator[Job]:
        for priority in Priority:
            yield from self._queues[priority].values()

    @property
    def depth(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def depth_by_priority(self) -> dict[str, int]:
        return {p.name.lower(): len(self._queues[p]) for p in Priority}

    @property
    def in_flight(self) -> int:
        return self._global.in_flight

    # -- decisions -------------------------------------------------------------------------------

    def next_job(self, now: float) -> Job | None:
        """The most urgent waiting job that may be sent now (not yet marked started), if any."""
        for job in self.pending():
            if self._global.free(now, job.requests) and all(self._slots(lane).free(now) for lane in job.lanes):
                return job
        return None

    def next_change(self, now: float) -> float | None:
        """The earliest time a waiting job could become sendable; None if only an answer can unblock one."""
        best: float | None = None
        for job in self.pending():
            at = self._ready_at(job, now)
            if at is not None and (best is None or at < best):
                best = at
                if at <= now:
                    break
        return best

    def _ready_at(self, job: Job, now: float) -> float | None:
        times = [self._global.ready_at(now, job.requests)] + [self._slots(lane).ready_at(now) for lane in job.lanes]
        if any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)

    def started(self, job: Job, now: float) -> None:
        del self._queues[job.priority][job.seq]
        if job.coalesce is not None and self._pending_edits.get(job.coalesce) is job:
            del self._pending_edits[job.coalesce]
        job.started_at = now
        self._global.take(job.requests)
        for lane in job.lanes:
            self._slots(lane).take(1)

    def finished(self, job: Job, now: float) -> None:
        self._global.release(now, job.requests)
        for lane in job.lanes:
            slots = self._slots(lane)
            slots.release(now, 1)
        self._forget_idle(now)

    def pause(self, lane: Lane | None, until: float) -> None:
        """Obey a 429: nothing more for `lane` (everything, if None) before `until`."""
        slots = self._global if lane is None else self._slots(lane)
        slots.paused_until = max(slots.paused_until, until)

    # -- lanes -----------------------------------------------------------------------------------

    def _slots(self, lane: Lane) -> _Slots:
        slots = self._lanes.get(lane)
        if slots is None:
            slots = self._lanes[lane] = _Slots(self.rules[lane[0]])
        return slots

    def _forget_idle(self, now: float) -> None:
        """Drop windows that hold nothing any more, so 500 channels do not stay in memory forever."""
        if len(self._lanes) < 1024:
            return
        stale = []
        for lane, slots in self._lanes.items():
            slots.prune(now)
            if slots.idle and slots.paused_until <= now:
                stale.append(lane)
        for lane in stale:
            del self._lanes[lane]
