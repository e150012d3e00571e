"""Watch parties end to end: create → RSVP → reminders at each offset → start; edit; cancel; errors."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import InteractionError, LocalDiscord, Message, Perm, Reply, run_bot

EVENTS = "/guilds/{guild_id}/scheduled-events"
EVENT = "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"


def field(embed: dict[str, Any], name: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


async def settle(bot: LittleThingsBot) -> None:
    await bot.timers.wait_idle()


def posted(fake: LocalDiscord, after: int, channel: str = "general") -> list[Message]:
    """Public messages the bot posted in `channel` since `after` (a `fake.mark()`)."""
    return [m for m in fake.sent_messages(channel) if m.id > after and not m.ephemeral]


async def create(fake: LocalDiscord, **options: Any) -> tuple[Reply, Message]:
    mark = fake.mark()
    reply = await fake.slash("watchparty create", **options)
    assert reply.ephemeral, reply.text
    announcement = await fake.wait_for_message("general", after=mark, predicate=lambda m: bool(m.embeds))
    return reply, announcement


async def test_create_rsvp_remind_and_start(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock) -> None:
    reply, announcement = await create(
        fake, title="S1 rewatch @everyone <@&1>", when="2026-03-03 19:00", timezone="UTC", season=1, episode=1
    )
    assert "Watch party #1" in reply.content and "Discord event" in reply.content
    embed = announcement.embeds[0]
    assert "@everyone" not in embed["title"] and "\uff20everyone" in embed["title"]
    assert "<t:1772564400:F>" in embed["description"] and "<t:1772564400:R>" in embed["description"]
    assert field(embed, "Watching").startswith("Season 1, episode 1")
    assert not announcement.pings
    [event] = fake.scheduled_events.values()
    assert event["entity_type"] == 3 and event["entity_metadata"]["location"] == "#general"
    assert event["scheduled_start_time"].startswith("2026-03-03T19:00")
    assert event["scheduled_end_time"].startswith("2026-03-03T21:00")

    for user in ("alice", "bob", "owner"):
        click = await fake.click(announcement, label="Going", user=user)
        assert click.kind == "update"
    await fake.click(announcement, label="Can't", user="bob")  # bob changes his mind
    embed = fake.message(announcement.id).embeds[0]
    assert (field(embed, "Going"), field(embed, "Maybe"), field(embed, "Can't")) == ("2", "0", "1")

    countdown = await fake.slash("countdown", user="bob")
    assert "Watch party" in countdown.content and "<t:1772564400:R>" in countdown.content
    choices = await fake.autocomplete("watchparty edit", focused="party", party="rewatch")
    assert [c["value"] for c in choices] == [1]

    going = {fake.user("alice").id, fake.user("owner").id}
    expected = [
        (timedelta(hours=1), "starts in 1 day"),  # 24 h before: 2026-03-02 19:00
        (timedelta(hours=23), "starts in 1 hour"),
        (timedelta(minutes=50), "starts in 10 minutes"),
        (timedelta(minutes=10), "is starting now"),
    ]
    for step, words in expected:
        mark = fake.mark()
        await clock.advance(step - timedelta(seconds=1))
        await settle(bot)
        assert not posted(fake, mark), f"early: {words}"
        await clock.advance(timedelta(seconds=1))
        await settle(bot)
        sent = posted(fake, mark)
        assert len(sent) == 1, [m.content for m in sent]
        assert words in sent[0].content
        assert set(sent[0].pings.users) == going and not sent[0].pings.roles and not sent[0].pings.everyone
    assert (await fake.slash("countdown")).content.startswith("Nothing is coming up")
    late = await fake.click(announcement, label="Maybe", user="bob")
    assert late.ephemeral and "over or was cancelled" in late.content


async def test_a_voice_party_starts_its_event_and_repeats_weekly_across_dst(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    # Tue 24 Mar 2026 19:00 GMT; London moves to BST on 29 Mar, so next week is 18:00 UTC.
    _, announcement = await create(
        fake,
        title="Weekly rewatch",
        when="2026-03-24 19:00",
        timezone="Europe/London",
        reminders="10m,0",
        repeat="weekly",
        options={"channel": "Watch Party"},
    )
    [event] = fake.scheduled_events.values()
    assert event["entity_type"] == 2 and event["channel_id"] == str(fake.channel("Watch Party").id)
    await fake.click(announcement, label="Going", user="alice")

    await clock.advance(datetime(2026, 3, 24, 18, 50, tzinfo=UTC) - clock.now())
    await settle(bot)
    mark = fake.mark()
    await clock.advance(timedelta(minutes=10))
    await settle(bot)
    [start] = posted(fake, mark)
    assert "starting now" in start.content and start.pings.users == (fake.user("alice").id,)
    assert event["status"] == 2  # the bot started the voice event (PATCH status=2)
    patches = [c for c in fake.calls_to("PATCH", EVENT) if (c.json or {}).get("status") == 2]
    assert len(patches) == 1

    next_events = [e for e in fake.scheduled_events.values() if e["id"] != event["id"]]
    assert [e["scheduled_start_time"][:16] for e in next_events] == ["2026-03-31T18:00"]
    embed = fake.message(announcement.id).embeds[0]
    assert "<t:1774980000:F>" in embed["description"]  # 2026-03-31 18:00 UTC = 19:00 BST

    mark = fake.mark()
    await clock.advance(datetime(2026, 3, 31, 17, 50, tzinfo=UTC) - clock.now())
    await settle(bot)
    [reminder] = posted(fake, mark)
    assert "starts in 10 minutes" in reminder.content and "<t:1774980000:F>" in reminder.content


async def test_restart_mid_countdown_sends_one_catch_up(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, config, clock=clock):
        _, announcement = await create(fake, title="Finale night", when="20:00", timezone="UTC")
        await fake.click(announcement, label="Going", user="alice")
    # Offline for 1 h 55 min: the 1 h reminder is missed by 55 min (skipped), the 10 min one by 5 min.
    await clock.advance(timedelta(hours=1, minutes=55))
    mark = fake.mark()
    async with run_bot(fake, config, clock=clock) as bot:
        await settle(bot)
        [catch_up] = posted(fake, mark)
        assert "starts in 10 minutes" in catch_up.content and "missed 1 earlier reminder" in catch_up.content
        assert catch_up.pings.users == (fake.user("alice").id,)
        await fake.click(announcement, label="Going", user="bob")  # the buttons survived the restart
        assert field(fake.message(announcement.id).embeds[0], "Going") == "2"
        mark = fake.mark()
        await clock.advance(timedelta(minutes=5))
        await settle(bot)
        [start] = posted(fake, mark)
        assert "starting now" in start.content
        assert set(start.pings.users) == {fake.user("alice").id, fake.user("bob").id}


async def test_edit_moves_message_event_and_reminders(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    _, announcement = await create(fake, title="Season 2 binge", when="2026-03-03 19:00", timezone="UTC", user="bob")
    await fake.click(announcement, label="Going", user="alice")

    refused = await fake.slash("watchparty edit", party=1, title="Mine now", user="alice")
    assert refused.ephemeral and "creator or someone with Manage Events" in refused.content
    assert fake.message(announcement.id).embeds[0]["title"] == "📺 Season 2 binge"

    reply = await fake.slash("watchparty edit", party=1, when="2026-03-04 19:00", title="Season 2, again")
    assert reply.ephemeral and "Updated" in reply.content
    embed = fake.message(announcement.id).embeds[0]
    assert embed["title"] == "📺 Season 2, again" and "<t:1772650800:F>" in embed["description"]
    [event] = fake.scheduled_events.values()
    assert event["name"] == "Season 2, again" and event["scheduled_start_time"].startswith("2026-03-04T19:00")
    assert event["scheduled_end_time"].startswith("2026-03-04T21:00")

    mark = fake.mark()
    await clock.advance(timedelta(hours=24, minutes=55))  # past the old 1 h and 10 min reminders
    await settle(bot)
    assert not posted(fake, mark)
    await clock.advance(timedelta(minutes=5))
    await settle(bot)
    [day_before] = posted(fake, mark)  # only the new 24 h reminder, at 3 Mar 19:00
    assert "starts in 1 day" in day_before.content and "Season 2, again" in day_before.content


async def test_cancel_tells_going_members_once(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock) -> None:
    _, announcement = await create(
        fake, title="Kavya's birthday episode", when="2026-03-03 19:00", timezone="UTC", user="bob"
    )
    await fake.click(announcement, label="Going", user="alice")
    await fake.click(announcement, label="Maybe", user="owner")

    refused = await fake.slash("watchparty cancel", party=1, user="alice")
    assert refused.ephemeral and "creator or someone with Manage Events" in refused.content

    mark = fake.mark()
    reply = await fake.slash("watchparty cancel", party=1)  # the moderator (Manage Events)
    assert reply.ephemeral and "Cancelled" in reply.content
    [notice] = posted(fake, mark)
    assert "was cancelled" in notice.content and notice.pings.users == (fake.user("alice").id,)
    [event] = fake.scheduled_events.values()
    assert event["status"] == 4
    updated = fake.message(announcement.id)
    assert "(cancelled)" in updated.embeds[0]["title"] and not updated.components

    again = await fake.slash("watchparty cancel", party=1, user="bob")
    assert again.ephemeral and "already cancelled" in again.content
    mark = fake.mark()
    await clock.advance(timedelta(days=2))
    await settle(bot)
    assert not posted(fake, mark)


async def test_without_manage_events_the_party_still_works_and_says_so(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    await fake.revoke_bot_permissions(Perm.MANAGE_EVENTS)
    reply, announcement = await create(fake, title="No event", when="in 3 hours")
    assert "Manage Events" in reply.content
    assert not fake.scheduled_events and announcement.embeds


async def test_the_100_events_limit_is_reported(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    fake.fail_next("POST", EVENTS, status=400, code=30038)
    reply, _ = await create(fake, title="One too many", when="in 3 hours")
    assert "100 upcoming Discord events" in reply.content


@pytest.mark.parametrize(
    ("when", "zone", "words"),
    [
        ("2026-03-01 20:00", "UTC", "ago"),
        ("friday 9pm", "Mars/Olympus_Mons", "don't know the time zone"),
        ("2026-03-29 01:30", "Europe/London", "does not exist in Europe/London"),  # clocks go forward
        ("soonish", "UTC", "couldn't read"),
    ],
)
async def test_bad_times_are_refused_ephemerally(
    fake: LocalDiscord, bot: LittleThingsBot, when: str, zone: str, words: str
) -> None:
    reply = await fake.slash("watchparty create", title="Nope", when=when, timezone=zone)
    assert reply.ephemeral and words in reply.content, reply.content
    assert not fake.scheduled_events and not [m for m in fake.sent_messages("general") if not m.ephemeral]


async def test_titles_longer_than_100_characters_are_refused_by_discord(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    with pytest.raises(InteractionError, match="title"):
        await fake.slash("watchparty create", title="x" * 101, when="in 2 hours")
    assert not fake.sent_messages("general")


async def test_timezone_defaults_and_autocomplete(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    choices = await fake.autocomplete("watchparty create", focused="timezone", title="x", when="y", timezone="kolk")
    assert choices[0]["value"] == "Asia/Kolkata" and "UTC+05:30" in choices[0]["name"]
    reply = await fake.slash("timezone set", zone="IST", user="alice")
    assert reply.ephemeral and "Asia/Kolkata" in reply.content
    _, announcement = await create(fake, title="IST party", when="2026-03-03 20:00", user="alice")
    assert "<t:1772548200:F>" in announcement.embeds[0]["description"]  # 20:00 IST = 14:30 UTC
    assert "Asia/Kolkata" in announcement.embeds[0]["footer"]["text"]


async def test_ics_attachment(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await create(fake, title="Calendar party", when="2026-03-10 21:00", timezone="Asia/Kolkata", repeat="weekly")
    reply = await fake.slash("watchparty ics", party=1, user="alice")
    [attachment] = reply.attachments
    assert attachment.filename == "watch-party-1.ics"
    calendar = icalendar.Calendar.from_ical(attachment.data)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert str(event["summary"]) == "Calendar party" and event["rrule"]["FREQ"] == ["WEEKLY"]
    assert b"TZID=Asia/Kolkata" in attachment.data and b"BEGIN:VTIMEZONE" in attachment.data


async def test_a_deleted_channel_cancels_the_party_with_a_warning(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    await create(fake, title="Lost channel", when="2026-03-03 19:00", timezone="UTC")
    fake.fail_next("POST", "/channels/{channel_id}/messages", status=404, code=10003)
    await clock.advance(timedelta(hours=1))  # the 24 h reminder
    await settle(bot)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "refused a watch-party reminder" in warnings[0], warnings
    assert (await fake.slash("watchparty list")).embed["description"].startswith("Nothing planned")
    [event] = fake.scheduled_events.values()
    assert event["status"] == 4
    mark = fake.mark()
    await clock.advance(timedelta(days=1))
    await settle(bot)
    assert not posted(fake, mark)


async def test_a_big_party_is_reminded_in_chunks_pinging_only_going_members(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    _, announcement = await create(fake, title="Big night", when="2026-03-03 19:00", timezone="UTC", reminders="1h")
    members = [await fake.add_member(f"fan{i:03d}") for i in range(120)]
    for member in members:
        await fake.click(announcement, label="Going", user=member)
    await fake.click(announcement, label="Maybe", user="alice")
    mark = fake.mark()
    await clock.advance(timedelta(hours=24))
    await settle(bot)
    sent = posted(fake, mark)
    assert len(sent) == 2 and all(len(m.content) < 2000 for m in sent)
    assert "starts in 1 hour" in sent[0].content
    pinged = [u for m in sent for u in m.pings.users]
    assert sorted(pinged) == sorted(m.id for m in members)
    assert not any(m.pings.roles or m.pings.everyone for m in sent)


async def test_unknown_seasons_and_episodes_are_refused(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("watchparty create", title="S9", when="in 2 hours", season=9)
    assert reply.ephemeral and "no season 9" in reply.content
    reply = await fake.slash("watchparty create", title="E", when="in 2 hours", episode=2)
    assert reply.ephemeral and "which season" in reply.content
    reply = await fake.slash("watchparty create", title="E", when="in 2 hours", season=1, episode=49)
    assert reply.ephemeral and "no episode 49" in reply.content
    assert not [m for m in fake.sent_messages("general") if not m.ephemeral]
