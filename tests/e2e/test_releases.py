"""Releases end to end: settings, /release add, reminders (one role ping + DMs), closed DMs, /releases."""

from datetime import timedelta

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.localdiscord import InteractionError, LocalDiscord, Message


def posted(fake: LocalDiscord, after: int, channel: str = "general") -> list[Message]:
    return [m for m in fake.sent_messages(channel) if m.id > after and not m.ephemeral]


async def test_release_reminders_ping_one_role_and_dm_those_who_asked(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    role = await fake.add_role("Release Pings")
    reply = await fake.slash("settings announcements", role=role, options={"channel": "general"})
    assert f"<#{fake.channel('general').id}>" in reply.content and not reply.message.pings

    asked = await fake.slash("remindme release", user="alice")
    assert asked.ephemeral and "DM you" in asked.content
    await fake.click(asked, label="Reminder role", user="alice")
    assert role.id in fake.guild.members[fake.user("alice").id].roles
    await fake.slash("remindme release", user="bob")
    fake.refuse_dms("bob")

    added = await fake.slash(
        "release add", title="Season 5 trailer @everyone", when="2026-03-04 12:00", timezone="UTC", season=4
    )
    assert "Added release #1" in added.content and not added.message.pings
    countdown = await fake.slash("countdown", user="alice")
    assert "Season 5 trailer" in countdown.content and "<t:1772625600:R>" in countdown.content

    mark = fake.mark()
    await clock.advance(timedelta(hours=18))  # 24 h before: 3 Mar 12:00
    await bot.timers.wait_idle()
    announcement, closed_notice = posted(fake, mark)
    assert announcement.content.startswith(f"<@&{role.id}>") and "comes out in 1 day" in announcement.content
    assert announcement.pings.roles == (role.id,) and not announcement.pings.users
    assert not announcement.pings.everyone and "@everyone" not in announcement.content
    assert closed_notice.pings.users == (fake.user("bob").id,) and "DMs are closed" in closed_notice.content
    [dm] = fake.dm_messages("alice")
    assert "comes out in 1 day" in dm.content and not dm.pings

    mark = fake.mark()
    await clock.advance(timedelta(hours=23))  # 1 h before: bob is not retried, and not told again
    await bot.timers.wait_idle()
    [announcement] = posted(fake, mark)
    assert "comes out in 1 hour" in announcement.content
    assert len(fake.dm_messages("alice")) == 2 and not fake.dm_messages("bob")

    await clock.advance(timedelta(hours=1))
    await bot.timers.wait_idle()
    assert "is out now" in fake.sent_messages("general")[-1].content
    listing = await fake.slash("releases")
    past = next(f["value"] for f in listing.embed["fields"] if f["name"] == "Past")
    upcoming = next(f["value"] for f in listing.embed["fields"] if f["name"] == "Upcoming")
    assert past.startswith("**Season 5 trailer") and upcoming == "Nothing announced."
    assert past.count("\n") >= 2  # the content pack's own release dates are listed too


async def test_release_and_settings_permissions_per_role(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    for command, values in (
        ("release add", {"title": "x", "when": "in 2 hours"}),
        ("settings announcements", {"options": {"channel": "general"}}),
        ("settings timezone", {"zone": "UTC"}),
    ):
        with pytest.raises(InteractionError, match="hidden from alice"):
            await fake.slash(command, user="alice", **values)
    reply = await fake.slash("settings timezone", zone="Asia/Kolkata")
    assert "Asia/Kolkata" in reply.content
    # The server default now applies to members without their own zone.
    added = await fake.slash("release add", title="IST release", when="2026-03-05 20:00", user="you")
    assert "<t:1772721000:F>" in added.content  # 20:00 IST = 14:30 UTC


async def test_role_button_without_a_role_explains(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.slash("settings announcements", options={"channel": "general"})
    reply = await fake.slash("remindme release", user="alice")
    assert not reply.buttons  # no role to hand out
    stop = await fake.slash("remindme release", stop=True, user="alice")
    assert stop.ephemeral and "no more release DMs" in stop.content
