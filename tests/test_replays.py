"""The replay guard on its own: bounded memory, and only guarded events with ids are filtered."""

from typing import Any

import pytest

from bot.replays import RecentIds, ReplayGuard, guard_parsers


def test_recent_ids_forget_the_oldest_beyond_capacity() -> None:
    recent = RecentIds(capacity=2)
    assert recent.first_time("1") and recent.first_time("2")
    assert not recent.first_time("1")
    assert recent.first_time("3")  # "1" is forgotten now
    assert len(recent) == 2 and recent.first_time("1")
    with pytest.raises(ValueError):
        RecentIds(0)


def test_guarded_parsers_drop_a_second_delivery_only() -> None:
    handled: list[Any] = []
    parsers = {
        "INTERACTION_CREATE": handled.append,
        "MESSAGE_CREATE": handled.append,
        "GUILD_CREATE": handled.append,
    }
    guard = ReplayGuard()
    guard_parsers(parsers, guard)
    for payload in ({"id": "7"}, {"id": "7"}, {"id": "8"}):
        parsers["INTERACTION_CREATE"](payload)
    parsers["MESSAGE_CREATE"]({"id": "7"})  # a message may share nothing with an interaction
    parsers["GUILD_CREATE"]({"id": "1"})
    parsers["GUILD_CREATE"]({"id": "1"})  # not guarded: guild updates legitimately repeat ids
    parsers["INTERACTION_CREATE"]({"no": "id"})
    assert handled == [{"id": "7"}, {"id": "8"}, {"id": "7"}, {"id": "1"}, {"id": "1"}, {"no": "id"}]
    assert guard.dropped == {"INTERACTION_CREATE": 1, "MESSAGE_CREATE": 0}
