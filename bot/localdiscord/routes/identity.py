"""Who the bot is and which commands it has: identity routes and application command sync."""

from __future__ import annotations

from typing import Any

from bot.localdiscord.routes.base import ApiError, Request, Routes, RouteTable


class IdentityRoutes(Routes):
    """What discord.py asks before and while it connects, and the command list it syncs."""

    def table(self) -> RouteTable:
        return {
            ("GET", "/gateway"): self.get_gateway,
            ("GET", "/gateway/bot"): self.get_gateway_bot,
            ("GET", "/users/@me"): self.get_me,
            ("GET", "/users/{user_id}"): self.get_user,
            ("GET", "/oauth2/applications/@me"): self.get_application,
            ("GET", "/applications/{application_id}/commands"): self.get_commands,
            ("PUT", "/applications/{application_id}/commands"): self.put_commands,
            ("GET", "/applications/{application_id}/commands/{command_id}"): self.get_command,
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"): self.get_commands,
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"): self.put_commands,
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}"): self.get_command,
        }

    async def get_gateway(self, req: Request) -> Any:
        return {"url": self.fake.gateway_url}

    async def get_gateway_bot(self, req: Request) -> Any:
        return {
            "url": self.fake.gateway_url,
            "shards": self.fake.shard_count,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        }

    async def get_me(self, req: Request) -> Any:
        return {
            **self.fake.world.bot_user.to_payload(),
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-US",
        }

    async def get_user(self, req: Request) -> Any:
        user = self.fake.world.users.get(req.param("user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return user.to_payload()

    async def get_application(self, req: Request) -> Any:
        fake = self.fake
        bot_user = fake.world.bot_user
        return {
            "id": str(fake.application_id),
            "name": bot_user.global_name or bot_user.username,
            "icon": None,
            "description": "Little Things fan-community bot (local stand-in)",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": fake.application_flags,
            "owner": fake.world.app_owner.to_payload(),
            "team": None,
            "bot": bot_user.to_payload(),
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "install_params": {
                "scopes": ["bot", "applications.commands"],
                "permissions": str(int(fake.world.bot_role.permissions)),
            },
            "integration_types_config": {"0": {}},
            "approximate_guild_count": 1,
        }

    # application commands ---------------------------------------------------------------------

    def _command_scope(self, req: Request) -> int | None:
        if req.param("application_id") != self.fake.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" in req.params:
            guild_id = req.param("guild_id")
            if guild_id != self.fake.guild.id:
                raise ApiError(403, 50001, "Missing Access")
            return guild_id
        return None

    async def get_commands(self, req: Request) -> Any:
        return self.fake.commands.get(self._command_scope(req), [])

    async def get_command(self, req: Request) -> Any:
        wanted = req.param("command_id")
        for command in self.fake.commands.get(self._command_scope(req), []):
            if int(command["id"]) == wanted:
                return command
        raise ApiError(404, 10063, "Unknown application command")

    async def put_commands(self, req: Request) -> Any:
        scope = self._command_scope(req)
        fake = self.fake
        previous = {(c.get("type", 1), c["name"]): c for c in fake.commands.get(scope, [])}
        synced: list[dict[str, Any]] = []
        for body in req.json or []:
            kind = body.get("type") or 1
            old = previous.get((kind, body["name"]))
            command: dict[str, Any] = {
                "id": old["id"] if old else str(fake.next_id()),  # Discord keeps ids across overwrites
                "application_id": str(fake.application_id),
                "version": str(fake.next_id()),
                "type": kind,
                "name": body["name"],
                "name_localizations": body.get("name_localizations"),
                "description": body.get("description") or "",
                "description_localizations": body.get("description_localizations"),
                "default_member_permissions": _str_or_none(body.get("default_member_permissions")),
                "dm_permission": body.get("dm_permission", True) if scope is None else None,
                "contexts": body.get("contexts") if scope is None else None,
                "integration_types": body.get("integration_types") or [0],
                "nsfw": bool(body.get("nsfw", False)),
            }
            if body.get("options"):
                command["options"] = body["options"]
            if scope is not None:
                command["guild_id"] = str(scope)
            synced.append({k: v for k, v in command.items() if v is not None or k == "default_member_permissions"})
        fake.commands[scope] = synced
        fake.sync_count += 1
        return synced


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
