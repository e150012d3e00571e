"""Channels and their messages: post, read, edit, delete, react, type, and open DMs.

Permissions are checked as Discord does for the bot's role (View Channel, Send Messages, Attach
Files, Manage Messages for others' messages), and a DM to someone who closed their DMs fails with
403 / 50007, which is what reminder features must survive.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.localdiscord.messages import Message
from bot.localdiscord.model import Perm
from bot.localdiscord.routes.base import NO_CONTENT, ApiError, Request, Routes, RouteTable, field_error

OWN_REACTION = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"


NONCE_WINDOW = timedelta(minutes=5)


class ChannelRoutes(Routes):
    """`/channels/...` and `/users/@me/channels`."""

    def table(self) -> RouteTable:
        return {
            ("GET", "/channels/{channel_id}"): self.get_channel,
            ("GET", "/channels/{channel_id}/messages"): self.list_messages,
            ("POST", "/channels/{channel_id}/messages"): self.create_message,
            ("GET", "/channels/{channel_id}/messages/{message_id}"): self.get_message,
            ("PATCH", "/channels/{channel_id}/messages/{message_id}"): self.edit_message,
            ("DELETE", "/channels/{channel_id}/messages/{message_id}"): self.delete_message,
            ("POST", "/channels/{channel_id}/typing"): self.typing,
            ("PUT", OWN_REACTION): self.add_reaction,
            ("DELETE", OWN_REACTION): self.remove_reaction,
            ("POST", "/users/@me/channels"): self.create_dm,
        }

    async def get_channel(self, req: Request) -> Any:
        return self.channel(req).to_payload()

    async def list_messages(self, req: Request) -> Any:
        channel = self.channel(req)
        self.bot_can(channel, Perm.READ_MESSAGE_HISTORY)
        visible = [m for m in self.fake.channel_messages(channel.id) if m.visible_to is None and not m.deleted]
        visible.sort(key=lambda m: m.id, reverse=True)
        limit = max(1, min(req.int_query("limit", 50), 100))
        if "before" in req.query:
            visible = [m for m in visible if m.id < req.int_query("before", 0)]
        if "after" in req.query:
            visible = sorted((m for m in visible if m.id > req.int_query("after", 0)), key=lambda m: m.id)[:limit]
            visible.reverse()
        if "around" in req.query:
            pivot = req.int_query("around", 0)
            visible.sort(key=lambda m: abs(m.id - pivot))
            visible = sorted(visible[:limit], key=lambda m: m.id, reverse=True)
        return [self.fake.board.payload(m) for m in visible[:limit]]

    async def create_message(self, req: Request) -> Any:
        fake = self.fake
        channel = self.channel(req)
        body = req.body
        needed = [Perm.SEND_MESSAGES] + ([Perm.ATTACH_FILES] if req.files else [])
        self.bot_can(channel, *needed)
        if channel.is_dm and channel.recipient is not None and not channel.recipient.accepts_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        reply_to: Message | None = None
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id") is not None:
            reply_to = fake.messages.get(int(reference["message_id"]))
            if reply_to is None or reply_to.deleted:
                if reference.get("fail_if_not_exists", True):
                    raise field_error(400, "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                reply_to = None
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            message = await fake.board.post(channel, body, req.files, author=fake.world.bot_user, reply_to=reply_to)
            return fake.board.payload(message)
        # enforce_nonce: a message by the same author with the same nonce in the last few minutes is
        # returned instead of posting again (how a resend after a crash is deduplicated).
        async with fake.nonce_lock:
            key = (channel.id, str(nonce))
            earlier = fake.nonces.get(key)
            now = fake.clock.now()
            if earlier is not None and now - earlier[1] <= NONCE_WINDOW and earlier[0] in fake.messages:
                fake.deduplicated += 1
                return fake.board.payload(fake.messages[earlier[0]])
            message = await fake.board.post(channel, body, req.files, author=fake.world.bot_user, reply_to=reply_to)
            fake.nonces[key] = (message.id, now)
        return fake.board.payload(message)

    async def get_message(self, req: Request) -> Any:
        channel, message = self.message(req)
        self.bot_can(channel, Perm.READ_MESSAGE_HISTORY)
        return self.fake.board.payload(message)

    async def edit_message(self, req: Request) -> Any:
        _, message = self.message(req)
        if message.author.id != self.fake.application_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        await self.fake.board.edit(message, req.body, req.files)
        return self.fake.board.payload(message)

    async def delete_message(self, req: Request) -> Any:
        channel, message = self.message(req)
        if message.author.id != self.fake.application_id:
            if channel.is_dm:
                raise ApiError(403, 50003, "Cannot execute action on a DM channel")
            self.bot_can(channel, Perm.MANAGE_MESSAGES)
        await self.fake.board.remove(message)
        return NO_CONTENT

    async def typing(self, req: Request) -> Any:
        channel = self.channel(req)
        self.bot_can(channel, Perm.SEND_MESSAGES)
        self.fake.board.typing_in.add(channel.id)
        return NO_CONTENT

    async def add_reaction(self, req: Request) -> Any:
        channel, message = self.message(req)
        self.bot_can(channel, Perm.READ_MESSAGE_HISTORY)
        emoji = req.params["emoji_name"]
        if emoji not in message.reactions:
            self.bot_can(channel, Perm.ADD_REACTIONS)  # adding to an existing reaction needs no permission
            if len(message.reactions) >= 20:
                raise ApiError(400, 30010, "Maximum number of reactions reached (20)")
        await self.fake.board.set_reaction(message, emoji, self.fake.bot_user, add=True)
        return NO_CONTENT

    async def remove_reaction(self, req: Request) -> Any:
        _, message = self.message(req)
        await self.fake.board.set_reaction(message, req.params["emoji_name"], self.fake.bot_user, add=False)
        return NO_CONTENT

    async def create_dm(self, req: Request) -> Any:
        raw = req.body.get("recipient_id")
        try:
            user = self.fake.world.users.get(int(raw)) if raw is not None else None
        except (TypeError, ValueError):
            user = None
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.fake.dm_channel(user).to_payload()
