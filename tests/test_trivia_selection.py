"""Question selection: filters, freshness order, no repeats, determinism."""

import random
from datetime import UTC, datetime, timedelta

from bot.trivia.models import Candidate
from bot.trivia.selection import QuestionFilter, select_questions

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def bank() -> list[Candidate]:
    """Ten questions per season 1-4 plus ten whole-show ones, difficulties rotating."""
    items = []
    for season in (0, 1, 2, 3, 4):
        for i in range(10):
            items.append(Candidate(f"s{season}-{i}", season or None, ("easy", "medium", "hard")[i % 3], 3))
    return items


def pick(candidates, count, flt=None, seed=1, exclude=()):
    return select_questions(candidates, count, flt or QuestionFilter(), random.Random(seed), exclude)


def season_of(qid: str) -> int:
    return int(qid[1])


def test_count_and_no_repeats() -> None:
    """Asking for N gives N distinct questions."""
    chosen = pick(bank(), 25)
    assert len(chosen) == 25 == len(set(chosen))


def test_fewer_available_than_asked() -> None:
    """When the filter leaves fewer questions, all of them come back, once each."""
    chosen = pick(bank(), 50, QuestionFilter(seasons=frozenset({2}), difficulty="hard"))
    assert sorted(chosen) == ["s2-2", "s2-5", "s2-8"]


def test_zero_or_negative_count() -> None:
    """No questions asked for, none given."""
    assert pick(bank(), 0) == [] and pick(bank(), -1) == []


def test_duplicate_candidates_are_chosen_once() -> None:
    """A question listed twice in the input is still used only once."""
    dup = [Candidate("a", 1, "easy", 3)] * 5 + [Candidate("b", 1, "easy", 3)]
    assert sorted(pick(dup, 10)) == ["a", "b"]


def test_season_filter() -> None:
    """A season filter keeps only that season (whole-show questions are not 'season 3')."""
    chosen = pick(bank(), 50, QuestionFilter(seasons=frozenset({3})))
    assert len(chosen) == 10 and {season_of(q) for q in chosen} == {3}


def test_all_seasons_includes_whole_show() -> None:
    """Without filters every season and the whole-show questions can come up."""
    chosen = pick(bank(), 50)
    assert {season_of(q) for q in chosen} == {0, 1, 2, 3, 4}


def test_spoiler_guard_caps_the_season_and_drops_whole_show() -> None:
    """max_season 2 allows seasons 1-2 only; whole-show questions may spoil the ending."""
    chosen = pick(bank(), 50, QuestionFilter(max_season=2))
    assert len(chosen) == 20 and {season_of(q) for q in chosen} == {1, 2}


def test_spoiler_guard_at_four_allows_everything() -> None:
    """Someone who watched all four seasons gets the whole bank."""
    assert len(pick(bank(), 50, QuestionFilter(max_season=4))) == 50


def test_season_and_spoiler_guard_combine() -> None:
    """Asking for season 3 with a max of 2 gives nothing rather than a spoiler."""
    assert pick(bank(), 10, QuestionFilter(seasons=frozenset({3}), max_season=2)) == []


def test_difficulty_filter() -> None:
    """Difficulty keeps only matching questions."""
    chosen = pick(bank(), 50, QuestionFilter(difficulty="easy"))
    assert chosen and all(int(q.split("-")[1]) % 3 == 0 for q in chosen)


def test_button_mode_needs_three_wrong_choices() -> None:
    """Questions without three wrong choices are left out of button games."""
    items = [Candidate("ok", 1, "easy", 3), Candidate("short", 1, "easy", 2)]
    assert pick(items, 5, QuestionFilter(need_choices=True)) == ["ok"]
    assert sorted(pick(items, 5)) == ["ok", "short"]


def test_exclude_keeps_ids_out() -> None:
    """Excluded ids (already asked in this game) are never chosen."""
    excluded = {f"s1-{i}" for i in range(10)}
    chosen = pick(bank(), 50, exclude=excluded)
    assert len(chosen) == 40 and not excluded & set(chosen)


def test_never_asked_come_before_any_asked() -> None:
    """With fresh questions available, nothing recently asked is chosen."""
    items = [Candidate(f"old{i}", 1, "easy", 3, T0 + timedelta(days=i)) for i in range(5)]
    items += [Candidate(f"new{i}", 1, "easy", 3) for i in range(3)]
    chosen = pick(items, 3)
    assert sorted(chosen) == ["new0", "new1", "new2"]


def test_then_least_recently_asked_first() -> None:
    """Once the fresh ones run out, the longest-ago asked come next, the most recent last."""
    items = [Candidate(f"old{i}", 1, "easy", 3, T0 + timedelta(days=i)) for i in range(5)]
    items += [Candidate("new", 1, "easy", 3)]
    chosen = pick(items, 3)
    assert sorted(chosen) == ["new", "old0", "old1"]


def test_order_is_shuffled_not_by_age() -> None:
    """The chosen set is shuffled, so the oldest repeat is not always first."""
    items = [Candidate(f"old{i}", 1, "easy", 3, T0 + timedelta(days=i)) for i in range(10)]
    firsts = {pick(items, 10, seed=seed)[0] for seed in range(20)}
    assert len(firsts) > 1


def test_same_seed_same_game_different_seed_differs() -> None:
    """Randomness comes only from the injected Random."""
    assert pick(bank(), 10, seed=7) == pick(bank(), 10, seed=7)
    assert pick(bank(), 10, seed=7) != pick(bank(), 10, seed=8)


def test_input_order_does_not_change_the_result() -> None:
    """Candidates ordered differently (ties in last_asked) still give a deterministic, valid pick."""
    items = [Candidate(f"q{i}", 1, "easy", 3, T0) for i in range(6)]
    a = pick(items, 3, seed=3)
    assert a == pick(list(items), 3, seed=3) and len(set(a)) == 3
