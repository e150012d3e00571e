"""The spoiler-level cache: one store read per member, writes go through, a racing read never wins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.member_cache import MemberSettingsCache
from bot.store import Store
from bot.store.members import get_spoiler_season, set_spoiler_season

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


def count_reads(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    original = store.fetch_one

    async def counting(sql: str, params: object = ()) -> object:
        reads.append(sql)
        return await original(sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "fetch_one", counting)
    return reads


async def test_a_member_is_read_from_the_store_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    await set_spoiler_season(store, 1, 10, 2, now=NOW)
    cache = MemberSettingsCache(store)
    reads = count_reads(store, monkeypatch)
    assert [await cache.spoiler_season(1, 10) for _ in range(5)] == [2] * 5
    assert await cache.spoiler_season(1, 11) is None  # "never set" is cached too
    assert await cache.spoiler_season(1, 11) is None
    assert len(reads) == 2


async def test_writes_go_to_the_store_and_the_cache(store: Store) -> None:
    cache = MemberSettingsCache(store)
    assert await cache.spoiler_season(1, 10) is None
    await cache.set_spoiler_season(1, 10, 3, now=NOW)
    assert await cache.spoiler_season(1, 10) == 3
    assert await get_spoiler_season(store, 1, 10) == 3
    await cache.set_spoiler_season(1, 10, None, now=NOW)
    assert await cache.spoiler_season(1, 10) is None
    assert await get_spoiler_season(store, 1, 10) is None


async def test_a_refused_write_leaves_store_and_cache_agreeing(store: Store) -> None:
    cache = MemberSettingsCache(store)
    await cache.set_spoiler_season(1, 10, 2, now=NOW)
    with pytest.raises(UserError):
        await cache.set_spoiler_season(1, 10, 9, now=NOW)
    assert await cache.spoiler_season(1, 10) == 2 == await get_spoiler_season(store, 1, 10)


async def test_a_read_that_raced_a_write_does_not_cache_the_old_value(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_spoiler_season(store, 1, 10, 1, now=NOW)
    cache = MemberSettingsCache(store)
    read_done, write_done = asyncio.Event(), asyncio.Event()

    async def slow_read(store: Store, guild_id: int, user_id: int) -> int | None:
        value = await get_spoiler_season(store, guild_id, user_id)  # reads 1 ...
        read_done.set()
        await write_done.wait()  # ... and comes back only after the write of 4
        return value

    monkeypatch.setattr("bot.member_cache.get_spoiler_season", slow_read)
    read = asyncio.ensure_future(cache.spoiler_season(1, 10))
    await read_done.wait()
    await cache.set_spoiler_season(1, 10, 4, now=NOW)
    write_done.set()
    assert await read == 1
    monkeypatch.undo()
    assert await cache.spoiler_season(1, 10) == 4


async def test_the_least_recently_used_member_is_forgotten_past_the_limit(store: Store) -> None:
    cache = MemberSettingsCache(store, limit=2)
    for user in (10, 11, 10, 12):
        await cache.spoiler_season(1, user)
    assert len(cache) == 2
    assert (1, 11) not in cache._spoilers and (1, 10) in cache._spoilers
