"""Party edits `bot.store.events` has no function for (renaming), kept apart from that module's owner."""

from __future__ import annotations

from datetime import datetime

from bot.store.core import Store
from bot.store.events import Party, get_party
from bot.store.timers import to_ts


async def rename_party(store: Store, party_id: int, title: str, *, now: datetime) -> Party | None:
    await store.execute(
        "UPDATE watch_parties SET title = ?, updated_at = ? WHERE id = ?", (title, to_ts(now), party_id)
    )
    return await get_party(store, party_id)
