"""QOTD selection: new questions first, the server's seasons and difficulty, nothing daily within 60 days."""

import random
from datetime import UTC, datetime, timedelta

from bot.qotd import choose_question, shuffled_choices
from bot.trivia.models import Candidate
from bot.trivia.selection import QuestionFilter

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def bank() -> list[Candidate]:
    return [Candidate(f"s{s}-{i}", s or None, ("easy", "medium", "hard")[i % 3], 3) for s in range(5) for i in range(6)]


def choose(candidates, flt=None, daily=None, seed=1):
    return choose_question(candidates, flt or QuestionFilter(), daily_asked=daily or {}, now=NOW,
                           rng=random.Random(seed))


def test_only_the_chosen_seasons_and_difficulty() -> None:
    """Every pick over many seeds respects the server's filter."""
    flt = QuestionFilter(seasons=frozenset({2, 3}), difficulty="hard")
    picks = {choose(bank(), flt, seed=s) for s in range(50)}
    assert picks == {"s2-2", "s2-5", "s3-2", "s3-5"}


def test_a_daily_question_within_60_days_is_never_repeated() -> None:
    """Asked 59 days ago: out. Asked 61 days ago: allowed again. All recent: None."""
    flt = QuestionFilter(seasons=frozenset({1}), difficulty="easy")  # s1-0, s1-3
    recent = {"s1-0": NOW - timedelta(days=59)}
    assert {choose(bank(), flt, recent, seed=s) for s in range(20)} == {"s1-3"}
    both = {"s1-0": NOW - timedelta(days=59), "s1-3": NOW - timedelta(days=1)}
    assert choose(bank(), flt, both) is None
    old = {"s1-0": NOW - timedelta(days=61), "s1-3": NOW - timedelta(days=1)}
    assert choose(bank(), flt, old) == "s1-0"


def test_questions_the_server_never_had_come_first() -> None:
    """Had in a trivia game (even long ago) loses to never had; the oldest comes next."""
    flt = QuestionFilter(seasons=frozenset({1}), difficulty="easy")
    items = [c if c.id != "s1-0" else Candidate(c.id, c.season, c.difficulty, 3, NOW - timedelta(days=300))
             for c in bank()]
    assert {choose(items, flt, seed=s) for s in range(20)} == {"s1-3"}
    daily = {"s1-3": NOW - timedelta(days=100)}
    assert {choose(items, flt, daily, seed=s) for s in range(20)} == {"s1-0"}  # 300 days beats 100


def test_questions_without_three_wrong_choices_are_skipped() -> None:
    """Buttons need four choices."""
    assert choose([Candidate("thin", 1, "easy", 2)]) is None


def test_choices_are_stable_for_a_seed() -> None:
    """The same seed gives the same order, with the answer's index."""
    labels, index = shuffled_choices("Mumbai", ["Pune", "Delhi", "Goa", "Extra"], seed=7)
    assert labels == shuffled_choices("Mumbai", ["Pune", "Delhi", "Goa"], seed=7)[0]
    assert sorted(labels) == ["Delhi", "Goa", "Mumbai", "Pune"] and labels[index] == "Mumbai"


def test_seasons_option() -> None:
    """`1,2`, `s3 4`, `all` are read; season 9 and words are refused."""
    import pytest

    from bot.errors import UserError
    from bot.qotd import parse_seasons

    assert parse_seasons("2, 1") == (1, 2) and parse_seasons("s3 4") == (3, 4)
    assert parse_seasons("all") == () == parse_seasons(None)
    with pytest.raises(UserError, match="no season 9"):
        parse_seasons("1,9")
    with pytest.raises(UserError, match="couldn't read"):
        parse_seasons("first")
