"""Per-server and per-member settings the watch-party and release features read.

Rows live in `guild_settings` / `member_settings` (migration 0002); each setter upserts only its own
columns, so features sharing a row (trivia's answer time, spoiler level) never overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.core import Store
from bot.store.timers import to_ts


@dataclass(frozen=True, slots=True)
class Announcements:
    """Where release reminders go and which role they ping (either may be unset)."""

    channel_id: int | None
    role_id: int | None


async def member_timezone(store: Store, guild_id: int, user_id: int) -> str | None:
    value = await store.fetch_value(
        "SELECT timezone FROM member_settings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return str(value) if value else None


async def set_member_timezone(store: Store, guild_id: int, user_id: int, zone: str | None, *, now: datetime) -> None:
    await store.execute(
        "INSERT INTO member_settings (guild_id, user_id, timezone, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at",
        (guild_id, user_id, zone, to_ts(now)),
    )


async def guild_timezone(store: Store, guild_id: int) -> str | None:
    value = await store.fetch_value("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return str(value) if value else None


async def set_guild_timezone(store: Store, guild_id: int, zone: str | None, *, now: datetime) -> None:
    await store.execute(
        "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at",
        (guild_id, zone, to_ts(now)),
    )


async def effective_timezone(store: Store, guild_id: int, user_id: int) -> str:
    """The member's saved zone, else the server's default, else UTC."""
    return await member_timezone(store, guild_id, user_id) or await guild_timezone(store, guild_id) or "UTC"


async def announcements(store: Store, guild_id: int) -> Announcements:
    row = await store.fetch_one(
        "SELECT announce_channel_id, reminder_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
    )
    if row is None:
        return Announcements(None, None)
    return Announcements(row["announce_channel_id"], row["reminder_role_id"])


async def set_announcements(
    store: Store, guild_id: int, *, channel_id: int | None, role_id: int | None, now: datetime
) -> None:
    await store.execute(
        "INSERT INTO guild_settings (guild_id, announce_channel_id, reminder_role_id, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET announce_channel_id = excluded.announce_channel_id, "
        "reminder_role_id = excluded.reminder_role_id, updated_at = excluded.updated_at",
        (guild_id, channel_id, role_id, to_ts(now)),
    )


DEFAULT_ANSWER_SECONDS = 20


async def trivia_answer_seconds(store: Store, guild_id: int) -> int:
    """The guild's button-mode answer time (`guild_settings.trivia_answer_seconds`, default 20)."""
    value = await store.fetch_value("SELECT trivia_answer_seconds FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return int(value) if value is not None else DEFAULT_ANSWER_SECONDS


LANGUAGE_AUTO = "auto"


async def guild_language(store: Store, guild_id: int) -> str | None:
    """The language a moderator pinned with `/settings language` (None: follow Discord's guild locale)."""
    value = await store.fetch_value("SELECT language FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return str(value) if value else None


async def set_guild_language(store: Store, guild_id: int, language: str | None, *, now: datetime) -> None:
    await store.execute(
        "INSERT INTO guild_settings (guild_id, language, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
        (guild_id, language, to_ts(now)),
    )


async def member_language(store: Store, guild_id: int, user_id: int) -> str | None:
    """The language a member's Discord was in when they asked for DM reminders."""
    value = await store.fetch_value(
        "SELECT language FROM member_settings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return str(value) if value else None


async def set_member_language(store: Store, guild_id: int, user_id: int, language: str, *, now: datetime) -> None:
    await store.execute(
        "INSERT INTO member_settings (guild_id, user_id, language, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
        (guild_id, user_id, language, to_ts(now)),
    )
