"""Scoring: the formula at its edges."""

from datetime import timedelta

import pytest

from bot.trivia.scoring import ScoringRules, max_points, points_for, streak_bonus

W = timedelta(seconds=20)


def pts(elapsed: float, streak: int = 1, hints: int = 0, window: timedelta = W) -> int:
    return points_for(elapsed=timedelta(seconds=elapsed), window=window, streak=streak, hints_used=hints)


def test_instant_answer_scores_the_full_base() -> None:
    """Answering at once gives 100 (50 base + 50 speed)."""
    assert pts(0) == 100


def test_answer_at_the_deadline_scores_the_base_only() -> None:
    """At the deadline the speed part is zero and 50 remain."""
    assert pts(20) == 50


def test_halfway_is_halfway() -> None:
    """Speed falls linearly: half the window gives 75."""
    assert pts(10) == 75


def test_faster_always_scores_at_least_as_much() -> None:
    """Points never go up as time passes."""
    values = [pts(t / 10) for t in range(0, 201)]
    assert values == sorted(values, reverse=True)
    assert values[0] > values[-1]


@pytest.mark.parametrize(("elapsed", "expected"), [(-3, 100), (25, 50), (1_000, 50)])
def test_time_outside_the_window_is_clamped(elapsed: float, expected: int) -> None:
    """Clock skew before the post, or a late close, stays inside 50..100."""
    assert pts(elapsed) == expected


@pytest.mark.parametrize(("streak", "bonus"), [(1, 0), (2, 10), (3, 20), (6, 50), (7, 50), (100, 50)])
def test_streak_bonus_grows_then_caps(streak: int, bonus: int) -> None:
    """+10 per answer in a row after the first, capped at +50."""
    assert streak_bonus(streak) == bonus
    assert pts(20, streak=streak) == 50 + bonus


@pytest.mark.parametrize(("hints", "expected"), [(0, 100), (1, 75), (2, 50), (5, 50)])
def test_hints_lower_the_points(hints: int, expected: int) -> None:
    """Each hint shown lowers the base (x0.75, then x0.5); more hints than rules count as the last."""
    assert pts(0, hints=hints) == expected


def test_hints_do_not_touch_the_streak_bonus() -> None:
    """The streak bonus is added after the hint factor."""
    assert pts(20, streak=3, hints=2) == 25 + 20


def test_slowest_correct_answer_still_scores() -> None:
    """A correct answer is worth at least 25 points."""
    assert pts(20, streak=1, hints=2) == 25


def test_max_points_is_reachable_and_not_exceeded() -> None:
    """150 is the ceiling: instant, no hints, a long streak."""
    assert max_points() == 150 == pts(0, streak=50)


def test_custom_rules_apply() -> None:
    """Rules can be changed without touching the formula."""
    rules = ScoringRules(base=10, speed_max=0, streak_step=0, hint_factors=(1.0,))
    assert points_for(elapsed=timedelta(0), window=W, streak=4, hints_used=2, rules=rules) == 10


@pytest.mark.parametrize("window", [timedelta(0), timedelta(seconds=-1)])
def test_non_positive_window_is_a_bug(window: timedelta) -> None:
    """A zero window would divide by zero: refuse it loudly."""
    with pytest.raises(ValueError):
        pts(0, window=window)


def test_streak_below_one_is_a_bug() -> None:
    """A correct answer always has a streak of at least one."""
    with pytest.raises(ValueError):
        pts(0, streak=0)
