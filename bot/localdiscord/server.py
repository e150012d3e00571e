"""`LocalDiscord`: a Discord the bot can log into on 127.0.0.1, for tests and the terminal playground.

It owns the world (one server, its people and channels), the messages, the interactions in flight,
the REST call log and the gateway sessions, and it is the one place that turns a change into its
three consequences: the stored state, the gateway dispatch the bot receives (if its intents ask for
it), and the feed event the playground renders. REST handlers (`rest.py`), the gateway
(`gateway.py`) and the people acting in it (`actions.py`) all go through the methods here.

    async with LocalDiscord.running() as fake:
        async with run_bot(fake, config) as bot:
            reply = await fake.slash("about")
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.localdiscord.actions import Actor, ChannelRef, MessageRef, UserRef
from bot.localdiscord.board import MessageBoard
from bot.localdiscord.events import EventFeed, LocalEvent, Subscriber
from bot.localdiscord.gateway import Gateway, Intent
from bot.localdiscord.ids import SnowflakeFactory
from bot.localdiscord.interactions import InteractionRecord, Reply, base_payload, new_token
from bot.localdiscord.messages import Attachment, Message
from bot.localdiscord.model import Channel, ChannelType, Guild, Member, Perm, Role, User, World, default_world
from bot.localdiscord.ratelimits import RateLimiter
from bot.localdiscord.recording import Failure, RestCall, Violation, make_failure
from bot.localdiscord.rest import RestApi
from bot.localdiscord.spec import SpecValidator

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 2048
"""Connections waiting to be accepted. aiohttp's default of 128 overflowed when a bot answered a
thousand interactions at once over new connections: Linux then drops the SYN and the client sends it
again after a second, a delay real Discord (which accepts whatever comes) never adds. The kernel
caps it at net.core.somaxconn."""

# GATEWAY_PRESENCE_LIMITED | GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED | COMMAND_BADGE
APPLICATION_FLAGS = (1 << 13) | (1 << 15) | (1 << 19) | (1 << 23)


class BotCrashed(RuntimeError):
    """The bot under test stopped while a test was waiting on it."""


@dataclass(frozen=True)
class BotError:
    """An ERROR the bot (or discord.py on its behalf) logged, with the traceback text if any."""

    logger: str
    message: str
    traceback: str | None
    at: float

    def __str__(self) -> str:
        last = self.traceback.strip().splitlines()[-1] if self.traceback else ""
        return f"[{self.logger}] {self.message}" + (f" ({last})" if last else "")


class LocalDiscord:
    """A local Discord: REST under `/api/v10`, a gateway at `/gateway`, state and user actions.

    `clock` should be the bot's own clock (tests pass their VirtualClock) so message timestamps,
    snowflakes and "is this event in the past?" agree with the bot. `ack_deadline` is Discord's
    3-second limit for a first answer (None switches it off, e.g. while debugging the bot).
    `rate_limited` plays Discord's rate limits (`fake.ratelimits` holds the buckets and counters).
    """

    def __init__(
        self,
        *,
        world: World | None = None,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        validate_bodies: bool = True,
        ack_deadline: float | None = 3.0,
        default_timeout: float = 20.0,
        shard_count: int = 1,
        rate_limited: bool = False,
    ) -> None:
        self.world = world or default_world()
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.clock: Clock = clock or SystemClock()
        self.host = host
        self.port = port
        self.validate_bodies = validate_bodies
        self.ack_deadline = ack_deadline
        # A wait returns as soon as its condition holds: this bound only ends a wait that is failing, and
        # must outlast a busy machine (5 s did not, on 2 cores under load: trivia waits timed out).
        self.default_timeout = default_timeout
        self.token = _bot_token(self.world.bot_user.id)
        self.application_flags = APPLICATION_FLAGS
        self.privileged_intents = Intent.PRIVILEGED  # what the developer portal has switched on
        self.joined_at = self.world.guild.members[self.world.bot_user.id].joined_at

        self.spec = _shared_validator()
        self.feed = EventFeed()
        self.gateway = Gateway(self)
        self.rest = RestApi(self)
        self.board = MessageBoard(self)
        # Discord's rate limits, on the stand-in's clock (`ratelimits.py`); None plays no limits.
        self.ratelimits = RateLimiter(lambda: self.clock.now().timestamp()) if rate_limited else None

        self.calls: list[RestCall] = []
        self.violations: list[Violation] = []
        self.unhandled: list[RestCall] = []
        self.failures: list[Failure] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.sync_count = 0
        self.interactions: dict[int, InteractionRecord] = {}
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self.event_interest: dict[int, list[int]] = {}  # event id -> users who clicked "Interested"
        self.dm_channels: dict[int, Channel] = {}
        self.nonces: dict[tuple[int, str], tuple[int, Any]] = {}  # (channel, nonce) -> (message id, when)
        self.nonce_lock = asyncio.Lock()
        self.deduplicated = 0  # sends answered with an earlier message because of enforce_nonce

        self.bot_errors: list[BotError] = []  # ERROR logs while run_bot/run_client ran the bot
        self.client: Any = None  # the discord.py client under test, when it runs in this process
        self.bot_task: asyncio.Task[Any] | None = None
        self._by_token: dict[str, InteractionRecord] = {}
        self._ids = SnowflakeFactory()
        self._runner: web.AppRunner | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, **options: Any) -> AsyncIterator[LocalDiscord]:
        """Start a stand-in on a free port for the duration of the block."""
        fake = cls(**options)
        await fake.start()
        try:
            yield fake
        finally:
            await fake.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._serve_attachment)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=LISTEN_BACKLOG)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("localdiscord: listening on %s", self.base_url)

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway/resume"

    # --- the world ---------------------------------------------------------------------------

    @property
    def guild(self) -> Guild:
        return self.world.guild

    @property
    def application_id(self) -> int:
        return self.world.bot_user.id

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    def user(self, ref: UserRef) -> User:
        """A person by User, Member, id or username (`"alice"`, `"@alice"`)."""
        return self.world.user(ref)

    def channel(self, ref: ChannelRef) -> Channel:
        """A channel by Channel, id, or name (`"general"`, `"#general"`, `"Watch Party"`)."""
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, int):
            found = self.channel_by_id(ref)
            if found is None:
                raise KeyError(f"no channel with id {ref}")
            return found
        return self.guild.channel(ref)

    def role(self, ref: Role | str | int) -> Role:
        return ref if isinstance(ref, Role) else self.guild.role(ref)

    @property
    def guilds(self) -> list[Guild]:
        """Every server (one unless the world was built with `bot.localdiscord.shards.sharded_world`)."""
        return self.world.guilds

    def use_guild(self, ref: Guild | str | int) -> Guild:
        """Act in another server from now on: slash commands, clicks and messages happen there."""
        guild = next(g for g in self.guilds if ref is g or g.id == ref or g.name == ref)
        self.world.use_guild(guild)
        return guild

    def channel_by_id(self, channel_id: int) -> Channel | None:
        channel = self.guild.channels.get(channel_id)
        if channel is not None:
            return channel
        for guild in self.world.extra_guilds + ([self.world.home_guild] if self.world.home_guild else []):
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return next((c for c in self.dm_channels.values() if c.id == channel_id), None)

    def dm_channel(self, user: UserRef) -> Channel:
        """The DM channel between the bot and `user`, created on first use as Discord does."""
        person = self.user(user)
        channel = self.dm_channels.get(person.id)
        if channel is None:
            channel = Channel(self.next_id(), "", ChannelType.DM, recipient=person)
            self.dm_channels[person.id] = channel
        return channel

    def refuse_dms(self, user: UserRef, refuse: bool = True) -> None:
        """Make DMs to `user` fail with 403 / 50007, as for someone who closed their DMs."""
        self.user(user).accepts_dms = not refuse

    @property
    def bot_permissions(self) -> int:
        return self.guild.permissions_of(self.application_id)

    async def set_bot_permissions(self, permissions: int) -> None:
        """Give the bot's own role exactly these permissions (e.g. to take away Manage Events)."""
        await self.set_role_permissions(self.world.bot_role, permissions)

    async def revoke_bot_permissions(self, permissions: int) -> None:
        await self.set_bot_permissions(self.world.bot_role.permissions & ~int(permissions))

    async def set_role_permissions(self, role: Role | str | int, permissions: int) -> None:
        target = self.role(role)
        target.permissions = int(permissions)
        await self.gateway.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(self.guild.id), "role": target.to_payload()})

    async def add_role(self, name: str, *, permissions: int = 0, mentionable: bool = False, color: int = 0) -> Role:
        """Create a role just above @everyone, as a moderator would in Server Settings."""
        for existing in self.guild.roles.values():
            if existing.position >= 1:
                existing.position += 1
        role = Role(self.next_id(), name, int(permissions), position=1, color=color, mentionable=mentionable)
        self.guild.roles[role.id] = role
        await self.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(self.guild.id), "role": role.to_payload()})
        return role

    async def give_role(self, user: UserRef, role: Role | str | int, *, add: bool = True) -> None:
        """A moderator adds (or removes) a role through Discord's UI; the bot sees GUILD_MEMBER_UPDATE."""
        member = self.guild.members[self.user(user).id]
        target = self.role(role)
        if add and target.id not in member.roles:
            member.roles.append(target.id)
        elif not add and target.id in member.roles:
            member.roles.remove(target.id)
        await self.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member.to_payload(), "guild_id": str(self.guild.id)})

    async def add_channel(self, name: str, *, kind: ChannelType = ChannelType.GUILD_TEXT) -> Channel:
        """A moderator creates a channel (CHANNEL_CREATE), e.g. many of them for a rate-limit benchmark."""
        position = max((c.position for c in self.guild.channels.values()), default=-1) + 1
        channel = Channel(self.next_id(), name, kind, guild_id=self.guild.id, position=position)
        self.guild.channels[channel.id] = channel
        await self.gateway.dispatch("CHANNEL_CREATE", channel.to_payload())
        return channel

    async def add_member(self, username: str, *, global_name: str | None = None) -> User:
        """Someone joins the server (GUILD_MEMBER_ADD)."""
        user = User(self.next_id(), username, global_name or username.title())
        self.world.users[user.id] = user
        member = Member(user, [], self.clock.now())
        self.guild.members[user.id] = member
        await self.gateway.dispatch("GUILD_MEMBER_ADD", {**member.to_payload(), "guild_id": str(self.guild.id)})
        return user

    # --- people acting -----------------------------------------------------------------------

    def actor(self, user: UserRef | None = None, channel: ChannelRef | None = None) -> Actor:
        """`user` (default `you`, the moderator) acting in `channel` (default #general)."""
        return Actor(
            self,
            self.user(user if user is not None else "you"),
            self.channel(channel if channel is not None else "general"),
        )

    async def slash(
        self,
        command: str,
        /,
        *,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> Reply:
        """Run a slash command (`"trivia start"` for a subcommand) and wait for the bot's answer.

        Options go as keyword arguments; one named `user`, `channel`, `timeout` or `options` goes
        in `options={...}`. Returns once the user sees an answer (after "thinking", the follow-up).
        """
        return await self.actor(user, channel).slash(command, timeout=timeout, options=options, **values)

    async def autocomplete(
        self,
        command: str,
        /,
        *,
        focused: str | None = None,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> list[dict[str, Any]]:
        """Type into an option with autocomplete; returns the suggested choices (`[{name, value}]`)."""
        return await self.actor(user, channel).autocomplete(
            command, focused=focused, timeout=timeout, options=options, **values
        )

    async def click(
        self,
        message: MessageRef,
        custom_id: str | None = None,
        /,
        *,
        label: str | None = None,
        user: UserRef | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Press a button on `message`, found by custom id or by its label."""
        return await self.actor(user).click(message, custom_id, label=label, timeout=timeout)

    async def select(
        self,
        message: MessageRef,
        custom_id: str,
        values: Iterable[Any],
        /,
        *,
        user: UserRef | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Pick `values` in a select menu on `message`."""
        return await self.actor(user).select(message, custom_id, values, timeout=timeout)

    async def submit_modal(
        self,
        modal: Reply | InteractionRecord | None = None,
        /,
        values: Mapping[str, Any] | None = None,
        *,
        user: UserRef | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Fill in and submit a modal (default: the last one shown to `user`); values by custom id or label."""
        return await self.actor(user).submit_modal(modal, values or {}, timeout=timeout)

    async def say(
        self,
        channel: ChannelRef,
        text: str,
        /,
        *,
        user: UserRef | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """Post a plain message as `user` (MESSAGE_CREATE reaches the bot if its intents allow)."""
        return await self.actor(user, channel).say(text, reply_to=reply_to)

    async def react(self, message: MessageRef, emoji: str, /, *, user: UserRef | None = None) -> None:
        """`user` adds a reaction (MESSAGE_REACTION_ADD reaches the bot if its intents allow)."""
        await self.actor(user).react(message, emoji)

    async def dispatch(self, event: str, data: dict[str, Any]) -> bool:
        """Send any gateway dispatch as is (malformed-payload tests); False if intents filter it out."""
        return await self.gateway.dispatch(event, data)

    async def deliver_again(self, what: Reply | InteractionRecord | Message) -> None:
        """Deliver an interaction (or a member's message) to the bot a second time, as Discord may after
        a RESUME: the same payload, same id and token, under a new sequence number."""
        if isinstance(what, Message):
            event, object_id = "MESSAGE_CREATE", what.id
        else:
            record = what.interaction if isinstance(what, Reply) else what
            event, object_id = "INTERACTION_CREATE", record.id
        if not await self.gateway.redeliver(event, object_id):
            raise RuntimeError(f"no {event} for {object_id} was delivered to the bot's current session")

    # --- what happened -----------------------------------------------------------------------

    def sent_messages(self, channel: ChannelRef | None = None, *, include_deleted: bool = False) -> list[Message]:
        """Messages the bot sent (ephemeral ones included), oldest first; all channels if None."""
        return [
            m
            for m in self._messages_in(channel)
            if m.author.id == self.application_id and (include_deleted or not m.deleted)
        ]

    @property
    def messages(self) -> dict[int, Message]:
        """Every message by id, deleted and ephemeral ones included."""
        return self.board.messages

    @property
    def attachments(self) -> dict[int, Attachment]:
        return self.board.attachments

    @property
    def typing_in(self) -> set[int]:
        """Channels where the bot has shown "is typing…"."""
        return self.board.typing_in

    def channel_messages(self, channel_id: int) -> list[Message]:
        return self.board.channel_messages(channel_id)

    def messages_in(
        self, channel: ChannelRef, *, visible_to: UserRef | None = None, include_deleted: bool = False
    ) -> list[Message]:
        """Everything posted in a channel, oldest first, as `visible_to` would see it if given."""
        viewer = self.user(visible_to).id if visible_to is not None else None
        return [
            m
            for m in self._messages_in(channel)
            if (include_deleted or not m.deleted) and (viewer is None or m.visible_for(viewer))
        ]

    def dm_messages(self, user: UserRef, *, include_deleted: bool = False) -> list[Message]:
        """The conversation between the bot and `user`, oldest first."""
        channel = self.dm_channels.get(self.user(user).id)
        if channel is None:
            return []
        return [m for m in self.channel_messages(channel.id) if include_deleted or not m.deleted]

    def _messages_in(self, channel: ChannelRef | None) -> list[Message]:
        if channel is None:
            return sorted(self.messages.values(), key=lambda m: m.id)
        return self.channel_messages(self.channel(channel).id)

    def message(self, message_id: int) -> Message:
        return self.messages[message_id]

    def mark(self) -> int:
        """A watermark: messages created after this call have larger ids (`wait_for_message(after=...)`)."""
        return self._ids.next(self.clock.now())

    def calls_to(self, method: str, route: str) -> list[RestCall]:
        """Recorded calls for one route template, e.g. `calls_to("POST", "/channels/{channel_id}/messages")`."""
        return [c for c in self.calls if c.method == method.upper() and c.route == route]

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        return self.feed.subscribe(callback)

    @property
    def events(self) -> list[LocalEvent]:
        return self.feed.history

    @property
    def intents(self) -> int | None:
        """The intents the bot identified with (None before IDENTIFY)."""
        session = self.gateway.current
        return session.intents if session is not None else None

    # --- waiting -----------------------------------------------------------------------------

    async def wait_until(
        self, condition: Callable[[], Any], *, timeout: float | None = None, what: str = "condition"
    ) -> Any:
        """Wait until `condition()` is truthy, re-checked after every change the stand-in sees."""
        wait = self.default_timeout if timeout is None else timeout
        return await self.feed.wait_until(
            condition,
            timeout=wait,
            describe=lambda: f"timed out after {wait}s waiting for {what}",
            abort=self.check_bot_alive,
        )

    async def wait_until_ready(self, *, synced: bool = True, timeout: float = 15.0) -> None:
        """Until the bot has identified and received GUILD_CREATE (and, if `synced`, synced commands)."""

        def ready() -> bool:
            session = self.gateway.current
            return bool(
                session and session.guild_sent and session.socket is not None and (self.sync_count or not synced)
            )

        await self.wait_until(
            ready, timeout=timeout, what="the bot to connect" + (" and sync its commands" if synced else "")
        )

    async def wait_for_shards(self, shard_ids: Iterable[int], *, timeout: float = 15.0) -> None:
        """Until each of these shards has a live session that received its servers."""
        wanted = set(shard_ids)

        def ready() -> bool:
            live = {
                s.shard[0]
                for s in self.gateway.sessions.values()
                if s.shard is not None and s.guild_sent and s.socket is not None and not s.socket.closed
            }
            return wanted <= live

        await self.wait_until(ready, timeout=timeout, what=f"shards {sorted(wanted)} to connect")

    async def wait_for_message(
        self,
        channel: ChannelRef | None = None,
        *,
        predicate: Callable[[Message], bool] | None = None,
        author: UserRef | None = None,
        after: int | None = None,
        timeout: float | None = None,
    ) -> Message:
        """The first message (by default from the bot) matching, optionally newer than `after` (a `mark()`)."""
        author_id = self.user(author).id if author is not None else self.application_id

        def found() -> Message | None:
            for message in self._messages_in(channel):
                if message.deleted or message.author.id != author_id or (after is not None and message.id <= after):
                    continue
                if message.loading:
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        where = f" in {self.channel(channel)!r}" if channel is not None else ""
        return await self.wait_until(found, timeout=timeout, what=f"a message{where}")

    async def wait_for_edit(self, message: Message, *, timeout: float | None = None) -> Message:
        """Until `message` is edited (or deleted) once more."""
        seen = len(message.revisions)
        await self.wait_until(
            lambda: len(message.revisions) > seen or message.deleted, timeout=timeout, what=f"an edit of {message!r}"
        )
        return message

    async def drop_connection(
        self, *, code: int = 4000, wait_for_resume: bool = True, timeout: float | None = None
    ) -> None:
        """Cut the bot's gateway socket; by default wait until it has RESUMEd."""
        session = self.gateway.current
        if session is None:
            raise RuntimeError("the bot is not connected to the gateway")
        before = session.resumes
        await self.gateway.drop(code)
        if wait_for_resume:
            await self.wait_until(
                lambda: session.resumes > before and session.socket is not None,
                timeout=timeout,
                what="the bot to RESUME its gateway session",
            )

    def check_bot_alive(self) -> None:
        """Raise `BotCrashed` if the bot task attached by `run_bot` has ended."""
        task = self.bot_task
        if task is None or not task.done():
            return
        if task.cancelled():
            raise BotCrashed("the bot task was cancelled")
        error = task.exception()
        if error is not None:
            raise BotCrashed(f"the bot stopped with {error!r}") from error
        raise BotCrashed("the bot stopped (its start() returned)")

    # --- failure injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        route: str,
        *,
        status: int = 403,
        code: int | None = None,
        message: str | None = None,
        times: int = 1,
        retry_after: float = 0.05,
        global_limit: bool = False,
        errors: dict[str, Any] | None = None,
        after: int = 0,
    ) -> Failure:
        """Answer the next `times` calls to `method route` with an error, exactly as Discord would.

        `after` lets that many matching calls through first (e.g. refuse a game's question, not its intro).

        `route` is Discord's template (`"/channels/{channel_id}/messages"`). Codes and messages
        default by status (403 → 50013 Missing Permissions, 429 with `retry_after`, `Via` and
        X-RateLimit headers so discord.py retries, 500 → retried by discord.py after 1 s...).
        """
        if not self.spec.has_route(route):
            raise ValueError(f"{route!r} is not a Discord route template (e.g. '/channels/{{channel_id}}/messages')")
        failure = make_failure(
            method,
            route,
            status=status,
            code=code,
            message=message,
            times=times,
            retry_after=retry_after,
            global_limit=global_limit,
            errors=errors,
        )
        failure.skip = after
        self.failures.append(failure)
        return failure

    def check_unchecked(self) -> list[Violation]:
        """Hold every recorded body that came while `validate_bodies` was off against the spec now.

        For measurements: the check costs the stand-in's process up to a millisecond a body, and on a
        shared machine that CPU is taken from the bot being measured. A benchmark turns checking off for
        its timed window and calls this after it, so every body is still checked; what Discord would
        refuse is added to `violations` (it was answered as if valid at the time).
        """
        found: list[Violation] = []
        for call in self.calls:
            if call.checked:
                continue
            call.checked = True
            problems = self.rest.problems_of(call)
            if problems:
                call.violation = Violation(call.method, call.route or call.path, call.path, tuple(problems), call.json)
                found.append(call.violation)
        self.violations.extend(found)
        return found

    def take_failure(self, method: str, route: str | None) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and failure.route == route and failure.used < failure.times:
                if failure.skip > 0:
                    failure.skip -= 1
                    return None
                failure.used += 1
                if failure.used >= failure.times:
                    self.failures.remove(failure)
                return failure
        return None

    def record_bot_error(self, record: logging.LogRecord) -> None:
        traceback_text = None
        if record.exc_info:
            traceback_text = logging.Formatter().formatException(record.exc_info)
        try:
            at = self.loop_time()
        except RuntimeError:
            at = 0.0
        self.bot_errors.append(BotError(record.name, record.getMessage(), traceback_text, at))
        self.feed.notify()

    # --- used by the REST handlers and the actions -------------------------------------------

    def next_id(self) -> int:
        return self._ids.next(self.clock.now())

    def loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return self._by_token.get(token)

    async def mark_interested(self, event_id: int, user: UserRef, *, interested: bool = True) -> None:
        """A member clicks "Interested" on a scheduled event (or takes it back)."""
        person = self.user(user)
        event = self.scheduled_events[event_id]
        users = self.event_interest.setdefault(event_id, [])
        if (person.id in users) == interested:
            return
        if interested:
            users.append(person.id)
        else:
            users.remove(person.id)
        event["user_count"] = len(users)
        data = {"guild_scheduled_event_id": str(event_id), "user_id": str(person.id), "guild_id": str(self.guild.id)}
        name = "GUILD_SCHEDULED_EVENT_USER_ADD" if interested else "GUILD_SCHEDULED_EVENT_USER_REMOVE"
        await self.gateway.dispatch(name, data)
        self.feed.notify()

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        attachment = self.board.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            return web.Response(status=404)
        return web.Response(body=attachment.data, content_type=attachment.content_type or "application/octet-stream")

    async def dispatch_interaction(
        self,
        kind: int,
        *,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        label: str,
        source_message: Message | None = None,
    ) -> InteractionRecord:
        """Send an INTERACTION_CREATE exactly as Discord would and start tracking the answer."""
        self.check_bot_alive()
        if self.gateway.current is None:
            raise RuntimeError(
                f"{label}: the bot has not connected to the gateway yet (use run_bot / wait_until_ready)"
            )
        interaction_id = self.next_id()
        token = new_token(interaction_id)
        guild = self.guild if not channel.is_dm else None
        payload = base_payload(
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            application_id=self.application_id,
            guild=guild,
            channel=channel,
            user=user,
            app_permissions=self.bot_permissions if guild is not None else int(_DM_APP_PERMISSIONS),
        )
        payload["data"] = data
        if source_message is not None:
            payload["message"] = self.board.payload(source_message)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            user=user,
            channel=channel,
            guild_id=guild.id if guild is not None else None,
            label=label,
            payload=payload,
            dispatched_at=self.loop_time(),
            source_message=source_message,
        )
        self.interactions[interaction_id] = record
        self._by_token[token] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    async def await_answer(self, record: InteractionRecord, timeout: float | None = None) -> Reply:
        """Wait until the user sees the bot's answer to `record`; fail with what the bot did instead."""
        wait = self.default_timeout if timeout is None else timeout
        return await self.feed.wait_until(
            record.answer, timeout=wait, describe=lambda: self._no_answer(record, wait), abort=self.check_bot_alive
        )

    def _no_answer(self, record: InteractionRecord, timeout: float) -> str:
        since = [c for c in self.calls if c.started >= record.dispatched_at]
        lines = [f"{record.label} (interaction {record.id}) got no answer within {timeout}s."]
        if record.response_type == 5:
            lines.append(
                "The bot deferred (the user sees 'thinking…') but never sent a follow-up or edited the response."
            )
        if since:
            lines.append("REST calls from the bot since then:")
            for call in since:
                problem = f"  <- {call.violation}" if call.violation else ""
                lines.append(f"  {call.method} {call.route or call.path} -> {call.status}{problem}")
        else:
            lines.append("The bot made no REST call at all (is the command registered, did the handler raise?).")
        errors = [e for e in self.bot_errors if e.at >= record.dispatched_at]
        if errors:
            lines.append("The bot logged errors meanwhile:")
            lines.extend(f"  {e}" for e in errors)
        return "\n".join(lines)


# In a DM, Discord reports the permissions a bot has there.
_DM_APP_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
)

_VALIDATOR: SpecValidator | None = None


def _shared_validator() -> SpecValidator:
    """One validator per process: compiled validators are reused by every stand-in (and test)."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = SpecValidator()
    return _VALIDATOR


def _bot_token(bot_id: int) -> str:
    """A token with a real token's shape (id.timestamp.hmac), which `Config` validation accepts."""
    first = base64.urlsafe_b64encode(str(bot_id).encode()).decode().rstrip("=")
    stamp = base64.urlsafe_b64encode(int(time.time()).to_bytes(4, "big")).decode().rstrip("=")
    return f"{first}.{stamp}.{secrets.token_urlsafe(27)}"
