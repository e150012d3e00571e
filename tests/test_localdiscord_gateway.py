"""The stand-in's gateway, driven by a raw websocket client, frame by frame as Discord speaks it."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.localdiscord import Intent, LocalDiscord

GUILD_MESSAGES_ONLY = Intent.GUILDS | Intent.GUILD_MESSAGES


class RawClient:
    """A minimal gateway client: just enough to watch what the stand-in sends."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0

    async def recv(self) -> dict[str, Any]:
        frame: dict[str, Any] = await self.ws.receive_json(timeout=2)
        if frame.get("s"):
            self.seq = frame["s"]
        return frame

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_json({"op": op, "d": data})

    async def identify(self, token: str, intents: int) -> tuple[dict[str, Any], dict[str, Any]]:
        await self.send(
            2, {"token": token, "intents": intents, "properties": {"os": "linux", "browser": "t", "device": "t"}}
        )
        ready, guild = await self.recv(), await self.recv()
        return ready, guild


@pytest.fixture
async def fake() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running() as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def connect(http: aiohttp.ClientSession, url: str) -> RawClient:
    client = RawClient(await http.ws_connect(url + "?v=10&encoding=json&compress=zlib-stream"))
    hello = await client.recv()
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
    return client


async def test_hello_heartbeat_identify_ready_guild_create(fake: LocalDiscord, http: aiohttp.ClientSession) -> None:
    client = await connect(http, fake.gateway_url)
    await client.send(1, None)
    assert (await client.recv())["op"] == 11

    ready, guild = await client.identify(fake.token, GUILD_MESSAGES_ONLY)

    assert ready["t"] == "READY" and ready["s"] == 1
    data = ready["d"]
    assert data["user"]["id"] == str(fake.application_id) and data["user"]["bot"] is True
    assert data["guilds"] == [{"id": str(fake.guild.id), "unavailable": True}]
    assert data["resume_gateway_url"] == fake.resume_gateway_url and data["session_id"]
    assert data["application"] == {"id": str(fake.application_id), "flags": fake.application_flags}
    assert guild["t"] == "GUILD_CREATE"
    g = guild["d"]
    assert {c["name"]: c["type"] for c in g["channels"]} == {"general": 0, "off-topic": 0, "Watch Party": 2}
    assert {r["name"] for r in g["roles"]} >= {"@everyone", "Moderator"}
    assert [m["user"]["username"] for m in g["members"]] == ["littlethings"]  # no members intent: only itself
    assert g["member_count"] == 5
    assert fake.intents == GUILD_MESSAGES_ONLY


async def test_with_the_members_intent_guild_create_lists_everyone(
    fake: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, fake.gateway_url)
    _, guild = await client.identify(fake.token, Intent.GUILDS | Intent.GUILD_MEMBERS)
    assert {m["user"]["username"] for m in guild["d"]["members"]} == {"owner", "you", "alice", "bob", "littlethings"}


async def test_a_wrong_token_is_closed_with_4004(fake: LocalDiscord, http: aiohttp.ClientSession) -> None:
    client = await connect(http, fake.gateway_url)
    await client.send(2, {"token": "nope", "intents": 1, "properties": {}})
    closed = await client.ws.receive(timeout=2)
    assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4004


async def test_privileged_intents_not_enabled_are_refused_with_4014(
    fake: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    fake.privileged_intents = 0
    client = await connect(http, fake.gateway_url)
    await client.send(2, {"token": fake.token, "intents": Intent.GUILDS | Intent.MESSAGE_CONTENT, "properties": {}})
    closed = await client.ws.receive(timeout=2)
    assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4014


async def test_resume_replays_what_was_missed_then_sends_resumed(
    fake: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, fake.gateway_url)
    ready, _ = await client.identify(fake.token, GUILD_MESSAGES_ONLY)
    session_id = ready["d"]["session_id"]
    seen = client.seq

    await fake.gateway.drop()
    assert (await client.ws.receive(timeout=2)).type is aiohttp.WSMsgType.CLOSE
    missed = await fake.say("general", "while you were away", user="alice")

    again = await connect(http, fake.resume_gateway_url)
    await again.send(6, {"token": fake.token, "session_id": session_id, "seq": seen})
    replayed, resumed = await again.recv(), await again.recv()
    assert replayed["t"] == "MESSAGE_CREATE" and replayed["d"]["id"] == str(missed.id) and replayed["s"] == seen + 1
    assert resumed["t"] == "RESUMED"
    assert fake.gateway.current is not None and fake.gateway.current.resumes == 1


async def test_resuming_an_unknown_session_is_invalidated(fake: LocalDiscord, http: aiohttp.ClientSession) -> None:
    client = await connect(http, fake.gateway_url)
    await client.send(6, {"token": fake.token, "session_id": "gone", "seq": 3})
    assert await client.recv() == {"op": 9, "d": False}


async def test_request_guild_members_answers_with_a_chunk(fake: LocalDiscord, http: aiohttp.ClientSession) -> None:
    client = await connect(http, fake.gateway_url)
    await client.identify(fake.token, Intent.GUILDS | Intent.GUILD_MEMBERS)
    alice = fake.user("alice")
    await client.send(8, {"guild_id": str(fake.guild.id), "user_ids": [str(alice.id), "1"], "nonce": "n1", "limit": 0})
    chunk = await client.recv()
    assert chunk["t"] == "GUILD_MEMBERS_CHUNK"
    assert chunk["d"]["nonce"] == "n1" and chunk["d"]["not_found"] == ["1"]
    assert [m["user"]["id"] for m in chunk["d"]["members"]] == [str(alice.id)]


async def test_messages_follow_intents_and_content_needs_message_content(
    fake: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, fake.gateway_url)
    await client.identify(fake.token, GUILD_MESSAGES_ONLY)
    await fake.say("general", "spoilers for season 3", user="bob")
    event = await client.recv()
    assert event["t"] == "MESSAGE_CREATE"
    assert event["d"]["content"] == ""  # no MESSAGE_CONTENT intent: Discord blanks it
    assert event["d"]["author"]["username"] == "bob" and event["d"]["guild_id"] == str(fake.guild.id)
    mention = await fake.say("general", f"{fake.bot_user.mention} hello", user="bob")
    event = await client.recv()
    assert event["d"]["content"] == mention.content  # a message that mentions the bot keeps its text


async def test_without_guild_messages_no_message_reaches_the_bot(
    fake: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, fake.gateway_url)
    await client.identify(fake.token, Intent.GUILDS)
    await fake.say("general", "hello?", user="bob")
    await client.send(1, None)
    assert (await client.recv())["op"] == 11  # the heartbeat ACK is the next frame: no MESSAGE_CREATE came
