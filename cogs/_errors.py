"""The one path from an exception to what the user sees.

Order of handling:
1. Wrappers (`CommandInvokeError`, `TransformerError` with a cause) are unwrapped.
2. `UserError` (bad input, refused action): its own text.
3. Discord's check failures (permissions, cooldown, server only): a sentence naming what is missing.
4. `discord.Forbidden` from a call the bot made: the bot lacks a permission here; say so.
5. Anything else is a bug: a short apology with an error id, and the traceback in the log under
   the same id.
Every answer is ephemeral, never pings, and falls back to a followup when the interaction was
already answered. A failure to deliver the answer is logged, never raised.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import t

log = logging.getLogger(__name__)


class RefusedCheck(app_commands.CheckFailure):
    """A check that refused the user; its text is shown to them."""


def describe_error(error: BaseException, locale: object = "en") -> tuple[str, str | None]:
    """(message for the user in their language, error id if this is a bug that was logged)."""
    error = unwrap(error)
    if isinstance(error, UserError):
        return error.localized(locale), None
    if isinstance(error, app_commands.MissingPermissions):
        return t(locale, "errors.missing_permission", permission=_names(error.missing_permissions)), None
    if isinstance(error, app_commands.BotMissingPermissions):
        return t(locale, "errors.bot_missing_permission", permission=_names(error.missing_permissions)), None
    if isinstance(error, app_commands.CommandOnCooldown):
        return t(locale, "errors.cooldown", seconds=f"{error.retry_after:.0f}"), None
    if isinstance(error, app_commands.NoPrivateMessage):
        return t(locale, "errors.no_dm"), None
    if isinstance(error, app_commands.CommandNotFound):
        return t(locale, "errors.command_gone"), None
    if isinstance(error, app_commands.CheckFailure):
        return (str(error) if isinstance(error, RefusedCheck) else t(locale, "errors.check_failed")), None
    if isinstance(error, app_commands.TransformerError):
        return t(locale, "errors.bad_value", value=repr(error.value)), None
    if isinstance(error, discord.Forbidden):
        return t(locale, "errors.forbidden", detail=error.text or "Missing Permissions"), None
    error_id = secrets.token_hex(4)
    log.error(
        "unexpected error [error id %s]",
        error_id,
        exc_info=(type(error), error, error.__traceback__),
        extra={"error_id": error_id},
    )
    return t(locale, "errors.bug", error_id=error_id), error_id


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or getattr(error, "original", None)
        if cause is None or cause is error:
            break
        if isinstance(error, app_commands.TransformerError) and not isinstance(cause, UserError):
            break
        error = cause
    return error


async def report_error(interaction: discord.Interaction, error: BaseException) -> str | None:
    """Answer the interaction with the error's user-facing text; returns the error id of a bug."""
    message, error_id = describe_error(error, interaction.locale)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException as exc:
        log.warning("could not tell the user about an error (%s): %s", error_id or "user error", exc)
    return error_id


def _names(permissions: list[str]) -> str:
    return " and ".join(p.replace("_", " ").replace("guild", "server").title() for p in permissions)
