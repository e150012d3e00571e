"""The messages of the stand-in's server: creating, editing, deleting, reacting, and files.

Every change to a message has the same three consequences, made here in one place: the stored
message changes (with its previous version kept), the bot receives the matching gateway dispatch
if its intents ask for it (with content blanked as Discord does without MESSAGE_CONTENT), and the
feed publishes an event for the playground. Ephemeral messages never reach the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.localdiscord.events import BotThinking, MessageCreated, MessageDeleted, MessageEdited, ReactionChanged
from bot.localdiscord.gateway import Intent
from bot.localdiscord.interactions import InteractionRecord
from bot.localdiscord.messages import (
    EPHEMERAL,
    IS_COMPONENTS_V2,
    LOADING,
    SUPPRESS_EMBEDS,
    Attachment,
    InteractionLink,
    Message,
    compute_pings,
)
from bot.localdiscord.model import Channel, User
from bot.localdiscord.recording import UploadedFile

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

SUPPRESS_NOTIFICATIONS = 1 << 12
_SETTABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2


class MessageBoard:
    """All messages, by id and by channel, plus the files attached to them (served at their URL)."""

    def __init__(self, fake: LocalDiscord) -> None:
        self.fake = fake
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, Attachment] = {}
        self.typing_in: set[int] = set()  # channels where the bot showed "is typing…"
        self._by_channel: dict[int, list[Message]] = {}

    def channel_messages(self, channel_id: int) -> list[Message]:
        return list(self._by_channel.get(channel_id, []))

    def _users(self, ids: tuple[int, ...]) -> tuple[User, ...]:
        known = self.fake.world.users
        return tuple(known[u] for u in ids if u in known)

    def payload(self, message: Message) -> dict[str, Any]:
        return message.to_payload(me=self.fake.application_id)

    async def post(
        self,
        channel: Channel,
        body: Mapping[str, Any],
        files: tuple[UploadedFile, ...] = (),
        *,
        author: User,
        interaction: InteractionRecord | None = None,
        visible_to: int | None = None,
        flags: int | None = None,
        thinking: bool = False,
        followup: bool = False,
        reply_to: Message | None = None,
    ) -> Message:
        """Create a message, store it, tell the bot (MESSAGE_CREATE) and the feed."""
        now = self.fake.clock.now()
        guild = self.fake.guild if not channel.is_dm else None
        message_flags = flags if flags is not None else int(body.get("flags") or 0) & _SETTABLE_FLAGS
        # Only interaction answers can be ephemeral; Discord ignores the flag on a channel post.
        message_flags = message_flags | EPHEMERAL if visible_to is not None else message_flags & ~EPHEMERAL
        content = str(body.get("content") or "")
        allowed = body.get("allowed_mentions") if isinstance(body.get("allowed_mentions"), dict) else None
        author_permissions = guild.permissions_of(author.id) if guild is not None else 0
        pings = compute_pings(
            content,
            allowed,
            guild=guild,
            author_permissions=author_permissions,
            replied_user=reply_to.author.id if reply_to is not None else None,
        )
        message = Message(
            id=self.fake.next_id(),
            channel_id=channel.id,
            guild_id=guild.id if guild is not None else None,
            author=author,
            created_at=now,
            content=content,
            embeds=_clean_embeds(body.get("embeds")),
            components=_numbered(body.get("components")),
            flags=message_flags,
            tts=bool(body.get("tts")),
            visible_to=visible_to,
            allowed_mentions=allowed,
            pings=pings,
            mentioned_users=self._users(pings.users),
        )
        message.attachments = self._attachments(channel, body, files)
        if reply_to is not None:
            message.type = 19
            message.reference = {
                "type": 0,
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
                **({"guild_id": str(reply_to.guild_id)} if reply_to.guild_id else {}),
            }
        if interaction is not None:
            message.webhook_id = self.fake.application_id
            message.application_id = self.fake.application_id
            is_command = interaction.type == 2
            message.type = 20 if is_command and not followup else 0
            message.interaction = InteractionLink(
                id=interaction.id,
                type=interaction.type,
                user=interaction.user,
                name=str(interaction.payload.get("data", {}).get("name")) if is_command else None,
                original_response_message_id=interaction.original.id if followup and interaction.original else None,
                interacted_message_id=interaction.source_message.id if interaction.source_message else None,
            )
        self.messages[message.id] = message
        self._by_channel.setdefault(channel.id, []).append(message)
        if visible_to is None:
            channel.last_message_id = message.id
            await self._dispatch_message("MESSAGE_CREATE", message, channel)
        self.fake.feed.publish(
            BotThinking(interaction.id, message) if thinking and interaction else MessageCreated(message)
        )
        return message

    async def edit(
        self,
        message: Message,
        body: Mapping[str, Any],
        files: tuple[UploadedFile, ...] = (),
        *,
        resolve_loading: bool = False,
    ) -> None:
        """Apply an edit body (fields present replace, null clears) and tell the bot and the feed."""
        now = self.fake.clock.now()
        before = message.snapshot(now)
        was_loading = message.loading
        if "content" in body:
            message.content = str(body.get("content") or "")
        if "embeds" in body:
            message.embeds = _clean_embeds(body.get("embeds"))
        if "components" in body:
            message.components = _numbered(body.get("components"))
        channel = self.fake.channel_by_id(message.channel_id)
        assert channel is not None
        new_files = self._attachments(channel, body, files)
        if body.get("attachments") is not None:
            keep = {
                int(a["id"])
                for a in body["attachments"]
                if isinstance(a, dict) and int(a.get("id", -1)) in self.attachments
            }
            message.attachments = [a for a in message.attachments if a.id in keep] + new_files
        elif new_files:
            message.attachments = message.attachments + new_files
        if body.get("flags") is not None:
            message.flags = (message.flags & ~SUPPRESS_EMBEDS) | (int(body["flags"]) & SUPPRESS_EMBEDS)
        if isinstance(body.get("allowed_mentions"), dict):
            message.allowed_mentions = body["allowed_mentions"]
        if "content" in body or "allowed_mentions" in body:
            guild = self.fake.guild if message.guild_id else None
            message.pings = compute_pings(
                message.content,
                message.allowed_mentions,
                guild=guild,
                author_permissions=guild.permissions_of(message.author.id) if guild is not None else 0,
            )
            message.mentioned_users = tuple(
                self.fake.world.users[u] for u in message.pings.users if u in self.fake.world.users
            )
        if resolve_loading and was_loading:
            message.flags &= ~LOADING
        else:
            message.edited_at = now
        message.revisions.append(before)
        if message.visible_to is None:
            await self._dispatch_message("MESSAGE_UPDATE", message, channel)
        self.fake.feed.publish(MessageEdited(message, before))

    async def set_reaction(self, message: Message, emoji: str, user: User, *, add: bool) -> bool:
        """Add or remove one user's reaction; False if nothing changed. Tells the bot and the feed."""
        users = message.reactions.setdefault(emoji, [])
        if (user.id in users) == add:
            return False
        if add:
            users.append(user.id)
        else:
            users.remove(user.id)
            if not users:
                del message.reactions[emoji]
        channel = self.fake.channel_by_id(message.channel_id)
        intent = (
            Intent.DIRECT_MESSAGE_REACTIONS if channel is not None and channel.is_dm else Intent.GUILD_MESSAGE_REACTIONS
        )
        if message.visible_to is None and (self.fake.intents or 0) & intent:
            data: dict[str, Any] = {
                "user_id": str(user.id),
                "channel_id": str(message.channel_id),
                "message_id": str(message.id),
                "emoji": {"id": None, "name": emoji},
                "burst": False,
                "type": 0,
            }
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
                if add and user.id in self.fake.guild.members:
                    data["member"] = self.fake.guild.members[user.id].to_payload()
                if add:
                    data["message_author_id"] = str(message.author.id)
            await self.fake.gateway.dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", data)
        self.fake.feed.publish(ReactionChanged(message, emoji, user, add))
        return True

    async def remove(self, message: Message) -> None:
        message.deleted = True
        if message.visible_to is None:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
            channel = self.fake.channel_by_id(message.channel_id)
            if channel is not None and self._bot_receives(channel):
                await self.fake.gateway.dispatch("MESSAGE_DELETE", data)
        self.fake.feed.publish(MessageDeleted(message))

    def _bot_receives(self, channel: Channel) -> bool:
        intents = self.fake.intents or 0
        return bool(intents & (Intent.DIRECT_MESSAGES if channel.is_dm else Intent.GUILD_MESSAGES))

    async def _dispatch_message(self, event: str, message: Message, channel: Channel) -> None:
        if not self._bot_receives(channel):
            return
        member = None
        if message.guild_id and message.author.id in self.fake.guild.members:
            member = self.fake.guild.members[message.author.id].to_payload(with_user=False)
        payload = message.to_payload(include_guild_id=True, member=member, me=self.fake.application_id)
        intents = self.fake.intents or 0
        mentioned = (
            self.fake.application_id in message.pings.users or f"<@{self.fake.application_id}>" in message.content
        )
        if (
            not intents & Intent.MESSAGE_CONTENT
            and not channel.is_dm
            and message.author.id != self.fake.application_id
            and not mentioned
        ):
            # Without the privileged intent Discord blanks what a message says, not that it exists.
            payload.update(content="", embeds=[], attachments=[], components=[])
        await self.fake.gateway.dispatch(event, payload)

    def _attachments(
        self, channel: Channel, body: Mapping[str, Any], files: tuple[UploadedFile, ...]
    ) -> list[Attachment]:
        if not files:
            return []
        described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        made: list[Attachment] = []
        for index, upload in enumerate(files):
            slot = upload.field[len("files[") : -1] if upload.field.startswith("files[") else str(index)
            entry = described.get(slot, {})
            attachment_id = self.fake.next_id()
            filename = str(entry.get("filename") or upload.filename)
            attachment = Attachment(
                id=attachment_id,
                filename=filename,
                data=upload.data,
                url=f"{self.fake.base_url}/attachments/{channel.id}/{attachment_id}/{filename}",
                content_type=upload.content_type,
                description=entry.get("description"),
            )
            self.attachments[attachment_id] = attachment
            made.append(attachment)
        return made

    def make_attachment(self, filename: str, data: bytes, channel: Channel) -> Attachment:
        """A file a user uploads (an attachment option), served at its URL like Discord's CDN."""
        attachment_id = self.fake.next_id()
        attachment = Attachment(
            attachment_id, filename, data, f"{self.fake.base_url}/attachments/{channel.id}/{attachment_id}/{filename}"
        )
        self.attachments[attachment_id] = attachment
        return attachment


def _clean_embeds(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    cleaned: list[dict[str, Any]] = []
    for embed in raw:
        if isinstance(embed, dict):
            item = {k: v for k, v in embed.items() if v is not None}
            item.setdefault("type", "rich")
            cleaned.append(item)
    return cleaned


def _numbered(raw: Any) -> list[dict[str, Any]]:
    """Components as Discord stores them: every component gets a numeric `id` if it had none."""
    if not isinstance(raw, list):
        return []
    counter = [0]
    used = {c.get("id") for c in _walk(raw) if isinstance(c.get("id"), int)}

    def number(component: dict[str, Any]) -> dict[str, Any]:
        copy = dict(component)
        if not isinstance(copy.get("id"), int):
            counter[0] += 1
            while counter[0] in used:
                counter[0] += 1
            copy["id"] = counter[0]
        if isinstance(copy.get("components"), list):
            copy["components"] = [number(c) for c in copy["components"] if isinstance(c, dict)]
        if isinstance(copy.get("accessory"), dict):
            copy["accessory"] = number(copy["accessory"])
        return copy

    return [number(c) for c in raw if isinstance(c, dict)]


def _walk(components: list[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        if isinstance(component, dict):
            found.append(component)
            if isinstance(component.get("components"), list):
                found.extend(_walk(component["components"]))
    return found
