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
        super().__init__(message or (t("en", key, **_for(params, "en")) if key else ""))
        self.key = key
        self.params = params

    def localized(self, locale: object) -> str:
        """The message in the member's language (English for errors raised without a key).

        A parameter may be a function of the locale (`filters=lambda loc: ...`) when it is itself text.
        """
        return t(locale, self.key, **_for(self.params, locale)) if self.key else str(self)


def _for(params: dict[str, Any], locale: object) -> dict[str, Any]:
    return {name: value(locale) if callable(value) else value for name, value in params.items()}


class NotFoundError(UserError):
    """The thing the user named does not exist (season, episode, party, question…)."""


class PermissionDeniedError(UserError):
    """The user (or the bot) lacks a permission the action needs."""


class StoreUnavailableError(UserError):
    """The database is locked or missing; nothing was changed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(key="errors.store_unavailable")
        self.detail = detail
