"""Messages as the stand-in keeps them: every version, who can see them, and who they pinged.

The playground renders these and tests assert on them, so a message records more than Discord
returns: the history of its edits, its deletion (kept, flagged), the user an ephemeral message is
visible to, the files' bytes, and the pings Discord would actually deliver given the content and
`allowed_mentions` (the project rule is that user text never pings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.localdiscord.model import Guild, Perm, User, iso

EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
IS_COMPONENTS_V2 = 1 << 15

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass(frozen=True)
class Attachment:
    """A file the bot uploaded; `data` holds its bytes so a test can open the .ics it sent."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            payload["content_type"] = self.content_type
        if self.description:
            payload["description"] = self.description
        return payload


@dataclass(frozen=True)
class Pings:
    """Who a message notified; all empty for a message that pings nobody."""

    users: tuple[int, ...] = ()
    roles: tuple[int, ...] = ()
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


@dataclass(frozen=True)
class Revision:
    """What a message looked like before one edit."""

    content: str
    embeds: tuple[Mapping[str, Any], ...]
    components: tuple[Mapping[str, Any], ...]
    attachments: tuple[Attachment, ...]
    flags: int
    replaced_at: datetime


@dataclass(frozen=True)
class InteractionLink:
    """The interaction a message answers; Discord shows "<user> used /name" above such a message."""

    id: int
    type: int
    user: User
    name: str | None = None
    original_response_message_id: int | None = None
    interacted_message_id: int | None = None


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    created_at: datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    visible_to: int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: InteractionLink | None = None
    reference: dict[str, Any] | None = None
    allowed_mentions: dict[str, Any] | None = None
    pings: Pings = field(default_factory=Pings)
    mentioned_users: tuple[User, ...] = ()
    reactions: dict[str, list[int]] = field(default_factory=dict)  # emoji -> user ids, in order
    edited_at: datetime | None = None
    deleted: bool = False
    revisions: list[Revision] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred response still showing "<bot> is thinking…"."""
        return bool(self.flags & LOADING)

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, for assertions that do not care where text sits."""
        parts = [self.content]
        for embed in self.embeds:
            parts.extend(_embed_texts(embed))
        for component in iter_components(self.components):
            if component.get("type") == 10:  # text display (components v2)
                parts.append(str(component.get("content", "")))
        return "\n".join(p for p in parts if p)

    def component(self, custom_id: str) -> dict[str, Any] | None:
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    def visible_for(self, user_id: int) -> bool:
        return self.visible_to is None or self.visible_to == user_id

    def snapshot(self, when: datetime) -> Revision:
        return Revision(
            content=self.content,
            embeds=tuple(self.embeds),
            components=tuple(self.components),
            attachments=tuple(self.attachments),
            flags=self.flags,
            replaced_at=when,
        )

    def to_payload(
        self, *, include_guild_id: bool = False, member: dict[str, Any] | None = None, me: int | None = None
    ) -> dict[str, Any]:
        """The message object Discord returns over REST (and, with `include_guild_id`, the gateway).

        `me` is the bot's id: reactions say whether the bot itself reacted.
        """
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": self.pings.everyone,
            "mentions": [u.to_payload() for u in self.mentioned_users],
            "mention_roles": [str(r) for r in self.pings.roles],
            "attachments": [a.to_payload() for a in self.attachments],
            "embeds": list(self.embeds),
            "components": list(self.components),
            "pinned": False,
            "flags": self.flags,
        }
        if self.reactions:
            payload["reactions"] = [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": me in users,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in self.reactions.items()
                if users
            ]
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            payload["application_id"] = str(self.application_id)
        if self.reference is not None:
            payload["message_reference"] = self.reference
        if self.interaction is not None:
            link = self.interaction
            metadata: dict[str, Any] = {
                "id": str(link.id),
                "type": link.type,
                "user": link.user.to_payload(),
                "authorizing_integration_owners": {"0": str(self.guild_id)}
                if self.guild_id
                else {"1": str(link.user.id)},
            }
            if link.original_response_message_id is not None:
                metadata["original_response_message_id"] = str(link.original_response_message_id)
            if link.interacted_message_id is not None:
                metadata["interacted_message_id"] = str(link.interacted_message_id)
            payload["interaction_metadata"] = metadata
            if link.name is not None:
                payload["interaction"] = {
                    "id": str(link.id),
                    "type": link.type,
                    "name": link.name,
                    "user": link.user.to_payload(),
                }
        if include_guild_id and self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if member is not None:
            payload["member"] = member
        return payload

    def __repr__(self) -> str:
        flags = " ephemeral" if self.ephemeral else ""
        flags += " deleted" if self.deleted else ""
        return f"<Message {self.id} by {self.author.username}{flags}: {self.text[:60]!r}>"


def iter_components(components: list[dict[str, Any]] | tuple[Mapping[str, Any], ...]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: rows, their buttons and selects, and v2 containers' children."""
    for component in components:
        yield dict(component) if not isinstance(component, dict) else component
        children = component.get("components")
        if isinstance(children, list):
            yield from iter_components(children)
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            yield accessory
        inner = component.get("component")
        if isinstance(inner, dict):
            yield from iter_components([inner])


def _embed_texts(embed: Mapping[str, Any]) -> Iterator[str]:
    for key in ("title", "description"):
        if embed.get(key):
            yield str(embed[key])
    author = embed.get("author") or {}
    if author.get("name"):
        yield str(author["name"])
    for embed_field in embed.get("fields") or []:
        yield f"{embed_field.get('name', '')}: {embed_field.get('value', '')}"
    footer = embed.get("footer") or {}
    if footer.get("text"):
        yield str(footer["text"])


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters that count toward Discord's 6,000 limit across one message's embeds."""
    total = len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
    total += len(str((embed.get("author") or {}).get("name") or ""))
    total += len(str((embed.get("footer") or {}).get("text") or ""))
    for embed_field in embed.get("fields") or []:
        total += len(str(embed_field.get("name") or "")) + len(str(embed_field.get("value") or ""))
    return total


def compute_pings(
    content: str,
    allowed_mentions: Mapping[str, Any] | None,
    *,
    guild: Guild | None,
    author_permissions: int,
    replied_user: int | None = None,
) -> Pings:
    """Who Discord notifies for this content, honouring `allowed_mentions` as Discord does.

    Without `allowed_mentions` everything parses; with it, a mention pings only when its kind is in
    `parse` or its id is listed. Role pings additionally need a mentionable role or Mention Everyone,
    and @everyone/@here need Mention Everyone.
    """
    can_mention_everyone = bool(author_permissions & Perm.MENTION_EVERYONE)
    if allowed_mentions is None:
        parse = {"users", "roles", "everyone"}
        listed_users: set[int] = set()
        listed_roles: set[int] = set()
        ping_replied = True
    else:
        parse = set(allowed_mentions.get("parse") or [])
        listed_users = {int(u) for u in allowed_mentions.get("users") or []}
        listed_roles = {int(r) for r in allowed_mentions.get("roles") or []}
        ping_replied = bool(allowed_mentions.get("replied_user", False))

    users: list[int] = []
    for match in _USER_MENTION.finditer(content):
        uid = int(match.group(1))
        if ("users" in parse or uid in listed_users) and uid not in users:
            users.append(uid)
    if replied_user is not None and ping_replied and replied_user not in users:
        users.append(replied_user)

    roles: list[int] = []
    for match in _ROLE_MENTION.finditer(content):
        rid = int(match.group(1))
        role = guild.roles.get(rid) if guild is not None else None
        if role is None or rid in roles:
            continue
        if ("roles" in parse or rid in listed_roles) and (role.mentionable or can_mention_everyone):
            roles.append(rid)

    everyone = ("@everyone" in content or "@here" in content) and "everyone" in parse and can_mention_everyone
    return Pings(users=tuple(users), roles=tuple(roles), everyone=everyone)
