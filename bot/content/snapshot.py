"""The imported content pack, held in memory as one immutable snapshot.

Content changes only when a pack is imported, yet every read command used to rebuild its answer
from several SQLite round trips through aiosqlite's thread. The snapshot is built once from the
store (at start and after each import) with the store's own read functions, so it holds exactly
what those return, in the same order; read commands then answer from it with no store trip for
content. The bot swaps in a new snapshot with one attribute assignment, so a command that started
before an import finishes with the old pack and never sees half of the new one.

Search stays SQLite FTS5 (bm25 ranking and `snippet()`, so every answer is the one the store gave),
on a private in-memory copy of the index queried synchronously, and each query's hits are kept for
the snapshot's life. `bench/readspeed.py` prints the comparison: the in-memory FTS5 query costs
about half of the trip through aiosqlite's thread; a pure-Python inverted index ranks faster still,
but only by writing its own bm25 and snippets, which would change the answers, for a difference that
the per-query memo leaves to each query's first time.

`cached` memoises what does not depend on the member (a rendered card per spoiler level, a search
result list): built once per snapshot, reused until the next import replaces the snapshot.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.content.models import Character, Episode, Fact, Person, Release, Season
from bot.store.content import (
    SEARCH_MAX_LIMIT,
    CastName,
    SearchHit,
    ShowInfo,
    fts_query,
)

T = TypeVar("T")

OPEN_CACHE_LIMIT = 1_024
"""Most memoised answers kept per snapshot for open-ended keys (what people type: searches,
autocompletes); when full it starts again empty, so it holds at most ~4 MiB (a search card is a
few KiB). Keys drawn from the pack (a season page per spoiler level, a cast card) are few and
always kept."""

_SEARCH_SQL = (
    "SELECT kind, ref, season, title, snippet(content_search, 4, '**', '**', '…', 16) AS snippet, "
    "bm25(content_search, 0, 0, 0, 4.0, 1.0) AS score "
    "FROM content_search WHERE content_search MATCH ? ORDER BY score, rowid LIMIT ?"
)
# Same columns and tokenizer as migration 0001, so ranking and snippets are identical.
_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE content_search USING fts5("
    "kind UNINDEXED, ref UNINDEXED, season UNINDEXED, title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)

SearchRow = tuple[int, str, str, int, str, str]
"""(rowid, kind, ref, season, title, body): one row of the store's `content_search` table."""


class SearchIndex:
    """Full-text search over an in-memory FTS5 copy of the store's index; used from one thread.

    sqlite3 with `:memory:` does no I/O, so a query is pure CPU and may run on the event loop.
    """

    def __init__(self, rows: Sequence[SearchRow]) -> None:
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.execute(_SEARCH_TABLE)
        self._conn.executemany(
            "INSERT INTO content_search (rowid, kind, ref, season, title, body) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        self.size = len(rows)

    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        """As `bot.store.content.search`: all words first, any word if that finds nothing."""
        limit = max(1, min(limit, SEARCH_MAX_LIMIT))
        strict = fts_query(query)
        if strict is None:
            return []
        hits = self._match(strict, limit)
        loose = fts_query(query, any_term=True)
        if not hits and loose != strict and loose is not None:
            hits = self._match(loose, limit)
        return hits

    def _match(self, match: str, limit: int) -> list[SearchHit]:
        rows = self._conn.execute(_SEARCH_SQL, (match, limit)).fetchall()
        return [SearchHit(kind, ref, int(season) or None, title, snippet, score)
                for kind, ref, season, title, snippet, score in rows]


@dataclass(frozen=True, eq=False)
class ContentSnapshot:
    """Everything read commands show about the show; `show` is None before the first import."""

    show: ShowInfo | None
    seasons: tuple[Season, ...]
    people: tuple[Person, ...]
    """By name, as `list_people` orders them."""
    characters: tuple[Character, ...]
    """By name, as `list_characters` orders them."""
    cast_names: tuple[CastName, ...]
    facts: tuple[Fact, ...]
    fact_topics: tuple[str, ...]
    releases: tuple[Release, ...]
    stats: Mapping[str, int]
    """Row counts as `content_stats` gives them (for /about)."""
    search_index: SearchIndex
    fingerprint: str | None = None
    """Of the imported pack this was read from: a new import in another process changes it."""
    season_by_number: Mapping[int, Season] = field(init=False)
    person_by_id: Mapping[str, Person] = field(init=False)
    character_by_id: Mapping[str, Character] = field(init=False)
    played_by: Mapping[str, tuple[Character, ...]] = field(init=False)
    facts_by_topic: Mapping[str, tuple[Fact, ...]] = field(init=False)
    _cache: dict[Hashable, Any] = field(init=False, repr=False)
    _open: dict[Hashable, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: derived lookups are filled in once, here
        set_(self, "season_by_number", {s.number: s for s in self.seasons})
        set_(self, "person_by_id", {p.id: p for p in self.people})
        set_(self, "character_by_id", {c.id: c for c in self.characters})
        played: dict[str, list[Character]] = {}
        for character in self.characters:
            if character.played_by is not None:
                played.setdefault(character.played_by, []).append(character)
        set_(self, "played_by", {k: tuple(v) for k, v in played.items()})
        topics: dict[str, list[Fact]] = {}
        for fact in self.facts:
            topics.setdefault(fact.topic, []).append(fact)
        set_(self, "facts_by_topic", {k: tuple(v) for k, v in topics.items()})
        set_(self, "_cache", {})
        set_(self, "_open", {})

    # -- lookups ---------------------------------------------------------------------------------

    @property
    def season_numbers(self) -> list[int]:
        return [s.number for s in self.seasons]

    def season(self, number: int) -> Season | None:
        return self.season_by_number.get(number)

    def episodes(self, season: int) -> tuple[Episode, ...]:
        found = self.season_by_number.get(season)
        return found.episodes if found else ()

    def episode(self, season: int, number: int) -> Episode | None:
        return next((e for e in self.episodes(season) if e.number == number), None)

    def person(self, person_id: str) -> Person | None:
        return self.person_by_id.get(person_id)

    def character(self, character_id: str) -> Character | None:
        return self.character_by_id.get(character_id)

    def characters_played_by(self, person_id: str) -> tuple[Character, ...]:
        return self.played_by.get(person_id, ())

    def random_fact(self, topic: str | None = None, *, exclude_id: str | None = None,
                    rng: random.Random | None = None) -> Fact | None:
        """As `bot.store.content.random_fact`: any fact (of `topic`), never `exclude_id` unless it is
        the only one."""
        pool = self.facts if topic is None else self.facts_by_topic.get(topic, ())
        if not pool:
            return None
        others = [f for f in pool if f.id != exclude_id] or list(pool)
        return (rng or random).choice(others)

    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        return self.cached(("search", query, limit), lambda: self.search_index.search(query, limit), open_ended=True)

    # -- memo ------------------------------------------------------------------------------------

    def cached(self, key: Hashable, build: Callable[[], T], *, open_ended: bool = False) -> T:
        """`build()` once per snapshot for `key`; its result must never be mutated by callers.

        `open_ended`: the key comes from what people type, so the number of keys is unbounded.
        """
        cache = self._open if open_ended else self._cache
        try:
            value: T = cache[key]
            return value
        except KeyError:
            value = build()
            if open_ended and len(cache) >= OPEN_CACHE_LIMIT:
                cache.clear()
            cache[key] = value
            return value


def empty_snapshot() -> ContentSnapshot:
    """No pack imported yet: read commands say so."""
    return ContentSnapshot(
        show=None, seasons=(), people=(), characters=(), cast_names=(), facts=(), fact_topics=(), releases=(),
        stats={}, search_index=SearchIndex(()),
    )
