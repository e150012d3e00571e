"""`python -m bot migrate-to-postgres`: move an existing SQLite database's community state into PostgreSQL.

One-way and all-or-nothing: every table the PostgreSQL schema has is copied from the SQLite file
(parents before children, following the foreign keys), identity sequences are moved past the
copied ids, and the row counts are compared before the one transaction commits. The target must
be empty, so running it twice cannot double anything. Timers that a crash left `sending` arrive
`pending` (they are sent again with the same nonce, as a restart would). The SQLite file is left as
it was; with DATABASE_URL set it keeps serving as the process's local content store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import asyncpg

from bot.store.core import Store, StoreError
from bot.store.postgres import PostgresStore

log = logging.getLogger(__name__)

_SKIP = {"schema_version"}


@dataclass(frozen=True)
class MigrationReport:
    rows: dict[str, int]

    def summary(self) -> str:
        moved = ", ".join(f"{count} {table}" for table, count in self.rows.items() if count)
        return f"copied {sum(self.rows.values())} rows: {moved or 'nothing to copy'}"


async def migrate_to_postgres(sqlite_path: Path, url: str) -> MigrationReport:
    if not sqlite_path.is_file():
        raise StoreError(f"there is no SQLite database at {sqlite_path}")
    source = await Store.open(sqlite_path)
    target = await PostgresStore.connect(url)
    try:
        return await _copy(source, target)
    finally:
        await target.close()
        await source.close()


async def _copy(source: Store, target: PostgresStore) -> MigrationReport:
    async with target.pool.acquire() as raw, raw.transaction():
        tables = await _tables_in_order(raw)
        sqlite_tables = {
            row[0] for row in await source.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        for table in tables:
            if await raw.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):  # noqa: S608 - catalog names
                raise StoreError(f"the PostgreSQL database already has rows in {table}; migrate into an empty one")
        rows: dict[str, int] = {}
        for table in tables:
            if table not in sqlite_tables:
                log.warning("table %s is not in the SQLite file; nothing to copy", table)
                continue
            rows[table] = await _copy_table(source, raw, table)
        for table in tables:
            await _move_identity(raw, table)
        for table, count in rows.items():
            copied = await raw.fetchval(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            if copied != count:
                raise StoreError(f"{table}: {count} rows in SQLite but {copied} in PostgreSQL; nothing was changed")
    report = MigrationReport(rows)
    log.info("migrate-to-postgres: %s", report.summary())
    return report


async def _tables_in_order(raw: asyncpg.Connection) -> list[str]:
    names = [
        r[0]
        for r in await raw.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        if r[0] not in _SKIP
    ]
    edges = await raw.fetch(
        "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent "
        "FROM pg_constraint c WHERE c.contype = 'f'"
    )
    graph: dict[str, set[str]] = {name: set() for name in sorted(names)}
    for edge in edges:
        if edge["child"] in graph and edge["parent"] in graph and edge["child"] != edge["parent"]:
            graph[edge["child"]].add(edge["parent"])
    return list(TopologicalSorter(graph).static_order())


async def _copy_table(source: Store, raw: asyncpg.Connection, table: str) -> int:
    target_columns = [
        r[0]
        for r in await raw.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
            "ORDER BY ordinal_position",
            table,
        )
    ]
    source_columns = {r[1] for r in await source.fetch_all(f"PRAGMA table_info({table})")}
    columns = [c for c in target_columns if c in source_columns]
    records: list[tuple[Any, ...]] = [
        tuple(row)
        for row in await source.fetch_all(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 - catalog names
    ]
    if table == "timers" and "state" in columns:
        at = columns.index("state")
        records = [(*r[:at], "pending", *r[at + 1 :]) if r[at] == "sending" else r for r in records]
    if records:
        await raw.copy_records_to_table(table, records=records, columns=columns)
    return len(records)


async def _move_identity(raw: asyncpg.Connection, table: str) -> None:
    """Identity columns continue after the largest copied id."""
    for column in await raw.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
        "AND is_identity = 'YES'",
        table,
    ):
        name = column[0]
        await raw.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{name}'), "  # noqa: S608 - catalog names
            f"COALESCE((SELECT MAX({name}) FROM {table}), 0) + 1, false)"
        )
