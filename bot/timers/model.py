"""What a handler receives (`Firing`) and what it may raise to say how the delivery went."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.store.timers import Timer

NONCE_LENGTH = 24  # Discord accepts nonces up to 25 characters


def nonce_for(key: str, revision: int = 0) -> str:
    """A stable message nonce for one delivery of one timer.

    The same (key, revision) gives the same nonce in every process, so a send repeated after a
    crash (claimed, maybe sent, never marked) can be deduplicated by Discord with
    `enforce_nonce`. A reschedule that revives a finished timer bumps the revision: a new message.
    """
    digest = hashlib.blake2b(f"{key}#{revision}".encode(), digest_size=NONCE_LENGTH // 2)
    return digest.hexdigest()


class TimerError(Exception):
    """Base for the outcomes a handler can raise."""


class PermanentTimerError(TimerError):
    """Sending can never work (channel gone, missing access): the timer becomes `failed`, no retry."""


class ReportedTimerError(PermanentTimerError):
    """Permanent, and the handler has already told the people concerned and logged it once at WARNING:
    the engine records the failure at INFO only, so one refusal is one WARNING line."""


class RetryableTimerError(TimerError):
    """Sending may work later (server error, timeout): retried with exponential backoff.

    `retry_after` (seconds), when the cause says how long to wait (a 429), is a lower bound.
    """

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Firing:
    """One handler call: the due timers of one group, delivered together.

    Usually `timers` holds one timer. After downtime it holds every due sibling (say the 24 h and
    1 h reminders of one party) so the handler sends one catch-up message instead of a burst;
    `skipped` lists the siblings that were missed by more than the grace (already marked
    `skipped`) so the message can say so. `timers` is empty when everything due was skipped: the
    handler is only being told, and nothing it does is retried.
    """

    kind: str
    group: str
    timers: tuple[Timer, ...]
    skipped: tuple[Timer, ...]
    claimed_at: datetime

    @property
    def timer(self) -> Timer:
        """The most recent due timer (whose wording matters most), or the latest skipped one."""
        return self.timers[-1] if self.timers else self.skipped[-1]

    @property
    def catch_up(self) -> bool:
        return len(self.timers) > 1 or bool(self.skipped)

    @property
    def nonce(self) -> str:
        """Pass to `send(nonce=...)`: discord.py then sets `enforce_nonce`, so a resend is deduplicated.

        Derived from the earliest claimed timer, which stays the earliest when a crash makes the
        group be claimed again.
        """
        first = self.timers[0] if self.timers else self.skipped[0]
        return nonce_for(first.key, first.revision)


Handler = Callable[[Firing], Awaitable[None]]
