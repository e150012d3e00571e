"""The stand-in's REST API, called directly: Discord's answers, error bodies and bookkeeping."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.clock import VirtualClock
from bot.localdiscord import Intent, InteractionRecord, LocalDiscord, Perm

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running(clock=VirtualClock(START)) as fake:
        yield fake


class Api:
    """Calls the stand-in as the bot would, with its token."""

    def __init__(self, fake: LocalDiscord, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def call(
        self, method: str, path: str, body: Any = None, *, auth: bool = True, data: Any = None
    ) -> tuple[int, Any, aiohttp.ClientResponse]:
        headers = {"Authorization": f"Bot {self.fake.token}"} if auth else {}
        kwargs: dict[str, Any] = {"json": body} if body is not None else {"data": data}
        async with self.session.request(method, self.fake.api_base_url + path, headers=headers, **kwargs) as response:
            raw = await response.read()
            return response.status, (json.loads(raw) if raw else None), response


@pytest.fixture
async def api(fake: LocalDiscord) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


def general(fake: LocalDiscord) -> int:
    return fake.channel("general").id


async def test_json_answers_have_exactly_the_json_content_type(api: Api) -> None:
    status, body, response = await api.call("GET", "/users/@me")
    assert status == 200 and body["username"] == "littlethings"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-RateLimit-Bucket"]


async def test_a_missing_or_wrong_token_gets_401(api: Api) -> None:
    status, body, _ = await api.call("GET", "/users/@me", auth=False)
    assert (status, body) == (401, {"message": "401: Unauthorized", "code": 0})


async def test_unknown_routes_get_a_json_404_and_are_noted(fake: LocalDiscord, api: Api) -> None:
    status, body, response = await api.call("GET", "/not/a/route")
    assert (status, body["code"]) == (404, 0)
    assert response.headers["Content-Type"] == "application/json"
    status, _, _ = await api.call("GET", f"/channels/{general(fake)}/pins")
    assert status == 404
    assert [c.route for c in fake.unhandled] == ["/channels/{channel_id}/pins"]


async def test_every_call_is_recorded_with_route_path_body_and_status(fake: LocalDiscord, api: Api) -> None:
    await api.call("POST", f"/channels/{general(fake)}/messages", {"content": "hello"})
    call = fake.calls[-1]
    assert (call.method, call.route, call.path, call.status) == (
        "POST",
        "/channels/{channel_id}/messages",
        f"/channels/{general(fake)}/messages",
        200,
    )
    assert call.json == {"content": "hello"} and call.params == {"channel_id": str(general(fake))}
    assert [m.content for m in fake.sent_messages("general")] == ["hello"]


async def test_an_invalid_body_gets_discords_400_and_is_a_violation(fake: LocalDiscord, api: Api) -> None:
    status, body, _ = await api.call("POST", f"/channels/{general(fake)}/messages", {"embeds": [{"title": "x" * 300}]})
    assert status == 400
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
    assert body["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert [str(v) for v in fake.violations] == ["POST /channels/{channel_id}/messages: embeds/0/title: maxLength 256"]
    assert fake.sent_messages("general") == []


async def test_bodies_sent_while_checking_is_off_are_checked_afterwards(fake: LocalDiscord, api: Api) -> None:
    """A benchmark's timed window: answered as valid at the time, every body still checked after it."""
    await api.call("POST", f"/channels/{general(fake)}/messages", {"content": "checked when it came"})
    fake.validate_bodies = False
    status, _, _ = await api.call("POST", f"/channels/{general(fake)}/messages", {"embeds": [{"title": "x" * 300}]})
    await api.call("POST", f"/channels/{general(fake)}/messages", {"content": "fine"})
    assert status == 200 and fake.violations == []
    fake.validate_bodies = True

    found = fake.check_unchecked()

    assert [str(v) for v in found] == ["POST /channels/{channel_id}/messages: embeds/0/title: maxLength 256"]
    assert fake.violations == found and fake.calls[1].violation == found[0]
    assert fake.check_unchecked() == [] and len(fake.violations) == 1  # each body is checked once


async def test_an_empty_message_is_refused_with_50006(fake: LocalDiscord, api: Api) -> None:
    status, body, _ = await api.call("POST", f"/channels/{general(fake)}/messages", {"content": ""})
    assert (status, body) == (400, {"message": "Cannot send an empty message", "code": 50006})
    assert len(fake.violations) == 1


async def test_injected_403_uses_discords_missing_permissions_body(fake: LocalDiscord, api: Api) -> None:
    fake.fail_next("POST", "/channels/{channel_id}/messages", status=403)
    status, body, _ = await api.call("POST", f"/channels/{general(fake)}/messages", {"content": "a"})
    assert (status, body) == (403, {"message": "Missing Permissions", "code": 50013})
    assert fake.calls[-1].injected
    status, _, _ = await api.call("POST", f"/channels/{general(fake)}/messages", {"content": "b"})
    assert status == 200  # used up after one call


async def test_injected_429_carries_what_discord_py_needs_to_retry(fake: LocalDiscord, api: Api) -> None:
    fake.fail_next("GET", "/users/@me", status=429, retry_after=0.25, times=2)
    for _ in range(2):
        status, body, response = await api.call("GET", "/users/@me")
        assert status == 429
        assert body == {"message": "You are being rate limited.", "retry_after": 0.25, "global": False, "code": 0}
        assert response.headers["Via"] and response.headers["Retry-After"] == "1"
        assert (
            response.headers["X-RateLimit-Remaining"] == "0" and response.headers["X-RateLimit-Reset-After"] == "0.250"
        )
    assert (await api.call("GET", "/users/@me"))[0] == 200


async def test_injected_404_and_500_and_custom_codes(fake: LocalDiscord, api: Api) -> None:
    fake.fail_next("GET", "/users/@me", status=404, code=10013, message="Unknown User")
    fake.fail_next("GET", "/oauth2/applications/@me", status=500)
    assert (await api.call("GET", "/users/@me"))[:2] == (404, {"message": "Unknown User", "code": 10013})
    assert (await api.call("GET", "/oauth2/applications/@me"))[:2] == (
        500,
        {"message": "500: Internal Server Error", "code": 0},
    )


def test_injecting_on_a_route_discord_does_not_have_is_refused(fake: LocalDiscord) -> None:
    with pytest.raises(ValueError, match="not a Discord route template"):
        fake.fail_next("POST", "/channels/{id}/messages")


async def test_multipart_bodies_keep_the_json_and_the_files(fake: LocalDiscord, api: Api) -> None:
    form = aiohttp.FormData(quote_fields=False)
    payload = {
        "content": "your calendar",
        "attachments": [{"id": 0, "filename": "party.ics", "description": "Watch party"}],
    }
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field("files[0]", b"BEGIN:VCALENDAR", filename="party.ics", content_type="text/calendar")
    status, body, _ = await api.call("POST", f"/channels/{general(fake)}/messages", data=form)
    assert status == 200 and body["attachments"][0]["filename"] == "party.ics"
    call = fake.calls[-1]
    assert call.json == payload
    assert [(f.field, f.filename, f.data) for f in call.files] == [("files[0]", "party.ics", b"BEGIN:VCALENDAR")]
    attachment = fake.sent_messages("general")[0].attachments[0]
    assert attachment.data == b"BEGIN:VCALENDAR" and attachment.description == "Watch party"
    async with api.session.get(attachment.url) as response:
        assert await response.read() == b"BEGIN:VCALENDAR"


async def test_dms_open_a_channel_and_closed_dms_refuse_with_50007(fake: LocalDiscord, api: Api) -> None:
    alice, bob = fake.user("alice"), fake.user("bob")
    status, channel, _ = await api.call("POST", "/users/@me/channels", {"recipient_id": str(alice.id)})
    assert status == 200 and channel["type"] == 1 and channel["recipients"][0]["id"] == str(alice.id)
    assert (await api.call("POST", f"/channels/{channel['id']}/messages", {"content": "reminder"}))[0] == 200
    assert [m.content for m in fake.dm_messages(alice)] == ["reminder"]

    fake.refuse_dms(bob)
    _, bob_channel, _ = await api.call("POST", "/users/@me/channels", {"recipient_id": bob.id})
    status, body, _ = await api.call("POST", f"/channels/{bob_channel['id']}/messages", {"content": "reminder"})
    assert (status, body) == (403, {"message": "Cannot send messages to this user", "code": 50007})


async def test_editing_and_deleting_messages(fake: LocalDiscord, api: Api) -> None:
    channel = general(fake)
    _, sent, _ = await api.call("POST", f"/channels/{channel}/messages", {"content": "v1"})
    status, edited, _ = await api.call("PATCH", f"/channels/{channel}/messages/{sent['id']}", {"content": "v2"})
    assert status == 200 and edited["content"] == "v2" and edited["edited_timestamp"]
    message = fake.message(int(sent["id"]))
    assert [r.content for r in message.revisions] == ["v1"]

    theirs = await fake.say("general", "my words", user="alice")
    status, body, _ = await api.call("PATCH", f"/channels/{channel}/messages/{theirs.id}", {"content": "changed"})
    assert (status, body["code"]) == (403, 50005)
    assert (await api.call("DELETE", f"/channels/{channel}/messages/{theirs.id}"))[0] == 204  # Manage Messages
    assert theirs.deleted and fake.messages_in("general") == [message]
    assert (await api.call("GET", f"/channels/{channel}/messages/{theirs.id}"))[0] == 404


async def test_pings_follow_allowed_mentions(fake: LocalDiscord, api: Api) -> None:
    alice = fake.user("alice")
    moderator = fake.role("Moderator")
    text = f"{alice.mention} and {moderator.mention}"
    await api.call("POST", f"/channels/{general(fake)}/messages", {"content": text, "allowed_mentions": {"parse": []}})
    await api.call("POST", f"/channels/{general(fake)}/messages", {"content": text})
    quiet, loud = fake.sent_messages("general")
    assert not quiet.pings
    assert loud.pings.users == (alice.id,) and loud.pings.roles == (moderator.id,)


async def test_member_roles_respect_permission_and_hierarchy(fake: LocalDiscord, api: Api) -> None:
    guild, alice = fake.guild, fake.user("alice")
    fans = await fake.add_role("Watch Party Pings", mentionable=True)
    path = f"/guilds/{guild.id}/members/{alice.id}/roles/{fans.id}"
    assert (await api.call("PUT", path))[0] == 204
    assert fans.id in guild.members[alice.id].roles
    assert (await api.call("DELETE", path))[0] == 204
    assert fans.id not in guild.members[alice.id].roles

    bot_role = guild.role("Little Things Bot")
    fans.position = bot_role.position + 1  # moved above the bot's role
    assert (await api.call("PUT", path))[:2] == (403, {"message": "Missing Permissions", "code": 50013})
    fans.position = 1
    await fake.revoke_bot_permissions(Perm.MANAGE_ROLES)
    assert (await api.call("PUT", path))[0] == 403
    assert (await api.call("PUT", f"/guilds/{guild.id}/members/1/roles/{fans.id}"))[1]["code"] == 10007


def external_event(start: datetime, name: str = "Season 4 rewatch") -> dict[str, Any]:
    return {
        "name": name,
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + timedelta(hours=2)).isoformat(),
        "entity_metadata": {"location": "Watch Party"},
    }


async def test_scheduled_events_are_created_listed_and_deleted(fake: LocalDiscord, api: Api) -> None:
    base = f"/guilds/{fake.guild.id}/scheduled-events"
    status, event, _ = await api.call("POST", base, external_event(START + timedelta(days=1)))
    assert status == 200 and event["status"] == 1 and event["creator_id"] == str(fake.application_id)
    voice = {
        "name": "Voice party",
        "privacy_level": 2,
        "entity_type": 2,
        "channel_id": str(fake.channel("Watch Party").id),
        "scheduled_start_time": (START + timedelta(days=2)).isoformat(),
    }
    assert (await api.call("POST", base, voice))[0] == 200
    assert len((await api.call("GET", base))[1]) == 2
    assert (await api.call("DELETE", f"{base}/{event['id']}"))[0] == 204
    assert (await api.call("GET", f"{base}/{event['id']}"))[1]["code"] == 10070


async def test_people_interested_in_an_event_are_listed(fake: LocalDiscord, api: Api) -> None:
    base = f"/guilds/{fake.guild.id}/scheduled-events"
    _, event, _ = await api.call("POST", base, external_event(START + timedelta(days=1)))
    await fake.mark_interested(int(event["id"]), "alice")
    await fake.mark_interested(int(event["id"]), "bob")
    await fake.mark_interested(int(event["id"]), "bob", interested=False)
    status, users, _ = await api.call("GET", f"{base}/{event['id']}/users?limit=100&with_member=true")
    assert status == 200 and [u["user"]["username"] for u in users] == ["alice"] and "member" in users[0]
    assert (await api.call("GET", f"{base}?with_user_count=true"))[1][0]["user_count"] == 1


async def test_scheduled_events_in_the_past_are_refused(fake: LocalDiscord, api: Api) -> None:
    status, body, _ = await api.call(
        "POST", f"/guilds/{fake.guild.id}/scheduled-events", external_event(START - timedelta(hours=1))
    )
    assert status == 400
    assert body["errors"]["scheduled_start_time"]["_errors"][0]["code"] == "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST"


async def test_the_101st_active_scheduled_event_gets_30038(fake: LocalDiscord, api: Api) -> None:
    base = f"/guilds/{fake.guild.id}/scheduled-events"
    for n in range(100):
        assert (await api.call("POST", base, external_event(START + timedelta(days=1, minutes=n), f"Party {n}")))[
            0
        ] == 200
    status, body, _ = await api.call("POST", base, external_event(START + timedelta(days=3)))
    assert (status, body) == (
        400,
        {"message": "Maximum number of uncompleted guild scheduled events reached (100)", "code": 30038},
    )


async def test_scheduled_events_need_manage_or_create_events(fake: LocalDiscord, api: Api) -> None:
    """Create Events comes with @everyone in a new server, so both roles lose it here."""
    await fake.revoke_bot_permissions(Perm.MANAGE_EVENTS | Perm.CREATE_EVENTS)
    await fake.set_role_permissions("@everyone", fake.guild.everyone.permissions & ~Perm.CREATE_EVENTS)
    status, body, _ = await api.call(
        "POST", f"/guilds/{fake.guild.id}/scheduled-events", external_event(START + timedelta(days=1))
    )
    assert (status, body["code"]) == (403, 50013)


# --- interactions, answered by hand --------------------------------------------------------------


@pytest.fixture
async def connected(fake: LocalDiscord, api: Api) -> AsyncIterator[LocalDiscord]:
    """The stand-in with a raw gateway session and a synced /ping, so interactions can be sent."""
    ws = await api.session.ws_connect(fake.gateway_url)
    await ws.receive_json()
    await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": Intent.GUILDS, "properties": {}}})
    await ws.receive_json()
    await ws.receive_json()
    body = [{"name": "ping", "description": "Ping", "type": 1}]
    status, synced, _ = await api.call(
        "PUT", f"/applications/{fake.application_id}/guilds/{fake.guild.id}/commands", body
    )
    assert status == 200 and synced[0]["id"] and synced[0]["application_id"] == str(fake.application_id)
    yield fake
    await ws.close()


async def start_ping(fake: LocalDiscord) -> InteractionRecord:
    return await fake.actor("alice").start_slash("ping")


async def test_a_second_callback_is_refused_with_40060(connected: LocalDiscord, api: Api) -> None:
    record = await start_ping(connected)
    path = f"/interactions/{record.id}/{record.token}/callback?with_response=true"
    status, body, _ = await api.call("POST", path, {"type": 4, "data": {"content": "pong"}}, auth=False)
    assert status == 200
    assert body["interaction"]["response_message_id"] == body["resource"]["message"]["id"]
    assert body["resource"] == {"type": 4, "message": body["resource"]["message"]}
    status, body, _ = await api.call("POST", path, {"type": 4, "data": {"content": "again"}}, auth=False)
    assert (status, body["code"]) == (400, 40060)
    assert (await api.call("POST", f"/interactions/{record.id}/wrong/callback", {"type": 5}, auth=False))[1][
        "code"
    ] == 10062


async def test_the_first_followup_after_thinking_replaces_the_loading_message(
    connected: LocalDiscord, api: Api
) -> None:
    fake = connected
    record = await start_ping(fake)
    hook = f"/webhooks/{fake.application_id}/{record.token}"
    assert (await api.call("POST", f"{hook}?wait=true", {"content": "too early"}, auth=False))[1]["code"] == 10015
    _, body, _ = await api.call(
        "POST",
        f"/interactions/{record.id}/{record.token}/callback?with_response=true",
        {"type": 5, "data": {"flags": 64}},
        auth=False,
    )
    assert (
        body["interaction"]["response_message_loading"] is True
        and body["interaction"]["response_message_ephemeral"] is True
    )
    assert record.answer() is None  # still "thinking"

    _, first, _ = await api.call("POST", f"{hook}?wait=true", {"content": "done", "flags": 0}, auth=False)
    assert first["id"] == body["interaction"]["response_message_id"]
    assert first["flags"] == 64  # the defer decided the visibility
    reply = record.answer()
    assert reply is not None and reply.content == "done" and reply.ephemeral
    _, second, _ = await api.call("POST", f"{hook}?wait=true", {"content": "more"}, auth=False)
    assert second["id"] != first["id"] and [m.content for m in record.followups] == ["more"]

    _, edited, _ = await api.call("PATCH", f"{hook}/messages/@original", {"content": "edited"}, auth=False)
    assert edited["content"] == "edited" and fake.message(int(first["id"])).content == "edited"
    assert (await api.call("DELETE", f"{hook}/messages/{second['id']}", auth=False))[0] == 204
    assert (await api.call("GET", f"{hook}/messages/{second['id']}", auth=False))[1]["code"] == 10008


async def test_a_callback_type_that_does_not_fit_the_interaction_is_a_violation(
    connected: LocalDiscord, api: Api
) -> None:
    record = await start_ping(connected)
    status, body, _ = await api.call(
        "POST", f"/interactions/{record.id}/{record.token}/callback", {"type": 7, "data": {"content": "x"}}, auth=False
    )
    assert (status, body["code"]) == (400, 50035)
    assert "callback type 7 is not valid" in str(connected.violations[0])


async def test_an_answer_after_three_seconds_is_an_unknown_interaction(connected: LocalDiscord, api: Api) -> None:
    record = await start_ping(connected)
    record.dispatched_at -= 3.5  # as if the bot had taken 3.5 s
    status, body, _ = await api.call(
        "POST",
        f"/interactions/{record.id}/{record.token}/callback",
        {"type": 4, "data": {"content": "late"}},
        auth=False,
    )
    assert (status, body["code"]) == (404, 10062)
