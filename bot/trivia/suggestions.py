"""Validating a question suggested through the `/trivia suggest` modal.

Everything a member typed is checked before it reaches the review queue, and every problem is
reported at once (a modal cannot be reopened with the old text, so one round-trip per mistake
would be cruel).

Mentions are **rejected, not neutralised**: an approved question is shown in every channel that
plays trivia, so silently rewriting `@everyone` or `<@&123>` into something else would publish
text the author did not write. The author is asked to write the name out instead. (The cog also
sends with `AllowedMentions.none()`, so this is the second guard, not the only one.) Invisible
format characters (zero-width spaces…) are removed first so they cannot hide a mention, and
full-width look-alikes are folded (NFKC) for the check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.errors import UserError
from bot.i18n import t
from bot.trivia.matching import same_answer
from bot.trivia.models import SEASONS
from bot.trivia.text import normalise

QUESTION_MIN = 10
QUESTION_MAX = 256
ANSWER_MAX = 80
CHOICE_MAX = 80
VARIANTS_TOTAL_MAX = 300
WRONG_CHOICES = 3

_MENTION = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>", re.IGNORECASE)
_SPLIT = re.compile(r"[\n;]")
_SPACES = re.compile(r"\s+")
_NO_SEASON = frozenset({"", "none", "all", "any", "whole show", "0", "-"})
_SEASON = re.compile(r"^(?:s|season)?\s*([0-9]+)$", re.IGNORECASE)


Problem = tuple[str, dict[str, Any]]
"""A catalogue key under `suggest.` and its parameters."""


class SuggestionError(UserError):
    """Every problem with a suggestion; `problems` holds them in English, `localized` in the member's language."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.keyed = tuple(problems)
        self.problems = tuple(t("en", f"suggest.{key}", **params) for key, params in self.keyed)
        super().__init__(self.localized("en"))

    def localized(self, locale: object) -> str:
        lines = [t(locale, f"suggest.{key}", **params) for key, params in self.keyed]
        return t(locale, "suggest.needs_fix") + "\n" + "\n".join(f"• {line}" for line in lines)


@dataclass(frozen=True)
class SuggestionDraft:
    question: str
    answer: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    season: int | None


def clean(text: str) -> str:
    """Drop invisible and control characters and collapse whitespace to single spaces."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    return _SPACES.sub(" ", kept).strip()


def has_mention(text: str) -> bool:
    return _MENTION.search(unicodedata.normalize("NFKC", clean(text))) is not None


def split_list(text: str) -> list[str]:
    """Items one per line or separated by semicolons (commas are kept: answers contain them)."""
    return [item for item in (clean(part) for part in _SPLIT.split(text)) if item]


def parse_season(value: str | int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        season = value
    else:
        text = clean(value).lower()
        if text in _NO_SEASON:
            return None
        found = _SEASON.match(text)
        if not found:
            raise SuggestionError([("season", {"most": max(SEASONS)})])
        season = int(found.group(1))
    if season == 0:
        return None
    if season not in SEASONS:
        raise SuggestionError([("season", {"most": max(SEASONS)})])
    return season


def parse_suggestion(
    *,
    question: str,
    answer: str,
    variants: str = "",
    wrong: str | Sequence[str],
    season: str | int | None = None,
) -> SuggestionDraft:
    """The validated suggestion, or `SuggestionError` listing every problem."""
    problems: list[Problem] = []
    q, a = clean(question), clean(answer)
    aliases = split_list(variants)
    wrong_items = split_list(wrong) if isinstance(wrong, str) else [w for w in map(clean, wrong) if w]

    if len(q) < QUESTION_MIN:
        problems.append(("question_short", {"least": QUESTION_MIN}))
    elif len(q) > QUESTION_MAX:
        problems.append(("question_long", {"length": len(q), "most": QUESTION_MAX}))
    if not normalise(a):
        problems.append(("answer_empty", {}))
    elif len(a) > ANSWER_MAX:
        problems.append(("answer_long", {"length": len(a), "most": ANSWER_MAX}))
    if len("\n".join(aliases)) > VARIANTS_TOTAL_MAX:
        problems.append(("variants_long", {"most": VARIANTS_TOTAL_MAX}))
    for alias in aliases:
        if len(alias) > ANSWER_MAX:
            problems.append(("variant_long", {"start": alias[:20], "most": ANSWER_MAX}))
    if len(wrong_items) != WRONG_CHOICES:
        problems.append(("wrong_count", {"count": WRONG_CHOICES, "found": len(wrong_items)}))
    for item in wrong_items:
        if len(item) > CHOICE_MAX:
            problems.append(("wrong_long", {"start": item[:20], "most": CHOICE_MAX}))
        elif not normalise(item):
            problems.append(("wrong_empty", {}))
    if any(same_answer(item, other) for i, item in enumerate(wrong_items) for other in wrong_items[i + 1 :]):
        problems.append(("wrong_repeated", {}))
    accepted = [a, *aliases]
    if any(same_answer(item, ok) for item in wrong_items for ok in accepted):
        problems.append(("wrong_is_answer", {}))
    if any(has_mention(text) for text in [q, *accepted, *wrong_items]):
        problems.append(("mentions", {}))

    try:
        season_value = parse_season(season)
    except SuggestionError as exc:
        problems.extend(exc.keyed)
        season_value = None
    if problems:
        raise SuggestionError(problems)

    unique_aliases: list[str] = []
    for alias in aliases:
        if not any(same_answer(alias, seen) for seen in [a, *unique_aliases]):
            unique_aliases.append(alias)
    return SuggestionDraft(q, a, tuple(unique_aliases), tuple(wrong_items), season_value)
