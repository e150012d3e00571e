"""Backups of a PostgreSQL store with PostgreSQL's own tools: `pg_dump --format=custom`, `pg_restore`, `psql`.

The promises are the SQLite backend's (`bot.ops.backup`): a backup is written to a hidden `.partial`
file, read back in full and checked before it is renamed into place; a restore checks the file
first, refuses while a bot is connected, keeps what it replaces, and swaps in one transaction.

- **One snapshot.** The row counts are taken in a REPEATABLE READ transaction that exports its
  snapshot, and pg_dump reads that same snapshot (`--snapshot`): the counts must match the archive
  exactly, even while the bot keeps writing.
- **Read back in full.** `pg_restore --file=-` writes the whole archive out as SQL. Counting the rows
  of each COPY block proves every data block is there (a file cut short fails here, although the
  table of contents at its head would still list) and gives the rows to compare; the schema version
  is the row of `schema_version`.
- **Restore in one transaction.** `pg_restore --clean --if-exists` writes the archive as SQL into a
  pipe; `psql --single-transaction` first drops the tables and views this code's migrations create,
  then runs it: all of it or nothing. Dropping the bot's own objects first means no table of a later
  migration is left behind beside an older archive (the bot could not migrate). Only the bot's
  objects go: the `public` schema itself, its grants and any extension in it stay, so the bot's role
  needs to own its tables, not the schema.
- **"A bot is running."** Every open store holds the advisory lock `RUNNING_LOCK` shared
  (`bot.store.postgres`; all shard processes at once); a restore takes it exclusively or refuses,
  and a bot started during a restore refuses to start. As a second line, the bot's connections
  carry the application name `littlethings-bot`: a restore also refuses while `pg_stat_activity`
  shows one. (A bot migrates only after taking the running lock, so no migration can start meanwhile.)
- **No password on a command line.** The URL's password reaches the client programs through
  `PGPASSWORD`, not their arguments, which `ps` shows to every user of the machine.
- **Not in these backups: the content pack.** Each process keeps it in its local SQLite file and
  imports it from `data/` at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from bot.localpg import installed_bin_dirs
from bot.ops.backup import (
    SQLITE_HEADER,
    BackupError,
    DatabaseCheck,
    RestoreResult,
    kept_when_done,
)
from bot.store.postgres import (
    BOT_APPLICATION_NAME,
    RUNNING_LOCK,
    pg_latest_version,
    pg_migration_scripts,
    redact,
    schema_version,
)
from bot.store.timers import to_ts

PG_SUFFIX = ".pgdump"
ARCHIVE_MAGIC = b"PGDMP"
INSTALL_CLIENT_HINT = (
    "install PostgreSQL's client programs, the same major version as the server or newer "
    "(Debian/Ubuntu: apt-get install postgresql-client)"
)
TOOL_TIMEOUT_S = 3600.0
_CREATED = re.compile(r"CREATE\s+(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
BOTS_GONE_WAIT_S = 2.0  # a bot that just closed its pool may still be listed for a moment
_COPY = re.compile(r'^COPY public\.(?:"((?:[^"]|"")+)"|(\w+)) \(.*\) FROM stdin;$')
T = TypeVar("T")


def find_client_tool(name: str, *, search: Sequence[Path] | None = None) -> Path:
    """`pg_dump`, `pg_restore` or `psql`: on PATH, else the newest `/usr/lib/postgresql/*/bin`.

    `search` replaces both places (for tests).
    """
    if search is not None:
        folders = list(search)
    else:
        on_path = shutil.which(name)
        if on_path:
            return Path(on_path)
        folders = installed_bin_dirs()
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} was not found on PATH or under /usr/lib/postgresql/*/bin: {INSTALL_CLIENT_HINT}")


def bot_objects() -> tuple[list[str], list[str]]:
    """The tables and views this code's migrations create (and `schema_version`): what a restore replaces."""
    tables: list[str] = ["schema_version"]
    views: list[str] = []
    for _, _, sql in pg_migration_scripts():
        for kind, name in _CREATED.findall(sql):
            (tables if kind.upper() == "TABLE" else views).append(name)
    return sorted(set(tables)), sorted(set(views))


def restore_preamble() -> str:
    """SQL run first in the restore's transaction: the bot's objects go (the archive's SQL makes them again)."""
    tables, views = bot_objects()
    return "SET client_min_messages = warning;\n" + "".join(
        [f'DROP VIEW IF EXISTS public."{name}" CASCADE;\n' for name in views]
        + [f'DROP TABLE IF EXISTS public."{name}" CASCADE;\n' for name in tables]
    )


def client_connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL for a client program without its password, and the environment that carries it (PGPASSWORD)."""
    parts = urllib.parse.urlsplit(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "30"}
    if parts.password is None:
        return url, env
    env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{hostport}")), env


class PostgresBackup:
    """Backs up and restores the PostgreSQL database at `url` (see the module docstring)."""

    suffix = PG_SUFFIX

    def __init__(self, url: str, *, keep_dir: Path, tool_dirs: Sequence[Path] | None = None) -> None:
        self.url = url
        self._client_url, self._env = client_connection(url)
        self.keep_dir = keep_dir  # where a restore keeps the database it replaced
        self.tool_dirs = tool_dirs

    @property
    def where(self) -> str:
        return redact(self.url)

    # -- backup ----------------------------------------------------------------------------------

    def backup(self, dest: Path) -> DatabaseCheck:
        return _run_sync(lambda: self._backup(dest))

    async def _backup(self, dest: Path) -> DatabaseCheck:
        if dest.exists():
            raise BackupError(f"{dest} already exists; give another file name")
        tools = [self._tool("pg_dump"), self._tool("pg_restore")]  # before anything is written
        with kept_when_done(dest) as partial:
            version, rows = await self._dump(tools[0], partial)
            check = await asyncio.to_thread(self._read_archive, partial)
            if check.schema_version != version:
                raise BackupError(f"the archive has schema version {check.schema_version}, the database {version}")
            if check.rows != rows:
                differ = sorted(t for t in set(rows) | set(check.rows) if rows.get(t) != check.rows.get(t))
                raise BackupError(f"the archive's row counts differ from the database's in {', '.join(differ)}")
        return DatabaseCheck(dest, check.schema_version, dest.stat().st_size, check.rows)

    async def _dump(self, pg_dump: Path, partial: Path) -> tuple[int, dict[str, int]]:
        """pg_dump the database into `partial` from the snapshot its row counts were taken in."""
        async with self._session("littlethings-backup") as conn, conn.transaction(
            isolation="repeatable_read", readonly=True
        ):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            version = await schema_version(conn)
            if version < 1:
                raise BackupError(f"there is no bot database at {self.where} to back up (check DATABASE_URL)")
            rows = await _row_counts(conn)
            await asyncio.to_thread(
                self._run, [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", "--no-password",
                            f"--file={partial}", f"--dbname={self._client_url}"], "pg_dump",
            )
        return version, rows

    # -- check -----------------------------------------------------------------------------------

    def check(self, file: Path) -> DatabaseCheck:
        """Prove `file` is a whole pg_dump archive of a bot database this code can use, or raise `BackupError`."""
        if not file.is_file():
            raise BackupError(f"{file} is a folder, not a backup file" if file.is_dir() else f"{file}: no such file")
        with file.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header.startswith(SQLITE_HEADER):
            raise BackupError(
                f"{file} is a backup of an SQLite database, but this bot's store is PostgreSQL (DATABASE_URL): "
                "restore it with DATABASE_URL unset, then move it with `python -m bot migrate-to-postgres`"
            )
        if not header.startswith(ARCHIVE_MAGIC):
            raise BackupError(f"{file} is not a backup (not a pg_dump archive in custom format)")
        check = self._read_archive(file)
        latest = pg_latest_version()
        if check.schema_version > latest:
            raise BackupError(
                f"{file} is from a newer version of the bot (schema version {check.schema_version}; this code "
                f"knows up to {latest}): update the bot first"
            )
        if check.schema_version < 1 or "timers" not in check.rows:
            raise BackupError(f"{file} is not a Little Things bot database (schema version {check.schema_version})")
        return check

    def _read_archive(self, file: Path) -> DatabaseCheck:
        """Write the whole archive out as SQL and count each table's rows on the way."""
        command = [str(self._tool("pg_restore")), "--file=-", str(file)]
        rows: dict[str, int] = {}
        version = 0
        with subprocess.Popen(  # noqa: S603 - our own argument list
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", env=self._env
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            errors: list[str] = []
            drain = threading.Thread(target=lambda: errors.extend(process.stderr or ()), daemon=True)
            drain.start()
            table: str | None = None
            for line in process.stdout:
                if table is None:
                    found = _COPY.match(line.rstrip("\n"))
                    if found:
                        table = (found[1] or "").replace('""', '"') or found[2]
                        rows[table] = 0
                elif line == "\\.\n" or line == "\\.":
                    table = None
                else:
                    rows[table] += 1
                    if table == "schema_version":
                        with contextlib.suppress(ValueError, IndexError):
                            version = int(line.rstrip("\n").split("\t")[1])
            process.wait(timeout=TOOL_TIMEOUT_S)
            drain.join(timeout=5)
        if process.returncode != 0 or table is not None:
            detail = _last_line(errors) or "the archive ends inside a table's data"
            raise BackupError(f"{file} is cut short or damaged: {detail}")
        return DatabaseCheck(file, version, file.stat().st_size, rows)

    # -- restore ---------------------------------------------------------------------------------

    def restore(self, file: Path, *, now: datetime) -> RestoreResult:
        return _run_sync(lambda: self._restore(file, now))

    async def _restore(self, file: Path, now: datetime) -> RestoreResult:
        check = await asyncio.to_thread(self.check, file)
        psql = self._tool("psql")
        async with self._session("littlethings-restore") as conn:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RUNNING_LOCK):
                raise BackupError("a bot is running against this database; stop it first (nothing was changed)")
            bots = await _bots_connected(conn)
            if bots:
                raise BackupError(
                    f"a bot process is using {self.where} ({bots} connection(s)); stop it first (nothing was changed)"
                )
            replaced = None
            if await schema_version(conn) > 0:
                replaced = self.keep_dir / f"replaced-{now.strftime('%Y%m%d-%H%M%S')}{PG_SUFFIX}"
                try:
                    await self._backup(replaced)
                except BackupError as exc:
                    raise BackupError(f"could not keep the database in place, so nothing was changed: {exc}") from exc
            try:
                await asyncio.to_thread(self._load, file, psql)
            except BackupError as exc:
                raise BackupError(f"restore failed, the database is as it was: {exc}") from exc
            restored = await _row_counts(conn)
            if restored != check.rows or await schema_version(conn) != check.schema_version:
                raise BackupError(f"the restored database differs from {file}; the one replaced is kept as {replaced}")
            size = int(await conn.fetchval("SELECT pg_database_size(current_database())"))
        return RestoreResult(DatabaseCheck(file, check.schema_version, size, check.rows), replaced, self.where)

    def _load(self, file: Path, psql: Path) -> None:
        """pg_restore writes the archive as SQL into a pipe (no copy of it on disk); psql runs the
        preamble and then that SQL in one transaction, so a failure anywhere changes nothing."""
        pg_restore = self._tool("pg_restore")
        with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
            producer = subprocess.Popen(  # noqa: S603 - our own argument list
                [str(pg_restore), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(file)],
                stdout=subprocess.PIPE, stderr=restore_err, env=self._env,
            )
            try:
                consumer = subprocess.run(  # noqa: S603
                    [str(psql), "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                     f"--command={restore_preamble()}", "--file=-", f"--dbname={self._client_url}"],
                    stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=psql_err, env=self._env,
                    timeout=TOOL_TIMEOUT_S, check=False,
                )
            except subprocess.TimeoutExpired as exc:  # psql was stopped: the server rolls its transaction back
                producer.kill()
                raise BackupError(f"psql took longer than {TOOL_TIMEOUT_S:.0f} s and was stopped") from exc
            finally:
                if producer.stdout is not None:
                    producer.stdout.close()
                producer.wait()
            # psql first: when it fails, pg_restore then only meets a closed pipe
            outcomes = (("psql", consumer.returncode, psql_err), ("pg_restore", producer.returncode, restore_err))
            for what, code, err in outcomes:
                if code != 0:
                    err.seek(0)
                    raise BackupError(self._failure(what, code, err.read(64 * 1024).decode("utf-8", "replace")))

    # -- noting a manual backup --------------------------------------------------------------------

    def record_manual(self, *, made_at: datetime, path: Path, size_bytes: int) -> bool:
        """Note a `python -m bot backup` in the `backups` table (for /admin status)."""

        async def record() -> bool:
            async with self._session("littlethings-backup") as conn:
                await conn.execute(
                    "INSERT INTO backups (made_at, path, size_bytes, trigger) VALUES ($1, $2, $3, 'manual')",
                    to_ts(made_at), str(path), size_bytes,
                )
            return True

        return _run_sync(record)

    # -- helpers ---------------------------------------------------------------------------------

    def _tool(self, name: str) -> Path:
        return find_client_tool(name, search=self.tool_dirs)

    @contextlib.asynccontextmanager
    async def _session(self, application: str) -> Any:
        try:
            conn = await asyncpg.connect(self.url, server_settings={"application_name": application}, timeout=30)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise BackupError(f"cannot connect to PostgreSQL at {self.where}: {exc}") from exc
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    def _run(self, command: list[str], what: str, *, stdout: Any = subprocess.DEVNULL) -> None:
        try:
            done = subprocess.run(  # noqa: S603 - our own argument list
                command, stdout=stdout, stderr=subprocess.PIPE, text=True, errors="replace", timeout=TOOL_TIMEOUT_S,
                env=self._env,
            )
        except subprocess.TimeoutExpired as exc:
            raise BackupError(f"{what} took longer than {TOOL_TIMEOUT_S:.0f} s and was stopped") from exc
        if done.returncode != 0:
            raise BackupError(self._failure(what, done.returncode, done.stderr))

    def _failure(self, what: str, returncode: int, stderr: str) -> str:
        """One line: the program's last error line, or the signal that stopped it (a full disk under
        a file size limit, say); the URL as it is shown everywhere else, without a password."""
        if returncode < 0:
            number = -returncode
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return f"{what} was stopped by {name} ({signal.strsignal(number) or 'a signal'})"
        detail = _last_line(stderr.splitlines()).replace(self.url, self.where).replace(self._client_url, self.where)
        return f"{what} failed: {detail or f'exit status {returncode}'}"


async def _row_counts(conn: asyncpg.Connection) -> dict[str, int]:
    names = [r[0] for r in await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )]
    quoted = [name.replace('"', '""') for name in names]
    return {name: int(await conn.fetchval(f'SELECT COUNT(*) FROM public."{q}"'))  # noqa: S608 - catalogue names
            for name, q in zip(names, quoted, strict=True)}


async def _bots_connected(conn: asyncpg.Connection) -> int:
    """Bot connections to this database; one that is closing gets a moment to go."""
    deadline = asyncio.get_running_loop().time() + BOTS_GONE_WAIT_S
    while True:
        count = int(await conn.fetchval(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
            BOT_APPLICATION_NAME,
        ))
        if count == 0 or asyncio.get_running_loop().time() >= deadline:
            return count
        await asyncio.sleep(0.1)


def _last_line(lines: Sequence[str] | Iterator[str]) -> str:
    """The line that says what went wrong: the last server ERROR (psql follows it with HINT and
    CONTEXT lines), else the last line."""
    useful = [line.strip() for line in lines if line.strip()]
    errors = [line[line.index("ERROR:"):] for line in useful if "ERROR:" in line]
    text = errors[-1] if errors else useful[-1] if useful else ""
    text = " ".join(text.split())
    return text.removeprefix("pg_restore: error: ").removeprefix("pg_dump: error: ").removeprefix("psql: error: ")


def _run_sync(work: Callable[[], Awaitable[T]]) -> T:
    """Run async work from the synchronous backend surface: at once without a loop (the CLI, a
    worker thread), else in a thread of its own (a caller inside a running loop)."""

    async def main() -> T:
        return await work()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    result: list[T] = []
    failure: list[BaseException] = []

    def in_thread() -> None:
        try:
            result.append(asyncio.run(main()))
        except BaseException as exc:  # handed back to the caller
            failure.append(exc)

    thread = threading.Thread(target=in_thread, name="pg-backup")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]
