"""Base classes for the bot's views and modals, so their errors take the one error path."""

from __future__ import annotations

from typing import Any

import discord

from cogs._errors import report_error


class BotView(discord.ui.View):
    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await report_error(interaction, error)


class BotModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error)
