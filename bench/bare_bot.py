"""The floor for bench/readspeed.py: the smallest useful discord.py bot, run as its own process.

`/ping` answers "pong"; `/buttons` posts four buttons whose clicks are answered "Locked in"
ephemerally (what a trivia click needs from Discord, with none of the game). Configured from the
environment like `python -m bot` (DISCORD_TOKEN, DISCORD_API_BASE_URL, DISCORD_GATEWAY_URL,
DEV_GUILD_ID), and stopped with SIGTERM.

    .venv/bin/python bench/bare_bot.py
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import discord

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.discord_endpoints import point_discord_py_at
from bot.localdiscord import PingBot


class Choice(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"bare:choice:(?P<index>[0-3])"):
    def __init__(self, index: int) -> None:
        super().__init__(discord.ui.Button(label=f"Choice {index + 1}", custom_id=f"bare:choice:{index}"))
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Choice:
        return cls(int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Locked in: Choice {self.index + 1}.", ephemeral=True)


class BareBot(PingBot):
    """The stand-in's own `PingBot` (`/ping`), plus `/buttons` for the click floor."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(guild_id=guild_id)

        @self.tree.command(name="buttons", description="Four buttons to click")
        async def buttons(interaction: discord.Interaction) -> None:
            view = discord.ui.View(timeout=None)
            for index in range(4):
                view.add_item(Choice(index))
            await interaction.response.send_message("Pick one", view=view)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Choice)
        await super().setup_hook()


async def main() -> None:
    point_discord_py_at(os.environ["DISCORD_API_BASE_URL"], os.environ["DISCORD_GATEWAY_URL"])
    bot = BareBot(int(os.environ["DEV_GUILD_ID"]))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
