"""What every route handler shares: the parsed request, Discord's error shape, common lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.localdiscord.messages import Message
from bot.localdiscord.model import Channel, Perm
from bot.localdiscord.recording import RestCall, UploadedFile

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord


class ApiError(Exception):
    """An error answer in Discord's shape: `{"code": ..., "message": ..., "errors"?: {...}}`."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def field_error(status: int, field_path: str, code: str, message: str) -> ApiError:
    """A 50035 error for one field, e.g. `field_error(400, "scheduled_start_time", ...)`."""
    node: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(field_path.split("/")):
        node = {part: node}
    return ApiError(status, 50035, "Invalid Form Body", node)


@dataclass
class Request:
    """What a route handler gets: the parsed request and its entry in the call log."""

    method: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: tuple[UploadedFile, ...]
    call: RestCall

    def param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, "404: Not Found") from None

    def int_query(self, name: str, default: int) -> int:
        try:
            return int(self.query.get(name, default))
        except ValueError:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value is not int."}]}},
            ) from None

    @property
    def body(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}


Handler = Callable[[Request], Awaitable[Any]]
RouteTable = dict[tuple[str, str], Handler]
NO_CONTENT = object()  # a handler's way of saying "204"


def flag(req: Request, name: str) -> bool:
    return req.query.get(name, "").lower() in ("1", "true")


class Routes:
    """A group of handlers over one stand-in, with the lookups Discord answers 404 or 403 for."""

    def __init__(self, fake: LocalDiscord) -> None:
        self.fake = fake

    def table(self) -> RouteTable:
        raise NotImplementedError

    def channel(self, req: Request) -> Channel:
        channel = self.fake.channel_by_id(req.param("channel_id"))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def message(self, req: Request) -> tuple[Channel, Message]:
        """A message the bot can reach through the channel API (never an ephemeral one)."""
        channel = self.channel(req)
        message = self.fake.messages.get(req.param("message_id"))
        if message is None or message.deleted or message.channel_id != channel.id or message.visible_to is not None:
            raise ApiError(404, 10008, "Unknown Message")
        return channel, message

    def bot_can(self, channel: Channel, *needed: Perm) -> None:
        """403 unless the bot may see `channel` and holds every permission in `needed` there."""
        if channel.is_dm:
            return
        granted = self.fake.guild.permissions_of(self.fake.application_id)
        if not granted & Perm.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if any(not granted & p for p in needed):
            raise ApiError(403, 50013, "Missing Permissions")

    def check_guild(self, req: Request) -> None:
        if req.param("guild_id") != self.fake.guild.id:
            raise ApiError(404, 10004, "Unknown Guild")
