"""Each member's spoiler level, cached in this process with write-through.

Recaps, facts, search and the cast all ask "how far has this member watched?" on every answer;
with the content in memory (`bot.content.snapshot`) that question would be the only store trip
left. The answer changes only through `/spoilers`, which writes through this cache, so after the
first read a member costs no store trip at all.

Why a per-process cache is safe: the setting is per (server, member), and a server is served by
one process (one shard), so no other process writes the rows this one caches.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from bot.store.core import Store
from bot.store.members import get_spoiler_season, set_spoiler_season

DEFAULT_LIMIT = 100_000
"""Members kept; the least recently used one is forgotten past this (an entry is ~200 bytes)."""

Key = tuple[int, int]


class MemberSettingsCache:
    def __init__(self, store: Store, *, limit: int = DEFAULT_LIMIT) -> None:
        self.store = store
        self.limit = limit
        self._spoilers: OrderedDict[Key, int | None] = OrderedDict()
        self._writes = 0
        """Bumped by every write, so a read that raced one does not cache what it read before."""

    async def spoiler_season(self, guild_id: int, user_id: int) -> int | None:
        """As `bot.store.members.get_spoiler_season`; at most one store trip, none once cached."""
        key = (guild_id, user_id)
        try:
            value = self._spoilers[key]
        except KeyError:
            writes = self._writes
            value = await get_spoiler_season(self.store, guild_id, user_id)
            if writes == self._writes:
                self._remember(key, value)
            return value
        self._spoilers.move_to_end(key)
        return value

    async def set_spoiler_season(
        self, guild_id: int, user_id: int, season: int | None, *, now: dt.datetime
    ) -> None:
        """Store first, then the cache: a failed write leaves both as they were."""
        self._writes += 1
        self._spoilers.pop((guild_id, user_id), None)
        await set_spoiler_season(self.store, guild_id, user_id, season, now=now)
        self._writes += 1
        self._remember((guild_id, user_id), season)

    def _remember(self, key: Key, value: int | None) -> None:
        self._spoilers[key] = value
        self._spoilers.move_to_end(key)
        while len(self._spoilers) > self.limit:
            self._spoilers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._spoilers)
