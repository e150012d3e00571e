"""Forgiving name lookup for /cast and /character: typos, partial names and aliases.

Autocomplete ranks every name and alias against what was typed (rapidfuzz); a name submitted
without picking a suggestion resolves only when one entry is clearly the best, otherwise the
user gets the closest names to choose from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, utils

ACCEPT_SCORE = 85.0
"""A submitted name resolves to its best match at or above this score…"""
CLEAR_MARGIN = 5.0
"""…when the runner-up (another entry) scores at least this much lower."""
SUGGEST_SCORE = 50.0
WORD_WEIGHT = 0.95
"""A typo in one word ("Mithla") scores like a near-match of the whole name."""


class NamedEntry(Protocol):
    """A name row as `bot.store.content.cast_names` returns them."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def matched(self) -> str: ...


@dataclass(frozen=True)
class NameMatch:
    kind: str
    id: str
    name: str
    """The entry's main name."""
    label: str
    """The name or alias that matched best."""
    score: float

    @property
    def value(self) -> str:
        """What an autocomplete choice submits: `kind:id`."""
        return f"{self.kind}:{self.id}"


def score(query: str, label: str) -> float:
    """0-100: exact 100, a prefix of the name or of one of its words 95, else the better of rapidfuzz
    WRatio on the whole name and a typo-tolerant ratio against each word (at most 94)."""
    q, text = utils.default_process(query), utils.default_process(label)
    if not q:
        return 0.0
    if q == text:
        return 100.0
    if text.startswith(q) or any(word.startswith(q) for word in text.split()):
        return 95.0
    words = max((fuzz.ratio(q, word) for word in text.split()), default=0.0)
    return min(94.0, max(float(fuzz.WRatio(q, text)), WORD_WEIGHT * words))


def rank(query: str, entries: Iterable[NamedEntry], *, kinds: Sequence[str] = ("person", "character"),
         limit: int = 25) -> list[NameMatch]:
    """One match per entry, best first; with an empty query, every entry by name."""
    best: dict[tuple[str, str], NameMatch] = {}
    for entry in entries:
        if entry.kind not in kinds:
            continue
        points = score(query, entry.matched) if query.strip() else 0.0
        key = (entry.kind, entry.id)
        if key not in best or points > best[key].score or (
            points == best[key].score and entry.matched == entry.name
        ):
            best[key] = NameMatch(entry.kind, entry.id, entry.name, entry.matched, points)
    ordered = sorted(best.values(), key=lambda m: (-m.score, m.name.casefold(), m.kind))
    if query.strip():
        ordered = [m for m in ordered if m.score >= SUGGEST_SCORE]
    return ordered[:limit]


def resolve(query: str, entries: Sequence[NamedEntry], *, kinds: Sequence[str] = ("person", "character")
            ) -> tuple[NameMatch | None, list[NameMatch]]:
    """(the entry `query` means, or None; the closest names to offer instead).

    `query` may be an autocomplete value (`kind:id`) or free text.
    """
    kind, _, ref = query.partition(":")
    for entry in entries:
        if entry.kind == kind and entry.id == ref and kind in kinds:
            return NameMatch(entry.kind, entry.id, entry.name, entry.name, 100.0), []
    ranked = rank(query, entries, kinds=kinds)
    if ranked:
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score == 100.0 and runner_up < 100.0:
            return top, []
        if top.score >= ACCEPT_SCORE and top.score - runner_up >= CLEAR_MARGIN:
            return top, []
    return None, ranked[:5]
