"""Which store a process opens: one SQLite file, or PostgreSQL for community state plus a local content file.

Why here and not in the bot: the CLI tools (content import, migrate-to-postgres) and the benchmark
open stores the same way the bot does.
"""

from __future__ import annotations

import contextlib

from bot.config import Config
from bot.store.core import Store


async def open_store(config: Config) -> Store:
    """The store the bot and the tools use; with DATABASE_URL, its `.content` is the local SQLite file."""
    local = await Store.open(config.database_path)
    if not config.database_url:
        return local
    from bot.store.postgres import PostgresStore

    try:
        return await PostgresStore.connect(config.database_url, content=local)
    except BaseException:
        await local.close()
        raise


async def close_store(store: Store) -> None:
    """Close the store and, when it is a different file, its local content store."""
    content = None
    with contextlib.suppress(RuntimeError):
        content = store.content
    await store.close()
    if content is not None and content is not store:
        await content.close()
