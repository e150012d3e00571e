"""The server itself: its channels, roles and members, and giving or taking a member's role.

Role changes follow Discord's hierarchy: the bot needs Manage Roles and may only touch roles below
its own highest role, never managed ones.
"""

from __future__ import annotations

from typing import Any

from bot.localdiscord.events import MemberRolesChanged
from bot.localdiscord.model import Perm
from bot.localdiscord.routes.base import NO_CONTENT, ApiError, Request, Routes, RouteTable, flag


class GuildRoutes(Routes):
    """`/guilds/{guild_id}` and its members and roles."""

    def table(self) -> RouteTable:
        return {
            ("GET", "/guilds/{guild_id}"): self.get_guild,
            ("GET", "/guilds/{guild_id}/channels"): self.get_guild_channels,
            ("GET", "/guilds/{guild_id}/roles"): self.get_roles,
            ("GET", "/guilds/{guild_id}/members"): self.list_members,
            ("GET", "/guilds/{guild_id}/members/{user_id}"): self.get_member,
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"): self.add_member_role,
            ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"): self.remove_member_role,
        }

    async def get_guild(self, req: Request) -> Any:
        self.check_guild(req)
        fake = self.fake
        payload = fake.guild.to_create_payload(fake.joined_at)
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
            "unavailable",
            "lazy",
            "guild_scheduled_events",
            "stage_instances",
            "embedded_activities",
            "activity_instances",
            "soundboard_sounds",
            "version",
        ):
            payload.pop(key, None)
        if flag(req, "with_counts"):
            payload.update(approximate_member_count=len(fake.guild.members), approximate_presence_count=0)
        return payload

    async def get_guild_channels(self, req: Request) -> Any:
        self.check_guild(req)
        return [c.to_payload() for c in self.fake.guild.channels.values()]

    async def get_roles(self, req: Request) -> Any:
        self.check_guild(req)
        return [r.to_payload() for r in self.fake.guild.roles.values()]

    async def list_members(self, req: Request) -> Any:
        self.check_guild(req)
        members = sorted(self.fake.guild.members.values(), key=lambda m: m.user.id)
        after = req.int_query("after", 0)
        limit = max(1, min(req.int_query("limit", 1), 1000))
        return [m.to_payload() for m in members if m.user.id > after][:limit]

    async def get_member(self, req: Request) -> Any:
        self.check_guild(req)
        member = self.fake.guild.members.get(req.param("user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return member.to_payload()

    async def add_member_role(self, req: Request) -> Any:
        return await self._change_role(req, add=True)

    async def remove_member_role(self, req: Request) -> Any:
        return await self._change_role(req, add=False)

    async def _change_role(self, req: Request, *, add: bool) -> Any:
        self.check_guild(req)
        fake = self.fake
        guild = fake.guild
        member = guild.members.get(req.param("user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        role = guild.roles.get(req.param("role_id"))
        if role is None or role.id == guild.id:
            raise ApiError(404, 10011, "Unknown Role")
        bot_id = fake.application_id
        if not guild.permissions_of(bot_id) & Perm.MANAGE_ROLES:
            raise ApiError(403, 50013, "Missing Permissions")
        if role.managed or (bot_id != guild.owner_id and role.position >= guild.top_position(bot_id)):
            # Discord's role hierarchy: a bot manages only roles below its own highest role.
            raise ApiError(403, 50013, "Missing Permissions")
        changed = (role.id not in member.roles) if add else (role.id in member.roles)
        if changed:
            if add:
                member.roles.append(role.id)
            else:
                member.roles.remove(role.id)
            await fake.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member.to_payload(), "guild_id": str(guild.id)})
            fake.feed.publish(MemberRolesChanged(member, role, add))
        return NO_CONTENT
