"""Settings read once from the environment (and `.env`), validated, and passed into the bot.

Nothing else reads `os.environ`: the bot gets a `Config` and so do the tests, which build one
directly instead of patching globals.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values

from bot import PROJECT_ROOT

DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "littlethings.sqlite3"
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "data" / "content"

# Three dot-separated URL-safe base64 parts, as every Discord bot token has.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{3,}\.[A-Za-z0-9_\-]{10,}$")
_PLACEHOLDERS = {"", "your-bot-token-here", "changeme", "token", "xxx"}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the setting and `.env.example`."""


@dataclass(frozen=True)
class Config:
    token: str
    database_path: Path = DEFAULT_DATABASE_PATH
    """The SQLite file: everything, or (with `database_url`) this process's copy of the content pack."""
    database_url: str | None = None
    """postgresql://… when community state is shared in PostgreSQL; None for SQLite only."""
    content_dir: Path = DEFAULT_CONTENT_DIR
    dev_guild_id: int | None = None
    log_level: int = logging.INFO
    owner_ids: frozenset[int] = field(default_factory=frozenset)
    typed_trivia: bool = False
    api_base_url: str | None = None
    gateway_url: str | None = None
    shard_ids: tuple[int, ...] | None = None
    """The shards this process runs (with `shard_count`); None: one unsharded connection."""
    shard_count: int | None = None
    timer_lease_seconds: int = 60
    """With several processes: how long a claimed timer is one process's before others may send it."""
    # Operations (issue 14). Built directly (tests), a Config makes no automatic backups and serves
    # no metrics; `load_config` turns backups on beside the database unless told otherwise.
    backup_dir: Path | None = None
    backup_every: timedelta | None = timedelta(days=1)
    backup_keep: int = 7
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_format: Literal["human", "json"] = "human"
    shutdown_timeout: float = 10.0
    requests_per_second: float = 45.0  # the outbound scheduler's budget, under Discord's global 50/s

    def with_overrides(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_config(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = PROJECT_ROOT / ".env",
    require_token: bool = True,
) -> Config:
    """Merge `.env` under the process environment (the environment wins) and validate."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    token = values.get("DISCORD_TOKEN", "").strip()
    if require_token:
        _check_token(token)

    database_path, database_url = _database(values)
    shard_ids, shard_count = parse_shards(values.get("SHARDS"), values.get("SHARD_COUNT"))
    return Config(
        token=token,
        database_path=database_path,
        database_url=database_url,
        content_dir=_path(values.get("CONTENT_DIR"), DEFAULT_CONTENT_DIR),
        dev_guild_id=_optional_snowflake(values, "DEV_GUILD_ID"),
        log_level=_log_level(values.get("LOG_LEVEL", "INFO")),
        owner_ids=frozenset(_snowflake_list(values, "OWNER_IDS")),
        typed_trivia=_flag(values, "TRIVIA_TYPED_MODE"),
        api_base_url=values.get("DISCORD_API_BASE_URL") or None,
        gateway_url=values.get("DISCORD_GATEWAY_URL") or None,
        shard_ids=shard_ids,
        shard_count=shard_count,
        timer_lease_seconds=_positive_int(values, "TIMER_LEASE_SECONDS", 60),
        backup_dir=_path(values.get("BACKUP_DIR"), database_path.parent / "backups"),
        backup_every=_every(values.get("BACKUP_EVERY", "")),
        backup_keep=_positive_int(values, "BACKUP_KEEP", 7),
        metrics_port=_port(values.get("METRICS_PORT", "")),
        metrics_host=values.get("METRICS_HOST", "").strip() or "127.0.0.1",
        log_format=_log_format(values.get("LOG_FORMAT", "")),
        shutdown_timeout=float(_positive_int(values, "SHUTDOWN_TIMEOUT", 10)),
        requests_per_second=_requests_per_second(values.get("DISCORD_REQUESTS_PER_SECOND", "")),
    )


def parse_shards(ids: str | None, count: str | None) -> tuple[tuple[int, ...] | None, int | None]:
    """SHARDS=0,1 and SHARD_COUNT=4 (or --shards/--shard-count): which of the bot's shards this process runs.

    SHARD_COUNT alone runs every shard; SHARDS needs SHARD_COUNT (each process must agree on it).
    """
    ids, count = (ids or "").strip(), (count or "").strip()
    if not ids and not count:
        return None, None
    if not count.isdigit() or int(count) < 1:
        raise ConfigError(f"SHARD_COUNT must be a whole number of shards (1 or more), not {count!r}; see .env.example.")
    total = int(count)
    if not ids:
        return tuple(range(total)), total
    parts = [part.strip() for part in ids.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ConfigError(f"SHARDS must be comma-separated shard numbers like 0,1, not {ids!r}; see .env.example.")
    shard_ids = tuple(sorted({int(part) for part in parts}))
    if shard_ids[-1] >= total:
        raise ConfigError(
            f"SHARDS lists shard {shard_ids[-1]}, but SHARD_COUNT={total} means shards 0 to {total - 1}; "
            "see .env.example."
        )
    return shard_ids, total


def _database(values: Mapping[str, str]) -> tuple[Path, str | None]:
    """DATABASE_URL: unset or sqlite:///path keeps one SQLite file; postgresql://… shares community state."""
    path = _path(values.get("DATABASE_PATH"), DEFAULT_DATABASE_PATH)
    raw = values.get("DATABASE_URL", "").strip()
    if not raw:
        return path, None
    if raw.startswith("sqlite:///"):
        return _path(raw.removeprefix("sqlite:///"), path), None
    if raw.startswith(("postgresql://", "postgres://")):
        return path, raw
    raise ConfigError(
        "DATABASE_URL must be sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:port/database; "
        "see .env.example."
    )


_EVERY_WORDS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
_EVERY_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _every(raw: str) -> timedelta | None:
    """`BACKUP_EVERY`: daily (default), hourly, weekly, a number with m/h/d/w (`12h`), or off."""
    text = raw.strip().lower()
    if not text:
        return timedelta(days=1)
    if text in ("off", "0", "false", "no", "never"):
        return None
    if text in _EVERY_WORDS:
        return _EVERY_WORDS[text]
    match = re.fullmatch(r"(\d+)\s*([mhdw])", text)
    if match is None or int(match[1]) * _EVERY_UNITS[match[2]] < 300:
        raise ConfigError(
            f"BACKUP_EVERY must be daily, hourly, weekly, a period such as 12h or 2d (at least 5m), or off, "
            f"not {raw!r}; see .env.example."
        )
    return timedelta(seconds=int(match[1]) * _EVERY_UNITS[match[2]])


def _positive_int(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}; see .env.example.")
    return int(raw)


def _port(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not (1 <= int(text) <= 65535):
        raise ConfigError(f"METRICS_PORT must be a port number (1-65535), not {raw!r}; see .env.example.")
    return int(text)


def _log_format(raw: str) -> Literal["human", "json"]:
    text = raw.strip().lower()
    if text in ("", "human", "text"):
        return "human"
    if text == "json":
        return "json"
    raise ConfigError(f"LOG_FORMAT must be human or json, not {raw!r}; see .env.example.")


def _check_token(token: str) -> None:
    hint = "copy .env.example to .env and set DISCORD_TOKEN (or try the bot first with: python -m bot play)"
    if token.lower() in _PLACEHOLDERS:
        raise ConfigError(f"DISCORD_TOKEN is not set: {hint}.")
    if any(c.isspace() for c in token) or not _TOKEN_SHAPE.match(token):
        raise ConfigError(
            f"DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots): {hint}."
        )


def _path(raw: str | None, default: Path) -> Path:
    if not raw or not raw.strip():
        return default
    path = Path(raw.strip()).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path)


def _optional_snowflake(values: Mapping[str, str], name: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not (15 <= len(raw) <= 21):
        raise ConfigError(f"{name} must be a Discord server id (a 17–20 digit number), not {raw!r}; see .env.example.")
    return int(raw)


def _snowflake_list(values: Mapping[str, str], name: str) -> list[int]:
    raw = values.get(name, "").strip()
    if not raw:
        return []
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    bad = [part for part in ids if not part.isdigit()]
    if bad:
        raise ConfigError(f"{name} must be comma-separated user ids; {bad[0]!r} is not one; see .env.example.")
    return [int(part) for part in ids]


def _log_level(raw: str) -> int:
    level = logging.getLevelName(raw.strip().upper() or "INFO")
    if not isinstance(level, int):
        raise ConfigError(
            f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {raw!r}; see .env.example."
        )
    return level


def _flag(values: Mapping[str, str], name: str) -> bool:
    raw = values.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false, not {raw!r}; see .env.example.")


def _requests_per_second(raw: str) -> float:
    """Discord allows 50 requests per second per bot; the default keeps 5 for commands' own calls."""
    if not raw.strip():
        return 45.0
    try:
        value = float(raw.strip())
    except ValueError:
        value = 0.0
    if not 1 <= value <= 50:
        raise ConfigError(
            f"DISCORD_REQUESTS_PER_SECOND must be a number from 1 to 50 (Discord's global limit), not {raw!r}; "
            "see .env.example."
        )
    return value
