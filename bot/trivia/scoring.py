"""Points for one correct answer.

    speed   = 1 - min(max(elapsed / window, 0), 1)          # 1.0 at once, 0.0 at the deadline
    base    = round((50 + 50 * speed) * hint_factor)       # 50..100 before hints
    bonus   = 10 * min(streak - 1, 5)                      # 0, 10, 20 … capped at 50
    points  = base + bonus                                 # a wrong or missing answer scores 0

`hint_factor` is 1.0 with no hint shown, 0.75 after one and 0.5 after two (typed mode). `streak`
counts this answer: the first correct answer in a row has streak 1 and no bonus, the sixth and
later get the full +50. A correct answer is always worth at least 25 points (slowest, both hints,
no streak), so answering late still beats not answering; speed can at most double the base, so
a fast guesser cannot outscore someone who is right more often.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ScoringRules:
    base: int = 50
    speed_max: int = 50
    streak_step: int = 10
    streak_cap: int = 5
    hint_factors: tuple[float, ...] = (1.0, 0.75, 0.5)


DEFAULT_RULES = ScoringRules()


def points_for(
    *,
    elapsed: timedelta,
    window: timedelta,
    streak: int,
    hints_used: int = 0,
    rules: ScoringRules = DEFAULT_RULES,
) -> int:
    """Points for a correct answer given after `elapsed` of a `window`-long question."""
    if window <= timedelta():
        raise ValueError("the answer window must be positive")
    if streak < 1:
        raise ValueError("a correct answer has a streak of at least 1")
    fraction = min(max(elapsed / window, 0.0), 1.0)
    factor = rules.hint_factors[min(max(hints_used, 0), len(rules.hint_factors) - 1)]
    base = round((rules.base + rules.speed_max * (1.0 - fraction)) * factor)
    return base + streak_bonus(streak, rules)


def streak_bonus(streak: int, rules: ScoringRules = DEFAULT_RULES) -> int:
    return rules.streak_step * min(max(streak - 1, 0), rules.streak_cap)


def max_points(rules: ScoringRules = DEFAULT_RULES) -> int:
    return rules.base + rules.speed_max + rules.streak_step * rules.streak_cap
