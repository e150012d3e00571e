"""Question of the day across the autumn DST change: a wall time that happens twice is posted once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.localdiscord import LocalDiscord
from tests.e2e.test_qotd import move_to, questions

# Saturday 31 October 2026, 12:00 UTC. New York goes from EDT to EST at 06:00 UTC on 1 November,
# so 01:30 local happens at 05:30 UTC and again at 06:30 UTC that night.
START = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


async def test_a_repeated_local_time_gets_one_post(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    reply = await fake.slash("qotd setup", time="1:30am", timezone="America/New_York", options={"channel": "general"})
    assert reply.ephemeral and "**01:30** (America/New_York)" in reply.content
    await move_to(clock, bot, datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    posts = [(m.embeds[0]["title"].split(" · ")[1], m.created_at) for m in questions(fake)]
    assert posts == [
        ("2026-11-01", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # the first 01:30 (EDT), not the second
        ("2026-11-02", datetime(2026, 11, 2, 6, 30, tzinfo=UTC)),  # 01:30 EST
    ]
