"""Which language to answer in.

A reply to a member follows their Discord client (`interaction.locale`). A post nobody asked for at
that moment (a reminder, a trivia question in a running game, a restart notice) follows the
server: the language a moderator pinned with `/settings language`, else the server's own Discord
locale (`guild_locale`). Anything that is not Hindi is answered in English.
"""

from __future__ import annotations

import discord

from bot.i18n import language_of
from bot.store import Store
from bot.store.settings import guild_language


def lang(interaction: discord.Interaction) -> str:
    return language_of(interaction.locale)


async def server_language(store: Store, guild_id: int | None, guild_locale: object = None) -> str:
    """The language of the server's channel posts."""
    if guild_id is not None:
        pinned = await guild_language(store, guild_id)
        if pinned:
            return language_of(pinned)
    return language_of(guild_locale)


async def guild_post_language(store: Store, guild: discord.Guild | None, guild_id: int | None = None) -> str:
    """`server_language` for a discord.py Guild (its `preferred_locale` is the server's locale)."""
    locale = guild.preferred_locale if guild is not None else None
    return await server_language(store, guild.id if guild is not None else guild_id, locale)
