"""Discord-side helpers shared by the watch-party, release and settings cogs.

Zones (option → member → server → UTC), zone autocomplete, the mapping from Discord errors to timer
outcomes, and the raw scheduled-event calls (raw so they work before the guild cache is filled, as
when a timer fires right after a restart).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.scheduling import resolve_zone, suggest_zones, zone_label
from bot.store import settings as settings_store
from bot.timers import PermanentTimerError, RetryableTimerError, TimerError

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
STATUS_ACTIVE = 2
STATUS_CANCELED = 4


def app(interaction: discord.Interaction) -> LittleThingsBot:
    return cast("LittleThingsBot", interaction.client)


async def zone_for(bot: LittleThingsBot, guild_id: int, user_id: int, option: str | None) -> ZoneInfo:
    """The zone to read a time in: the option if given, else the member's, else the server's, else UTC."""
    if option and option.strip():
        return resolve_zone(option)
    return ZoneInfo(await settings_store.effective_timezone(bot.store, guild_id, user_id))


async def zone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    now = app(interaction).clock.now()
    return [app_commands.Choice(name=zone_label(name, now), value=name) for name in suggest_zones(current)]


def timer_error(exc: discord.HTTPException) -> TimerError:
    """Forbidden/NotFound can never work later; anything else (5xx, 429 after retries) might."""
    if isinstance(exc, discord.Forbidden | discord.NotFound):
        return PermanentTimerError(f"{exc.status} {exc.code}: {exc.text}")
    retry_after = getattr(exc, "retry_after", None)
    return RetryableTimerError(f"{exc.status} {exc.code}: {exc.text}", retry_after=retry_after)


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def create_event(bot: LittleThingsBot, guild_id: int, payload: dict[str, Any]) -> int:
    data = await bot.http.create_guild_scheduled_event(guild_id, **payload)
    return int(data["id"])


async def fetch_event(bot: LittleThingsBot, guild_id: int, event_id: int) -> dict[str, Any] | None:
    try:
        return dict(await bot.http.get_scheduled_event(guild_id, event_id, False))
    except discord.NotFound:
        return None


async def edit_event(bot: LittleThingsBot, guild_id: int, event_id: int, **fields: Any) -> bool:
    """Best effort: an event someone deleted or finished by hand is not our error. False if it failed."""
    try:
        await bot.http.edit_scheduled_event(guild_id, event_id, **fields)
    except discord.HTTPException as exc:
        log.warning("could not update scheduled event %s in %s: %s", event_id, guild_id, exc)
        return False
    return True
