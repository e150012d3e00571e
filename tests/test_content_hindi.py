"""Hindi in the content pack: optional fields, their checks, the counts, the store and the fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content import load_pack
from bot.content.coverage import coverage_line, translation_coverage
from bot.store import Store
from bot.store import content as content_store
from bot.store.content import import_pack
from bot.store.translations import localize_questions, localize_season
from bot.store.trivia import TriviaStore
from tests.test_content_validate import Pack

HINDI_QUESTION = """\
question_hi = "सीज़न 1 का निर्देशन किसने किया?"
answer_hi = "अजय भुयान"
aliases_hi = ["भुयान"]
wrong_hi = ["रुचिर अरुण", "प्रांजल दुआ", "आनंद तिवारी"]
"""


@pytest.fixture
def small(tmp_path: Path) -> Pack:
    return Pack(tmp_path / "content")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


def test_the_shipped_pack_has_hindi_for_every_recap_and_at_least_40_questions() -> None:
    result = load_pack(DEFAULT_CONTENT_DIR)
    assert result.pack is not None, result.problems
    counts = {c.what: c for c in translation_coverage(result.pack)}
    assert counts["season recaps"].translated == counts["season recaps"].total == 4
    assert counts["trivia questions"].translated >= 40


def test_missing_translations_are_counted_not_reported(small: Pack) -> None:
    """The small pack has no Hindi at all: it is valid, and the count says what is missing."""
    result = load_pack(small.root)
    assert result.problems == [] and result.pack is not None
    line = coverage_line(result.pack)
    assert "0/1 season recaps" in line and "0/2 trivia questions" in line


def test_a_hindi_question_must_come_whole(small: Pack) -> None:
    small.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "medium"\nquestion_hi = "कौन?"')
    assert small.problems() == [
        "trivia/season1.toml: s1-director: a Hindi question needs question_hi, answer_hi and wrong_hi together "
        "(missing: answer_hi, wrong_hi)",
    ]


def test_hindi_wrong_choices_must_match_the_english_count(small: Pack) -> None:
    broken = HINDI_QUESTION.replace('"प्रांजल दुआ", ', "")
    small.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "medium"\n' + broken)
    assert small.problems() == ["trivia/season1.toml: s1-director: 'wrong_hi' has 2 choices but 'wrong' has 3"]


def test_a_hindi_answer_may_not_also_be_a_wrong_choice(small: Pack) -> None:
    broken = HINDI_QUESTION.replace('aliases_hi = ["भुयान"]', 'aliases_hi = ["रुचिर अरुण"]')
    small.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "medium"\n' + broken)
    assert small.problems() == [
        "trivia/season1.toml: s1-director: Hindi answer 'रुचिर अरुण' is also among the wrong choices"
    ]


async def test_a_season_is_shown_in_hindi_field_by_field_and_falls_back_whole(small: Pack, store: Store) -> None:
    small.edit("seasons.toml", 'tagline = "The honeymoon phase."', 'tagline = "The honeymoon phase."\n'
               'recap_hi = "पहला अनुच्छेद।"')
    result = load_pack(small.root)
    assert result.pack is not None, result.problems
    await import_pack(store, result.pack, "fp")
    season = await content_store.get_season(store, 1)
    assert season is not None
    hindi = await localize_season(store, season, "hi")
    assert hindi.recap == "पहला अनुच्छेद।"
    assert hindi.tagline == season.tagline == "The honeymoon phase."  # no tagline_hi: the English, whole
    assert await localize_season(store, season, "en-US") == season


async def test_a_question_is_hindi_as_a_whole_and_accepts_hindi_answers_in_any_language(
    small: Pack, store: Store
) -> None:
    small.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "medium"\n' + HINDI_QUESTION)
    result = load_pack(small.root)
    assert result.pack is not None, result.problems
    await import_pack(store, result.pack, "fp")
    english = await TriviaStore(store).get_questions(["s1-director", "show-studio"])
    hindi = await localize_questions(store, english, "hi")
    assert hindi[0].text == "सीज़न 1 का निर्देशन किसने किया?"
    assert hindi[0].answer == "अजय भुयान"
    assert hindi[0].wrong == ("रुचिर अरुण", "प्रांजल दुआ", "आनंद तिवारी")
    assert english[0].answer in hindi[0].aliases and "भुयान" in hindi[0].aliases
    assert hindi[1] == english[1]  # no Hindi: the whole question stays English
    in_english = await localize_questions(store, english, "en")
    assert in_english[0].text == english[0].text and in_english[0].answer == english[0].answer
    assert {"अजय भुयान", "भुयान"} <= set(in_english[0].aliases)


async def test_reimport_replaces_the_translations(small: Pack, store: Store) -> None:
    small.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "medium"\n' + HINDI_QUESTION)
    first = load_pack(small.root).pack
    assert first is not None
    await import_pack(store, first, "a")
    assert await store.fetch_value("SELECT COUNT(*) FROM content_translations") == 4
    second = load_pack(Pack(small.root.parent / "plain").root).pack
    assert second is not None
    await import_pack(store, second, "b")
    assert await store.fetch_value("SELECT COUNT(*) FROM content_translations") == 0


def test_content_validate_prints_the_counts_and_exits_0() -> None:
    from tests.test_cli import run_bot_cli

    result = run_bot_cli("content", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "translations (not errors): hi: 4/4 season recaps" in result.stdout
