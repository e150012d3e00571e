"""The store: SQLite (one aiosqlite connection) or PostgreSQL (`postgres.py`, same interface), versioned
migrations, typed query modules.

All SQL lives in this package. Content tables (filled from the pack) are kept apart from
community tables (scores, parties, settings) so that re-importing the pack never touches what the
community made.
"""

from bot.store.core import Store, StoreError

__all__ = ["Store", "StoreError"]
