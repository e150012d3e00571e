"""Guild scheduled events (watch parties): create, list, edit, delete, and who is interested.

Discord's checks are kept: Manage Events (or Create Events for the bot's own events), a voice
channel for voice events and a location and end time for external ones, no start in the past
(by the stand-in's clock, which tests share with the bot), and at most 100 uncompleted events per
server (400 / 30038).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.localdiscord.events import ScheduledEventChanged
from bot.localdiscord.model import ChannelType, Perm, iso
from bot.localdiscord.routes.base import NO_CONTENT, ApiError, Request, Routes, RouteTable, field_error, flag

EVENTS = "/guilds/{guild_id}/scheduled-events"
EVENT = "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"
MAX_ACTIVE_SCHEDULED_EVENTS = 100


class ScheduledEventRoutes(Routes):
    """`/guilds/{guild_id}/scheduled-events/...`."""

    def table(self) -> RouteTable:
        return {
            ("GET", EVENTS): self.list_events,
            ("POST", EVENTS): self.create_event,
            ("GET", EVENT): self.get_event,
            ("PATCH", EVENT): self.edit_event,
            ("DELETE", EVENT): self.delete_event,
            ("GET", EVENT + "/users"): self.event_users,
        }

    def _may_manage_events(self, event: dict[str, Any] | None = None) -> None:
        granted = self.fake.guild.permissions_of(self.fake.application_id)
        if granted & Perm.MANAGE_EVENTS:
            return
        if granted & Perm.CREATE_EVENTS and (event is None or int(event["creator_id"]) == self.fake.application_id):
            return
        raise ApiError(403, 50013, "Missing Permissions")

    def _event(self, req: Request) -> dict[str, Any]:
        self.check_guild(req)
        event = self.fake.scheduled_events.get(req.param("guild_scheduled_event_id"))
        if event is None:
            raise ApiError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    async def list_events(self, req: Request) -> Any:
        self.check_guild(req)
        with_counts = flag(req, "with_user_count")
        events = [e for e in self.fake.scheduled_events.values() if e["status"] in (1, 2)]
        return [e if with_counts else {k: v for k, v in e.items() if k != "user_count"} for e in events]

    async def get_event(self, req: Request) -> Any:
        return self._event(req)

    async def create_event(self, req: Request) -> Any:
        self.check_guild(req)
        fake = self.fake
        self._may_manage_events()
        active = sum(1 for e in fake.scheduled_events.values() if e["status"] in (1, 2))
        if active >= MAX_ACTIVE_SCHEDULED_EVENTS:
            raise ApiError(400, 30038, "Maximum number of uncompleted guild scheduled events reached (100)")
        body = req.body
        event: dict[str, Any] = {
            "id": str(fake.next_id()),
            "guild_id": str(fake.guild.id),
            "channel_id": None,
            "creator_id": str(fake.application_id),
            "creator": fake.world.bot_user.to_payload(),
            "name": body.get("name"),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type"),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
            "auto_start": False,
        }
        if body.get("channel_id") is not None:
            event["channel_id"] = str(body["channel_id"])
        self._check_event(event, changing_start=True)
        fake.scheduled_events[int(event["id"])] = event
        await fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        fake.feed.publish(ScheduledEventChanged("created", event))
        return event

    async def edit_event(self, req: Request) -> Any:
        fake = self.fake
        event = self._event(req)
        self._may_manage_events(event)
        if event["status"] in (3, 4):
            raise ApiError(400, 180000, "Cannot update a finished event")
        body = req.body
        updated = dict(event)
        for key in (
            "name",
            "description",
            "scheduled_start_time",
            "scheduled_end_time",
            "privacy_level",
            "entity_type",
            "entity_metadata",
        ):
            if key in body:
                updated[key] = body[key]
        if "channel_id" in body:
            updated["channel_id"] = str(body["channel_id"]) if body["channel_id"] is not None else None
        if "status" in body and body["status"] != event["status"]:
            allowed = {1: {2, 4}, 2: {3}}.get(event["status"], set())
            if body["status"] not in allowed:
                raise field_error(
                    400, "status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status transition."
                )
            updated["status"] = body["status"]
        self._check_event(updated, changing_start="scheduled_start_time" in body and updated["status"] == 1)
        event.clear()
        event.update(updated)
        await fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        fake.feed.publish(ScheduledEventChanged("updated", event))
        return event

    async def delete_event(self, req: Request) -> Any:
        fake = self.fake
        event = self._event(req)
        self._may_manage_events(event)
        del fake.scheduled_events[int(event["id"])]
        await fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        fake.feed.publish(ScheduledEventChanged("deleted", event))
        return NO_CONTENT

    async def event_users(self, req: Request) -> Any:
        event = self._event(req)
        fake = self.fake
        ids = list(fake.event_interest.get(int(event["id"]), []))
        if "after" in req.query:
            ids = [u for u in ids if u > req.int_query("after", 0)]
        if "before" in req.query:
            ids = [u for u in ids if u < req.int_query("before", 0)]
        ids.sort()
        limit = max(1, min(req.int_query("limit", 100), 100))
        with_member = flag(req, "with_member")
        users: list[dict[str, Any]] = []
        for user_id in ids[:limit]:
            entry: dict[str, Any] = {
                "guild_scheduled_event_id": event["id"],
                "user": fake.world.users[user_id].to_payload(),
            }
            if with_member and user_id in fake.guild.members:
                entry["member"] = fake.guild.members[user_id].to_payload(with_user=False)
            users.append(entry)
        return users

    def _check_event(self, event: dict[str, Any], *, changing_start: bool) -> None:
        """Discord's own checks on an event: where it happens, and that it starts in the future."""
        kind = event.get("entity_type")
        if kind in (1, 2):
            channel = self.fake.channel_by_id(int(event["channel_id"])) if event.get("channel_id") else None
            if channel is None:
                raise field_error(400, "channel_id", "BASE_TYPE_REQUIRED", "This field is required")
            if kind == 2 and channel.type is not ChannelType.GUILD_VOICE:
                raise field_error(
                    400, "channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Channel must be a voice channel."
                )
            event["entity_metadata"] = None
        elif kind == 3:
            metadata = event.get("entity_metadata") or {}
            if not metadata.get("location"):
                raise field_error(400, "entity_metadata/location", "BASE_TYPE_REQUIRED", "This field is required")
            if not event.get("scheduled_end_time"):
                raise field_error(400, "scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
            event["channel_id"] = None
        start = _parse_time(event.get("scheduled_start_time"))
        if start is None:
            raise field_error(400, "scheduled_start_time", "BASE_TYPE_REQUIRED", "This field is required")
        if changing_start and start < self.fake.clock.now() - timedelta(seconds=1):
            raise field_error(
                400, "scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past."
            )
        end = _parse_time(event.get("scheduled_end_time"))
        if end is not None and end <= start:
            raise field_error(
                400,
                "scheduled_end_time",
                "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                "Cannot schedule event to end before starting.",
            )
        event["scheduled_start_time"] = iso(start)
        if end is not None:
            event["scheduled_end_time"] = iso(end)


def _parse_time(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
