"""The spoiler setting in the store (bot.store.members), which trivia also reads."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.store import Store
from bot.store.members import get_spoiler_season, set_spoiler_season

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


async def test_set_get_clear_per_guild_and_member(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "s.sqlite3")
    try:
        assert await get_spoiler_season(store, 1, 10) is None
        await set_spoiler_season(store, 1, 10, 2, now=NOW)
        await set_spoiler_season(store, 2, 10, 0, now=NOW)
        assert await get_spoiler_season(store, 1, 10) == 2
        assert await get_spoiler_season(store, 2, 10) == 0  # "none watched yet" is not "no limit"
        assert await get_spoiler_season(store, 1, 11) is None
        await set_spoiler_season(store, 1, 10, None, now=NOW)
        assert await get_spoiler_season(store, 1, 10) is None
        with pytest.raises(UserError):
            await set_spoiler_season(store, 1, 10, 5, now=NOW)
    finally:
        await store.close()


async def test_other_member_settings_in_the_row_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = await Store.open(path)
    try:
        await store.execute(
            "INSERT INTO member_settings (guild_id, user_id, timezone, updated_at) VALUES (1, 10, 'Asia/Kolkata', 0)"
        )
        await set_spoiler_season(store, 1, 10, 3, now=NOW)
        row = await store.fetch_one("SELECT timezone, spoiler_season, updated_at FROM member_settings")
        assert row is not None and tuple(row) == ("Asia/Kolkata", 3, int(NOW.timestamp()))
    finally:
        await store.close()
    reopened = await Store.open(path)
    try:
        assert await get_spoiler_season(reopened, 1, 10) == 3
    finally:
        await reopened.close()
