"""Installs the one error path (see `cogs._errors`) on the command tree, and counts each slash
command's outcome for the metrics: answered, user error (told what was wrong) or crash (error id)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ops.instrument import command_of
from cogs._errors import report_error


class ErrorHandler(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous: Any = None

    async def cog_load(self) -> None:
        self._previous = self.bot.tree.on_error
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        error_id = await report_error(interaction, error)
        _count(self.bot, interaction, "crash" if error_id else "user_error")

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: Any) -> None:
        _count(self.bot, interaction, "answered")


def _count(bot: commands.Bot, interaction: discord.Interaction, outcome: str) -> None:
    metrics = getattr(bot, "metrics", None)
    if metrics is not None and interaction.type is discord.InteractionType.application_command:
        metrics.command_outcome(command_of(interaction), outcome)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ErrorHandler(bot))
