"""Log output: human lines (the default) or one JSON object a line for log collectors.

The guild and command of the interaction being handled are kept in context variables, set where
the command tree starts handling it (`bot.ops.instrument.OpsTree`): every line logged while that
interaction is handled carries them, without passing them around. An error id travels in the
record's `error_id` extra (see `cogs._errors`).
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

current_guild: ContextVar[int | None] = ContextVar("current_guild", default=None)
current_command: ContextVar[str | None] = ContextVar("current_command", default=None)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, guild, command, error_id (and the traceback as `exception`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "guild": getattr(record, "guild", None) or current_guild.get(),
            "command": getattr(record, "command", None) or current_command.get(),
            "error_id": getattr(record, "error_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["exception"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: int, log_format: Literal["human", "json"]) -> None:
    """Root logging for the bot process: discord.py's own human format, or JSON lines on stderr."""
    if log_format == "human":
        import discord

        discord.utils.setup_logging(level=level, root=True)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
