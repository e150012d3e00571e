"""Where one trivia game's messages go: the `/trivia start` interaction first, the scheduler after.

While the start command's interaction token is valid (Discord: 15 minutes; we stop a minute early
so a slow request never lands on a dead token), every question, hint, reveal and the standings are
followups and followup edits with that token. Interaction endpoints are not bound to Discord's
global limit and use no channel bucket, so a thousand games starting at once cost the global
budget nothing. After that, or if Discord no longer knows the token, the game posts and edits in
its channel through the outbound scheduler at game priority (a question before a reminder).

Both ways raise what discord.py raises, so the session's handling of a refused post stays one path.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.outbound import Priority
from bot.outbound.discord_side import Sender

log = logging.getLogger(__name__)

TOKEN_LIFETIME = timedelta(minutes=15)
TOKEN_MARGIN = timedelta(minutes=1)
UNKNOWN_WEBHOOK = 10015


class GameOutput:
    def __init__(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        sender: Sender,
        clock: Clock,
        interaction: discord.Interaction | None,
        token_since: datetime | None = None,
    ) -> None:
        self.channel_id = channel_id
        self.guild_id = guild_id
        self.sender = sender
        self.clock = clock
        self.interaction = interaction
        since = token_since or clock.now()
        self.token_until = since + TOKEN_LIFETIME - TOKEN_MARGIN

    @property
    def via_interaction(self) -> bool:
        return self.interaction is not None and self.clock.now() < self.token_until

    async def send(self, **fields: Any) -> int:
        """Post a message (content, embed, view, allowed_mentions); returns its id."""
        if self.via_interaction:
            assert self.interaction is not None
            try:
                message = await self.interaction.followup.send(wait=True, **fields)
                return message.id
            except discord.NotFound as exc:
                self._token_gone(exc)
        posted = await self.sender.post(
            self.channel_id, priority=Priority.GAME, guild_id=self.guild_id, what="trivia message", **fields
        )
        return posted.id

    async def edit(self, message_id: int, **fields: Any) -> None:
        """Edit one of the game's messages; `fields` is its whole new look (a waiting edit is replaced)."""
        if self.via_interaction:
            assert self.interaction is not None
            try:
                await self.interaction.followup.edit_message(message_id, **fields)
                return
            except discord.NotFound as exc:
                self._token_gone(exc)
        await self.sender.edit(
            self.channel_id, message_id, priority=Priority.GAME, guild_id=self.guild_id, what="trivia edit", **fields
        )

    def _token_gone(self, exc: discord.NotFound) -> None:
        if exc.code != UNKNOWN_WEBHOOK:
            raise exc
        log.info("trivia in channel %s: the start command's token is no longer valid; posting in the channel",
                 self.channel_id)
        self.interaction = None
