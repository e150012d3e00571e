"""Bring the content pack into the store at start-up when the store is empty or the pack changed.

A broken pack never takes the bot down: its problems are logged, and the bot keeps serving what the
store already holds (moderators fix the pack with `python -m bot content validate`). When community
state is in PostgreSQL, the pack goes into this process's local SQLite file, and its trivia
questions into the shared store unless the shared fingerprint says this pack is already there.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.content.loader import load_pack, pack_fingerprint
from bot.content.snapshot import ContentSnapshot, SearchIndex, empty_snapshot
from bot.store import Store
from bot.store import content as content_store
from bot.store.content import sync_pack
from bot.store.shared_pack import shared_fingerprint, sync_shared_questions

log = logging.getLogger(__name__)


async def refresh_content(store: Store, content_dir: Path) -> bool:
    """Import the pack if needed; True when an import happened."""
    if not content_dir.is_dir():
        log.error("content pack folder %s does not exist; serving what the store holds", content_dir)
        return False
    result = await sync_pack(store, content_dir)
    if result.status == "invalid":
        for problem in result.problems:
            log.error("content pack: %s", problem)
        log.error("fix the pack (python -m bot content validate); serving what the store already holds")
    elif result.status == "imported" and result.report is not None:
        log.info("content pack imported: %s", result.report.summary())
    if store.content is not store and result.status != "invalid":
        await _refresh_shared(store, content_dir)
    return result.status == "imported"


async def _refresh_shared(store: Store, content_dir: Path) -> None:
    fingerprint = pack_fingerprint(content_dir)
    if await shared_fingerprint(store) == fingerprint:
        return
    loaded = load_pack(content_dir)
    if loaded.pack is not None:
        await sync_shared_questions(store, loaded.pack, fingerprint)


async def load_snapshot(store: Store) -> ContentSnapshot:
    """Read the imported pack once into an immutable in-memory snapshot (see `bot.content.snapshot`).

    Built with the store's own read functions, so every list has the order and contents those give.
    The pack lives in `store.content` (this process's SQLite file when community state is elsewhere).
    """
    store = store.content
    async with store.transaction():  # one consistent read, even beside an import in another process
        show = await content_store.get_show(store)
        if show is None:
            return empty_snapshot()
        return await _snapshot(store, show)


async def imported_since(store: Store, snapshot: ContentSnapshot) -> bool:
    """True when the store holds another pack than `snapshot` (imported by `python -m bot content
    import` while the bot runs): one small read, for a watcher to poll."""
    return await content_store.pack_fingerprint_stored(store.content) != snapshot.fingerprint


async def _snapshot(store: Store, show: content_store.ShowInfo) -> ContentSnapshot:
    return ContentSnapshot(
        fingerprint=await content_store.pack_fingerprint_stored(store),
        show=show,
        seasons=tuple(await content_store.list_seasons(store)),
        people=tuple(await content_store.list_people(store)),
        characters=tuple(await content_store.list_characters(store)),
        cast_names=tuple(await content_store.cast_names(store)),
        facts=tuple(await content_store.all_facts(store)),
        fact_topics=tuple(await content_store.fact_topics(store)),
        releases=tuple(await content_store.list_releases(store)),
        stats=await content_store.content_stats(store),
        search_index=SearchIndex(await content_store.search_rows(store)),
    )
