"""Per-member settings other features read: how far a member has watched (the spoiler guard).

Trivia, recaps, facts and search all ask the same question ("may this member see season N?"), so
the answer lives in one table (`member_settings`, migration 0002) behind two small functions.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.content.models import MAX_SEASON
from bot.errors import UserError
from bot.store.core import Store

log = logging.getLogger(__name__)


async def get_spoiler_season(store: Store, guild_id: int, user_id: int) -> int | None:
    """The last season the member has watched (0 = none yet), or None when they never set a limit."""
    value = await store.fetch_value(
        "SELECT spoiler_season FROM member_settings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return None if value is None else int(value)


async def set_spoiler_season(
    store: Store, guild_id: int, user_id: int, season: int | None, *, now: dt.datetime
) -> None:
    """Remember how far the member has watched; None turns the guard off (other settings are kept)."""
    if season is not None and not 0 <= season <= MAX_SEASON:
        raise UserError(key="errors.season_range", most=MAX_SEASON)
    await store.execute(
        "INSERT INTO member_settings (guild_id, user_id, spoiler_season, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET spoiler_season = excluded.spoiler_season, "
        "updated_at = excluded.updated_at",
        (guild_id, user_id, season, int(now.timestamp())),
    )
