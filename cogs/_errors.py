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

log = logging.getLogger(__name__)


class RefusedCheck(app_commands.CheckFailure):
    """A check that refused the user; its text is shown to them."""


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """(message for the user, error id if this is a bug that was logged)."""
    error = unwrap(error)
    if isinstance(error, UserError):
        return str(error), None
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_names(error.missing_permissions)} permission to do that.", None
    if isinstance(error, app_commands.BotMissingPermissions):
        return (
            f"I need the {_names(error.missing_permissions)} permission in this channel. "
            "Ask a moderator to check my role.",
            None,
        )
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can do that again in {error.retry_after:.0f} s.", None
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server, not in DMs.", None
    if isinstance(error, app_commands.CommandNotFound):
        return "That command isn't available any more. Discord may still be showing an old list.", None
    if isinstance(error, app_commands.CheckFailure):
        return (str(error) if isinstance(error, RefusedCheck) else "You can't use this command here."), None
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r} for that option.", None
    if isinstance(error, discord.Forbidden):
        return (
            "Discord refused: I'm missing a permission in this channel "
            f"({error.text or 'Missing Permissions'}). Ask a moderator to check my role.",
            None,
        )
    error_id = secrets.token_hex(4)
    log.error(
        "unexpected error [error id %s]",
        error_id,
        exc_info=(type(error), error, error.__traceback__),
        extra={"error_id": error_id},
    )
    return f"Sorry, something went wrong on our side. Error id: `{error_id}`.", error_id


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
    message, error_id = describe_error(error)
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
