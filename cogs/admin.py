"""Owner-only maintenance: syncing the command tree without restarting with `--sync`."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import t
from cogs._errors import RefusedCheck


@app_commands.default_permissions(administrator=True)
@app_commands.guild_only()
class Admin(commands.GroupCog, group_name="admin", group_description="Bot owner tools"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not await self.bot.is_owner(interaction.user):
            raise RefusedCheck(t(interaction.locale, "admin.owner_only"))
        return True

    @app_commands.command(name="sync")
    @app_commands.describe(scope="Where to sync: this server only (instant) or everywhere (up to an hour)")
    async def sync(self, interaction: discord.Interaction, scope: Literal["server", "global"] = "server") -> None:
        """Publish the bot's slash commands to Discord."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if scope == "global":
            synced = await self.bot.tree.sync()
            where = "admin.synced_global"
        else:
            assert interaction.guild is not None  # guild_only
            self.bot.tree.copy_global_to(guild=interaction.guild)
            synced = await self.bot.tree.sync(guild=interaction.guild)
            where = "admin.synced_here"
        await interaction.followup.send(t(interaction.locale, where, count=len(synced)), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Admin(bot))
