"""The REST routes the stand-in serves, one module per area of Discord's API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.localdiscord.routes.base import NO_CONTENT, ApiError, Handler, Request, RouteTable, field_error
from bot.localdiscord.routes.channels import ChannelRoutes
from bot.localdiscord.routes.events import ScheduledEventRoutes
from bot.localdiscord.routes.guild import GuildRoutes
from bot.localdiscord.routes.identity import IdentityRoutes
from bot.localdiscord.routes.interactions import CALLBACK, ORIGINAL, WEBHOOK, WEBHOOK_MESSAGE, InteractionRoutes

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord


def all_routes(fake: LocalDiscord) -> RouteTable:
    """Every served (method, template) and its handler."""
    table: RouteTable = {}
    for group in (IdentityRoutes, InteractionRoutes, ChannelRoutes, GuildRoutes, ScheduledEventRoutes):
        table.update(group(fake).table())
    return table


__all__ = [
    "CALLBACK",
    "NO_CONTENT",
    "ORIGINAL",
    "WEBHOOK",
    "WEBHOOK_MESSAGE",
    "ApiError",
    "Handler",
    "Request",
    "RouteTable",
    "all_routes",
    "field_error",
]
