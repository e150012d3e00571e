"""The timer and event tables through their typed functions, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduling import DEFAULT_OFFSETS, party_timer_specs, release_timer_specs
from bot.store import Store, events
from bot.store import timers as timer_store
from bot.store.timers import Outcome, TimerSpec
from tests.conftest import DbTarget

NOW = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)


@pytest.fixture
async def store(db: DbTarget) -> AsyncIterator[Store]:
    store = await db.open()
    yield store
    await store.close()


def spec(key: str, minutes: float, group: str | None = None) -> TimerSpec:
    return TimerSpec(key=key, kind="k", due_at=NOW + timedelta(minutes=minutes), group=group)


def new_party(**changes: object) -> events.NewParty:
    values: dict[str, object] = {
        "guild_id": 1,
        "channel_id": 2,
        "creator_id": 3,
        "title": "S2E1 rewatch",
        "starts_at": NOW + timedelta(hours=2),
        "timezone": "Asia/Kolkata",
        "season": 2,
        "episode": 1,
        "repeat": "weekly",
        "reminder_offsets": DEFAULT_OFFSETS,
    }
    values.update(changes)
    return events.NewParty(**values)  # type: ignore[arg-type]


async def test_due_times_round_up_to_whole_seconds(store: Store):
    """A timer never fires early: 12:00:00.2 is stored as 12:00:01."""
    await timer_store.insert_timers(store, [spec("a", 0.2 / 60)], now=NOW)
    timer = await timer_store.get_timer(store, "a")
    assert timer is not None and timer.due_at == NOW + timedelta(seconds=1)
    assert timer.group == "a" and timer.state == "pending" and timer.attempts == 0


async def test_default_group_is_the_key_without_its_last_segment(store: Store):
    await timer_store.insert_timers(store, [spec("party:1:0:600", 1), spec("party:1:0:0", 2)], now=NOW)
    assert [t.key for t in await timer_store.list_group(store, "party:1:0")] == ["party:1:0:600", "party:1:0:0"]


async def test_claim_skips_past_grace_and_claims_the_rest_in_groups(store: Store):
    """Due rows of the same group come out together; rows more than the grace late are skipped."""
    await timer_store.insert_timers(
        store,
        [spec("g:1:a", -90), spec("g:1:b", -10), spec("g:1:c", 5), spec("h:1:a", -1), spec("i:1:a", -200)],
        now=NOW,
    )
    groups = await timer_store.claim_due(store, now=NOW, grace=timedelta(minutes=30), limit=1)
    # limit=1 reads one head row (the oldest, i:1:a) and then that group's due siblings only
    assert [(g.group, [t.key for t in g.claimed], [t.key for t in g.skipped]) for g in groups] == [
        ("i:1", [], ["i:1:a"])
    ]
    groups = await timer_store.claim_due(store, now=NOW, grace=timedelta(minutes=30), limit=10)
    assert [(g.group, [t.key for t in g.claimed], [t.key for t in g.skipped]) for g in groups] == [
        ("g:1", ["g:1:b"], ["g:1:a"]),
        ("h:1", ["h:1:a"], []),
    ]
    assert await timer_store.count_by_state(store) == {"skipped": 2, "sending": 2, "pending": 1}
    # On PostgreSQL a claim's lease running out is also a moment to wake (another process may have died).
    lease_end = NOW + timer_store.DEFAULT_LEASE if store.dialect == "postgres" else None
    assert await timer_store.next_due_at(store) == min(filter(None, (NOW + timedelta(minutes=5), lease_end)))
    assert await timer_store.claim_due(store, now=NOW, grace=timedelta(minutes=30), limit=10) == []


async def test_outcomes_only_touch_rows_being_sent(store: Store):
    """Marks apply to `sending` rows; a retry moves the due time and keeps the error."""
    await timer_store.insert_timers(store, [spec("a:1", 0), spec("b:1", 0), spec("c:1", 10)], now=NOW)
    claimed = await timer_store.claim_due(store, now=NOW, grace=timedelta(minutes=30), limit=10)
    ids = {t.key: t.id for g in claimed for t in g.claimed}
    pending_c = await timer_store.get_timer(store, "c:1")
    assert pending_c is not None
    await timer_store.record_outcomes(
        store,
        [
            Outcome((ids["a:1"],), "sent"),
            Outcome((ids["b:1"],), "pending", retry_at=NOW + timedelta(seconds=30), error="boom"),
            Outcome((pending_c.id,), "sent"),  # not sending: ignored
        ],
        now=NOW,
    )
    a, b, c = [await timer_store.get_timer(store, k) for k in ("a:1", "b:1", "c:1")]
    assert a is not None and a.state == "sent" and a.attempts == 1
    assert b is not None and b.state == "pending" and b.due_at == NOW + timedelta(seconds=30)
    assert b.last_error == "boom"
    assert c is not None and c.state == "pending"


async def test_reset_sending_and_delete_finished(store: Store):
    await timer_store.insert_timers(store, [spec("a:1", 0), spec("b:1", 0)], now=NOW)
    await timer_store.claim_due(store, now=NOW, grace=timedelta(minutes=30), limit=1)
    if store.dialect == "postgres":  # other processes may be sending: only a claim whose lease ran out goes back
        assert await timer_store.reset_sending(store, now=NOW) == 0
        assert await timer_store.reset_sending(store, now=NOW + timer_store.DEFAULT_LEASE) == 1
    else:
        assert await timer_store.reset_sending(store, now=NOW) == 1
    assert await timer_store.count_by_state(store) == {"pending": 2}
    await timer_store.cancel_keys(store, ["a:1"], now=NOW)
    assert await timer_store.delete_finished(store, before=NOW) == 0
    assert await timer_store.delete_finished(store, before=NOW + timedelta(days=1)) == 1
    assert await timer_store.get_timer(store, "a:1") is None


async def test_reschedule_rejects_a_spec_from_another_group(store: Store):
    with pytest.raises(ValueError, match="belongs to group"):
        await timer_store.reschedule_group(store, "party:1:0", [spec("party:2:0:0", 1)], now=NOW)


async def test_reschedule_to_nothing_cancels_the_group(store: Store):
    await timer_store.insert_timers(store, [spec("party:1:0:600", 1), spec("party:1:0:0", 2)], now=NOW)
    timers = await timer_store.reschedule_group(store, "party:1:0", [], now=NOW)
    assert {t.state for t in timers} == {"cancelled"}


async def test_empty_prefix_is_refused(store: Store):
    with pytest.raises(ValueError, match="empty prefix"):
        await timer_store.cancel_prefix(store, "", now=NOW)


async def test_a_party_and_its_reminders_are_written_together(store: Store):
    party = await events.create_party(
        store,
        new_party(),
        now=NOW,
        timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=NOW),
    )
    assert party.anchor_at == party.starts_at == NOW + timedelta(hours=2)
    assert party.reminder_offsets == DEFAULT_OFFSETS and party.repeat == "weekly" and party.state == "scheduled"
    keys = [t.key for t in await timer_store.list_group(store, f"party:{party.id}:0")]
    assert keys == [f"party:{party.id}:0:3600", f"party:{party.id}:0:600", f"party:{party.id}:0:0"]
    assert await events.get_party(store, party.id) == party


async def test_a_failing_timer_build_leaves_no_party(store: Store):
    """Atomic: if the timers cannot be made, the party is not created either."""

    def broken(party: events.Party) -> list[TimerSpec]:
        raise RuntimeError("cannot build timers")

    with pytest.raises(RuntimeError):
        await events.create_party(store, new_party(), now=NOW, timers=broken)
    assert await events.list_parties(store, 1, states=("scheduled", "cancelled", "finished")) == []


async def test_party_lifecycle(store: Store):
    party = await events.create_party(store, new_party(), now=NOW)
    await events.set_party_messages(store, party.id, message_id=99, scheduled_event_id=77, now=NOW)
    moved = await events.move_party(
        store, party.id, starts_at=NOW + timedelta(hours=5), timezone="Europe/London", now=NOW
    )
    assert moved is not None and moved.anchor_at == moved.starts_at == NOW + timedelta(hours=5)
    assert moved.message_id == 99 and moved.scheduled_event_id == 77 and moved.timezone == "Europe/London"
    nxt = await events.advance_party(
        store,
        party.id,
        starts_at=NOW + timedelta(days=7, hours=5),
        now=NOW,
        timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, (timedelta(0),), now=NOW),
    )
    assert nxt is not None and nxt.occurrence == 1 and nxt.anchor_at == NOW + timedelta(hours=5)
    assert [t.key for t in await timer_store.list_group(store, f"party:{party.id}:1")] == [f"party:{party.id}:1:0"]
    assert await events.set_party_state(store, party.id, "cancelled", now=NOW) is True
    assert await events.advance_party(store, party.id, starts_at=NOW, now=NOW) is None  # cancelled: no advance
    assert await events.list_parties(store, 1) == []
    assert [p.id for p in await events.list_parties(store, 1, states=("cancelled",))] == [party.id]
    assert await events.set_party_state(store, 12345, "finished", now=NOW) is False


async def test_party_constraints(store: Store):
    with pytest.raises(sqlite3.IntegrityError):
        await events.create_party(store, new_party(title=""), now=NOW)
    with pytest.raises(sqlite3.IntegrityError):
        await events.create_party(store, new_party(repeat="daily"), now=NOW)


async def test_rsvps_are_one_per_member(store: Store):
    party = await events.create_party(store, new_party(), now=NOW)
    await events.set_rsvp(store, party.id, 10, "going", now=NOW)
    await events.set_rsvp(store, party.id, 11, "maybe", now=NOW + timedelta(seconds=1))
    await events.set_rsvp(store, party.id, 10, "cant", now=NOW + timedelta(seconds=2))
    assert await events.rsvp_counts(store, party.id) == {"going": 0, "maybe": 1, "cant": 1}
    assert [(r.user_id, r.status) for r in await events.list_rsvps(store, party.id)] == [(11, "maybe"), (10, "cant")]
    assert [r.user_id for r in await events.list_rsvps(store, party.id, status="maybe")] == [11]
    rsvp = await events.get_rsvp(store, party.id, 10)
    assert rsvp is not None and rsvp.status == "cant"
    assert await events.clear_rsvp(store, party.id, 10) is True
    assert await events.clear_rsvp(store, party.id, 10) is False
    with pytest.raises(sqlite3.IntegrityError):
        await events.set_rsvp(store, party.id, 12, "yes", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        await events.set_rsvp(store, 999, 12, "going", now=NOW)  # no such party


async def test_releases_and_opt_ins(store: Store):
    release = await events.add_release(
        store,
        events.NewRelease(
            guild_id=1,
            title="Community rewatch",
            release_at=NOW + timedelta(days=3),
            timezone="UTC",
            created_by=3,
            season=1,
        ),
        now=NOW,
        timers=lambda r: release_timer_specs(r.id, r.release_at, (timedelta(hours=1), timedelta(0)), now=NOW),
    )
    assert await events.get_release(store, release.id) == release
    assert [t.key for t in await timer_store.list_group(store, f"release:{release.id}")] == [
        f"release:{release.id}:3600",
        f"release:{release.id}:0",
    ]
    assert [r.id for r in await events.list_releases(store, 1, after=NOW)] == [release.id]
    assert await events.list_releases(store, 1, after=NOW + timedelta(days=4)) == []
    assert await events.set_release_state(store, release.id, "cancelled", now=NOW) is True
    assert await events.list_releases(store, 1, after=NOW) == []

    assert await events.opt_in(store, 1, 10, now=NOW) is True
    assert await events.opt_in(store, 1, 10, now=NOW) is False
    assert await events.opt_in(store, 1, 11, now=NOW + timedelta(seconds=1)) is True
    assert await events.opt_in(store, 2, 10, now=NOW) is True
    assert await events.list_optins(store, 1) == [10, 11]
    assert await events.is_opted_in(store, 1, 11) is True
    assert await events.opt_out(store, 1, 11) is True
    assert await events.opt_out(store, 1, 11) is False
    assert await events.is_opted_in(store, 1, 11) is False
