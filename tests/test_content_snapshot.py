"""The in-memory content snapshot answers exactly as the store's read queries do."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content import ContentPack, load_pack, pack_fingerprint
from bot.content.snapshot import ContentSnapshot, empty_snapshot
from bot.content_sync import load_snapshot
from bot.store import Store
from bot.store import content as content_store

CONTENT_DIR = PROJECT_ROOT / "data" / "content"
QUERIES = [
    "Nagpur", "mumbai wedding", "kavya", "Kav", "netflix", "dhruv kavya bangalore", "Mumbai\" OR NEAR(",
    "qwzxv", "?!", "season", "mithila palkar", "café", "the", "zzz mumbai",
]


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    result = load_pack(CONTENT_DIR)
    assert result.pack is not None, result.problems
    return result.pack


@pytest.fixture
async def store(tmp_path: Path, pack: ContentPack) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    await content_store.import_pack(opened, pack, pack_fingerprint(CONTENT_DIR))
    yield opened
    await opened.close()


@pytest.fixture
async def snapshot(store: Store) -> ContentSnapshot:
    return await load_snapshot(store)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("limit", [1, 8, 25])
async def test_search_gives_the_stores_hits_snippets_and_order(
    store: Store, snapshot: ContentSnapshot, query: str, limit: int
) -> None:
    assert snapshot.search(query, limit) == await content_store.search(store, query, limit)


async def test_lookups_match_the_store(store: Store, snapshot: ContentSnapshot) -> None:
    assert snapshot.show == await content_store.get_show(store)
    assert list(snapshot.seasons) == await content_store.list_seasons(store)
    for season in snapshot.seasons:
        assert snapshot.season(season.number) == await content_store.get_season(store, season.number)
        assert list(snapshot.episodes(season.number)) == await content_store.list_episodes(store, season.number)
    assert snapshot.season(99) is None and snapshot.episodes(99) == ()
    assert list(snapshot.people) == await content_store.list_people(store)
    for person in snapshot.people:
        assert snapshot.person(person.id) == await content_store.get_person(store, person.id)
        assert list(snapshot.characters_played_by(person.id)) == await content_store.characters_played_by(
            store, person.id
        )
    for character in snapshot.characters:
        assert snapshot.character(character.id) == await content_store.get_character(store, character.id)
    assert list(snapshot.cast_names) == await content_store.cast_names(store)
    assert list(snapshot.fact_topics) == await content_store.fact_topics(store)
    assert list(snapshot.releases) == await content_store.list_releases(store)
    assert snapshot.stats == await content_store.content_stats(store)


async def test_random_fact_never_repeats_the_excluded_one_unless_it_is_alone(snapshot: ContentSnapshot) -> None:
    rng = random.Random(7)
    last = None
    for _ in range(50):
        fact = snapshot.random_fact(exclude_id=last, rng=rng)
        assert fact is not None and fact.id != last
        last = fact.id
    topic, facts = next((t, f) for t, f in snapshot.facts_by_topic.items() if f)
    assert {snapshot.random_fact(topic, rng=rng).topic for _ in range(10)} == {topic}  # type: ignore[union-attr]
    alone = replace(snapshot, facts=facts[:1], search_index=snapshot.search_index)
    assert alone.random_fact(exclude_id=facts[0].id) == facts[0]
    assert snapshot.random_fact("no-such-topic") is None


async def test_a_reimport_builds_a_new_snapshot_and_the_old_one_is_unchanged(
    store: Store, pack: ContentPack, snapshot: ContentSnapshot
) -> None:
    """What a command holds while an import runs stays the whole old pack."""
    before = snapshot.season(1)
    assert before is not None
    edited = replace(pack, seasons=tuple(
        replace(s, tagline="A new tagline for the test") if s.number == 1 else s for s in pack.seasons
    ))
    await content_store.import_pack(store, edited, "test-fingerprint")
    after = await load_snapshot(store)
    assert after.season(1).tagline == "A new tagline for the test"  # type: ignore[union-attr]
    assert snapshot.season(1) == before


def test_cached_builds_once_per_key_and_open_ended_keys_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = empty_snapshot()
    built: list[str] = []
    for _ in range(3):
        assert snapshot.cached("a", lambda: built.append("a") or 1) == 1
    assert built == ["a"]
    monkeypatch.setattr("bot.content.snapshot.OPEN_CACHE_LIMIT", 3)
    for n in range(10):
        snapshot.cached(("typed", n), lambda: None, open_ended=True)
    assert len(snapshot._open) <= 3
    assert snapshot.cached("a", lambda: 2) == 1  # pack-derived entries are never dropped


def test_the_empty_snapshot_has_no_show_and_finds_nothing() -> None:
    snapshot = empty_snapshot()
    assert snapshot.show is None
    assert snapshot.search("kavya") == []
    assert snapshot.random_fact() is None
