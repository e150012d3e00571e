"""Watch parties, RSVPs, moderator-added releases and release opt-ins.

A party and its reminder timers are written in one transaction (`create_party` takes a function
that turns the new party into timer specs), so a crash can never leave a party without reminders.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import aiosqlite

from bot.store.core import Store
from bot.store.portable import in_list
from bot.store.timers import TimerSpec, from_ts, insert_timers_in, to_ts

RepeatRule = Literal["none", "weekly"]
PartyState = Literal["scheduled", "cancelled", "finished"]
RsvpStatus = Literal["going", "maybe", "cant"]
ReleaseState = Literal["scheduled", "cancelled", "released"]


@dataclass(frozen=True, slots=True)
class NewParty:
    guild_id: int
    channel_id: int
    creator_id: int
    title: str
    starts_at: datetime
    timezone: str
    season: int | None = None
    episode: int | None = None
    repeat: RepeatRule = "none"
    reminder_offsets: tuple[timedelta, ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    guild_id: int
    channel_id: int
    creator_id: int
    title: str
    starts_at: datetime  # the current occurrence
    anchor_at: datetime  # the first occurrence: weekly repeats keep its local weekday and time
    timezone: str
    season: int | None
    episode: int | None
    repeat: RepeatRule
    occurrence: int
    reminder_offsets: tuple[timedelta, ...]
    message_id: int | None
    scheduled_event_id: int | None
    state: PartyState
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Rsvp:
    party_id: int
    user_id: int
    status: RsvpStatus
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewRelease:
    guild_id: int
    title: str
    release_at: datetime
    timezone: str
    created_by: int
    season: int | None = None


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    guild_id: int
    title: str
    release_at: datetime
    timezone: str
    season: int | None
    created_by: int
    state: ReleaseState
    created_at: datetime
    updated_at: datetime


def _offsets_json(offsets: Sequence[timedelta]) -> str:
    return json.dumps(sorted((int(o.total_seconds()) for o in offsets), reverse=True))


def _party(row: aiosqlite.Row) -> Party:
    return Party(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        creator_id=row["creator_id"],
        title=row["title"],
        starts_at=from_ts(row["starts_at"]),
        anchor_at=from_ts(row["anchor_at"]),
        timezone=row["timezone"],
        season=row["season"],
        episode=row["episode"],
        repeat=row["repeat_rule"],
        occurrence=row["occurrence"],
        reminder_offsets=tuple(timedelta(seconds=s) for s in json.loads(row["reminder_offsets"])),
        message_id=row["message_id"],
        scheduled_event_id=row["scheduled_event_id"],
        state=row["state"],
        created_at=from_ts(row["created_at"]),
        updated_at=from_ts(row["updated_at"]),
    )


def _release(row: aiosqlite.Row) -> Release:
    return Release(
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        release_at=from_ts(row["release_at"]),
        timezone=row["timezone"],
        season=row["season"],
        created_by=row["created_by"],
        state=row["state"],
        created_at=from_ts(row["created_at"]),
        updated_at=from_ts(row["updated_at"]),
    )


# -- watch parties --------------------------------------------------------------------------


async def create_party(
    store: Store,
    new: NewParty,
    *,
    now: datetime,
    timers: Callable[[Party], Sequence[TimerSpec]] | None = None,
) -> Party:
    """Insert a party and (optionally) its reminder timers atomically; then call `TimerEngine.notify()`."""
    stamp = to_ts(now)
    async with store.transaction() as conn:
        async with conn.execute(
            "INSERT INTO watch_parties (guild_id, channel_id, creator_id, title, starts_at, anchor_at, timezone, "
            "season, episode, repeat_rule, reminder_offsets, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (
                new.guild_id,
                new.channel_id,
                new.creator_id,
                new.title,
                to_ts(new.starts_at),
                to_ts(new.starts_at),
                new.timezone,
                new.season,
                new.episode,
                new.repeat,
                _offsets_json(new.reminder_offsets),
                stamp,
                stamp,
            ),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        party = _party(row)
        if timers is not None:
            await insert_timers_in(conn, timers(party), now=now)
    return party


async def get_party(store: Store, party_id: int) -> Party | None:
    row = await store.fetch_one("SELECT * FROM watch_parties WHERE id = ?", (party_id,))
    return None if row is None else _party(row)


async def rename_party(store: Store, party_id: int, title: str, *, now: datetime) -> Party | None:
    await store.execute(
        "UPDATE watch_parties SET title = ?, updated_at = ? WHERE id = ?", (title, to_ts(now), party_id)
    )
    return await get_party(store, party_id)


async def list_parties(
    store: Store, guild_id: int, *, states: Sequence[PartyState] = ("scheduled",), limit: int = 25
) -> list[Party]:
    """A guild's parties in the given states, soonest first."""
    if len(states) == 1:  # one state: the index is already in start order, so a page costs a page
        rows = await store.fetch_all(
            "SELECT * FROM watch_parties WHERE guild_id = ? AND state = ? ORDER BY starts_at, id LIMIT ?",
            (guild_id, states[0], limit),
        )
        return [_party(row) for row in rows]
    wanted, params = in_list("state", states)
    rows = await store.fetch_all(
        f"SELECT * FROM watch_parties WHERE guild_id = ? AND {wanted} ORDER BY starts_at, id LIMIT ?",  # noqa: S608
        (guild_id, *params, limit),
    )
    return [_party(row) for row in rows]


@dataclass(frozen=True, slots=True)
class PartyListing:
    """One line of `/watchparty list`: only what it shows (a full `Party` costs ~15 µs to build)."""

    id: int
    title: str
    starts_at: datetime
    repeat: str
    season: int | None
    going: int


UPCOMING_PAGE_SQL = (
    "SELECT p.id, p.title, p.starts_at, p.repeat_rule, p.season, "
    "(SELECT COUNT(*) FROM party_rsvps r WHERE r.party_id = p.id AND r.status = 'going') AS going "
    "FROM watch_parties p WHERE p.guild_id = ? AND p.state = 'scheduled' ORDER BY p.starts_at, p.id LIMIT ?"
)


async def upcoming_with_going(store: Store, guild_id: int, *, limit: int = 25) -> list[PartyListing]:
    """The next `limit` scheduled parties with how many are going: one query, read from the index in
    start order, so its cost is the page's, not the table's."""
    rows = await store.fetch_page(UPCOMING_PAGE_SQL, (guild_id, limit))
    return [PartyListing(row[0], row[1], from_ts(row[2]), row[3], row[4], int(row[5])) for row in rows]


async def set_party_messages(
    store: Store, party_id: int, *, message_id: int | None, scheduled_event_id: int | None, now: datetime
) -> None:
    """Remember the announcement message and Discord scheduled event made for the party."""
    await store.execute(
        "UPDATE watch_parties SET message_id = ?, scheduled_event_id = ?, updated_at = ? WHERE id = ?",
        (message_id, scheduled_event_id, to_ts(now), party_id),
    )


async def move_party(
    store: Store, party_id: int, *, starts_at: datetime, timezone: str, now: datetime, new_series: bool = True
) -> Party | None:
    """Change the time of the current occurrence (and, with `new_series`, re-anchor the weekly series)."""
    sql = (
        "UPDATE watch_parties SET starts_at = ?, anchor_at = CASE WHEN ? = 1 THEN ? ELSE anchor_at END, timezone = ?, "
        "updated_at = ? WHERE id = ? RETURNING *"
    )
    ts = to_ts(starts_at)
    async with (
        store.transaction() as conn,
        conn.execute(sql, (ts, int(new_series), ts, timezone, to_ts(now), party_id)) as cur,
    ):
        row = await cur.fetchone()
    return None if row is None else _party(row)


async def advance_party(
    store: Store,
    party_id: int,
    *,
    starts_at: datetime,
    now: datetime,
    timers: Callable[[Party], Sequence[TimerSpec]] | None = None,
) -> Party | None:
    """Move a weekly party to its next occurrence (occurrence + 1) and add that occurrence's timers."""
    async with store.transaction() as conn:
        async with conn.execute(
            "UPDATE watch_parties SET starts_at = ?, occurrence = occurrence + 1, updated_at = ? "
            "WHERE id = ? AND state = 'scheduled' RETURNING *",
            (to_ts(starts_at), to_ts(now), party_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        party = _party(row)
        if timers is not None:
            await insert_timers_in(conn, timers(party), now=now)
    return party


async def set_party_state(store: Store, party_id: int, state: PartyState, *, now: datetime) -> bool:
    """Returns False if the party does not exist."""
    async with store.transaction() as conn:
        cur = await conn.execute(
            "UPDATE watch_parties SET state = ?, updated_at = ? WHERE id = ?", (state, to_ts(now), party_id)
        )
        return cur.rowcount > 0


# -- RSVPs ----------------------------------------------------------------------------------


async def set_rsvp(store: Store, party_id: int, user_id: int, status: RsvpStatus, *, now: datetime) -> None:
    """One answer per member per party; answering again replaces it."""
    await store.execute(
        "INSERT INTO party_rsvps (party_id, user_id, status, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (party_id, user_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        (party_id, user_id, status, to_ts(now)),
    )


async def clear_rsvp(store: Store, party_id: int, user_id: int) -> bool:
    async with store.transaction() as conn:
        cur = await conn.execute("DELETE FROM party_rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id))
        return cur.rowcount > 0


async def get_rsvp(store: Store, party_id: int, user_id: int) -> Rsvp | None:
    row = await store.fetch_one("SELECT * FROM party_rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id))
    return None if row is None else Rsvp(row["party_id"], row["user_id"], row["status"], from_ts(row["updated_at"]))


async def list_rsvps(store: Store, party_id: int, *, status: RsvpStatus | None = None) -> list[Rsvp]:
    """In answer order (first to answer first)."""
    rows = await store.fetch_all(
        "SELECT * FROM party_rsvps WHERE party_id = ? AND (CAST(? AS TEXT) IS NULL OR status = ?) "
        "ORDER BY updated_at, user_id",
        (party_id, status, status),
    )
    return [Rsvp(row["party_id"], row["user_id"], row["status"], from_ts(row["updated_at"])) for row in rows]


async def rsvp_counts(store: Store, party_id: int) -> dict[RsvpStatus, int]:
    rows = await store.fetch_all(
        "SELECT status, COUNT(*) FROM party_rsvps WHERE party_id = ? GROUP BY status", (party_id,)
    )
    counts: dict[RsvpStatus, int] = {"going": 0, "maybe": 0, "cant": 0}
    for row in rows:
        counts[row[0]] = row[1]
    return counts


# -- releases and opt-ins -------------------------------------------------------------------


async def add_release(
    store: Store,
    new: NewRelease,
    *,
    now: datetime,
    timers: Callable[[Release], Sequence[TimerSpec]] | None = None,
) -> Release:
    """Insert a release and (optionally) its reminder timers atomically."""
    stamp = to_ts(now)
    async with store.transaction() as conn:
        async with conn.execute(
            "INSERT INTO releases (guild_id, title, release_at, timezone, season, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (new.guild_id, new.title, to_ts(new.release_at), new.timezone, new.season, new.created_by, stamp, stamp),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        release = _release(row)
        if timers is not None:
            await insert_timers_in(conn, timers(release), now=now)
    return release


async def get_release(store: Store, release_id: int) -> Release | None:
    row = await store.fetch_one("SELECT * FROM releases WHERE id = ?", (release_id,))
    return None if row is None else _release(row)


async def list_releases(
    store: Store, guild_id: int, *, after: datetime, states: Sequence[ReleaseState] = ("scheduled",), limit: int = 25
) -> list[Release]:
    """Releases at or after `after`, soonest first."""
    wanted, params = in_list("state", states)
    rows = await store.fetch_all(
        f"SELECT * FROM releases WHERE guild_id = ? AND {wanted} "  # noqa: S608
        "AND release_at >= ? ORDER BY release_at, id LIMIT ?",
        (guild_id, *params, to_ts(after), limit),
    )
    return [_release(row) for row in rows]


async def set_release_state(store: Store, release_id: int, state: ReleaseState, *, now: datetime) -> bool:
    async with store.transaction() as conn:
        cur = await conn.execute(
            "UPDATE releases SET state = ?, updated_at = ? WHERE id = ?", (state, to_ts(now), release_id)
        )
        return cur.rowcount > 0


async def opt_in(store: Store, guild_id: int, user_id: int, *, now: datetime) -> bool:
    """True if the member was not opted in before."""
    async with store.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO release_optins (guild_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, user_id, to_ts(now)),
        )
        return cur.rowcount > 0


async def opt_out(store: Store, guild_id: int, user_id: int) -> bool:
    """True if the member was opted in."""
    async with store.transaction() as conn:
        cur = await conn.execute("DELETE FROM release_optins WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return cur.rowcount > 0


async def is_opted_in(store: Store, guild_id: int, user_id: int) -> bool:
    value = await store.fetch_value(
        "SELECT 1 FROM release_optins WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return value is not None


async def list_optins(store: Store, guild_id: int) -> list[int]:
    """Member ids to remind, in opt-in order."""
    rows = await store.fetch_all(
        "SELECT user_id FROM release_optins WHERE guild_id = ? ORDER BY created_at, user_id", (guild_id,)
    )
    return [row[0] for row in rows]
