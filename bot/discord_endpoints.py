"""Where discord.py sends its REST calls and opens its gateway.

Real Discord by default. The local Discord stand-in (`python -m bot play`, the end-to-end tests)
and anyone running the bot against another Discord-compatible server set `DISCORD_API_BASE_URL`
and `DISCORD_GATEWAY_URL`; these are the only two knobs discord.py needs, and this is the one place
that turns them.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def point_discord_py_at(api_base_url: str | None, gateway_url: str | None) -> None:
    """Aim discord.py's REST and gateway code at the given addresses (None: real Discord)."""
    discord.http.Route.BASE = (api_base_url or DISCORD_API_BASE).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY)
