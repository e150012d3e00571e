"""What a user typed for a time, zone or reminder list could not be used; the text says why."""

from __future__ import annotations

from typing import Any

from bot.errors import UserError
from bot.horizons import BeyondHorizonError


class TimeParseError(UserError):
    """The `when` text was not understood (the message gives examples that work)."""


class PastTimeError(UserError):
    """The time is not in the future."""


class TooFarAheadError(BeyondHorizonError):
    """The time is further ahead than the horizon for what is being planned (see `bot.horizons`)."""


class UnknownZoneError(UserError):
    """Not an IANA zone name or alias; `suggestions` holds close names."""

    def __init__(self, message: str, suggestions: list[str], *, key: str | None = None, **params: Any) -> None:
        super().__init__(message, key=key, **params)
        self.suggestions = suggestions


class AmbiguousTimeError(UserError):
    """The local time happens twice (clocks go back)."""


class NonExistentTimeError(UserError):
    """The local time is skipped (clocks go forward)."""


class OffsetParseError(UserError):
    """The reminder list (`24h,1h,10m,0`) was not understood or is out of bounds."""
