"""Exceptions whose text is safe to show to users.

The error handler answers a `UserError` with its message, ephemerally; anything else is a bug and
gets a short apology with an error id that also appears in the log beside the traceback.

A `UserError` raised with `key=` names a catalogue message (`bot.i18n`): `str(error)` is the
English, and the error handler shows `error.localized(interaction.locale)` to the member.
"""

from typing import Any

from bot.i18n import t


class UserError(Exception):
    """Bad input or a refused action; `str(error)` is shown to the user as it is."""

    def __init__(self, message: str = "", *, key: str | None = None, **params: Any) -> None:
        super().__init__(message or (t("en", key, **params) if key else ""))
        self.key = key
        self.params = params

    def localized(self, locale: object) -> str:
        """The message in the member's language (English for errors raised without a key)."""
        return t(locale, self.key, **self.params) if self.key else str(self)


class NotFoundError(UserError):
    """The thing the user named does not exist (season, episode, party, question…)."""


class PermissionDeniedError(UserError):
    """The user (or the bot) lacks a permission the action needs."""


class StoreUnavailableError(UserError):
    """The database is locked or missing; nothing was changed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(key="errors.store_unavailable")
        self.detail = detail
