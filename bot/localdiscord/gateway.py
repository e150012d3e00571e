"""The websocket gateway: HELLO, heartbeats, IDENTIFY → READY → GUILD_CREATE, RESUME, member chunks.

Plain uncompressed JSON text frames are enough (discord.py accepts them even when it asked for
zlib-stream). A session outlives its socket: dispatches sent while the bot is disconnected are kept
and replayed on RESUME, as Discord does, so a test that drops the connection loses no events.
Dispatches respect the intents the bot identified with, because a bot that forgot an intent gets
nothing (or empty message content) from the real gateway either.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250


class Intent:
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    PRIVILEGED = GUILD_MEMBERS | (1 << 8) | MESSAGE_CONTENT  # members, presences, message content


# Which intent an event needs (events not listed need none, e.g. INTERACTION_CREATE).
_EVENT_INTENT = {
    "GUILD_ROLE_CREATE": Intent.GUILDS,
    "GUILD_ROLE_UPDATE": Intent.GUILDS,
    "GUILD_ROLE_DELETE": Intent.GUILDS,
    "CHANNEL_CREATE": Intent.GUILDS,
    "GUILD_MEMBER_ADD": Intent.GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": Intent.GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": Intent.GUILD_MEMBERS,
    "GUILD_SCHEDULED_EVENT_CREATE": Intent.GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": Intent.GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": Intent.GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_ADD": Intent.GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": Intent.GUILD_SCHEDULED_EVENTS,
}


@dataclass(eq=False)
class Session:
    """One identified gateway session; `socket` is None while the bot is disconnected."""

    session_id: str
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    socket: web.WebSocketResponse | None = None
    sent: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=2000))
    resumes: int = 0
    connect_paths: list[str] = field(default_factory=list)
    guild_sent: bool = False
    shard: tuple[int, int] | None = None  # [shard_id, shard_count] from IDENTIFY

    def owns(self, guild_id: int) -> bool:
        """Discord's rule: a server belongs to shard (guild_id >> 22) % shard_count."""
        return self.shard is None or (guild_id >> 22) % self.shard[1] == self.shard[0]

    def wants(self, event: str) -> bool:
        needed = _EVENT_INTENT.get(event)
        return needed is None or bool(self.intents & needed)


class Gateway:
    """Serves `/gateway` (first connection) and `/gateway/resume` (the advertised resume URL)."""

    def __init__(self, fake: LocalDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.received: list[dict[str, Any]] = []  # every frame the bot sent, for assertions
        self._sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()

    # --- connection handling -----------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None, autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: Session | None = None
        try:
            await self._send_raw(
                ws, {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["localdiscord"]}}
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    if msg.type is WSMsgType.BINARY:
                        await ws.close(code=4002, message=b"Decode error")
                    continue
                try:
                    frame = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                self.received.append(frame)
                session = await self._on_frame(ws, frame, session, request.path) or session
                self.fake.feed.notify()
        finally:
            self._sockets.discard(ws)
            if session is not None and session.socket is ws:
                session.socket = None
            self.fake.feed.notify()
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: Session | None, path: str
    ) -> Session | None:
        op = frame.get("op")
        data = frame.get("d")
        if op == HEARTBEAT:
            await self._send_raw(ws, {"op": HEARTBEAT_ACK})
            return None
        if op == IDENTIFY:
            return await self._identify(ws, data or {}, path)
        if op == RESUME:
            return await self._resume(ws, data or {}, path)
        if op == REQUEST_GUILD_MEMBERS:
            if session is not None:
                await self._members_chunk(session, data or {})
            return None
        if op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            return None
        log.warning("gateway: unknown opcode %r from the bot", op)
        await ws.close(code=4001, message=b"Unknown opcode")
        return None

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any], path: str) -> Session | None:
        if data.get("token") != self.fake.token:
            await ws.close(code=4004, message=b"Authentication failed")
            return None
        intents = int(data.get("intents", 0))
        refused = intents & Intent.PRIVILEGED & ~self.fake.privileged_intents
        if refused:
            await ws.close(code=4014, message=b"Disallowed intent(s)")
            return None
        session = Session(session_id=secrets.token_hex(16), intents=intents, identify=data, socket=ws)
        shard = data.get("shard")
        if isinstance(shard, list) and len(shard) == 2 and all(isinstance(n, int) for n in shard):
            if not 0 <= shard[0] < shard[1]:
                await ws.close(code=4010, message=b"Invalid shard")
                return None
            session.shard = (shard[0], shard[1])
        session.connect_paths.append(path)
        self.sessions[session.session_id] = session
        self.current = session
        fake = self.fake
        ready = {
            "v": 10,
            "user": {**fake.world.bot_user.to_payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in fake.guilds if session.owns(g.id)],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": fake.resume_gateway_url,
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": ["local"],
            "auth": {},
            "_trace": ["localdiscord"],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self.dispatch_to(session, "READY", ready)
        for owned in (g for g in fake.guilds if session.owns(g.id)):
            guild = owned.to_create_payload(
                fake.joined_at,
                bot_id=fake.application_id,
                members_intent=bool(intents & Intent.GUILD_MEMBERS),
                scheduled_events=[e for e in fake.scheduled_events.values() if e.get("guild_id") == str(owned.id)],
            )
            await self.dispatch_to(session, "GUILD_CREATE", guild)
        session.guild_sent = True
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any], path: str) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.fake.token:
            await self._send_raw(ws, {"op": INVALID_SESSION, "d": False})
            return None
        if session.socket is not None and session.socket is not ws and not session.socket.closed:
            await session.socket.close(code=4000, message=b"Session resumed elsewhere")
        session.socket = ws
        session.resumes += 1
        session.connect_paths.append(path)
        self.current = session
        last_seen = int(data.get("seq") or 0)
        for seq, text in list(session.sent):
            if seq > last_seen:
                await self._send_text(ws, text)
        await self.dispatch_to(session, "RESUMED", {"_trace": ["localdiscord"]})
        return session

    async def _members_chunk(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.fake.guild
        members = list(guild.members.values())
        not_found: list[str] = []
        if data.get("user_ids"):
            wanted = [int(u) for u in (data["user_ids"] if isinstance(data["user_ids"], list) else [data["user_ids"]])]
            not_found = [str(u) for u in wanted if u not in guild.members]
            members = [guild.members[u] for u in wanted if u in guild.members]
        elif data.get("query"):
            query = str(data["query"]).casefold()
            members = [m for m in members if m.user.username.casefold().startswith(query)]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self.dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # --- sending -----------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> bool:
        """Send a dispatch to the session that owns its server (sharded) or the current one; False if not sent."""
        session = self.session_for(data.get("guild_id") if isinstance(data, dict) else None)
        if session is None or not session.wants(event):
            return False
        await self.dispatch_to(session, event, data)
        return True

    async def dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        async with self._send_lock:  # sequence numbers go out in order
            session.seq += 1
            text = json.dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data}, separators=(",", ":"))
            session.sent.append((session.seq, text))
            socket = session.socket
            if socket is not None and not socket.closed:
                try:
                    await socket.send_str(text)
                except ConnectionError:
                    log.debug("gateway: socket gone while sending %s; it will be replayed on resume", event)

    def session_for(self, guild_id: Any) -> Session | None:
        """The live session whose shard owns `guild_id` (DMs and unsharded bots: the current session)."""
        if guild_id is not None and str(guild_id).isdigit():
            owners = [s for s in self.sessions.values() if s.shard is not None and s.owns(int(guild_id))]
            live = [s for s in owners if s.socket is not None and not s.socket.closed]
            if live or owners:
                return (live or owners)[-1]
        return self.current

    async def redeliver(self, event: str, object_id: int) -> bool:
        """Send the last `event` dispatch about `object_id` again, with a new sequence number.

        Real Discord does this after a RESUME that replays events the client had already handled;
        False if no such dispatch went to the current session.
        """
        session = self.current
        if session is None:
            return False
        for _, text in reversed(session.sent):
            frame = json.loads(text)
            if frame.get("t") == event and str((frame.get("d") or {}).get("id")) == str(object_id):
                await self.dispatch_to(session, event, frame["d"])
                return True
        return False

    async def send_op(self, op: int, data: Any = None) -> None:
        """Send a raw non-dispatch opcode (e.g. RECONNECT) to the current socket."""
        session = self.current
        if session is not None and session.socket is not None:
            await self._send_raw(session.socket, {"op": op, "d": data})

    async def _send_raw(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        await self._send_text(ws, json.dumps(frame, separators=(",", ":")))

    async def _send_text(self, ws: web.WebSocketResponse, text: str) -> None:
        if not ws.closed:
            try:
                await ws.send_str(text)
            except ConnectionError:
                log.debug("gateway: socket closed while sending")

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket without ending its session, as a network blip or Discord restart does."""
        session = self.current
        if session is not None and session.socket is not None:
            await session.socket.close(code=code, message=b"Dropped by localdiscord")

    async def close_all(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"Server shutting down")
