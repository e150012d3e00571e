"""The stand-in's rate-limited mode as pure logic: buckets, the global window, 429 shapes, counters."""

from __future__ import annotations

import pytest

from bot.localdiscord.ratelimits import INTERACTION_WEBHOOK, RULES, RateLimiter, is_interaction_endpoint, rule_for

MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
ORIGINAL = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"


class Now:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_five_messages_per_five_seconds_per_channel_with_discords_headers() -> None:
    now = Now()
    limiter = RateLimiter(now)
    answers = [limiter.check("POST", MESSAGES, {"channel_id": "1"}) for _ in range(5)]
    assert all(a.allowed for a in answers)
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    assert answers[0].headers["X-RateLimit-Limit"] == "5" and answers[0].headers["X-RateLimit-Reset-After"] == "5.000"
    assert float(answers[0].headers["X-RateLimit-Reset"]) == pytest.approx(now.t + 5)
    assert len({a.headers["X-RateLimit-Bucket"] for a in answers}) == 1
    now.t += 2
    refused = limiter.check("POST", MESSAGES, {"channel_id": "1"})
    assert not refused.allowed and refused.scope == "user"
    assert refused.body == {"message": "You are being rate limited.", "retry_after": 3.0, "global": False}
    assert refused.headers["X-RateLimit-Scope"] == "user" and refused.headers["Retry-After"] == "3"
    assert refused.headers["Via"] and refused.headers["X-RateLimit-Remaining"] == "0"
    assert limiter.check("POST", MESSAGES, {"channel_id": "2"}).allowed  # another channel, another bucket
    now.t += 3
    assert limiter.check("POST", MESSAGES, {"channel_id": "1"}).allowed
    assert limiter.counters.route_429 == {"messages": 1}


def test_the_global_limit_is_fifty_a_second_and_interactions_are_outside_it() -> None:
    now = Now()
    limiter = RateLimiter(now)
    for channel in range(50):
        assert limiter.check("POST", MESSAGES, {"channel_id": str(channel)}).allowed
    refused = limiter.check("GET", "/channels/{channel_id}", {"channel_id": "7"})
    assert not refused.allowed and refused.scope == "global"
    assert refused.body is not None and refused.body["global"] is True
    assert refused.headers["X-RateLimit-Scope"] == "global" and refused.headers["X-RateLimit-Global"] == "true"
    assert refused.headers["Via"] == "1.1 google" and refused.headers["Retry-After"] == "1"
    for n in range(20):  # callbacks and interaction-webhook routes still go through
        assert limiter.check("POST", CALLBACK, {"interaction_id": str(n), "interaction_token": "t"}).allowed
    assert limiter.check("POST", FOLLOWUP, {"webhook_id": "1", "webhook_token": "a"}).allowed
    now.t += 1
    assert limiter.check("GET", "/channels/{channel_id}", {"channel_id": "7"}).allowed
    assert limiter.counters.global_429 == 1 and limiter.counters.global_counted == 51
    assert limiter.peak_global_rate() == 50


def test_interaction_webhooks_share_one_bucket_per_token() -> None:
    limiter = RateLimiter(Now())
    token = {"webhook_id": "1", "webhook_token": "abc"}
    for _ in range(3):
        assert limiter.check("POST", FOLLOWUP, token).allowed
    assert limiter.check("PATCH", ORIGINAL, token).allowed
    assert limiter.check("PATCH", ORIGINAL, token).allowed
    assert not limiter.check("POST", FOLLOWUP, token).allowed
    assert limiter.check("POST", FOLLOWUP, {"webhook_id": "1", "webhook_token": "other"}).allowed


def test_invalid_requests_over_ten_minutes_leave_shared_429s_out() -> None:
    now = Now()
    limiter = RateLimiter(now)
    for status in (401, 403, 404, 429, 200):
        limiter.observe(status, {"X-RateLimit-Scope": "user"} if status == 429 else {})
    limiter.observe(429, {"X-RateLimit-Scope": "shared"})
    assert limiter.invalid_requests() == 3 and limiter.counters.shared_429 == 1
    now.t += 600
    assert limiter.invalid_requests() == 0 and limiter.counters.invalid == 3


def test_the_table_says_which_limits_are_published() -> None:
    unpublished = {r.name for r in RULES.values() if not r.published} | (
        {INTERACTION_WEBHOOK.name} if not INTERACTION_WEBHOOK.published else set()
    )
    assert unpublished == {"event create", "dm open", "interaction webhook"}
    assert rule_for("DELETE", "/channels/{channel_id}/messages/{message_id}").per == 1.0
    assert is_interaction_endpoint(CALLBACK) and is_interaction_endpoint(ORIGINAL)
    assert not is_interaction_endpoint(MESSAGES)
