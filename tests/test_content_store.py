"""Importing the pack into a real SQLite file, and the queries the recap/cast/fact/search commands use."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import PROJECT_ROOT
from bot.content import ContentPack, Fact, Question, load_pack, pack_fingerprint
from bot.store import Store
from bot.store import content as content_store
from bot.store.core import latest_version

CONTENT_DIR = PROJECT_ROOT / "data" / "content"


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    result = load_pack(CONTENT_DIR)
    assert result.pack is not None, result.problems
    return result.pack


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


async def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (FTS shadow tables excepted), in a stable order."""
    names = [
        row[0]
        for row in await store.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'content_search_%' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        columns = "rowid, *" if name == "content_search" else "*"
        rows = await store.fetch_all(f"SELECT {columns} FROM {name}")
        tables[name] = sorted(tuple(row) for row in rows)
    return tables


async def question_row(store: Store, question_id: str) -> dict[str, Any]:
    row = await store.fetch_one("SELECT * FROM trivia_questions WHERE id = ?", (question_id,))
    assert row is not None
    return dict(row)


async def add_community_rows(store: Store) -> None:
    await store.execute(
        "INSERT INTO trivia_questions (id, season, difficulty, question, answer, wrong, source, origin) "
        "VALUES ('community-1', 2, 'easy', 'Who?', 'Kavya', '[\"A\", \"B\", \"C\"]', 'a member', 'community')"
    )
    await store.execute("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (42, 'Asia/Kolkata', 1)")


# -- migrations ---------------------------------------------------------------------------------


async def test_opening_an_empty_file_migrates_to_the_latest_version(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "new.sqlite3")
    try:
        assert await store.user_version() == latest_version()
        tables = {row[0] for row in await store.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"pack_meta", "seasons", "episodes", "people", "characters", "facts", "pack_releases",
                "trivia_questions", "content_search", "guild_settings"} <= tables
    finally:
        await store.close()


async def test_migrating_step_by_step_reaches_the_same_schema(tmp_path: Path) -> None:
    stepwise = await Store.open(tmp_path / "a.sqlite3", migrate_to=1)
    assert await stepwise.user_version() == 1
    await stepwise.migrate()
    direct = await Store.open(tmp_path / "b.sqlite3")
    try:
        sql = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        assert [tuple(r) for r in await stepwise.fetch_all(sql)] == [tuple(r) for r in await direct.fetch_all(sql)]
        assert await stepwise.user_version() == latest_version()
    finally:
        await stepwise.close()
        await direct.close()


# -- import -------------------------------------------------------------------------------------


async def test_import_writes_the_whole_pack(store: Store, pack: ContentPack) -> None:
    report = await content_store.import_pack(store, pack, "fp-1")
    assert report.rows["seasons"] == 4
    assert report.rows["episodes"] == 29
    assert report.rows["people"] == len(pack.people)
    assert report.rows["characters"] == len(pack.characters)
    assert report.rows["facts"] == len(pack.facts)
    assert report.rows["pack_releases"] == len(pack.releases)
    assert report.questions_added == len(pack.questions)
    assert (report.questions_updated, report.questions_retired, report.removed) == (0, 0, 0)
    assert await content_store.pack_version(store) == pack.version


async def test_needs_import_follows_the_fingerprint(store: Store, pack: ContentPack) -> None:
    fingerprint = pack_fingerprint(CONTENT_DIR)
    assert await content_store.needs_import(store, fingerprint)
    await content_store.import_pack(store, pack, fingerprint)
    assert not await content_store.needs_import(store, fingerprint)
    assert await content_store.needs_import(store, "something-else")


async def test_sync_pack_imports_only_when_the_files_change(store: Store, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    first = await content_store.sync_pack(store, content)
    assert first.status == "imported" and first.report is not None
    assert (await content_store.sync_pack(store, content)).status == "unchanged"

    facts = content / "facts.toml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n[[fact]]\nid = 1\n", encoding="utf-8")
    invalid = await content_store.sync_pack(store, content)
    assert invalid.status == "invalid"
    assert any(str(p).endswith(": 'id' must be a string, got integer") for p in invalid.problems)
    assert not await content_store.needs_import(store, first.fingerprint)  # the last good pack stays

    facts.write_text(facts.read_text(encoding="utf-8").replace("id = 1\n", 'id = "new-fact"\ntopic = "show"\n'
                     'text = "Little Things is made by Dice Media."\nsource = "fact sheet §1"\n'), encoding="utf-8")
    changed = await content_store.sync_pack(store, content)
    assert changed.status == "imported"
    assert await content_store.get_fact(store, "new-fact") is not None
    assert (await content_store.sync_pack(store, content, force=True)).status == "imported"


async def test_importing_twice_gives_an_identical_store(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    first = await dump(store)
    report = await content_store.import_pack(store, pack, "fp-1")
    assert await dump(store) == first
    assert report.questions_unchanged == len(pack.questions)
    assert (report.questions_added, report.questions_updated, report.removed) == (0, 0, 0)


async def test_a_failure_mid_import_leaves_the_store_as_it_was(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    await add_community_rows(store)
    before = await dump(store)
    # Seasons, cast and facts are written before the questions; a bad question fails at the end.
    broken = replace(
        pack,
        version="broken",
        seasons=(replace(pack.seasons[0], recap="Changed recap."), *pack.seasons[1:]),
        facts=pack.facts[1:],
        questions=(*pack.questions, Question("bad", 1, "extreme", "Q?", "A", (), ("B", "C", "D"), "src")),
    )
    with pytest.raises(sqlite3.IntegrityError):
        await content_store.import_pack(store, broken, "fp-2")
    assert await dump(store) == before
    assert await content_store.needs_import(store, "fp-2")


async def test_a_failed_first_import_leaves_an_empty_store(store: Store, pack: ContentPack) -> None:
    before = await dump(store)
    broken = replace(pack, questions=(Question("bad", 9, "easy", "Q?", "A", (), ("B", "C", "D"), "src"),))
    with pytest.raises(sqlite3.IntegrityError):
        await content_store.import_pack(store, broken, "fp-1")
    assert await dump(store) == before
    assert await content_store.get_show(store) is None


async def test_reimport_never_touches_community_rows(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    await add_community_rows(store)
    community = await question_row(store, "community-1")
    settings = [tuple(r) for r in await store.fetch_all("SELECT * FROM guild_settings")]
    await content_store.import_pack(store, replace(pack, questions=pack.questions[:10]), "fp-2")
    assert await question_row(store, "community-1") == community
    assert [tuple(r) for r in await store.fetch_all("SELECT * FROM guild_settings")] == settings


async def test_a_pack_question_never_overwrites_a_community_question_with_its_id(
    store: Store, pack: ContentPack
) -> None:
    await add_community_rows(store)
    community = await question_row(store, "community-1")
    clash = replace(pack.questions[0], id="community-1")
    report = await content_store.import_pack(store, replace(pack, questions=(clash, *pack.questions[1:])), "fp")
    assert report.community_conflicts == ("community-1",)
    assert await question_row(store, "community-1") == community


async def test_an_edited_question_keeps_its_id(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    original = pack.questions[0]
    edited = replace(original, question="Edited wording?", wrong=("X", "Y", "Z"))
    report = await content_store.import_pack(store, replace(pack, questions=(edited, *pack.questions[1:])), "fp-2")
    row = await question_row(store, original.id)
    assert (row["question"], row["wrong"], row["origin"], row["retired"]) == (
        "Edited wording?", '["X", "Y", "Z"]', "pack", 0,
    )
    assert report.questions_updated == 1
    assert report.questions_unchanged == len(pack.questions) - 1
    assert await store.fetch_value("SELECT count(*) FROM trivia_questions") == len(pack.questions)


async def test_a_removed_question_is_retired_not_deleted_and_restored_if_it_returns(
    store: Store, pack: ContentPack
) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    gone = pack.questions[-1]
    report = await content_store.import_pack(store, replace(pack, questions=pack.questions[:-1]), "fp-2")
    assert report.questions_retired == 1
    row = await question_row(store, gone.id)
    assert (row["retired"], row["retired_reason"], row["answer"]) == (1, "removed-from-pack", gone.answer)

    report = await content_store.import_pack(store, pack, "fp-1")
    assert report.questions_restored == 1
    row = await question_row(store, gone.id)
    assert (row["retired"], row["retired_reason"]) == (0, None)


async def test_a_question_retired_by_a_moderator_stays_retired(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    target = pack.questions[0].id
    await store.execute(
        "UPDATE trivia_questions SET retired = 1, retired_reason = 'moderator' WHERE id = ?", (target,)
    )
    await content_store.import_pack(store, replace(pack, version="1.0.1"), "fp-2")
    row = await question_row(store, target)
    assert (row["retired"], row["retired_reason"]) == (1, "moderator")


async def test_content_removed_from_the_pack_is_removed_from_the_store(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    smaller = replace(pack, facts=pack.facts[1:], releases=pack.releases[:-1])
    report = await content_store.import_pack(store, smaller, "fp-2")
    assert report.removed == 2
    assert await content_store.get_fact(store, pack.facts[0].id) is None
    assert [r.id for r in await content_store.list_releases(store)] == [r.id for r in pack.releases[:-1]]


async def test_a_removed_person_and_episode_go_while_references_follow(store: Store, pack: ContentPack) -> None:
    """Rows that left the pack are deleted children-first, so foreign keys never block a re-import."""
    await content_store.import_pack(store, pack, "fp-1")
    people = tuple(p for p in pack.people if p.id != "shiv-tandon")
    characters = tuple(replace(c, played_by=None) if c.id == "sanket" else c for c in pack.characters)
    season1 = replace(pack.seasons[0], episode_count=4, episodes=pack.seasons[0].episodes[:4])
    smaller = replace(pack, people=people, characters=characters, seasons=(season1, *pack.seasons[1:]))
    report = await content_store.import_pack(store, smaller, "fp-2")
    assert report.removed == 2
    assert await content_store.get_person(store, "shiv-tandon") is None
    sanket = await content_store.get_character(store, "sanket")
    assert sanket is not None and sanket.played_by is None
    assert [e.number for e in await content_store.list_episodes(store, 1)] == [1, 2, 3, 4]
    assert await content_store.lookup_cast(store, "shiv") == []


async def test_stats_count_each_table(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    await add_community_rows(store)
    await content_store.import_pack(store, replace(pack, questions=pack.questions[2:]), "fp-2")
    stats = await content_store.content_stats(store)
    assert stats["seasons"] == 4
    assert stats["episodes"] == 29
    assert stats["facts"] == len(pack.facts)
    assert stats["trivia_questions"] == len(pack.questions) + 1
    assert stats["trivia_pack_active"] == len(pack.questions) - 2
    assert stats["trivia_community_active"] == 1
    assert stats["trivia_retired"] == 2


# -- queries ------------------------------------------------------------------------------------


async def test_show_and_seasons_round_trip(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    info = await content_store.get_show(store)
    assert info is not None
    assert (info.show, info.pack_version) == (pack.show, pack.version)
    assert (info.season_count, info.episode_count, info.first_year, info.last_year) == (4, 29, 2016, 2021)
    assert await content_store.list_seasons(store) == list(pack.seasons)
    assert await content_store.get_season(store, 3) == pack.seasons[2]
    assert await content_store.get_season(store, 5) is None


async def test_episodes(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    assert [e.number for e in await content_store.list_episodes(store, 1)] == [1, 2, 3, 4, 5]
    episode = await content_store.get_episode(store, 2, 7)
    assert episode == pack.seasons[1].episodes[6]
    assert await content_store.get_episode(store, 1, 6) is None


async def test_people_and_characters(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    assert {p.id for p in await content_store.list_people(store)} == {p.id for p in pack.people}
    assert await content_store.get_person(store, "mithila-palkar") == next(
        p for p in pack.people if p.id == "mithila-palkar"
    )
    kavya = next(c for c in pack.characters if c.id == "kavya-kulkarni")
    assert await content_store.get_character(store, "kavya-kulkarni") == kavya
    assert await content_store.get_character(store, "nobody") is None
    assert [c.id for c in await content_store.characters_played_by(store, "mithila-palkar")] == ["kavya-kulkarni"]
    in_season_2 = {c.id for c in await content_store.list_characters(store, season=2)}
    assert in_season_2 == {c.id for c in pack.characters if 2 in c.seasons}


async def test_cast_lookup_by_name_alias_and_prefix(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    names = await content_store.cast_names(store)
    assert len(names) == sum(1 + len(e.aliases) for e in (*pack.people, *pack.characters))
    kavu = await content_store.lookup_cast(store, "  KAVU ")
    assert [(n.kind, n.id, n.name, n.matched) for n in kavu] == [
        ("character", "kavya-kulkarni", "Kavya Kulkarni", "Kavu")
    ]
    dhruv = await content_store.lookup_cast(store, "dhruv")
    assert dhruv[0].id == "dhruv-vats"  # exact alias match first
    assert "dhruv-sehgal" in [n.id for n in dhruv]
    assert len({(n.kind, n.id) for n in dhruv}) == len(dhruv)
    assert await content_store.lookup_cast(store, "   ") == []


async def test_random_fact_by_topic_never_repeats_the_last_one(store: Store, pack: ContentPack) -> None:
    facts = (
        Fact("a", "music", "Fact A.", "src"),
        Fact("b", "music", "Fact B.", "src", season=2),
        Fact("c", "awards", "Fact C.", "src"),
    )
    await content_store.import_pack(store, replace(pack, facts=facts), "fp-1")
    for _ in range(10):
        fact = await content_store.random_fact(store, "music", exclude_id="a")
        assert fact is not None and fact.id == "b"
    only = await content_store.random_fact(store, "awards", exclude_id="c")
    assert only is not None and only.id == "c"
    assert await content_store.random_fact(store, "nothing") is None
    by_season = await content_store.random_fact(store, season=2)
    assert by_season == facts[1]
    assert await content_store.fact_topics(store) == ["awards", "music"]


async def test_releases_in_date_order_with_aware_times(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    releases = await content_store.list_releases(store)
    assert sorted(releases, key=lambda r: r.date.isoformat()) == releases
    assert set(releases) == set(pack.releases)
    premiere = next(r for r in releases if r.id == "s4-premiere")
    assert isinstance(premiere.date, dt.datetime)
    assert premiere.date.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert [r.id for r in await content_store.list_releases(store, season=2)] == ["s2-premiere"]


# -- search -------------------------------------------------------------------------------------


async def test_search_is_ranked_and_highlights_the_match(store: Store, pack: ContentPack) -> None:
    facts = (
        Fact("once", "show", "A long sentence that mentions mosquito once among many other words here.", "src"),
        Fact("twice", "show", "Mosquito, mosquito.", "src", season=1),
        Fact("none", "show", "Nothing relevant.", "src"),
    )
    await content_store.import_pack(store, replace(pack, facts=facts), "fp-1")
    hits = [h for h in await content_store.search(store, "mosquito", limit=10) if h.kind == "fact"]
    assert [h.ref for h in hits] == ["twice", "once"]
    assert hits[0].season == 1 and hits[1].season is None
    assert "**Mosquito**" in hits[0].snippet
    assert hits[0].score <= hits[1].score


async def test_search_hits_carry_kind_and_season(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    baalti = await content_store.search(store, "baalti")
    assert ("episode", "2:7", 2) in [(h.kind, h.ref, h.season) for h in baalti]
    sanket = await content_store.search(store, "Sanket")
    assert sanket[0].kind in {"character", "person"}
    assert all(h.snippet for h in sanket)
    recap = await content_store.search(store, "Indian Statistical Institute")
    assert ("season", "3") in [(h.kind, h.ref) for h in recap]


async def test_search_falls_back_to_any_word(store: Store, pack: ContentPack) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    hits = await content_store.search(store, "Kaju zzzzunknownword")
    assert [h.ref for h in hits][:1] == ["s3-kaju"]


@pytest.mark.parametrize(
    "text",
    ['"', "'", "*", "AND", "OR NOT", "NEAR(", 'kavya" OR *', "title:x", "^", "(", ")", "-", '""', "a\x00b",
     "🙂", "kaju*", "{col}", "x" * 500],
)
async def test_search_is_safe_on_fts_syntax(store: Store, pack: ContentPack, text: str) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    hits = await content_store.search(store, text)
    assert isinstance(hits, list)


@pytest.mark.parametrize("text", ["", "   ", "?!", "***", '"()"', "🙂"])
async def test_empty_or_punctuation_query_returns_nothing(store: Store, pack: ContentPack, text: str) -> None:
    await content_store.import_pack(store, pack, "fp-1")
    assert await content_store.search(store, text) == []


def test_fts_query_quotes_every_term() -> None:
    assert content_store.fts_query('Kaju" OR title:x*') == '"kaju" "or" "title" "x"*'
    assert content_store.fts_query("a b", any_term=True) == '"a" OR "b"*'
    assert content_store.fts_query("...") is None
