"""The thin Discord side of the outbound scheduler: the few functions every non-interaction send goes through.

Cogs call `bot.sender.post(...)`, `.edit(...)`, `.dm(...)` and `.create_event(...)` instead of
`channel.send` and friends, naming a priority; each becomes one scheduler job on the right lanes,
and errors come back to the caller exactly as discord.py raised them (`discord.Forbidden` for a
refused post, so the callers' handling of refusals stays where it is).

`rate_limit_observer` watches discord.py's HTTP session (`bot.http_watch`): every answer, interaction
routes included, is counted by the `RequestMeter`, and a 429 that happens anyway holds the scheduler's
lane (or everything, for a global one) for the time Discord asked. discord.py itself waits that
long and retries the request once per 429, so obeying costs one retry, never a storm.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord

from bot.http_watch import ResponseObserver
from bot.outbound.meter import RequestMeter
from bot.outbound.pacer import Lane, Priority
from bot.outbound.runner import Outbound

_LANE_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"/channels/(\d+)/messages$"), "messages"),
    ("PATCH", re.compile(r"/channels/(\d+)/messages/\d+$"), "edits"),
    ("POST", re.compile(r"/users/@me/channels$"), "dm-open"),
    ("POST", re.compile(r"/guilds/(\d+)/scheduled-events$"), "events"),
)


def lane_of(method: str, path: str) -> Lane | None:
    """The scheduler lane a REST call belongs to, if the scheduler paces that route."""
    for wanted, pattern, kind in _LANE_PATTERNS:
        if method == wanted:
            found = pattern.search(path)
            if found is not None:
                return (kind, int(found.group(1)) if found.groups() else 0)
    return None


def rate_limit_observer(meter: RequestMeter, outbound: Outbound) -> ResponseObserver:
    """Feeds every answer to `meter` and every 429 to the scheduler."""

    def observe(method: str, path: str, status: int, headers: Mapping[str, str]) -> None:
        hit = meter.observe(status, headers)
        if hit is None or hit.scope == "shared":
            return
        lane = None if hit.scope == "global" else lane_of(method.upper(), path)
        if hit.scope == "global" or lane is not None:
            outbound.pause(lane, hit.retry_after)

    return observe


class Sender:
    """Posts, edits, DMs and Discord events that no interaction answers, paced by the scheduler."""

    def __init__(self, client: discord.Client, outbound: Outbound) -> None:
        self.client = client
        self.outbound = outbound

    async def post(
        self,
        channel_id: int,
        *,
        priority: Priority,
        guild_id: int | None = None,
        due_at: datetime | None = None,
        what: str = "message",
        **send: Any,
    ) -> discord.Message:
        """`channel.send(**send)` in its turn; raises what discord.py raises (Forbidden, NotFound...)."""
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)

        async def go() -> discord.Message:
            return await channel.send(**send)

        message: discord.Message = await self.outbound.submit(
            go, lanes=(("messages", channel_id),), priority=priority, due_at=due_at, what=f"{what} in {channel_id}"
        )
        return message

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        priority: Priority,
        guild_id: int | None = None,
        what: str = "edit",
        **fields: Any,
    ) -> None:
        """Edit a message in its turn. `fields` must be the message's whole new look (embed, view...):
        a newer edit of the same message replaces a waiting one instead of queueing behind it."""
        message = self.client.get_partial_messageable(channel_id, guild_id=guild_id).get_partial_message(message_id)

        async def go() -> None:
            await message.edit(**fields)

        await self.outbound.submit(
            go, lanes=(("edits", channel_id),), priority=priority, coalesce=("edit", message_id),
            what=f"{what} of {message_id}",
        )

    async def dm(
        self, user_id: int, *, priority: Priority = Priority.RELEASE_DM, due_at: datetime | None = None, **send: Any
    ) -> discord.Message:
        """Open (once) the DM channel with `user_id` and send; Forbidden means their DMs are closed."""
        known = self._known_dm(user_id)
        lanes: tuple[Lane, ...] = (("messages", known.id),) if known is not None else (("dm-open", 0),)

        async def go() -> discord.Message:
            channel = await self.client.create_dm(discord.Object(id=user_id))
            return await channel.send(**send)

        message: discord.Message = await self.outbound.submit(
            go, lanes=lanes, priority=priority, requests=1 if known is not None else 2, due_at=due_at,
            what=f"DM to {user_id}",
        )
        return message

    def create_event_soon(self, guild_id: int, payload: dict[str, Any], *, priority: Priority) -> asyncio.Future[int]:
        """Queue the creation of a Discord scheduled event; the future has its id.

        Not a coroutine: the caller can ask `outbound.queued(future)` at once whether it went out
        already or is waiting for the server's event bucket, and not wait in the second case.
        """

        async def go() -> int:
            data = await self.client.http.create_guild_scheduled_event(guild_id, **payload)
            return int(data["id"])

        return self.outbound.submit(go, lanes=(("events", guild_id),), priority=priority, what=f"event in {guild_id}")

    def _known_dm(self, user_id: int) -> discord.DMChannel | None:
        state = getattr(self.client, "_connection", None)
        finder = getattr(state, "_get_private_channel_by_user", None)
        found = finder(user_id) if finder is not None else None
        return found if isinstance(found, discord.DMChannel) else None
