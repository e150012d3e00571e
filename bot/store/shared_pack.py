"""The pack's share of the community store when it is PostgreSQL: the question bank and the pack fingerprint.

Why: with several processes on one PostgreSQL, each keeps the pack's read-only tables (recaps,
cast, facts, FTS search) in its own local SQLite file, but trivia questions are referred to by
games, usage, reports and community suggestions, which all processes share, so the bank lives in
the shared store. The `pack_meta` fingerprint there says which pack was imported last: a process
that starts with another pack brings its questions in (retiring, never deleting, those that left).
On SQLite the content import already does all this in the same file, and this module is not used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.content.models import ContentPack
from bot.store.content import _sync_questions
from bot.store.core import Store

log = logging.getLogger(__name__)

PACK_LOCK = 0x4C54_5041  # "LTPA": one advisory lock id for "someone is importing questions"


@dataclass(frozen=True)
class SharedPackResult:
    imported: bool
    previous_fingerprint: str | None
    added: int = 0
    updated: int = 0
    retired: int = 0


async def shared_fingerprint(store: Store) -> str | None:
    value = await store.fetch_value("SELECT value FROM pack_meta WHERE key = 'fingerprint'")
    return None if value is None else str(value)


async def sync_shared_questions(store: Store, pack: ContentPack, fingerprint: str) -> SharedPackResult:
    """Write the pack's questions and fingerprint in one transaction unless the store already has this pack.

    Processes starting together take turns on an advisory lock, so the bank is written once.
    """
    async with store.transaction() as conn:
        if store.dialect == "postgres":
            await conn.execute("SELECT pg_advisory_xact_lock(?)", (PACK_LOCK,))
        async with conn.execute("SELECT value FROM pack_meta WHERE key = 'fingerprint'") as cursor:
            row = await cursor.fetchone()
        previous = None if row is None else str(row[0])
        if previous == fingerprint:
            return SharedPackResult(False, previous)
        tally = await _sync_questions(conn, pack.questions)
        await conn.executemany(
            "INSERT INTO pack_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("version", pack.version), ("fingerprint", fingerprint)],
        )
    if previous is not None:
        log.warning("this process brought another content pack (%s) into the shared store", pack.version)
    log.info(
        "shared question bank: %d added, %d updated, %d retired", tally.added, tally.updated, tally.retired
    )
    return SharedPackResult(True, previous, tally.added, tally.updated, tally.retired)
