"""QOTD streak rules: consecutive question days right; a miss or a wrong answer resets; a day counts once."""

from datetime import date, timedelta

from bot.qotd import Streak, alive, apply_result, top_streaks

D1 = date(2026, 3, 2)


def day(n: int) -> date:
    return D1 + timedelta(days=n)


def run(results: list[tuple[int, bool]], start: Streak | None = None) -> Streak:
    streak = start or Streak(1)
    previous = None
    for n, correct in results:
        streak = apply_result(streak, day=day(n), previous_day=previous, correct=correct)
        previous = day(n)
    return streak


def test_right_answers_on_consecutive_days_build_a_streak() -> None:
    """Three days right: 3, and best 3."""
    assert run([(0, True), (1, True), (2, True)]) == Streak(1, 3, 3, day(2))


def test_a_wrong_answer_resets_and_best_is_kept() -> None:
    """Right, right, wrong, right: current 1, best 2."""
    streak = run([(0, True), (1, True), (2, False), (3, True)])
    assert (streak.current, streak.best) == (1, 2)


def test_a_missed_day_resets() -> None:
    """Answered day 0 and day 2 but not day 1 (which had a question): 1."""
    streak = apply_result(Streak(1, 1, 1, day(0)), day=day(2), previous_day=day(1), correct=True)
    assert streak.current == 1


def test_a_day_without_a_question_breaks_nothing() -> None:
    """No question on day 1 (bot down): day 0 → day 2 continues."""
    streak = apply_result(Streak(1, 1, 1, day(0)), day=day(2), previous_day=day(0), correct=True)
    assert streak.current == 2


def test_a_second_question_the_same_day_does_not_count_twice() -> None:
    """A moderator's extra `/qotd now`: right again the same day leaves the streak as it was."""
    once = run([(0, True), (1, True)])
    again = apply_result(once, day=day(1), previous_day=day(0), correct=True)
    assert again == once
    wrong_extra = apply_result(once, day=day(1), previous_day=day(0), correct=False)
    assert wrong_extra == once


def test_alive_only_if_the_last_revealed_day_counted() -> None:
    """A streak that missed the latest revealed day shows 0 without any write."""
    streak = Streak(1, 4, 4, day(3))
    assert alive(streak, day(3)) == 4
    assert alive(streak, day(4)) == 0
    assert alive(Streak(1), None) == 0


def test_top_streaks_rank_living_streaks() -> None:
    """Longest first, dead ones dropped, ties by user id."""
    streaks = [Streak(5, 2, 2, day(3)), Streak(3, 7, 7, day(2)), Streak(4, 2, 9, day(3)), Streak(2, 6, 6, day(3))]
    assert top_streaks(streaks, day(3)) == [(2, 6), (4, 2), (5, 2)]
    assert top_streaks(streaks, day(3), limit=1) == [(2, 6)]
