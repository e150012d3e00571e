"""Choosing the questions of a game.

Order of preference, so that regulars see new questions before repeats:
1. questions this guild has never been asked, in random order;
2. then questions asked before, the longest ago first (ties in random order).
The chosen set is then shuffled, so the oldest repeat is not always question one. A question is
never chosen twice, and `exclude` keeps out ids already used (a game in progress, a quick question
the member just had). Randomness comes from the injected `random.Random`, so tests are exact.

Seasons: `seasons` None means any season. `max_season` is the spoiler guard (a member who has
watched up to season 2 never gets season 3-4 questions). Whole-show questions (season None/0) are
kept under a plain "all seasons" filter but dropped under a spoiler guard below season 4, since
"how does it end" questions are whole-show questions.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.trivia.models import SEASONS, Candidate

MIN_WRONG_FOR_BUTTONS = 3


@dataclass(frozen=True)
class QuestionFilter:
    seasons: frozenset[int] | None = None
    max_season: int | None = None
    difficulty: str | None = None
    need_choices: bool = False

    def accepts(self, candidate: Candidate) -> bool:
        season = candidate.season or None
        if self.seasons is not None and season not in self.seasons:
            return False
        guarded = self.max_season is not None and self.max_season < max(SEASONS)
        if guarded and (season is None or season > (self.max_season or 0)):
            return False
        if self.difficulty is not None and candidate.difficulty != self.difficulty:
            return False
        return not (self.need_choices and candidate.wrong_count < MIN_WRONG_FOR_BUTTONS)


def select_questions(
    candidates: Sequence[Candidate],
    count: int,
    question_filter: QuestionFilter,
    rng: random.Random,
    exclude: Collection[str] = (),
) -> list[str]:
    """Up to `count` question ids (fewer when the filter leaves fewer)."""
    if count <= 0:
        return []
    seen: set[str] = set(exclude)
    fresh: list[Candidate] = []
    asked: list[Candidate] = []
    for candidate in candidates:
        if candidate.id in seen or not question_filter.accepts(candidate):
            continue
        seen.add(candidate.id)
        (asked if candidate.last_asked is not None else fresh).append(candidate)
    rng.shuffle(fresh)
    rng.shuffle(asked)  # random order among equal times; sort below is stable
    asked.sort(key=_last_asked)
    chosen = [c.id for c in (fresh + asked)[:count]]
    rng.shuffle(chosen)
    return chosen


def _last_asked(candidate: Candidate) -> datetime:
    assert candidate.last_asked is not None
    return candidate.last_asked
