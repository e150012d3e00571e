"""Which question today: one the server has not had, from its seasons and difficulty.

Preference follows trivia's selection (`bot.trivia.selection`): questions the server never had
(neither as a daily question nor in a trivia game) first, then the ones it had longest ago. On top
of that, a question posted as the daily question in the last 60 days is out, so a small filtered
bank runs dry visibly (None) rather than repeating last month's question. (Trivia games only
order the choice: a busy trivia server would otherwise have no daily question left at all.)
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.trivia.models import SEASONS, Candidate
from bot.trivia.selection import QuestionFilter, select_questions

COOLDOWN = timedelta(days=60)
CHOICES = 4


def choose_question(
    candidates: Sequence[Candidate],
    question_filter: QuestionFilter,
    *,
    daily_asked: Mapping[str, datetime],
    now: datetime,
    rng: random.Random,
    cooldown: timedelta = COOLDOWN,
) -> str | None:
    """The id of today's question, or None when every matching one was a daily question within `cooldown`.

    `candidates` carry when the server last had each question in a trivia game; `daily_asked`
    when it was last the daily question.
    """
    cutoff = now - cooldown
    allowed: list[Candidate] = []
    for candidate in candidates:
        daily = daily_asked.get(candidate.id)
        if daily is not None and daily > cutoff:
            continue
        last = max((t for t in (candidate.last_asked, daily) if t is not None), default=None)
        allowed.append(replace(candidate, last_asked=last))
    flt = replace(question_filter, need_choices=True)
    chosen = select_questions(allowed, 1, flt, rng)
    return chosen[0] if chosen else None


def shuffled_choices(answer: str, wrong: Sequence[str], seed: int) -> tuple[list[str], int]:
    """The answer and three wrong choices in an order fixed by `seed`; returns (labels, answer index)."""
    labels = [answer, *list(wrong)[: CHOICES - 1]]
    random.Random(seed).shuffle(labels)
    return labels, labels.index(answer)


def parse_seasons(text: str | None) -> tuple[int, ...]:
    """`1,2`, `3 4`, `all` or nothing → the seasons to draw from (empty: every season)."""
    cleaned = (text or "").strip().lower()
    if cleaned in ("", "all", "any"):
        return ()
    parts = [p for p in cleaned.replace(",", " ").split() if p]
    try:
        seasons = sorted({int(p.removeprefix("s")) for p in parts})
    except ValueError:
        raise UserError(f"I couldn't read “{text}” as seasons. Use numbers like `1,2` or `all`.") from None
    bad = [s for s in seasons if s not in SEASONS]
    if bad:
        raise UserError(f"Little Things has seasons {SEASONS[0]}–{SEASONS[-1]}; there is no season {bad[0]}.")
    return tuple(seasons)
