"""Content tables: importing a validated pack, and the read queries recap/cast/fact/search use.

The import is one transaction, so a failure leaves the store exactly as it was. It upserts rows and
deletes only content rows that left the pack (never with REPLACE, which would fire ON DELETE
cascades in tables that point at ours). Trivia questions are special: stats refer to their ids, so a
pack question is never deleted, only retired, and rows with origin 'community' are never touched.
Reads return the same frozen models the loader builds (`bot.content.models`).

Every function here runs on `store.content`: the store itself on SQLite, and each process's local
SQLite file when community state is in PostgreSQL (see `bot.store.postgres`), so callers pass the
bot's one store whichever database runs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from bot import spoilers
from bot.content.loader import load_pack, pack_fingerprint
from bot.content.models import (
    Arc,
    Character,
    ContentPack,
    Episode,
    Fact,
    Person,
    Question,
    Release,
    Season,
    Show,
    normalize_text,
)
from bot.content.problems import Problem
from bot.store.core import Store, on_content_store
from bot.store.portable import in_list
from bot.store.translations import replace_translations

log = logging.getLogger(__name__)

REMOVED_FROM_PACK = "removed-from-pack"
"""`trivia_questions.retired_reason` set by the import; only these are restored when a question returns."""

SEARCH_MAX_TERMS = 8
SEARCH_MAX_LIMIT = 25
_SEARCH_TERM = re.compile(r"\w+")

# (table, key columns, other columns) for the plain upsert-and-prune tables. Identifiers below are
# constants of this module, never user input, which is why f-string SQL is acceptable here.
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "show_info": (("id",), ("title", "studio", "platforms", "created_by", "language", "premise", "description",
                            "producers", "sources")),
    "seasons": (("number",), ("year", "platform", "release_date", "episode_count", "runtime", "tagline", "settings",
                              "directors", "directors_note", "writers", "writers_note", "recap", "sources")),
    "episodes": (("season", "number"), ("title", "summary", "source")),
    "people": (("id",), ("name", "aliases", "roles", "facts", "sources")),
    "characters": (("id",), ("name", "aliases", "played_by", "description", "note", "sources")),
    "facts": (("id",), ("topic", "season", "episode", "text", "source")),
    "pack_releases": (("id",), ("season", "title", "date", "platform", "note", "source")),
}
_STATS_TABLES = (
    "show_info", "seasons", "episodes", "people", "characters", "character_seasons", "character_arcs",
    "cast_names", "facts", "pack_releases", "trivia_questions", "content_search",
)


@dataclass(frozen=True)
class ImportReport:
    version: str
    fingerprint: str
    rows: dict[str, int]
    """Rows now in each content table."""
    removed: int
    """Content rows deleted because they are no longer in the pack."""
    questions_added: int
    questions_updated: int
    questions_unchanged: int
    questions_retired: int
    questions_restored: int
    community_conflicts: tuple[str, ...] = ()
    """Pack question ids skipped because a community question already has that id."""

    def summary(self) -> str:
        parts = [f"pack {self.version}"]
        parts += [f"{count} {table}" for table, count in self.rows.items()]
        parts.append(
            f"questions: {self.questions_added} added, {self.questions_updated} updated, "
            f"{self.questions_unchanged} unchanged, {self.questions_retired} retired, "
            f"{self.questions_restored} restored"
        )
        if self.removed:
            parts.append(f"{self.removed} content rows removed")
        if self.community_conflicts:
            parts.append(f"skipped (id used by a community question): {', '.join(self.community_conflicts)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class SyncResult:
    """Outcome of `sync_pack`: 'unchanged' (nothing read), 'imported', or 'invalid' (store untouched)."""

    status: str
    fingerprint: str
    report: ImportReport | None = None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ShowInfo:
    """What /about shows: the show, the pack version and a few totals."""

    show: Show
    pack_version: str
    season_count: int
    episode_count: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class CastName:
    """One name or alias of a person or character, for lookups and autocomplete."""

    kind: str
    """'person' or 'character'."""
    id: str
    name: str
    """The entry's main name."""
    matched: str
    """The name or alias this row is for (equal to `name` unless it is an alias)."""


@dataclass(frozen=True)
class SearchHit:
    kind: str
    """show | season | episode | fact | person | character."""
    ref: str
    """Id of the row: a person/character/fact id, a season number, or "season:episode"."""
    season: int | None
    title: str
    snippet: str
    """Matching text with the matched terms in **bold**."""
    score: float
    """bm25: lower is better."""


@dataclass
class _QuestionTally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    conflicts: list[str] = field(default_factory=list)


# -- import ---------------------------------------------------------------------------------------


@on_content_store
async def needs_import(store: Store, fingerprint: str) -> bool:
    """True when the store holds no pack or a pack with another fingerprint."""
    return await store.fetch_value("SELECT value FROM pack_meta WHERE key = 'fingerprint'") != fingerprint


@on_content_store
async def sync_pack(store: Store, content_dir: Path, *, force: bool = False) -> SyncResult:
    """Start-up and CLI helper: validate and import the pack only if its files changed (or `force`).

    An invalid pack is never imported; the store keeps the last good one and the problems are returned
    for the caller to log or print.
    """
    fingerprint = pack_fingerprint(content_dir)
    if not force and not await needs_import(store, fingerprint):
        return SyncResult("unchanged", fingerprint)
    result = load_pack(content_dir)
    if result.pack is None:
        log.error("content pack at %s not imported: %d problem(s)", content_dir, len(result.problems))
        return SyncResult("invalid", fingerprint, problems=tuple(result.problems))
    report = await import_pack(store, result.pack, fingerprint)
    return SyncResult("imported", fingerprint, report=report)


@on_content_store
async def import_pack(store: Store, pack: ContentPack, fingerprint: str) -> ImportReport:
    """Write a validated pack in one transaction; running it twice leaves an identical store."""
    async with store.transaction() as conn:
        tables = _content_rows(pack)
        for table, rows in tables.items():  # parents first, so references resolve
            await _upsert(conn, table, rows)
        removed = 0
        for table, rows in reversed(tables.items()):  # children first, so nothing points at a deleted row
            removed += await _prune(conn, table, rows)
        await _replace_character_details(conn, pack.characters)
        await _replace_cast_names(conn, pack)
        tally = await _sync_questions(conn, pack.questions)
        await _rebuild_search(conn, pack)
        await replace_translations(conn, pack.translations)
        await conn.executemany(
            "INSERT INTO pack_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("version", pack.version), ("fingerprint", fingerprint)],
        )
        counts = {table: await _count(conn, table) for table in _TABLES}
    if tally.conflicts:
        log.warning("pack questions skipped, their ids belong to community questions: %s", tally.conflicts)
    report = ImportReport(
        version=pack.version,
        fingerprint=fingerprint,
        rows=counts,
        removed=removed,
        questions_added=tally.added,
        questions_updated=tally.updated,
        questions_unchanged=tally.unchanged,
        questions_retired=tally.retired,
        questions_restored=tally.restored,
        community_conflicts=tuple(tally.conflicts),
    )
    log.info("imported content pack: %s", report.summary())
    return report


def _content_rows(pack: ContentPack) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for each upsert table, in `_TABLES` column order (keys first). Parents before children."""
    show = pack.show
    return {
        "show_info": [(1, show.title, show.studio, _json(show.platforms), show.created_by, show.language,
                       show.premise, show.description, _json(show.producers), _json(show.sources))],
        "seasons": [(s.number, s.year, s.platform, s.release_date.isoformat(), s.episode_count, s.runtime,
                     s.tagline, _json(s.settings), _json(s.directors), s.directors_note, _json(s.writers),
                     s.writers_note, s.recap, _json(s.sources)) for s in pack.seasons],
        "episodes": [(e.season, e.number, e.title, e.summary, e.source) for s in pack.seasons for e in s.episodes],
        "people": [(p.id, p.name, _json(p.aliases), _json(p.roles), _json(p.facts), _json(p.sources))
                   for p in pack.people],
        "characters": [(c.id, c.name, _json(c.aliases), c.played_by, c.description, c.note, _json(c.sources))
                       for c in pack.characters],
        "facts": [(f.id, f.topic, f.season, f.episode, f.text, f.source) for f in pack.facts],
        "pack_releases": [(r.id, r.season, r.title, r.date.isoformat(), r.platform, r.note, r.source)
                          for r in pack.releases],
    }


async def _upsert(conn: aiosqlite.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    keys, others = _TABLES[table]
    columns = keys + others
    placeholders = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in others)
    await conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608 - constant identifiers
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
        rows,
    )


async def _prune(conn: aiosqlite.Connection, table: str, rows: list[tuple[Any, ...]]) -> int:
    """Delete the rows whose key is not among `rows`; returns how many went."""
    keys, _ = _TABLES[table]
    wanted = json.dumps([list(row[: len(keys)]) for row in rows])
    picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(keys)))
    key_expr = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
    cursor = await conn.execute(
        f"DELETE FROM {table} WHERE {key_expr} NOT IN (SELECT {picks} FROM json_each(?))",  # noqa: S608
        (wanted,),
    )
    return max(cursor.rowcount, 0)


async def _replace_character_details(conn: aiosqlite.Connection, characters: Sequence[Character]) -> None:
    """Seasons and arcs belong to their character row and nothing else points at them: rewrite them."""
    await conn.execute("DELETE FROM character_seasons")
    await conn.execute("DELETE FROM character_arcs")
    await conn.executemany(
        "INSERT INTO character_seasons (character_id, season) VALUES (?, ?)",
        [(c.id, season) for c in characters for season in c.seasons],
    )
    await conn.executemany(
        "INSERT INTO character_arcs (character_id, position, season, text) VALUES (?, ?, ?, ?)",
        [(c.id, position, arc.season, arc.text) for c in characters for position, arc in enumerate(c.arcs, 1)],
    )


async def _replace_cast_names(conn: aiosqlite.Connection, pack: ContentPack) -> None:
    await conn.execute("DELETE FROM cast_names")
    rows: list[tuple[str, str, str, str, int]] = []
    entries: list[tuple[str, str, str, tuple[str, ...]]] = [("person", p.id, p.name, p.aliases) for p in pack.people]
    entries += [("character", c.id, c.name, c.aliases) for c in pack.characters]
    for kind, ref, name, aliases in entries:
        rows.append((normalize_text(name), kind, ref, name, 0))
        rows.extend((normalize_text(alias), kind, ref, alias, 1) for alias in aliases)
    await conn.executemany(
        "INSERT OR IGNORE INTO cast_names (name_key, kind, ref, label, is_alias) VALUES (?, ?, ?, ?, ?)", rows
    )


async def _sync_questions(conn: aiosqlite.Connection, questions: Sequence[Question]) -> _QuestionTally:
    tally = _QuestionTally()
    async with conn.execute(
        "SELECT id, season, difficulty, question, answer, aliases, wrong, source, origin, retired, retired_reason "
        "FROM trivia_questions"
    ) as cursor:
        existing = {row["id"]: row for row in await cursor.fetchall()}
    inserts, updates = [], []
    for q in questions:
        values = (q.season, q.difficulty, q.question, q.answer, _json(q.aliases), _json(q.wrong), q.source)
        row = existing.get(q.id)
        if row is None:
            inserts.append((q.id, *values))
            tally.added += 1
            continue
        if row["origin"] != "pack":
            tally.conflicts.append(q.id)
            continue
        restore = bool(row["retired"]) and row["retired_reason"] == REMOVED_FROM_PACK
        changed = tuple(row[c] for c in ("season", "difficulty", "question", "answer", "aliases", "wrong", "source"))
        if changed != values or restore:
            updates.append((*values, int(restore), int(restore), q.id))
            tally.updated += changed != values
            tally.restored += restore
        else:
            tally.unchanged += 1
    await conn.executemany(
        "INSERT INTO trivia_questions (id, season, difficulty, question, answer, aliases, wrong, source, origin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pack')",
        inserts,
    )
    await conn.executemany(
        "UPDATE trivia_questions SET season = ?, difficulty = ?, question = ?, answer = ?, aliases = ?, wrong = ?, "
        "source = ?, retired = CASE WHEN ? = 1 THEN 0 ELSE retired END, "
        "retired_reason = CASE WHEN ? = 1 THEN NULL ELSE retired_reason END "
        "WHERE id = ? AND origin = 'pack'",
        updates,
    )
    # Portable SQL (this also runs on PostgreSQL, where the question bank is shared).
    kept, params = in_list("id", [q.id for q in questions], negate=True)
    cursor = await conn.execute(
        f"UPDATE trivia_questions SET retired = 1, retired_reason = ? WHERE origin = 'pack' AND retired = 0 AND {kept}",  # noqa: S608
        (REMOVED_FROM_PACK, *params),
    )
    tally.retired = max(cursor.rowcount, 0)
    return tally


async def _rebuild_search(conn: aiosqlite.Connection, pack: ContentPack) -> None:
    """The index is derived data: rewrite it whole, with explicit rowids so re-imports are identical."""
    await conn.execute("DELETE FROM content_search")
    await conn.executemany(
        "INSERT INTO content_search (rowid, kind, ref, season, title, body) VALUES (?, ?, ?, ?, ?, ?)",
        [(rowid, *doc) for rowid, doc in enumerate(_search_documents(pack), start=1)],
    )


def _search_documents(pack: ContentPack) -> Iterable[tuple[str, str, int, str, str]]:
    show = pack.show
    yield "show", "show", 0, show.title, show.premise
    # The description sums up every season ("…to long distance to the question of marriage").
    yield "show", "show", spoilers.text_season(show.description) or 0, show.title, show.description
    for s in pack.seasons:
        credits = " ".join((*s.settings, *s.directors, *s.writers))
        body = f"{s.tagline}\n\n{s.recap}\n\n{credits}"
        yield "season", str(s.number), s.number, f"Season {s.number} ({s.year})", body
        for e in s.episodes:
            if e.title or e.summary:
                title = f"Season {e.season}, episode {e.number}" + (f": {e.title}" if e.title else "")
                yield "episode", f"{e.season}:{e.number}", e.season, title, e.summary or e.title or ""
    # Each document carries the season its text is tied to (bot.spoilers), so /search can hide it.
    for f in pack.facts:
        yield "fact", f.id, spoilers.text_season(f.text, f.season) or 0, f.topic.replace("-", " "), f.text
    names = {p.id: p.name for p in pack.people}
    for p in pack.people:
        roles = f"Role: {', '.join(p.roles)}."
        base = spoilers.roles_season([c for c in pack.characters if c.played_by == p.id])
        title = " / ".join((p.name, *p.aliases))
        for fact in p.facts or ("",):
            yield "person", p.id, spoilers.text_season(fact, base) or 0, title, " ".join(filter(None, (fact, roles)))
    for c in pack.characters:
        actor = f"Played by {names[c.played_by]}." if c.played_by else ""
        title = " / ".join((c.name, *c.aliases))
        body = " ".join(filter(None, (c.description, actor, c.note)))
        yield "character", c.id, spoilers.description_season(c) or 0, title, body
        for arc in c.arcs:
            yield "character", c.id, arc.season, title, arc.text


# -- stats and meta -------------------------------------------------------------------------------


@on_content_store
async def content_stats(store: Store) -> dict[str, int]:
    """Row counts per content table, plus a breakdown of trivia questions (for `content stats`)."""
    stats = {table: int(await store.fetch_value(f"SELECT count(*) FROM {table}")) for table in _STATS_TABLES}  # noqa: S608
    row = await store.fetch_one(
        "SELECT sum(origin = 'pack' AND retired = 0), sum(origin = 'community' AND retired = 0), sum(retired = 1) "
        "FROM trivia_questions"
    )
    stats["trivia_pack_active"] = int(row[0] or 0) if row else 0
    stats["trivia_community_active"] = int(row[1] or 0) if row else 0
    stats["trivia_retired"] = int(row[2] or 0) if row else 0
    return stats


@on_content_store
async def pack_fingerprint_stored(store: Store) -> str | None:
    """The fingerprint of the pack last imported (None before the first import)."""
    value = await store.fetch_value("SELECT value FROM pack_meta WHERE key = 'fingerprint'")
    return None if value is None else str(value)


@on_content_store
async def pack_version(store: Store) -> str | None:
    value = await store.fetch_value("SELECT value FROM pack_meta WHERE key = 'version'")
    return None if value is None else str(value)


# -- show and seasons -----------------------------------------------------------------------------


@on_content_store
async def get_show(store: Store) -> ShowInfo | None:
    """The show plus pack version and totals; None before the first import."""
    row = await store.fetch_one("SELECT * FROM show_info WHERE id = 1")
    version = await pack_version(store)
    if row is None or version is None:
        return None
    totals = await store.fetch_one(
        "SELECT count(*), coalesce(sum(episode_count), 0), min(year), max(year) FROM seasons"
    )
    assert totals is not None
    show = Show(
        title=row["title"], studio=row["studio"], platforms=_tuple(row["platforms"]), created_by=row["created_by"],
        language=row["language"], premise=row["premise"], description=row["description"],
        producers=_tuple(row["producers"]), sources=_tuple(row["sources"]),
    )
    return ShowInfo(show, version, int(totals[0]), int(totals[1]), totals[2], totals[3])


@on_content_store
async def list_seasons(store: Store) -> list[Season]:
    rows = await store.fetch_all("SELECT * FROM seasons ORDER BY number")
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for episode in await _episodes(store, None):
        episodes[episode.season].append(episode)
    return [_season(row, episodes[row["number"]]) for row in rows]


@on_content_store
async def get_season(store: Store, number: int) -> Season | None:
    row = await store.fetch_one("SELECT * FROM seasons WHERE number = ?", (number,))
    return None if row is None else _season(row, await _episodes(store, number))


@on_content_store
async def list_episodes(store: Store, season: int) -> list[Episode]:
    return await _episodes(store, season)


@on_content_store
async def get_episode(store: Store, season: int, number: int) -> Episode | None:
    row = await store.fetch_one("SELECT * FROM episodes WHERE season = ? AND number = ?", (season, number))
    return None if row is None else _episode(row)


async def _episodes(store: Store, season: int | None) -> list[Episode]:
    if season is None:
        rows = await store.fetch_all("SELECT * FROM episodes ORDER BY season, number")
    else:
        rows = await store.fetch_all("SELECT * FROM episodes WHERE season = ? ORDER BY number", (season,))
    return [_episode(row) for row in rows]


def _episode(row: aiosqlite.Row) -> Episode:
    return Episode(row["season"], row["number"], row["title"], row["summary"], row["source"])


def _season(row: aiosqlite.Row, episodes: Sequence[Episode]) -> Season:
    return Season(
        number=row["number"], year=row["year"], platform=row["platform"],
        release_date=dt.date.fromisoformat(row["release_date"]), episode_count=row["episode_count"],
        runtime=row["runtime"], tagline=row["tagline"], settings=_tuple(row["settings"]),
        directors=_tuple(row["directors"]), directors_note=row["directors_note"], writers=_tuple(row["writers"]),
        writers_note=row["writers_note"], recap=row["recap"], sources=_tuple(row["sources"]),
        episodes=tuple(episodes),
    )


# -- cast -----------------------------------------------------------------------------------------


@on_content_store
async def list_people(store: Store) -> list[Person]:
    return [_person(row) for row in await store.fetch_all("SELECT * FROM people ORDER BY name COLLATE NOCASE")]


@on_content_store
async def get_person(store: Store, person_id: str) -> Person | None:
    row = await store.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
    return None if row is None else _person(row)


@on_content_store
async def list_characters(store: Store, season: int | None = None) -> list[Character]:
    """All characters by name, or only those appearing in `season`."""
    if season is None:
        rows = await store.fetch_all("SELECT * FROM characters ORDER BY name COLLATE NOCASE")
    else:
        rows = await store.fetch_all(
            "SELECT c.* FROM character_seasons s JOIN characters c ON c.id = s.character_id "
            "WHERE s.season = ? ORDER BY c.name COLLATE NOCASE",
            (season,),
        )
    return await _characters(store, rows)


@on_content_store
async def get_character(store: Store, character_id: str) -> Character | None:
    rows = await store.fetch_all("SELECT * FROM characters WHERE id = ?", (character_id,))
    found = await _characters(store, rows)
    return found[0] if found else None


@on_content_store
async def characters_played_by(store: Store, person_id: str) -> list[Character]:
    rows = await store.fetch_all(
        "SELECT * FROM characters WHERE played_by = ? ORDER BY name COLLATE NOCASE", (person_id,)
    )
    return await _characters(store, rows)


_CAST_NAMES_SELECT = (
    "SELECT n.kind, n.ref, n.label, coalesce(p.name, c.name) AS name FROM cast_names n "
    "LEFT JOIN people p ON n.kind = 'person' AND p.id = n.ref "
    "LEFT JOIN characters c ON n.kind = 'character' AND c.id = n.ref "
)


@on_content_store
async def cast_names(store: Store) -> list[CastName]:
    """Every name and alias of people and characters (a few dozen rows), for autocomplete."""
    rows = await store.fetch_all(_CAST_NAMES_SELECT + "ORDER BY n.kind, n.name_key")
    return [_cast_name(row) for row in rows]


@on_content_store
async def lookup_cast(store: Store, text: str, limit: int = 25) -> list[CastName]:
    """Entries whose name or an alias starts with `text` (case- and spacing-insensitive), exact
    matches first, then main names before aliases; one row per entry."""
    key = normalize_text(text)
    if not key:
        return []
    rows = await store.fetch_all(
        _CAST_NAMES_SELECT + "WHERE n.name_key >= ?1 AND n.name_key < ?2 "
        "ORDER BY n.name_key = ?1 DESC, n.is_alias, n.name_key, n.kind, n.ref",
        (key, key + "\U0010ffff"),
    )
    seen: set[tuple[str, str]] = set()
    found = []
    for row in rows:
        name = _cast_name(row)
        if (name.kind, name.id) not in seen:
            seen.add((name.kind, name.id))
            found.append(name)
    return found[:limit]


def _cast_name(row: aiosqlite.Row) -> CastName:
    return CastName(row["kind"], row["ref"], row["name"], row["label"])


async def _characters(store: Store, rows: Sequence[aiosqlite.Row]) -> list[Character]:
    if not rows:
        return []
    ids = _json(row["id"] for row in rows)
    seasons: dict[str, list[int]] = defaultdict(list)
    for row in await store.fetch_all(
        "SELECT character_id, season FROM character_seasons "
        "WHERE character_id IN (SELECT value FROM json_each(?)) ORDER BY season",
        (ids,),
    ):
        seasons[row["character_id"]].append(row["season"])
    arcs: dict[str, list[Arc]] = defaultdict(list)
    for row in await store.fetch_all(
        "SELECT character_id, season, text FROM character_arcs "
        "WHERE character_id IN (SELECT value FROM json_each(?)) ORDER BY position",
        (ids,),
    ):
        arcs[row["character_id"]].append(Arc(row["season"], row["text"]))
    return [
        Character(
            id=row["id"], name=row["name"], aliases=_tuple(row["aliases"]), played_by=row["played_by"],
            seasons=tuple(seasons[row["id"]]), description=row["description"], note=row["note"],
            arcs=tuple(arcs[row["id"]]), sources=_tuple(row["sources"]),
        )
        for row in rows
    ]


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"], name=row["name"], aliases=_tuple(row["aliases"]), roles=_tuple(row["roles"]),
        facts=_tuple(row["facts"]), sources=_tuple(row["sources"]),
    )


# -- facts and releases ---------------------------------------------------------------------------


@on_content_store
async def random_fact(
    store: Store, topic: str | None = None, *, season: int | None = None, exclude_id: str | None = None
) -> Fact | None:
    """A random fact, optionally of one topic or season, never `exclude_id` (the one just shown)
    unless it is the only candidate."""
    row = await store.fetch_one(
        "SELECT * FROM facts WHERE (?1 IS NULL OR topic = ?1) AND (?2 IS NULL OR season = ?2) "
        "ORDER BY id = ?3, random() LIMIT 1",
        (topic, season, exclude_id),
    )
    return None if row is None else _fact(row)


@on_content_store
async def all_facts(store: Store) -> list[Fact]:
    return [_fact(row) for row in await store.fetch_all("SELECT * FROM facts ORDER BY id")]


@on_content_store
async def get_fact(store: Store, fact_id: str) -> Fact | None:
    row = await store.fetch_one("SELECT * FROM facts WHERE id = ?", (fact_id,))
    return None if row is None else _fact(row)


@on_content_store
async def fact_topics(store: Store) -> list[str]:
    return [row[0] for row in await store.fetch_all("SELECT DISTINCT topic FROM facts ORDER BY topic")]


def _fact(row: aiosqlite.Row) -> Fact:
    return Fact(row["id"], row["topic"], row["text"], row["source"], row["season"], row["episode"])


@on_content_store
async def list_releases(store: Store, season: int | None = None) -> list[Release]:
    """Pack release dates in date order (all, or one season's)."""
    rows = await store.fetch_all(
        "SELECT * FROM pack_releases WHERE ?1 IS NULL OR season = ?1 ORDER BY date, id", (season,)
    )
    return [
        Release(
            id=row["id"], season=row["season"], title=row["title"], date=_parse_when(row["date"]),
            platform=row["platform"], source=row["source"], note=row["note"],
        )
        for row in rows
    ]


def _parse_when(text: str) -> dt.date | dt.datetime:
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)


# -- search ---------------------------------------------------------------------------------------


def fts_query(text: str, *, any_term: bool = False) -> str | None:
    """A safe FTS5 query from user text: words only, each quoted, the last one as a prefix.

    Quotes, brackets, colons, NEAR/AND/OR and other FTS syntax in user text cannot reach the MATCH
    expression because only runs of word characters are kept, and each one is quoted.
    """
    terms = _SEARCH_TERM.findall(text.casefold())[:SEARCH_MAX_TERMS]
    if not terms:
        return None
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return (" OR " if any_term else " ").join(quoted)


@on_content_store
async def search(store: Store, query: str, limit: int = 5) -> list[SearchHit]:
    """Ranked hits over recaps, episodes, facts and cast: all words first, any word if that finds nothing."""
    limit = max(1, min(limit, SEARCH_MAX_LIMIT))
    strict = fts_query(query)
    if strict is None:
        return []
    hits = await _search(store, strict, limit)
    loose = fts_query(query, any_term=True)
    if not hits and loose != strict and loose is not None:
        hits = await _search(store, loose, limit)
    return hits


@on_content_store
async def search_rows(store: Store) -> list[tuple[int, str, str, int, str, str]]:
    """The whole search index as (rowid, kind, ref, season, title, body), for the in-memory copy."""
    rows = await store.fetch_all("SELECT rowid, kind, ref, season, title, body FROM content_search ORDER BY rowid")
    return [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows]


async def _search(store: Store, match: str, limit: int) -> list[SearchHit]:
    rows = await store.fetch_all(
        "SELECT kind, ref, season, title, snippet(content_search, 4, '**', '**', '…', 16) AS snippet, "
        "bm25(content_search, 0, 0, 0, 4.0, 1.0) AS score "
        "FROM content_search WHERE content_search MATCH ? ORDER BY score, rowid LIMIT ?",
        (match, limit),
    )
    return [
        SearchHit(row["kind"], row["ref"], int(row["season"]) or None, row["title"], row["snippet"], row["score"])
        for row in rows
    ]


# -- helpers --------------------------------------------------------------------------------------


def _json(items: Iterable[Any]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _tuple(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


async def _count(conn: aiosqlite.Connection, table: str) -> int:
    async with conn.execute(f"SELECT count(*) FROM {table}") as cursor:  # noqa: S608 - constant identifier
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
