"""The server the stand-in pretends to be: users, roles, members, channels and their permissions.

Kept as plain dataclasses with `to_payload()` methods that produce the JSON Discord sends, so the
REST handlers, the gateway and the user-action helpers all describe a user or a channel the same
way. Permissions are computed like Discord does for a server without channel overwrites (owner and
Administrator see everything; otherwise the union of @everyone and the member's roles), which is
what the bot reads as `interaction.permissions` and `app_permissions`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.localdiscord.ids import snowflake_at


class Perm(enum.IntFlag):
    """Discord's permission bits (the subset that matters to a community bot, plus their neighbours)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    USE_VAD = 1 << 25
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    USE_EXTERNAL_STICKERS = 1 << 37
    SEND_MESSAGES_IN_THREADS = 1 << 38
    USE_EMBEDDED_ACTIVITIES = 1 << 39
    MODERATE_MEMBERS = 1 << 40
    VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
    USE_SOUNDBOARD = 1 << 42
    CREATE_GUILD_EXPRESSIONS = 1 << 43
    CREATE_EVENTS = 1 << 44
    USE_EXTERNAL_SOUNDS = 1 << 45
    SEND_VOICE_MESSAGES = 1 << 46
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50


ALL_PERMISSIONS = Perm(sum(p.value for p in Perm))

# What a fresh Discord server grants @everyone.
EVERYONE_DEFAULT = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.STREAM
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.MENTION_EVERYONE
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.USE_VAD
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.REQUEST_TO_SPEAK
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.CREATE_PRIVATE_THREADS
    | Perm.USE_EXTERNAL_STICKERS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.USE_EMBEDDED_ACTIVITIES
    | Perm.USE_SOUNDBOARD
    | Perm.CREATE_EVENTS
    | Perm.USE_EXTERNAL_SOUNDS
    | Perm.SEND_VOICE_MESSAGES
    | Perm.SEND_POLLS
    | Perm.USE_EXTERNAL_APPS
)
MODERATOR_DEFAULT = Perm.MANAGE_MESSAGES | Perm.MANAGE_EVENTS | Perm.MANAGE_GUILD
# What the bot's invite link asks for: enough for every feature, nothing like Administrator.
BOT_DEFAULT = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.MENTION_EVERYONE
    | Perm.MANAGE_MESSAGES
    | Perm.MANAGE_ROLES
    | Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4


def iso(when: datetime) -> str:
    """Discord's timestamp format (ISO 8601 with an explicit UTC offset)."""
    return when.astimezone(UTC).isoformat()


@dataclass(eq=False)
class User:
    """A Discord account; `accepts_dms=False` makes DMs to it fail with 50007 like a closed inbox."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    discriminator: str = "0"
    accepts_dms: bool = True
    locale: str = "en-US"
    """The language of this person's Discord client; sent as `locale` on their interactions."""

    @property
    def display_name(self) -> str:
        return self.global_name or self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": self.discriminator,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "clan": None,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            payload["bot"] = True
        return payload

    def __repr__(self) -> str:
        return f"<User {self.username} id={self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload

    def __repr__(self) -> str:
        return f"<Role {self.name} id={self.id}>"


@dataclass(eq=False)
class Member:
    user: User
    roles: list[int]
    joined_at: datetime
    nick: str | None = None

    def to_payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "avatar": None,
            "banner": None,
            "communication_disabled_until": None,
            "deaf": False,
            "flags": 0,
            "joined_at": iso(self.joined_at),
            "mute": False,
            "nick": self.nick,
            "pending": False,
            "premium_since": None,
            "roles": [str(r) for r in self.roles],
            "unusual_dm_activity_until": None,
        }
        if with_user:
            payload["user"] = self.user.to_payload()
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: ChannelType
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    recipient: User | None = None
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        return self.type is ChannelType.DM

    def to_payload(self) -> dict[str, Any]:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type is ChannelType.DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": last,
                "flags": 0,
                "recipients": [self.recipient.to_payload()],
            }
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
            "flags": 0,
        }
        if self.type is ChannelType.GUILD_TEXT:
            payload.update(topic=self.topic, last_message_id=last, rate_limit_per_user=0)
        elif self.type is ChannelType.GUILD_VOICE:
            payload.update(bitrate=64000, user_limit=0, rtc_region=None, last_message_id=last, rate_limit_per_user=0)
        return payload

    def __repr__(self) -> str:
        return f"<Channel #{self.name} id={self.id}>"


@dataclass(eq=False)
class Guild:
    """One server, with the permission arithmetic Discord applies to its members."""

    id: int
    name: str
    owner_id: int
    created_at: datetime
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"
    """The server's preferred locale (Server Settings → Community); sent as `guild_locale`."""

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def role(self, name_or_id: str | int) -> Role:
        """A role by id, name or `@name` (the @everyone role answers to both spellings)."""
        if isinstance(name_or_id, int):
            return self.roles[name_or_id]
        wanted = name_or_id.lstrip("@").casefold()
        for role in self.roles.values():
            if role.name.lstrip("@").casefold() == wanted:
                return role
        raise KeyError(f"no role named {name_or_id!r}; roles: {', '.join(r.name for r in self.roles.values())}")

    def channel(self, name_or_id: str | int) -> Channel:
        if isinstance(name_or_id, int):
            return self.channels[name_or_id]
        wanted = name_or_id.lstrip("#").casefold()
        for channel in self.channels.values():
            if channel.name.casefold() == wanted:
                return channel
        raise KeyError(
            f"no channel named {name_or_id!r}; channels: {', '.join(c.name for c in self.channels.values())}"
        )

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions as Discord computes them without channel overwrites."""
        if user_id == self.owner_id:
            return int(ALL_PERMISSIONS)
        member = self.members.get(user_id)
        if member is None:
            return 0
        value = self.everyone.permissions
        for role_id in member.roles:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        if value & Perm.ADMINISTRATOR:
            return int(ALL_PERMISSIONS)
        return value

    def top_position(self, user_id: int) -> int:
        """The position of the member's highest role, which bounds the roles it may manage."""
        member = self.members.get(user_id)
        if member is None:
            return -1
        return max([self.roles[r].position for r in member.roles if r in self.roles] + [0])

    def to_create_payload(
        self,
        joined_at: datetime,
        *,
        bot_id: int | None = None,
        members_intent: bool = True,
        scheduled_events: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The GUILD_CREATE body: the whole server as a bot sees it right after READY.

        Without the members intent Discord lists only the bot itself (the member count stays true),
        so a bot that forgot the intent sees the same empty member cache it would in production.
        """
        members = [m for m in self.members.values() if members_intent or m.user.id == bot_id]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "system_channel_id": str(next(iter(self.channels))) if self.channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "application_id": None,
            "incidents_data": None,
            "roles": [r.to_payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "soundboard_sounds": [],
            "joined_at": iso(joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [m.to_payload() for m in members],
            "channels": [c.to_payload() for c in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": list(scheduled_events or []),
            "embedded_activities": [],
            "activity_instances": [],
            "version": 1,
        }

    def __repr__(self) -> str:
        return f"<Guild {self.name} id={self.id}>"


# Ids fixed across runs, so a playground session and a test log name the same server and people.
_FIXED_EPOCH = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)


def fixed_id(n: int) -> int:
    return snowflake_at(_FIXED_EPOCH + timedelta(minutes=n), n)


APPLICATION_ID = fixed_id(1)  # a bot user's id equals its application's id
GUILD_ID = fixed_id(2)


@dataclass
class World:
    """Everything outside the bot: its own account, the people, and the one server they share."""

    bot_user: User
    guild: Guild
    users: dict[int, User]
    app_owner: User
    bot_role: Role
    moderator_role: Role
    extra_guilds: list[Guild] = field(default_factory=list)
    """More servers (see `bot.localdiscord.shards`); `guild` is the one people act in right now."""
    home_guild: Guild | None = None

    @property
    def guilds(self) -> list[Guild]:
        """Every server the bot is in, the first one first."""
        home = self.home_guild or self.guild
        return [home, *self.extra_guilds]

    def use_guild(self, guild: Guild) -> None:
        """Act in `guild` from now on (slash commands, clicks, messages); roles follow by name."""
        if self.home_guild is None:
            self.home_guild = self.guild
        self.guild = guild
        self.bot_role = next(r for r in guild.roles.values() if r.bot_id == self.bot_user.id)
        self.moderator_role = guild.role(self.moderator_role.name)

    def user(self, ref: User | Member | str | int) -> User:
        """A user by object, id, username or `@username`."""
        if isinstance(ref, User):
            return ref
        if isinstance(ref, Member):
            return ref.user
        if isinstance(ref, int):
            return self.users[ref]
        wanted = ref.lstrip("@").casefold()
        for user in self.users.values():
            if user.username.casefold() == wanted:
                return user
        raise KeyError(f"no user named {ref!r}; users: {', '.join(u.username for u in self.users.values())}")


def default_world() -> World:
    """A small Little Things fan server: three people to act as, a moderator role, three channels.

    `you` holds Moderator (Manage Messages, Manage Events, Manage Guild) but is not the owner, so
    permission checks see a moderator rather than someone who bypasses every check; `alice` and
    `bob` are ordinary members. `owner` owns the server and the bot's application (the person who
    added the bot), so owner-only and Administrator-only commands are run as `owner`.
    """
    created = _FIXED_EPOCH
    bot_user = User(APPLICATION_ID, "littlethings", "Little Things Bot", bot=True, discriminator="4521")
    owner = User(fixed_id(10), "owner", "Server Owner")
    you = User(fixed_id(11), "you", "You")
    alice = User(fixed_id(12), "alice", "Alice")
    bob = User(fixed_id(13), "bob", "Bob")

    guild = Guild(GUILD_ID, "Little Things Fans", owner_id=owner.id, created_at=created)
    everyone = Role(GUILD_ID, "@everyone", int(EVERYONE_DEFAULT), position=0)
    moderator = Role(fixed_id(20), "Moderator", int(MODERATOR_DEFAULT), position=1, color=0x3498DB, hoist=True)
    bot_role = Role(fixed_id(21), "Little Things Bot", int(BOT_DEFAULT), position=2, managed=True, bot_id=bot_user.id)
    for role in (everyone, moderator, bot_role):
        guild.roles[role.id] = role

    for position, (n, name, kind, topic) in enumerate(
        [
            (30, "general", ChannelType.GUILD_TEXT, "Talk about Little Things"),
            (31, "off-topic", ChannelType.GUILD_TEXT, "Everything else"),
            (32, "Watch Party", ChannelType.GUILD_VOICE, None),
        ]
    ):
        channel = Channel(fixed_id(n), name, kind, guild_id=GUILD_ID, position=position, topic=topic)
        guild.channels[channel.id] = channel

    joined = created + timedelta(days=1)
    guild.members[owner.id] = Member(owner, [], created)
    guild.members[you.id] = Member(you, [moderator.id], joined)
    guild.members[alice.id] = Member(alice, [], joined + timedelta(hours=1))
    guild.members[bob.id] = Member(bob, [], joined + timedelta(hours=2))
    guild.members[bot_user.id] = Member(bot_user, [bot_role.id], joined + timedelta(hours=3))

    users = {u.id: u for u in (bot_user, owner, you, alice, bob)}
    return World(
        bot_user=bot_user, guild=guild, users=users, app_owner=owner, bot_role=bot_role, moderator_role=moderator
    )
