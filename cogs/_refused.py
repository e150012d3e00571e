"""The one path for a post Discord refused (403/404) on someone's behalf.

Each caller ends its own game, party or announcement; this module says why in words (see
`bot.refusals`), tells the person who started it privately, and records it for moderators: a WARNING
the first time, `/about` afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.outbound import Priority
from bot.refusals import Refusal

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
Tell = Callable[[str], Awaitable[Any]]


def is_refused(exc: BaseException) -> bool:
    """Discord will refuse this post every time: the bot lacks a permission, or the channel is gone."""
    return isinstance(exc, discord.Forbidden | discord.NotFound)


async def report_refused(
    bot: LittleThingsBot,
    exc: discord.HTTPException,
    *,
    what: str,
    guild_id: int,
    channel_id: int,
    tell: Tell | None,
    intro: str = "",
    tell_again: bool = True,
    locale: object = "en",
) -> str:
    """Record the refusal (WARNING once), tell the starter with `tell`, and return the sentence sent.

    `tell_again=False` tells the starter only the first time (a release whose every reminder is refused).
    """
    refusal = Refusal(guild_id, channel_id, what, exc.status, exc.code, bot.clock.now())
    text = f"{intro}{refusal.explain(locale)}"
    new = bot.refusals.record(refusal)
    if new:
        log.warning(
            "Discord refused a %s in channel %s of server %s (%s %s: %s)",
            what, channel_id, guild_id, exc.status, exc.code, exc.text,
        )
    if tell is not None and (new or tell_again):
        try:
            await tell(text)
        except discord.HTTPException as error:
            log.info("could not tell the starter about a refused %s: %s", what, error)
    return text


def dm_teller(bot: LittleThingsBot, user_id: int) -> Tell:
    """Tell a member in a DM (for posts made by a timer, long after the command's interaction expired)."""

    async def tell(text: str) -> None:
        await bot.sender.dm(user_id, priority=Priority.REMINDER, content=text, allowed_mentions=NO_PINGS)

    return tell


def followup_teller(interaction: discord.Interaction) -> Tell:
    """Tell the member as a private followup to the command they used (valid 15 minutes)."""

    async def tell(text: str) -> None:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    return tell
