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
from bot.store import Store
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
