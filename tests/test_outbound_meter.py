"""Counting the bot's answers: 429 scopes, Cloudflare's invalid-request window, which lane a 429 holds."""

from __future__ import annotations

from bot.outbound import RequestMeter
from bot.outbound.discord_side import lane_of


class Now:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_429s_are_told_apart_by_scope_and_read_their_wait() -> None:
    meter = RequestMeter(Now())
    hit = meter.observe(429, {"X-RateLimit-Scope": "user", "X-RateLimit-Reset-After": "2.500", "Retry-After": "3"})
    assert hit is not None and hit.scope == "user" and hit.retry_after == 2.5
    hit = meter.observe(429, {"X-RateLimit-Global": "true", "Retry-After": "1"})
    assert hit is not None and hit.scope == "global" and hit.retry_after == 1.0
    meter.observe(429, {"X-RateLimit-Scope": "shared", "Retry-After": "4"})
    assert meter.observe(200, {"X-RateLimit-Remaining": "3"}) is None
    stats = meter.stats()
    assert (stats.route_429, stats.global_429, stats.shared_429, stats.requests) == (1, 1, 1, 4)


def test_invalid_requests_count_401_403_and_unshared_429s_over_ten_minutes() -> None:
    now = Now()
    meter = RequestMeter(now)
    for status in (401, 403, 404, 400, 500, 200):
        meter.observe(status, {})
    meter.observe(429, {"X-RateLimit-Scope": "user"})
    meter.observe(429, {"X-RateLimit-Scope": "shared"})
    assert meter.stats().invalid_last_10_min == 3
    now.t += 599
    meter.observe(403, {})
    assert meter.stats().invalid_last_10_min == 4
    now.t += 1
    assert meter.stats().invalid_last_10_min == 1


def test_requests_in_the_last_second() -> None:
    now = Now()
    meter = RequestMeter(now)
    for _ in range(5):
        meter.observe(200, {})
    now.t += 0.5
    meter.observe(200, {})
    now.t += 0.6
    assert meter.stats().requests_last_second == 1


def test_the_lane_a_429_holds() -> None:
    assert lane_of("POST", "/api/v10/channels/123/messages") == ("messages", 123)
    assert lane_of("PATCH", "/api/v10/channels/123/messages/9") == ("edits", 123)
    assert lane_of("POST", "/api/v10/users/@me/channels") == ("dm-open", 0)
    assert lane_of("POST", "/api/v10/guilds/77/scheduled-events") == ("events", 77)
    assert lane_of("GET", "/api/v10/channels/123/messages/9") is None
    assert lane_of("POST", "/api/v10/webhooks/1/tok") is None
