"""The shipped content pack: valid, complete enough for the bot, and true to the fact sheet's rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content import DIFFICULTIES, ContentPack, load_pack, normalize_text, pack_fingerprint

CONTENT_DIR = PROJECT_ROOT / "data" / "content"

# Items the fact sheet marks [unsure] or says to leave out: they must never be an answer, a title or
# a name in the pack.
UNSURE_ITEMS = {
    # Season 1 titles (one fan blog), Season 2-4 titles that are indirect or a blogger's labels.
    "FOMO", "Have a Nice Day", "Good Night", "Thank You!", "Here We Go!", "Milk Cake", "Mumbai Darshan",
    "Migration", "Today of All Days", "Rectangles", "Senior Citizens", "Vertical Housing",
    "The Sum of Our Past", "Seniors", "Vertical Living", "Turning 30", "The Best Laid Plans",
    "The Parents are Here",
    # Unsure people and names.
    "Dr Geeta", "Geeta", "Nadi", "Sumit Aroraa",
    # Unreliable figures.
    "10 million", "32 million", "one billion",
}


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    result = load_pack(CONTENT_DIR)
    assert result.problems == [], "\n".join(map(str, result.problems))
    assert result.pack is not None
    return result.pack


def test_shipped_pack_has_no_problems() -> None:
    """The pack in the repository validates with zero problems."""
    result = load_pack(CONTENT_DIR)
    assert [str(p) for p in result.problems] == []
    assert result.ok


def test_four_seasons_with_sourced_episode_counts(pack: ContentPack) -> None:
    """Seasons 1-4 with 5, 8, 8, 8 episodes (fact sheet §2), each episode listed."""
    assert [s.number for s in pack.seasons] == [1, 2, 3, 4]
    assert [s.episode_count for s in pack.seasons] == [5, 8, 8, 8]
    assert [len(s.episodes) for s in pack.seasons] == [5, 8, 8, 8]
    assert [s.year for s in pack.seasons] == [2016, 2018, 2019, 2021]


def test_recaps_are_multi_paragraph(pack: ContentPack) -> None:
    for season in pack.seasons:
        assert len(season.recap_paragraphs) >= 2, season.number


def test_at_least_sixty_questions_spread_over_seasons_and_difficulties(pack: ContentPack) -> None:
    questions = pack.questions
    assert len(questions) >= 60
    by_season = Counter(q.season for q in questions)
    assert set(by_season) == {0, 1, 2, 3, 4}
    assert min(by_season.values()) >= 8
    by_difficulty = Counter(q.difficulty for q in questions)
    assert set(by_difficulty) == set(DIFFICULTIES)
    assert min(by_difficulty.values()) >= 15
    for season in range(1, 5):
        assert {q.difficulty for q in questions if q.season == season} == set(DIFFICULTIES), season


def test_every_question_names_its_source(pack: ContentPack) -> None:
    for q in pack.questions:
        assert "http" in q.source or "fact sheet" in q.source, q.id


def test_every_entry_has_sources(pack: ContentPack) -> None:
    assert pack.show.sources
    assert all(s.sources for s in pack.seasons)
    assert all(p.sources for p in pack.people)
    assert all(c.sources for c in pack.characters)
    assert all(f.source for f in pack.facts)
    assert all(r.source for r in pack.releases)
    assert all(e.source for s in pack.seasons for e in s.episodes if e.title or e.summary)


def test_unsure_items_are_never_answers_titles_or_names(pack: ContentPack) -> None:
    """Fact sheet §8: an [unsure] item is never a trivia answer, an episode title or a cast name."""
    unsure = {normalize_text(item) for item in UNSURE_ITEMS}
    answers = {normalize_text(a) for q in pack.questions for a in (q.answer, *q.aliases)}
    titles = {normalize_text(e.title) for s in pack.seasons for e in s.episodes if e.title}
    names = {normalize_text(n) for p in (*pack.people, *pack.characters) for n in (p.name, *p.aliases)}
    assert answers & unsure == set()
    assert titles & unsure == set()
    assert names & unsure == set()


def test_season_three_director_is_not_stated_as_fact(pack: ContentPack) -> None:
    """The S3 director is [unsure]: no credited director, only a note saying it is not confirmed."""
    season3 = pack.seasons[2]
    assert season3.directors == ()
    assert season3.directors_note is not None and "not confirmed" in season3.directors_note.lower()


def test_wrong_choices_are_never_another_questions_answer_for_the_same_thing(pack: ContentPack) -> None:
    """A wrong choice never equals the answer (or an alias) of a question asking the same text."""
    by_question: dict[str, set[str]] = {}
    for q in pack.questions:
        by_question.setdefault(normalize_text(q.question), set()).update(
            normalize_text(a) for a in (q.answer, *q.aliases)
        )
    for q in pack.questions:
        assert not {normalize_text(w) for w in q.wrong} & by_question[normalize_text(q.question)], q.id


def test_s4_premiere_carries_the_sourced_time(pack: ContentPack) -> None:
    premiere = next(r for r in pack.releases if r.id == "s4-premiere")
    assert premiere.date.isoformat() == "2021-10-15T12:30:00+05:30"


def test_fingerprint_is_stable_for_the_shipped_pack() -> None:
    assert pack_fingerprint(CONTENT_DIR) == pack_fingerprint(Path(str(CONTENT_DIR)))
