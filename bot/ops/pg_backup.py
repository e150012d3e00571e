"""Backups of the PostgreSQL store with PostgreSQL's own tools, checked like the SQLite ones.

Why `pg_dump --format=custom` / `pg_restore` and not our own copy: they are the tools a host
already trusts, they read one consistent snapshot without stopping the bot, and the archive they
write can be restored by hand on any server even without this code.

- backup: a REPEATABLE READ transaction counts every table's rows and exports its snapshot;
  `pg_dump --snapshot` dumps exactly that snapshot to a hidden `.partial` file. The archive is
  then read back whole with `pg_restore` (a file cut short fails there), its schema version and
  per-table row counts must match the ones counted, and only then is it renamed into place.
- restore: the file is checked first (a pg_dump archive at all, whole, of this bot, not from a
  newer version). Every process using the database holds `RUNNING_LOCK` shared (see
  `bot.store.postgres`); the restore takes it exclusively or refuses. It dumps the current
  database to `before-restore-<time>.pgdump` in the backup folder (the "kept beside" of the SQLite
  file swap), then loads the archive in ONE transaction through psql: the bot's tables and views
  are dropped and the archive's created and filled, or, on any error, nothing changed at all.
  Dropping the bot's own tables first (and not only the archive's) matters when the database
  has moved on to a newer schema than the backup: a table left over would make the next start's
  migration fail.

Only the community state is backed up. The local SQLite file (`DATABASE_PATH`) holds the content
pack, which the bot rebuilds from `data/` at every start, so it needs no backup.

The client tools are found on PATH, else under `/usr/lib/postgresql/<version>/bin` (Debian's place);
`pg_dump` must be the server's major version or newer. The URL's password, if any, goes to the
tools through `PGPASSWORD`, not the command line that `ps` shows.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.parse
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import asyncpg

from bot.ops.backup import (
    PG_DUMP_MAGIC,
    SQLITE_HEADER,
    BackupError,
    DatabaseCheck,
    RestoreResult,
    _fsync,
    _fsync_dir,
    _reason,
    _remove,
)
from bot.store.postgres import RUNNING_LOCK, pg_migration_scripts, redact

PG_SUFFIX = ".pgdump"
DEBIAN_ROOT = Path("/usr/lib/postgresql")
CLIENT_HINT = "install the PostgreSQL client tools (e.g. `apt-get install postgresql-client`)"
CONNECT_TIMEOUT_S = 10.0
TOOL_TIMEOUT_S = 3600.0  # a dump of a large database takes a while; a hung one must still end

_COPY = re.compile(r'^COPY "?([^"\s.(]+)"?\."?([^"\s(]+)"? \(([^)]*)\) FROM stdin;$')  # schema, table, columns
_CREATED = re.compile(r"CREATE\s+(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)

T = TypeVar("T")


def find_tool(name: str, *, path: str | None = None, install_root: Path = DEBIAN_ROOT) -> Path:
    """`pg_dump`, `pg_restore` or `psql`: on PATH, else the newest under `install_root`, else a one-line error."""
    found = shutil.which(name, path=path)
    if found:
        return Path(found)
    candidates = sorted(install_root.glob("*/bin"), key=lambda p: _version_key(p.parent.name), reverse=True)
    for candidate in candidates:
        if (candidate / name).is_file():
            return candidate / name
    raise BackupError(f"{name} was not found on PATH or under {install_root}/*/bin: {CLIENT_HINT}")


def pg_latest_version() -> int:
    return len(pg_migration_scripts())


def bot_objects() -> tuple[list[str], list[str]]:
    """The tables and views this code's migrations create (plus `schema_version`): what a restore replaces."""
    tables: list[str] = ["schema_version"]
    views: list[str] = []
    for _, _, sql in pg_migration_scripts():
        for kind, name in _CREATED.findall(sql):
            (tables if kind.upper() == "TABLE" else views).append(name)
    return sorted(set(tables)), sorted(set(views))


class PostgresBackup:
    """`BackupBackend` for a store in PostgreSQL (`DATABASE_URL`)."""

    suffix = PG_SUFFIX

    def __init__(
        self, url: str, keep_dir: Path, *, path: str | None = None, install_root: Path = DEBIAN_ROOT
    ) -> None:
        self.url = url
        self.keep_dir = keep_dir  # where the database a restore replaces is kept
        self._path = path
        self._install_root = install_root
        self._client_url, self._env = client_connection(url)

    def _tool(self, name: str) -> Path:
        return find_tool(name, path=self._path, install_root=self._install_root)

    # -- backup ----------------------------------------------------------------------------------

    def backup(self, dest: Path) -> DatabaseCheck:
        """Dump the database to `dest` (one snapshot), read the archive back and check it, then keep it."""
        return run_sync(lambda: self._backup(dest, for_restore=True))

    async def _backup(self, dest: Path, *, for_restore: bool) -> DatabaseCheck:
        if dest.exists():
            raise BackupError(f"{dest} already exists; give another file name")
        pg_dump = self._tool("pg_dump")
        self._tool("pg_restore")  # needed for the check: say so before dumping
        partial = dest.with_name(f".{dest.name}.partial")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _remove(partial)
            version, rows = await self._dump(pg_dump, partial, require_bot=for_restore)
            check = self.check(partial, expect_rows=rows, for_restore=for_restore)
            if check.schema_version != version:
                raise BackupError(f"the copy has schema version {check.schema_version}, the database {version}")
            _fsync(partial)
            os.replace(partial, dest)
            _fsync_dir(dest.parent)
        except BackupError as exc:
            _remove(partial)
            raise BackupError(f"backup failed, nothing was kept: {exc}") from exc
        except OSError as exc:
            _remove(partial)
            raise BackupError(f"backup failed, nothing was kept: could not write {dest}: {_reason(exc)}") from exc
        return DatabaseCheck(dest, check.schema_version, dest.stat().st_size, check.rows)

    async def _dump(self, pg_dump: Path, partial: Path, *, require_bot: bool) -> tuple[int, dict[str, int]]:
        """Count rows and dump in the same exported snapshot, so the counts must match the archive exactly."""
        conn = await self._connect()
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
                version = await _schema_version(conn)
                if require_bot and version < 1:
                    raise BackupError(
                        f"the database at {redact(self.url)} has no bot tables yet (start the bot once to create them)"
                    )
                rows = await _row_counts(conn)
                await _run_tool_async(
                    [str(pg_dump), "--format=custom", f"--file={partial}", f"--snapshot={snapshot}",
                     f"--dbname={self._client_url}"],
                    env=self._env,
                )
        finally:
            await _close(conn)
        return version, rows

    # -- check -----------------------------------------------------------------------------------

    def check(
        self, file: Path, *, expect_rows: dict[str, int] | None = None, for_restore: bool = True
    ) -> DatabaseCheck:
        """Read the whole archive with `pg_restore` and prove it is a bot database this code can restore.

        `for_restore=False` (the copy of the database a restore replaces) skips what only matters
        for putting a file back: that it holds the bot's tables and is not from a newer version.
        """
        if file.is_dir():
            raise BackupError(f"{file} is a folder, not a backup file")
        if not file.is_file():
            raise BackupError(f"{file}: no such file")
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
        if head.startswith(SQLITE_HEADER):
            raise BackupError(
                f"{file} is a backup of an SQLite database, but this bot keeps its data in PostgreSQL "
                "(DATABASE_URL): restore it with DATABASE_URL unset, then move it with migrate-to-postgres"
            )
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{file} is not a backup of a PostgreSQL database (not a pg_dump custom-format archive)")
        pg_restore = self._tool("pg_restore")
        try:
            _run_tool([str(pg_restore), "--list", str(file)], env=self._env)
            data = _read_data(pg_restore, file, env=self._env)
        except BackupError as exc:
            raise BackupError(f"{file} is cut short or damaged ({exc}); the copy is incomplete") from exc
        rows, version = data.rows, data.version
        if for_restore:
            latest = pg_latest_version()
            if version > latest:
                raise BackupError(
                    f"{file} is from a newer version of the bot (schema version {version}; this code "
                    f"knows up to {latest}): update the bot first"
                )
            if version < 1 or "timers" not in rows:
                raise BackupError(f"{file} is not a Little Things bot database (schema version {version})")
        if expect_rows is not None and rows != expect_rows:
            differ = sorted(t for t in set(rows) | set(expect_rows) if rows.get(t) != expect_rows.get(t))
            raise BackupError(f"the copy's row counts differ from the database's in {', '.join(differ)}")
        return DatabaseCheck(file, version, size, rows)

    # -- restore ---------------------------------------------------------------------------------

    def restore(self, file: Path, *, now: datetime) -> RestoreResult:
        """Replace the database's contents with `file`'s; the replaced data is kept as a `.pgdump` file."""
        archive = self.check(file)
        tools = {name: self._tool(name) for name in ("pg_dump", "pg_restore", "psql")}
        return run_sync(lambda: self._restore(file, archive, now, tools))

    async def _restore(
        self, file: Path, archive: DatabaseCheck, now: datetime, tools: dict[str, Path]
    ) -> RestoreResult:
        conn = await self._connect()
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RUNNING_LOCK):
                raise BackupError("a bot is running against this database; stop it first (nothing was changed)")
            replaced: Path | None = None
            if await _has_tables(conn):
                replaced = self.keep_dir / f"before-restore-{now.strftime('%Y%m%d-%H%M%S')}{PG_SUFFIX}"
                try:
                    await self._backup(replaced, for_restore=False)
                except BackupError as exc:
                    raise BackupError(f"could not keep the current database, so nothing was restored: {exc}") from exc
            kept = f"; the data it held is kept in {replaced}" if replaced else ""
            try:
                self._load(file, tools["pg_restore"], tools["psql"])
            except BackupError as exc:
                raise BackupError(f"restore failed, the database is as it was: {exc}") from exc
            version = await _schema_version(conn)
            rows = await _row_counts(conn)
            if version != archive.schema_version or any(rows.get(t) != n for t, n in archive.rows.items()):
                raise BackupError(f"the restored database does not match {file}{kept}")
        finally:
            await _close(conn)  # ends the session and with it the exclusive lock
        return RestoreResult(DatabaseCheck(Path(redact(self.url)), version, archive.size_bytes, rows), replaced)

    def _load(self, file: Path, pg_restore: Path, psql: Path) -> None:
        """pg_restore writes the archive as SQL; psql runs it after dropping the bot's objects, in one transaction."""
        tables, views = bot_objects()
        preamble = "SET client_min_messages = warning;\n" + "".join(
            [f'DROP VIEW IF EXISTS public."{name}" CASCADE;\n' for name in views]
            + [f'DROP TABLE IF EXISTS public."{name}" CASCADE;\n' for name in tables]
        )
        with _scratch() as restore_err, _scratch() as psql_err:
            producer = subprocess.Popen(  # noqa: S603 - our own arguments
                [str(pg_restore), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(file)],
                stdout=subprocess.PIPE, stderr=restore_err, env=self._env,
            )
            try:
                consumer = subprocess.run(  # noqa: S603
                    [str(psql), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                     f"--command={preamble}", "--file=-", f"--dbname={self._client_url}"],
                    stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=psql_err, env=self._env,
                    timeout=TOOL_TIMEOUT_S, check=False,
                )
            except subprocess.TimeoutExpired as exc:  # psql was killed: the server rolls its transaction back
                producer.kill()
                raise BackupError(f"psql did not finish in {TOOL_TIMEOUT_S:.0f} s") from exc
            finally:
                if producer.stdout is not None:
                    producer.stdout.close()
                producer.wait()
            if consumer.returncode != 0:  # psql first: its error is the cause when pg_restore then hit a closed pipe
                raise BackupError(_failure("psql", consumer.returncode, _text(psql_err)))
            if producer.returncode != 0:
                raise BackupError(_failure("pg_restore", producer.returncode, _text(restore_err)))

    async def _connect(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT_S)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise BackupError(f"cannot connect to PostgreSQL at {redact(self.url)}: {_reason(exc)}") from exc


# -- helpers -------------------------------------------------------------------------------------


def run_sync(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end from synchronous code, also when called inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def client_connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment carrying it in PGPASSWORD (kept off `ps`)."""
    parts = urllib.parse.urlsplit(url)
    env = dict(os.environ)
    if parts.password is None:
        return url, env
    env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{hostport}")), env


async def _run_tool_async(command: list[str], *, env: dict[str, str]) -> None:
    """Run a client tool without blocking the loop (the snapshot's connection waits on it)."""
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=TOOL_TIMEOUT_S)
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode:
        raise BackupError(_failure(Path(command[0]).name, process.returncode, err.decode(errors="replace")))


def _run_tool(command: list[str], *, env: dict[str, str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - our own arguments
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
            timeout=TOOL_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{Path(command[0]).name} did not finish in {TOOL_TIMEOUT_S:.0f} s") from exc
    if result.returncode != 0:
        raise BackupError(_failure(Path(command[0]).name, result.returncode, result.stderr))


@dataclass(frozen=True)
class _ArchiveData:
    rows: dict[str, int]
    version: int  # schema_version's row; 0 when the archive has none


def _read_data(pg_restore: Path, file: Path, *, env: dict[str, str]) -> _ArchiveData:
    r"""Stream every table's data out of the archive, counting rows and reading the schema version.

    COPY's text format writes one line a row (newlines inside values are escaped as `\n`), so
    counting the lines between `COPY ... FROM stdin;` and `\.` counts rows, and nothing is held
    in memory. pg_restore reads the whole file to do it: one cut short fails here.
    """
    rows: dict[str, int] = {}
    version = 0
    with _scratch() as err:
        process = subprocess.Popen(  # noqa: S603 - our own arguments
            [str(pg_restore), "--data-only", "--file=-", str(file)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env,
        )
        assert process.stdout is not None
        try:
            table: str | None = None
            columns: list[str] = []
            for raw in process.stdout:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                if table is None:
                    match = _COPY.match(line)
                    if match:  # tables outside `public` are read through (the whole file is checked), not counted
                        table = match.group(2) if match.group(1) == "public" else ""
                        columns = [c.strip().strip('"') for c in match.group(3).split(",")]
                        if table:
                            rows[table] = 0
                elif line == "\\.":
                    table = None
                elif table:
                    rows[table] += 1
                    if table == "schema_version" and "version" in columns:
                        value = line.split("\t")[columns.index("version")]
                        version = int(value) if value.isdigit() else 0
        finally:
            process.stdout.close()
            process.wait()  # its output is closed: it ends (the loop above read it to the end, or broke off)
        if process.returncode != 0:
            raise BackupError(_failure("pg_restore", process.returncode, _text(err)))
    return _ArchiveData(rows, version)


async def _schema_version(conn: asyncpg.Connection) -> int:
    if not await conn.fetchval("SELECT to_regclass('public.schema_version') IS NOT NULL"):
        return 0
    value = await conn.fetchval("SELECT version FROM public.schema_version WHERE id = 1")
    return int(value or 0)


async def _tables(conn: asyncpg.Connection) -> list[str]:
    return [
        r[0]
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ]


async def _has_tables(conn: asyncpg.Connection) -> bool:
    return bool(await _tables(conn))


async def _row_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows in every table of the `public` schema (what pg_dump writes a COPY block for)."""
    return {
        name: int(await conn.fetchval(f'SELECT COUNT(*) FROM public."{name}"'))  # noqa: S608 - catalog names
        for name in await _tables(conn)
    }


async def _close(conn: asyncpg.Connection) -> None:
    try:
        await conn.close(timeout=5)
    except Exception:
        conn.terminate()


@contextlib.contextmanager
def _scratch() -> Iterator[IO[bytes]]:
    """A file for a tool's stderr: a pipe nobody reads while another pipe is pumped could fill and hang it."""
    with tempfile.TemporaryFile() as handle:
        yield handle


def _text(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read(64 * 1024).decode("utf-8", errors="replace")


def _failure(tool: str, returncode: int, stderr: str) -> str:
    """One line on why a tool failed: its first error line, or the signal that stopped it."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"{tool} was stopped by {name} ({signal.strsignal(-returncode) or 'a signal'})"
    return _first_line(stderr, tool)


def _first_line(stderr: str, tool: str) -> str:
    """The tool's first error line without its `pg_dump: error: ` prefix, for a one-line message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if ": error: " in line] or lines
    if not errors:
        return f"{tool} failed"
    text = errors[0]
    for prefix in (f"{tool}: error: ", f"{tool}: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    return f"{tool}: {text}"


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())
