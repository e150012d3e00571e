"""The stand-in's memory of the bot's REST traffic, and the errors a test asks it to return.

Tests assert on what the bot sent (`fake.calls`), on what Discord would have refused
(`fake.violations`: a body the spec or the practical limits reject), and provoke failures the bot
must survive (`fake.fail_next(...)`) with the exact bodies and headers Discord uses, because
discord.py decides from those whether to retry, raise `Forbidden`, or wait out a rate limit.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from bot.localdiscord.spec import Problem


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart body (`files[0]` ...), with its bytes."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Violation:
    """A body real Discord would have refused; a test fails if any occurred unexpectedly."""

    method: str
    route: str
    path: str
    problems: tuple[Problem, ...]
    body: Any

    def __str__(self) -> str:
        listed = "; ".join(str(p) for p in self.problems)
        return f"{self.method} {self.route}: {listed}"


@dataclass
class RestCall:
    """One REST request from the bot and the status the stand-in answered with."""

    seq: int
    method: str
    route: str | None  # spec template, e.g. "/channels/{channel_id}/messages"; None if Discord has no such path
    path: str  # concrete path below /api/v10, without the query string
    params: dict[str, str]  # the template's parameters
    query: dict[str, str]
    json: Any
    files: tuple[UploadedFile, ...]
    started: float  # loop time when the request arrived
    status: int = 0
    response: Any = None
    violation: Violation | None = None
    injected: bool = False
    checked: bool = False  # held against the spec when it came (see LocalDiscord.check_unchecked)

    def __repr__(self) -> str:
        return f"<RestCall #{self.seq} {self.method} {self.path} -> {self.status}>"


_DEFAULTS: dict[int, tuple[int, str]] = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (0, "404: Not Found"),
    429: (0, "You are being rate limited."),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
}


@dataclass
class Failure:
    """An error queued for the next matching request (`times` requests, then it is used up)."""

    method: str
    route: str
    status: int
    code: int
    message: str
    times: int = 1
    retry_after: float = 0.05
    global_limit: bool = False
    errors: dict[str, Any] | None = None
    used: int = field(default=0)
    skip: int = 0  # matching calls still to let through before failing

    def body(self) -> dict[str, Any]:
        if self.status == 429:
            return {
                "message": self.message,
                "retry_after": self.retry_after,
                "global": self.global_limit,
                "code": self.code,
            }
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def headers(self, bucket: str) -> dict[str, str]:
        if self.status != 429:
            return {}
        # discord.py retries a 429 only when `Via` is present (a Cloudflare ban has none).
        return {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(self.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if self.global_limit else "user",
            **({"X-RateLimit-Global": "true"} if self.global_limit else {}),
        }


def make_failure(
    method: str,
    route: str,
    *,
    status: int,
    code: int | None,
    message: str | None,
    times: int,
    retry_after: float,
    global_limit: bool,
    errors: dict[str, Any] | None,
) -> Failure:
    default_code, default_message = _DEFAULTS.get(status, (0, f"{status}: Error"))
    return Failure(
        method=method.upper(),
        route=route,
        status=status,
        code=default_code if code is None else code,
        message=default_message if message is None else message,
        times=times,
        retry_after=retry_after,
        global_limit=global_limit,
        errors=errors if errors is not None else ({} if status == 400 else None),
    )


def bucket_hash(route: str | None) -> str:
    """A stable per-route bucket id, as Discord sends in `X-RateLimit-Bucket`."""
    return hashlib.sha1((route or "unknown").encode(), usedforsecurity=False).hexdigest()[:32]
