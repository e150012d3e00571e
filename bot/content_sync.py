"""Bring the content pack into the store at start-up when the store is empty or the pack changed.

A broken pack never takes the bot down: its problems are logged, and the bot keeps serving what the
store already holds (moderators fix the pack with `python -m bot content validate`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.store import Store

log = logging.getLogger(__name__)


async def refresh_content(store: Store, content_dir: Path) -> bool:
    """Import the pack if needed; True when an import happened."""
    return False  # wired to the content pack loader once it lands
