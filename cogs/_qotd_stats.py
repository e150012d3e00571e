"""The question of the day streak line in `/trivia stats` (kept here so the trivia cog changes by one call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.qotd import alive
from bot.store import qotd as qotd_store
from cogs._qotd_text import say

if TYPE_CHECKING:
    from bot.app import LittleThingsBot


async def streak_of(bot: LittleThingsBot, guild_id: int, user_id: int) -> tuple[int, int]:
    """(current, best) for a member: what `/qotd streak` and `/trivia stats` show."""
    found = await qotd_store.get_streak(bot.store, guild_id, user_id)
    last = await qotd_store.last_revealed_day(bot.store, guild_id)
    return alive(found, last), found.best


async def add_qotd_streak(
    bot: LittleThingsBot, embed: discord.Embed, guild_id: int, user_id: int, locale: object = "en"
) -> None:
    """Add the streak field when the member ever had one."""
    current, best = await streak_of(bot, guild_id, user_id)
    if best:
        embed.add_field(name=say("qotd.stats.field", locale=locale),
                        value=say("qotd.stats.value", locale=locale, current=current, best=best),
                        inline=False)
