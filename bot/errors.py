"""Exceptions whose text is safe to show to users.

The error handler answers a `UserError` with its message, ephemerally; anything else is a bug and
gets a short apology with an error id that also appears in the log beside the traceback.
"""


class UserError(Exception):
    """Bad input or a refused action; `str(error)` is shown to the user as it is."""


class NotFoundError(UserError):
    """The thing the user named does not exist (season, episode, party, question…)."""


class PermissionDeniedError(UserError):
    """The user (or the bot) lacks a permission the action needs."""


class StoreUnavailableError(UserError):
    """The database is locked or missing; nothing was changed."""

    def __init__(self, detail: str = "") -> None:
        message = "The bot's database is busy or unavailable right now, so nothing was changed. Try again in a moment."
        super().__init__(message)
        self.detail = detail
