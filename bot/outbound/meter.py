"""What the bot's own REST traffic looked like, counted from the answers: 429s, invalid requests, rate.

Fed by the Discord side (`bot.http_watch` on discord.py's session sees every answer, interaction
callbacks and followups included). The invalid-request count follows the rule Cloudflare applies
to bots, as Discord documents it: 401, 403 and 429 answers (429s of scope `shared` excepted)
within 10 minutes; 10,000 of them ban the bot's address for an hour.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

INVALID_WINDOW = 600.0
RATE_WINDOW = 1.0


@dataclass(frozen=True)
class RateLimitHit:
    """One 429 as the answer described it: which scope, and how long to hold off."""

    scope: str  # "user", "global" or "shared"
    retry_after: float


@dataclass(frozen=True)
class MeterStats:
    requests: int
    by_status: dict[int, int]
    global_429: int
    route_429: int
    shared_429: int
    invalid_last_10_min: int
    requests_last_second: int


class RequestMeter:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.requests = 0
        self.by_status: Counter[int] = Counter()
        self.global_429 = 0
        self.route_429 = 0
        self.shared_429 = 0
        self._invalid: deque[float] = deque()
        self._recent: deque[float] = deque()

    def observe(self, status: int, headers: Mapping[str, str]) -> RateLimitHit | None:
        """Count one answer; a 429 comes back described so the scheduler can obey it."""
        now = self._now()
        self.requests += 1
        self.by_status[status] += 1
        self._recent.append(now)
        hit = None
        if status == 429:
            hit = RateLimitHit(_scope(headers), _retry_after(headers))
            if hit.scope == "global":
                self.global_429 += 1
            elif hit.scope == "shared":
                self.shared_429 += 1
            else:
                self.route_429 += 1
        if status in (401, 403) or (hit is not None and hit.scope != "shared"):
            self._invalid.append(now)
        return hit

    def stats(self) -> MeterStats:
        now = self._now()
        while self._invalid and self._invalid[0] <= now - INVALID_WINDOW:
            self._invalid.popleft()
        while self._recent and self._recent[0] <= now - RATE_WINDOW:
            self._recent.popleft()
        return MeterStats(
            requests=self.requests,
            by_status=dict(self.by_status),
            global_429=self.global_429,
            route_429=self.route_429,
            shared_429=self.shared_429,
            invalid_last_10_min=len(self._invalid),
            requests_last_second=len(self._recent),
        )


def _scope(headers: Mapping[str, str]) -> str:
    scope = headers.get("X-RateLimit-Scope")
    if scope in ("user", "global", "shared"):
        return scope
    return "global" if headers.get("X-RateLimit-Global", "").lower() == "true" else "user"


def _retry_after(headers: Mapping[str, str]) -> float:
    """Reset-After is exact (a float); Retry-After is whole seconds rounded up. Either will do."""
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        raw = headers.get(name)
        if raw:
            try:
                return max(float(raw), 0.0)
            except ValueError:
                continue
    return 1.0
