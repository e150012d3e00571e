"""Where a running bot feeds `BotMetrics` and answers `/healthz`.

Three taps, all outside the handlers' own code:
- `rest_observer`: watches every answer to discord.py's HTTP session (`bot.http_watch`; interaction
  answers use the same session), so every REST call, every 429 and the moment an interaction's
  first answer is accepted are seen in one place.
- `LittleThingsBot.dispatch` calls `interaction_seen` when an interaction arrives (the clock for
  the answer latency starts there).
- `OpsTree.interaction_check` names the guild and command for the log lines of that interaction.
Outcomes are counted by `cogs.ops` (answered) and `cogs.errors` (user error or crash).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.http_watch import ResponseObserver
from bot.ops.logs import current_command, current_guild
from bot.ops.metrics import BotMetrics
from bot.store import timers as timer_store
from bot.store.backups import last_backup

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

HEALTH_STORE_TIMEOUT = 2.0
TRIVIA_COG = "Trivia"


def rest_observer(metrics: BotMetrics) -> ResponseObserver:
    def observe(method: str, path: str, status: int, headers: Mapping[str, str]) -> None:
        metrics.rest_response(method, path, status)
        if status < 300 and path.endswith("/callback") and "/interactions/" in path:
            interaction_id = path.split("/interactions/", 1)[1].split("/", 1)[0]
            if interaction_id.isdigit():
                metrics.interaction_answered(int(interaction_id))

    return observe


def interaction_label(interaction: discord.Interaction) -> str:
    """`trivia start` for a command, `autocomplete:cast`, `component:trivia:answer`, `modal:...`."""
    data: Any = interaction.data or {}
    kind = interaction.type
    if kind in (discord.InteractionType.application_command, discord.InteractionType.autocomplete):
        name = command_of(interaction)
        return name if kind is discord.InteractionType.application_command else f"autocomplete:{name}"
    custom_id = str(data.get("custom_id", ""))
    prefix = ":".join(custom_id.split(":")[:2]) or "unknown"
    return f"modal:{prefix}" if kind is discord.InteractionType.modal_submit else f"component:{prefix}"


def command_name(data: Any) -> str:
    """The qualified command name from an interaction's data (`trivia start`)."""
    parts = [str(data.get("name", "unknown"))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # sub command, sub command group
        parts.append(str(options[0].get("name")))
        options = options[0].get("options") or []
    return " ".join(parts)


def command_of(interaction: discord.Interaction) -> str:
    """`command_name` of the interaction, worked out once: the metrics, the log context and the
    outcome count each ask for it."""
    extras = interaction.extras
    name = extras.get("command_name")
    if name is None:
        name = extras["command_name"] = command_name(interaction.data or {})
    return str(name)


def interaction_seen(metrics: BotMetrics, interaction: discord.Interaction) -> None:
    if interaction.type is discord.InteractionType.ping:
        return
    metrics.interaction_received(interaction.id, interaction_label(interaction))


class OpsTree(app_commands.CommandTree):
    """The command tree, plus the log context of the interaction it is handling."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        current_guild.set(interaction.guild_id)
        if interaction.type is discord.InteractionType.application_command:
            current_command.set(command_of(interaction))
        return True


# -- health and scrape-time gauges -----------------------------------------------------------------


def gateway_open(bot: LittleThingsBot) -> bool:
    ws = bot.ws
    return ws is not None and ws.open


def gateway_latency(bot: LittleThingsBot) -> float | None:
    latency = bot.latency
    return latency if math.isfinite(latency) else None


def games_running(bot: LittleThingsBot) -> int:
    cog = bot.get_cog(TRIVIA_COG)
    return len(getattr(cog, "sessions", {}) or {})


async def check_health(bot: LittleThingsBot) -> tuple[bool, dict[str, Any]]:
    """Healthy = the gateway connection is open and the database answers a query within 2 s."""
    if bot.is_closed():
        return False, {"status": "unhealthy", "reason": "the bot is shutting down"}
    if not gateway_open(bot):
        return False, {"status": "unhealthy", "reason": "not connected to the Discord gateway"}
    try:
        # Reads a table (portable SQL): the database itself must answer, not just the connection.
        await asyncio.wait_for(bot.store.fetch_value("SELECT 1 FROM timers LIMIT 1"), HEALTH_STORE_TIMEOUT)
    except TimeoutError:
        reason = f"the database did not answer within {HEALTH_STORE_TIMEOUT:g} s"
        return False, {"status": "unhealthy", "reason": reason}
    except Exception as exc:
        return False, {"status": "unhealthy", "reason": f"the database does not answer: {exc}"}
    latency = gateway_latency(bot)
    return True, {
        "status": "ok",
        "gateway_latency_ms": None if latency is None else round(latency * 1000, 1),
        "guilds": len(bot.guilds),
    }


async def render_metrics(bot: LittleThingsBot) -> bytes:
    """Refresh the gauges that cost a query, then the Prometheus text."""
    metrics = bot.metrics
    metrics.gateway_connected.set(1 if gateway_open(bot) else 0)
    latency = gateway_latency(bot)
    if latency is not None:
        metrics.gateway_latency.set(latency)
    metrics.trivia_games.set(games_running(bot))
    try:
        counts = await timer_store.count_by_state(bot.store)
        metrics.timers_pending.set(counts.get("pending", 0))
        last = await last_backup(bot.store)
        metrics.last_backup.set(0 if last is None else last.made_at.timestamp())
    except Exception as exc:  # the scrape still shows everything else; /healthz reports the store
        log.warning("metrics: could not read the store: %s", exc)
    return metrics.render()
