"""`watch_responses` on discord.py's own HTTP client, logged in to the stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import discord
import pytest

from bot.discord_endpoints import point_discord_py_at
from bot.http_watch import WatchUnavailableError, watch_responses
from bot.localdiscord import LocalDiscord


@pytest.fixture
async def fake() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running() as fake:
        point_discord_py_at(fake.api_base_url, fake.gateway_url)
        try:
            yield fake
        finally:
            point_discord_py_at(None, None)


async def test_every_answer_reaches_each_observer_with_its_status_and_headers(fake: LocalDiscord) -> None:
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    seen: list[tuple[str, str, int, str | None]] = []
    also: list[int] = []

    def observe(method: str, path: str, status: int, headers: Mapping[str, str]) -> None:
        seen.append((method, path, status, headers.get("X-RateLimit-Bucket")))

    try:
        assert watch_responses(http, [observe]) is False  # not logged in: no session yet
        await http.static_login(fake.token)
        assert watch_responses(http, [observe, lambda *answer: also.append(answer[2])]) is True
        channel = fake.channel("general").id
        await http.send_message(channel, params=discord.http.handle_message_parameters(content="hello"))
        with pytest.raises(discord.NotFound):
            await http.get_message(channel, 1)
    finally:
        await http.close()

    assert [(m, p, s) for m, p, s, _ in seen] == [
        ("POST", f"/api/v10/channels/{channel}/messages", 200),
        ("GET", f"/api/v10/channels/{channel}/messages/1", 404),
    ]
    assert seen[0][3]  # the rate-limit headers come along
    assert also == [200, 404]


async def test_a_changed_discord_py_is_refused_at_start(fake: LocalDiscord) -> None:
    http: Any = discord.http.HTTPClient(asyncio.get_running_loop())
    http._HTTPClient__session = object()  # what a release that reworked its session might leave
    with pytest.raises(WatchUnavailableError, match=r"discord\.py's HTTP session has changed shape"):
        watch_responses(http, [])
