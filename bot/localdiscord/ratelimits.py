"""Discord's rate limits, played by the stand-in when it runs with `rate_limited=True`.

Off by default (the e2e tests of features and the playground want answers, not pacing). When on,
every request is charged to its route's bucket and, unless it is an interaction endpoint, to the
bot token's global bucket; an empty bucket answers 429 exactly as Discord does, and every answer
carries the `X-RateLimit-*` headers discord.py reads. Time is the stand-in's clock, so a test's
VirtualClock decides when a bucket refills and runs stay deterministic.

A bucket is a fixed window that opens with its first request and refills when `per` seconds have
passed, which is how Discord's buckets behave as seen from a bot (the docs publish no algorithm).
The invalid-request counter follows Cloudflare's rule as Discord documents it: 401, 403 and 429
answers (except 429s of scope `shared`) counted over 10 minutes; 10,000 of them ban the bot's IP.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.localdiscord.recording import bucket_hash

GLOBAL_LIMIT = 50  # requests per second per bot token: published
GLOBAL_PER = 1.0
INVALID_WINDOW = 600.0  # seconds: Cloudflare's 10-minute window, published
INVALID_BAN_AT = 10_000

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
WEBHOOK_PREFIX = "/webhooks/{webhook_id}/{webhook_token}"


@dataclass(frozen=True)
class BucketRule:
    """How many requests a bucket holds, per how many seconds, keyed by which path parameters."""

    name: str
    limit: int
    per: float
    major: tuple[str, ...]  # path parameters that make separate buckets ("top-level resources")
    published: bool  # False: observed behaviour Discord does not document


# THE table, the one place the stand-in's limits live. Discord documents the mechanism (per-route
# buckets keyed by the top-level resource, the 50/s global limit, interaction endpoints exempt from
# it); the figures for messages, edits, deletes and reactions are the long-documented ones
# (published=True). Event creation, DM opening and the interaction webhook (published=False, the
# last two rows and INTERACTION_WEBHOOK below) are Discord's unpublished behaviour, as bot authors
# have measured it: they may change without notice.
_MESSAGE = "/channels/{channel_id}/messages/{message_id}"
_REACTION = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"
RULES: dict[tuple[str, str], BucketRule] = {
    ("POST", "/channels/{channel_id}/messages"): BucketRule("messages", 5, 5.0, ("channel_id",), True),
    ("PATCH", _MESSAGE): BucketRule("edits", 5, 5.0, ("channel_id",), True),
    ("DELETE", _MESSAGE): BucketRule("deletes", 5, 1.0, ("channel_id",), True),
    ("PUT", _REACTION): BucketRule("reactions", 1, 0.25, ("channel_id",), True),
    ("DELETE", _REACTION): BucketRule("reactions", 1, 0.25, ("channel_id",), True),
    ("POST", "/guilds/{guild_id}/scheduled-events"): BucketRule("event create", 5, 10.0, ("guild_id",), False),
    ("POST", "/users/@me/channels"): BucketRule("dm open", 5, 5.0, (), False),
}
# Every interaction-webhook route (followups, @original, followup edits and deletes) shares one
# bucket per token: unpublished.
INTERACTION_WEBHOOK = BucketRule("interaction webhook", 5, 2.0, ("webhook_id", "webhook_token"), False)
# Routes with no listed limit (the interaction callback among them) still answer with headers, from
# a bucket this large per route and resource (every path parameter).
DEFAULT = BucketRule("default", 50, 1.0, (), True)


def rule_for(method: str, route: str | None) -> BucketRule:
    if route is not None and route.startswith(WEBHOOK_PREFIX):
        return INTERACTION_WEBHOOK
    return RULES.get((method, route or ""), DEFAULT)


def is_interaction_endpoint(route: str | None) -> bool:
    """Interaction callbacks and the interaction-webhook routes are not bound to the global limit."""
    return route is not None and (route == CALLBACK or route.startswith(WEBHOOK_PREFIX))


@dataclass
class _Window:
    limit: int
    per: float
    used: int = 0
    resets_at: float = 0.0

    def take(self, now: float) -> bool:
        if now >= self.resets_at:
            self.used = 0
            self.resets_at = now + self.per
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def remaining(self, now: float) -> int:
        return self.limit if now >= self.resets_at else self.limit - self.used

    def reset_after(self, now: float) -> float:
        return max(self.resets_at - now, 0.0) if now < self.resets_at else self.per


@dataclass(frozen=True)
class Decision:
    """What the limiter says about one request: allowed or not, and the headers to answer with."""

    allowed: bool
    headers: dict[str, str]
    body: dict[str, Any] | None = None  # the 429 body when refused
    scope: str | None = None  # "user" or "global" when refused


@dataclass
class RateLimitCounters:
    """Everything a test or benchmark asks about afterwards."""

    requests: int = 0
    global_counted: int = 0  # requests charged to the global bucket
    global_429: int = 0
    route_429: collections.Counter[str] = field(default_factory=collections.Counter)
    shared_429: int = 0
    injected_429: int = 0  # 429s a test queued with `fail_next`
    invalid: int = 0  # all time
    by_status: collections.Counter[int] = field(default_factory=collections.Counter)
    global_sent_at: list[float] = field(default_factory=list)  # clock seconds of each global-counted request

    @property
    def route_429_total(self) -> int:
        return sum(self.route_429.values())


class RateLimiter:
    """The stand-in's buckets, its global window, and its counters. `now` is the stand-in's clock."""

    def __init__(self, now: Callable[[], float], *, global_limit: int = GLOBAL_LIMIT) -> None:
        self._now = now
        self.global_limit = global_limit
        self._global = _Window(global_limit, GLOBAL_PER)
        self._buckets: dict[tuple[str, str], _Window] = {}
        self._invalid_at: collections.deque[float] = collections.deque()
        self.counters = RateLimitCounters()

    def check(self, method: str, route: str | None, params: dict[str, str]) -> Decision:
        """Charge one request; refuse it with Discord's 429 if its bucket or the global one is empty."""
        now = self._now()
        self.counters.requests += 1
        rule = rule_for(method, route)
        name = f"{rule.name}:{route}" if rule is DEFAULT else rule.name
        major = sorted(params) if rule is DEFAULT else rule.major
        key = (name, "+".join(params.get(p, "") for p in major))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Window(rule.limit, rule.per)
        bucket_id = bucket_hash(name)
        if not is_interaction_endpoint(route) and self._global.remaining(now) <= 0:
            retry = self._global.reset_after(now)
            self.counters.global_429 += 1
            return Decision(False, _global_headers(retry), _body(retry, True), "global")
        if not bucket.take(now):
            retry = bucket.reset_after(now)
            self.counters.route_429[rule.name] += 1
            headers = _bucket_headers(bucket, now, bucket_id) | {
                "X-RateLimit-Scope": "user",
                "Retry-After": str(max(1, math.ceil(retry))),
                "Via": "1.1 google",
            }
            return Decision(False, headers, _body(retry, False), "user")
        if not is_interaction_endpoint(route):
            self._global.take(now)
            self.counters.global_counted += 1
            self.counters.global_sent_at.append(now)
        return Decision(True, _bucket_headers(bucket, now, bucket_id))

    def observe(self, status: int, headers: dict[str, str], *, injected: bool = False) -> None:
        """Count the answer that actually left (an injected failure included) toward the invalid counter."""
        self.counters.by_status[status] += 1
        if status == 429 and injected:
            self.counters.injected_429 += 1
        if status == 429 and headers.get("X-RateLimit-Scope") == "shared":
            self.counters.shared_429 += 1
            return
        if status in (401, 403, 429):
            self.counters.invalid += 1
            self._invalid_at.append(self._now())

    def invalid_requests(self) -> int:
        """Invalid requests in the last 10 minutes, as Cloudflare counts them."""
        now = self._now()
        while self._invalid_at and self._invalid_at[0] <= now - INVALID_WINDOW:
            self._invalid_at.popleft()
        return len(self._invalid_at)

    def peak_global_rate(self, window: float = GLOBAL_PER) -> int:
        """The most global-counted requests seen in any `window` seconds (a sliding check of the budget)."""
        return self.peak_of(self.counters.global_sent_at, window)

    @staticmethod
    def peak_of(times: list[float], window: float = GLOBAL_PER) -> int:
        """The most of `times` (ascending) within any `window` seconds."""
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best


def _body(retry_after: float, is_global: bool) -> dict[str, Any]:
    return {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": is_global}


def _bucket_headers(bucket: _Window, now: float, bucket_id: str) -> dict[str, str]:
    reset_after = bucket.reset_after(now)
    return {
        "X-RateLimit-Limit": str(bucket.limit),
        "X-RateLimit-Remaining": str(bucket.remaining(now)),
        "X-RateLimit-Reset": f"{now + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket_id,
    }


def _global_headers(retry_after: float) -> dict[str, str]:
    return {
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "Via": "1.1 google",
    }
