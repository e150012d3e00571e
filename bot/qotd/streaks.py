"""Daily streaks: consecutive question days a member answered right.

Rules, and why:
- A streak counts *days*, not questions: a moderator's `/qotd now` on a day that already had its
  question adds a second question that day, and getting both right still counts once.
- Results are applied when a day's answer is revealed, not when the member clicks, so the streak
  shown in `/qotd streak` never gives away whether an answer was right.
- "The previous day" is the previous day that *had* a question: a day without one (the bot was
  down, or the server paused QOTD) breaks nobody's streak.
- A wrong answer or a missed day resets. A missed day needs no write: a streak whose last day is
  older than the last revealed day is simply not alive (`alive`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Streak:
    user_id: int
    current: int = 0
    best: int = 0
    last_day: date | None = None  # the last day that counted (answered right)


def apply_result(streak: Streak, *, day: date, previous_day: date | None, correct: bool) -> Streak:
    """The streak after the member's answer for `day` was revealed.

    `previous_day` is the latest day before `day` that had a question (None for the first one).
    """
    if streak.last_day is not None and streak.last_day >= day:
        return streak  # this day already counted (a second question that day)
    if not correct:
        return Streak(streak.user_id, 0, streak.best, streak.last_day)
    continues = streak.last_day is not None and streak.last_day == previous_day and streak.current > 0
    current = streak.current + 1 if continues else 1
    return Streak(streak.user_id, current, max(streak.best, current), day)


def alive(streak: Streak, last_revealed_day: date | None) -> int:
    """The streak as it stands: 0 if the member missed (or got wrong) the last revealed day."""
    if streak.last_day is None or last_revealed_day is None or streak.last_day < last_revealed_day:
        return 0
    return streak.current


def top_streaks(streaks: Iterable[Streak], last_revealed_day: date | None, limit: int = 5) -> list[tuple[int, int]]:
    """(user id, current streak) of the longest living streaks, longest first, ties by user id."""
    living = [(s.user_id, alive(s, last_revealed_day)) for s in streaks]
    ranked = sorted((pair for pair in living if pair[1] > 0), key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]
