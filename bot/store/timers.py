"""Durable timers: the rows the dispatcher claims, delivers and marks.

A row's life: `pending` → `sending` (claimed and committed before the handler runs) → `sent`, or
back to `pending` later (retry), or `failed`; `cancelled` and `skipped` (missed by more than the
grace) are the other ends. The dispatcher only ever reads "the next few due pending rows" through
the (state, due_at) index, so memory stays flat however many timers are pending.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import aiosqlite

from bot import horizons
from bot.store.core import Store
from bot.store.portable import in_list

TimerState = Literal["pending", "sending", "sent", "failed", "cancelled", "skipped"]
FinalOutcome = Literal["sent", "failed", "pending"]

DEFAULT_LEASE = timedelta(minutes=1)
"""How long a claim is a process's own (PostgreSQL): a delivery outlasting it may be sent again, same nonce."""


def to_ts(moment: datetime) -> int:
    """UTC seconds, rounded up: a timer never fires before the moment it was asked for."""
    if moment.tzinfo is None:
        raise ValueError("timer times must be timezone-aware")
    return math.ceil(moment.timestamp())


def from_ts(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def default_group(key: str) -> str:
    """`party:7:0:600` → `party:7:0`: the key without its last segment (a key without `:` is its own group)."""
    head, sep, _ = key.rpartition(":")
    return head if sep else key


@dataclass(frozen=True, slots=True)
class TimerSpec:
    """What to schedule. `key` is the dedupe key: scheduling the same key twice does nothing."""

    key: str
    kind: str
    due_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None

    @property
    def group_key(self) -> str:
        return self.group if self.group is not None else default_group(self.key)


@dataclass(frozen=True, slots=True)
class Timer:
    id: int
    key: str
    group: str
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]
    state: TimerState
    attempts: int
    revision: int
    last_error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedGroup:
    """Due siblings of one group, claimed (`sending`) or skipped (past the grace) in one transaction."""

    kind: str
    group: str
    claimed: tuple[Timer, ...]
    skipped: tuple[Timer, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a delivery ended: `sent`, `failed`, or `pending` again at `retry_at` (a retry)."""

    ids: tuple[int, ...]
    state: FinalOutcome
    retry_at: datetime | None = None
    error: str | None = None


def _timer(row: aiosqlite.Row, **override: Any) -> Timer:
    values = {
        "id": row["id"],
        "key": row["dedupe_key"],
        "group": row["group_key"],
        "kind": row["kind"],
        "due_at": from_ts(row["due_at"]),
        "payload": json.loads(row["payload"]),
        "state": row["state"],
        "attempts": row["attempts"],
        "revision": row["revision"],
        "last_error": row["last_error"],
        "created_at": from_ts(row["created_at"]),
        "updated_at": from_ts(row["updated_at"]),
    }
    values.update(override)
    return Timer(**values)


def _prefix_bounds(prefix: str) -> tuple[str, str]:
    """[low, high) such that exactly the strings starting with `prefix` fall inside (BINARY collation)."""
    if not prefix:
        raise ValueError("an empty prefix would match every timer")
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _insert_params(spec: TimerSpec, now_ts: int) -> tuple[Any, ...]:
    return (
        spec.key,
        spec.group_key,
        spec.kind,
        to_ts(spec.due_at),
        json.dumps(dict(spec.payload), separators=(",", ":"), sort_keys=True),
        now_ts,
        now_ts,
    )


_INSERT = (
    "INSERT INTO timers (dedupe_key, group_key, kind, due_at, payload, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING"
)


async def insert_timers_in(conn: aiosqlite.Connection, specs: Iterable[TimerSpec], *, now: datetime) -> int:
    """Insert inside a transaction the caller already holds (e.g. with the party row it belongs to).

    A timer further out than `bot.horizons.TIMER` is refused (`BeyondHorizonError`, nothing inserted):
    every caller checks its own horizon first, so this is the last line against a value that would
    overflow later.
    """
    now_ts = to_ts(now)
    specs = list(specs)
    for spec in specs:
        horizons.require_within(spec.due_at, now, horizons.TIMER, "Timers")
    cur = await conn.executemany(_INSERT, [_insert_params(spec, now_ts) for spec in specs])
    return max(cur.rowcount, 0)


async def insert_timers(store: Store, specs: Iterable[TimerSpec], *, now: datetime) -> int:
    """Schedule many at once; keys that already exist are left as they are. Returns rows added."""
    async with store.transaction() as conn:
        return await insert_timers_in(conn, specs, now=now)


async def get_timer(store: Store, key: str) -> Timer | None:
    row = await store.fetch_one("SELECT * FROM timers WHERE dedupe_key = ?", (key,))
    return None if row is None else _timer(row)


async def list_group(store: Store, group: str) -> list[Timer]:
    rows = await store.fetch_all("SELECT * FROM timers WHERE group_key = ? ORDER BY due_at, id", (group,))
    return [_timer(row) for row in rows]


async def list_prefix(store: Store, prefix: str) -> list[Timer]:
    low, high = _prefix_bounds(prefix)
    rows = await store.fetch_all(
        "SELECT * FROM timers WHERE dedupe_key >= ? AND dedupe_key < ? ORDER BY due_at, id", (low, high)
    )
    return [_timer(row) for row in rows]


async def count_by_state(store: Store) -> dict[str, int]:
    rows = await store.fetch_all("SELECT state, COUNT(*) FROM timers GROUP BY state")
    return {row[0]: row[1] for row in rows}


async def next_due_at(store: Store) -> datetime | None:
    """The earliest pending due time (one index probe); on PostgreSQL also the earliest lease to run out."""
    value = await store.fetch_value("SELECT due_at FROM timers WHERE state = 'pending' ORDER BY due_at LIMIT 1")
    if store.dialect == "postgres":
        lease = await store.fetch_value(
            "SELECT lease_until FROM timers WHERE state = 'sending' ORDER BY lease_until LIMIT 1"
        )
        if lease is not None and (value is None or lease < value):
            value = lease
    return None if value is None else from_ts(value)


async def cancel_keys(store: Store, keys: Sequence[str], *, now: datetime) -> int:
    """Cancel pending timers by dedupe key; returns how many were pending."""
    wanted, params = in_list("dedupe_key", keys)
    async with store.transaction() as conn:
        cur = await conn.execute(
            f"UPDATE timers SET state = 'cancelled', updated_at = ? WHERE {wanted} AND state = 'pending'",  # noqa: S608
            (to_ts(now), *params),
        )
        return max(cur.rowcount, 0)


async def cancel_group(store: Store, group: str, *, now: datetime) -> int:
    async with store.transaction() as conn:
        cur = await conn.execute(
            "UPDATE timers SET state = 'cancelled', updated_at = ? WHERE group_key = ? AND state = 'pending'",
            (to_ts(now), group),
        )
        return max(cur.rowcount, 0)


async def cancel_prefix(store: Store, prefix: str, *, now: datetime) -> int:
    """Cancel every pending timer whose dedupe key starts with `prefix` (e.g. `party:7:` for all occurrences)."""
    low, high = _prefix_bounds(prefix)
    async with store.transaction() as conn:
        cur = await conn.execute(
            "UPDATE timers SET state = 'cancelled', updated_at = ? "
            "WHERE dedupe_key >= ? AND dedupe_key < ? AND state = 'pending'",
            (to_ts(now), low, high),
        )
        return max(cur.rowcount, 0)


async def reschedule_group(store: Store, group: str, specs: Sequence[TimerSpec], *, now: datetime) -> list[Timer]:
    """Make the group's future exactly `specs`, in one transaction.

    Pending timers not named are cancelled; named ones are moved (a pending retry keeps its
    attempts and nonce); named ones that already ended (sent, skipped, failed, cancelled) are
    revived as new deliveries with a new revision, hence a new nonce: a party moved to another
    day should remind again. A row being sent right now is left alone.
    """
    for spec in specs:
        if spec.group_key != group:
            raise ValueError(f"timer {spec.key!r} belongs to group {spec.group_key!r}, not {group!r}")
    now_ts = to_ts(now)
    others, params = in_list("dedupe_key", [spec.key for spec in specs], negate=True)
    async with store.transaction() as conn:
        await conn.execute(
            "UPDATE timers SET state = 'cancelled', updated_at = ? WHERE group_key = ? AND state = 'pending' "  # noqa: S608
            f"AND {others}",
            (now_ts, group, *params),
        )
        await conn.executemany(
            "INSERT INTO timers (dedupe_key, group_key, kind, due_at, payload, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO UPDATE SET "
            "group_key = excluded.group_key, kind = excluded.kind, due_at = excluded.due_at, "
            "payload = excluded.payload, updated_at = excluded.updated_at, last_error = NULL, "
            "attempts = CASE WHEN timers.state = 'pending' THEN timers.attempts ELSE 0 END, "
            "revision = CASE WHEN timers.state = 'pending' THEN timers.revision ELSE timers.revision + 1 END, "
            "state = 'pending' "
            "WHERE timers.state != 'sending'",
            [_insert_params(spec, now_ts) for spec in specs],
        )
    return await list_group(store, group)


async def reset_sending(store: Store, *, now: datetime) -> int:
    """Start-up: rows a crash left in `sending` go back to `pending` (their send is retried with the same nonce).

    On PostgreSQL other live processes may be sending right now, so only rows whose lease ran out
    go back (a dead process's); the claim does the same on every turn.
    """
    async with store.transaction() as conn:
        return await _release_stale(conn, store, now)


async def _release_stale(conn: aiosqlite.Connection, store: Store, now: datetime) -> int:
    if store.dialect == "postgres":
        cur = await conn.execute(
            "UPDATE timers SET state = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = ? "
            "WHERE state = 'sending' AND lease_until <= ?",
            (to_ts(now), math.floor(now.timestamp())),
        )
    else:
        cur = await conn.execute(
            "UPDATE timers SET state = 'pending', updated_at = ? WHERE state = 'sending'", (to_ts(now),)
        )
    return max(cur.rowcount, 0)


async def claim_due(
    store: Store,
    *,
    now: datetime,
    grace: timedelta,
    limit: int,
    owner: str = "local",
    lease: timedelta = DEFAULT_LEASE,
) -> list[ClaimedGroup]:
    """Claim the next due groups: up to `limit` due rows by index, plus their due siblings.

    In one committed transaction, each due row of those groups becomes `sending` (attempts + 1)
    or, if it is more than `grace` late, `skipped`. Groups come out earliest first.

    On PostgreSQL several processes claim at once: rows are locked with `FOR UPDATE SKIP LOCKED`
    (a row another process is claiming is simply not seen), and a claim carries `owner` and a
    lease; a row still `sending` when its lease runs out is put back to `pending` by whichever
    process claims next, and sent again with the same nonce.
    """
    shared = store.dialect == "postgres"
    lock = " FOR UPDATE SKIP LOCKED" if shared else ""
    now_ts = math.floor(now.timestamp())
    stale_before = now.timestamp() - grace.total_seconds()
    stamp = to_ts(now)
    async with store.transaction() as conn:
        if shared:
            await _release_stale(conn, store, now)
        async with conn.execute(
            f"SELECT group_key FROM timers WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?{lock}",  # noqa: S608
            (now_ts, limit),
        ) as cur:
            head = await cur.fetchall()
        groups = list(dict.fromkeys(row[0] for row in head))
        if not groups:
            return []
        wanted, params = in_list("group_key", groups)
        async with conn.execute(
            f"SELECT * FROM timers WHERE {wanted} AND state = 'pending' AND due_at <= ? "  # noqa: S608
            f"ORDER BY due_at, id{lock}",
            (*params, now_ts),
        ) as cur:
            rows = list(await cur.fetchall())
        skipped = [row["id"] for row in rows if row["due_at"] < stale_before]
        claimed = [row["id"] for row in rows if row["due_at"] >= stale_before]
        if skipped:
            ids, params = in_list("id", skipped)
            await conn.execute(
                "UPDATE timers SET state = 'skipped', updated_at = ?, last_error = 'missed by more than the grace' "  # noqa: S608
                f"WHERE {ids}",
                (stamp, *params),
            )
        if claimed:
            ids, params = in_list("id", claimed)
            if shared:
                await conn.execute(
                    "UPDATE timers SET state = 'sending', attempts = attempts + 1, updated_at = ?, "  # noqa: S608
                    f"claimed_by = ?, lease_until = ? WHERE {ids}",
                    (stamp, owner, to_ts(now + lease), *params),
                )
            else:
                await conn.execute(
                    f"UPDATE timers SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE {ids}",  # noqa: S608
                    (stamp, *params),
                )

    by_group: dict[tuple[str, str], tuple[list[Timer], list[Timer]]] = {}
    for row in rows:
        fresh, stale = by_group.setdefault((row["kind"], row["group_key"]), ([], []))
        if row["due_at"] < stale_before:
            stale.append(_timer(row, state="skipped", updated_at=from_ts(stamp)))
        else:
            fresh.append(_timer(row, state="sending", attempts=row["attempts"] + 1, updated_at=from_ts(stamp)))
    order = {group: index for index, group in enumerate(groups)}
    ordered = sorted(by_group.items(), key=lambda item: order[item[0][1]])
    return [
        ClaimedGroup(kind=kind, group=group, claimed=tuple(fresh), skipped=tuple(stale))
        for (kind, group), (fresh, stale) in ordered
    ]


async def record_outcomes(store: Store, outcomes: Sequence[Outcome], *, now: datetime) -> None:
    """Mark finished deliveries in one transaction (only rows still `sending` change).

    Outcomes that end the same way (nearly all: `sent`) are marked with one statement per few
    hundred ids rather than one per timer, which is what a burst of reminders costs.
    """
    stamp = to_ts(now)
    groups: dict[tuple[str, int | None, str | None], list[int]] = {}
    for outcome in outcomes:
        key = (
            outcome.state,
            None if outcome.retry_at is None else to_ts(outcome.retry_at),
            None if outcome.error is None else outcome.error[:500],
        )
        groups.setdefault(key, []).extend(outcome.ids)
    if not any(groups.values()):
        return
    async with store.transaction() as conn:
        for (state, retry_ts, error), ids in groups.items():
            for start in range(0, len(ids), _MARK_CHUNK):
                wanted, params = in_list("id", ids[start : start + _MARK_CHUNK])
                await conn.execute(
                    "UPDATE timers SET state = ?, due_at = COALESCE(?, due_at), last_error = ?, updated_at = ? "  # noqa: S608
                    f"WHERE {wanted} AND state = 'sending'",
                    (state, retry_ts, error, stamp, *params),
                )


_MARK_CHUNK = 500


async def delete_finished(store: Store, *, before: datetime) -> int:
    """Housekeeping: forget ended timers last touched before `before` (their keys can be scheduled again)."""
    async with store.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM timers WHERE state IN ('sent', 'failed', 'cancelled', 'skipped') AND updated_at < ?",
            (to_ts(before),),
        )
        return max(cur.rowcount, 0)


async def count_late(store: Store, *, before: datetime) -> int:
    """Pending timers whose due time passed before `before` (the dispatcher is falling behind)."""
    value = await store.fetch_value(
        "SELECT COUNT(*) FROM timers WHERE state = 'pending' AND due_at < ?", (to_ts(before),)
    )
    return int(value or 0)
