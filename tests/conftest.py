"""Fixtures shared by every test: a throwaway PostgreSQL server, and a database target per backend.

`db` is parametrised over both backends: each test that takes it runs once on a SQLite file under
`tmp_path` and once on its own database in a PostgreSQL cluster started for the session (from the
`initdb`/`pg_ctl` installed on the machine). Without those binaries the PostgreSQL half is skipped
with a message that says how to install them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.localpg import INSTALL_HINT, LocalPostgres, find_bin_dir, running_postgres
from bot.store import Store
from bot.store.postgres import PostgresStore

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalPostgres]:
    if find_bin_dir() is None:
        pytest.skip(INSTALL_HINT)
    with running_postgres() as cluster:
        yield cluster


@dataclass
class DbTarget:
    """Where one test's store lives; `open()` can be called again to reopen the same database."""

    backend: str
    path: Path
    url: str | None = None

    async def open(self, *, migrate_to: int | None = None) -> Store:
        if self.url is not None:
            return await PostgresStore.connect(self.url, migrate_to=migrate_to)
        return await Store.open(self.path, migrate_to=migrate_to)


def new_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> DbTarget:
    if backend == "postgres":
        cluster: LocalPostgres = request.getfixturevalue("pg_cluster")
        return DbTarget(backend, tmp_path / "content.sqlite3", cluster.create_database())
    return DbTarget(backend, tmp_path / "bot.sqlite3")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> DbTarget:
    return new_target(request.param, request, tmp_path)
