"""List commands read one page through an index: their cost is the page's, not the table's.

Checked with EXPLAIN QUERY PLAN on a real SQLite file: a search on the index in the list's order
(no full scan, no sort of the whole table). The timings are printed by bench/readspeed.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.events import UPCOMING_PAGE_SQL


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


async def plan(store: Store, sql: str, params: tuple[object, ...]) -> list[str]:
    return [str(row[3]) for row in await store.fetch_all("EXPLAIN QUERY PLAN " + sql, params)]


async def test_watchparty_list_reads_a_page_from_the_index_in_start_order(store: Store) -> None:
    steps = await plan(store, UPCOMING_PAGE_SQL, (1, 25))
    assert any("USING INDEX watch_parties_guild (guild_id=? AND state=?)" in s for s in steps), steps
    assert any("party_rsvps" in s and "(party_id=?)" in s for s in steps), steps  # going: one party's rows
    assert not any("SCAN" in s or "TEMP B-TREE" in s for s in steps), steps


async def test_watchparty_autocomplete_reads_a_page_from_the_index(store: Store) -> None:
    sql = "SELECT * FROM watch_parties WHERE guild_id = ? AND state = ? ORDER BY starts_at, id LIMIT ?"
    steps = await plan(store, sql, (1, "scheduled", 25))
    assert steps == ["SEARCH watch_parties USING INDEX watch_parties_guild (guild_id=? AND state=?)"]
