"""Server settings for announcements and time zones, and each member's own time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import PermissionDeniedError, UserError
from bot.i18n import t
from bot.scheduling import resolve_zone, zone_label
from bot.store import settings as settings_store
from bot.store.settings import LANGUAGE_AUTO
from cogs._locale import lang, server_language
from cogs._watchparty_discord import NO_PINGS, zone_autocomplete

if TYPE_CHECKING:
    from bot.app import LittleThingsBot


def _require_manage_guild(interaction: discord.Interaction) -> None:
    if not interaction.permissions.manage_guild:
        raise PermissionDeniedError(key="settings.need_manage_guild")


class Settings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description="Server settings for the bot",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    timezone = app_commands.Group(name="timezone", description="Your own time zone", guild_only=True)

    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot

    @settings.command(name="announcements")
    @app_commands.describe(
        channel="Where release reminders are posted",
        role="The role release reminders ping (members can give it to themselves with /remindme release)",
    )
    async def announcements(
        self, interaction: discord.Interaction, channel: discord.TextChannel, role: discord.Role | None = None
    ) -> None:
        """Choose the release announcement channel and reminder role."""
        _require_manage_guild(interaction)
        assert interaction.guild_id is not None
        if role is not None and (role.is_default() or role.managed):
            raise UserError(key="settings.bad_role", role=role.mention)
        await settings_store.set_announcements(
            self.bot.store,
            interaction.guild_id,
            channel_id=channel.id,
            role_id=role.id if role else None,
            now=self.bot.clock.now(),
        )
        text = (t(lang(interaction), "settings.announcements_role", channel=channel.mention, role=role.mention)
                if role else t(lang(interaction), "settings.announcements_no_role", channel=channel.mention))
        await interaction.response.send_message(text, allowed_mentions=NO_PINGS)

    @settings.command(name="timezone")
    @app_commands.describe(zone="The server's default time zone, e.g. Asia/Kolkata")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def server_timezone(self, interaction: discord.Interaction, zone: str) -> None:
        """Set the server's default time zone for parties and releases."""
        _require_manage_guild(interaction)
        assert interaction.guild_id is not None
        tz = resolve_zone(zone)
        now = self.bot.clock.now()
        await settings_store.set_guild_timezone(self.bot.store, interaction.guild_id, tz.key, now=now)
        await interaction.response.send_message(
            t(lang(interaction), "settings.server_zone", zone=zone_label(tz.key, now)), allowed_mentions=NO_PINGS
        )

    @settings.command(name="language")
    @app_commands.describe(language="English, Hindi, or the server's own language (auto)")
    @app_commands.choices(language=[
        app_commands.Choice(name="auto", value=LANGUAGE_AUTO),
        app_commands.Choice(name="English", value="en"),
        app_commands.Choice(name="हिन्दी", value="hi"),
    ])
    async def language(self, interaction: discord.Interaction, language: app_commands.Choice[str]) -> None:
        """Choose the language of the bot's posts in this server."""
        _require_manage_guild(interaction)
        assert interaction.guild_id is not None
        pinned = None if language.value == LANGUAGE_AUTO else language.value
        await settings_store.set_guild_language(self.bot.store, interaction.guild_id, pinned, now=self.bot.clock.now())
        effective = await server_language(self.bot.store, interaction.guild_id, interaction.guild_locale)
        key = "settings.language_auto" if pinned is None else "settings.language_set"
        await interaction.response.send_message(
            t(lang(interaction), key, language=t(effective, "language_name")), allowed_mentions=NO_PINGS
        )

    @timezone.command(name="set")
    @app_commands.describe(zone="Your time zone, e.g. Asia/Kolkata, Europe/London, IST")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def member_timezone(self, interaction: discord.Interaction, zone: str) -> None:
        """Set your time zone, used when you type times."""
        assert interaction.guild_id is not None
        tz = resolve_zone(zone)
        now = self.bot.clock.now()
        await settings_store.set_member_timezone(
            self.bot.store, interaction.guild_id, interaction.user.id, tz.key, now=now
        )
        await interaction.response.send_message(
            t(lang(interaction), "settings.member_zone", zone=zone_label(tz.key, now)), ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(Settings(bot))
