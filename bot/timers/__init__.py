"""Durable timers: one dispatcher task, rows in SQLite, handlers registered per kind.

Imports nothing from discord: cogs register handlers that translate discord errors into
`PermanentTimerError` / `RetryableTimerError`.
"""

from bot.store.timers import Timer, TimerSpec, TimerState, default_group
from bot.timers.engine import TimerEngine
from bot.timers.model import (
    Firing,
    Handler,
    PermanentTimerError,
    ReportedTimerError,
    RetryableTimerError,
    TimerError,
    nonce_for,
)

__all__ = [
    "Firing",
    "Handler",
    "PermanentTimerError",
    "ReportedTimerError",
    "RetryableTimerError",
    "Timer",
    "TimerEngine",
    "TimerError",
    "TimerSpec",
    "TimerState",
    "default_group",
    "nonce_for",
]
