"""Forgiving name lookup for /cast and /character: typos, partial names and aliases.

Autocomplete ranks every name and alias against what was typed in tiers (see `match_quality`):
exact names first, then the start of an entry's own name or words, then aliases and relations
("Kavya's mom"), then typo-tolerant near-matches (rapidfuzz); an entry that matches nothing typed is
never offered. A name submitted without picking a suggestion resolves only when one entry is
clearly the best; otherwise the user gets the closest few names to choose from (`closest`).
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


EXACT, NAME_PREFIX, ALIAS_PREFIX, FUZZY, NO_MATCH = 4, 3, 2, 1, 0
"""Match tiers, best first: the whole name or an alias typed exactly; the start of the entry's own name
or of one of its words; the start of an alias or relation ("Kavya's mom"); a typo-tolerant near-match."""
FUZZY_MIN = 75.0
"""A near-match below this similarity is no match at all: autocomplete never offers what nothing typed hints at."""
FUZZY_MIN_LENGTH = 3
"""One or two letters only ever match as a prefix ("mi" is Mithila or Mishra, never Ila)."""
CLOSEST_FLOOR = 40.0
"""Did-you-mean, after a lookup found nothing: the closest few names at least this similar."""


def _words(text: str) -> list[str]:
    return text.split()


def match_quality(query: str, label: str, *, alias: bool = False) -> tuple[int, float]:
    """(tier, score 0-100) of `label` for what was typed; tier NO_MATCH when it matches nothing typed."""
    q, text = utils.default_process(query), utils.default_process(label)
    if not q or not text:
        return NO_MATCH, 0.0
    if q == text:
        return EXACT, 100.0
    words = _words(text)
    if text.startswith(q) or any(word.startswith(q) for word in words):
        # The start of the whole label ranks above the start of a later word.
        return (ALIAS_PREFIX if alias else NAME_PREFIX), (96.0 if text.startswith(q) else 95.0)
    if len(q) < FUZZY_MIN_LENGTH:
        return NO_MATCH, 0.0
    similarity = max(
        fuzz.ratio(q, text),
        max((fuzz.ratio(q, word) for word in words), default=0.0),
        max((0.9 * fuzz.ratio(q, word[: len(q)]) for word in words if len(word) > len(q)), default=0.0),
        fuzz.token_sort_ratio(q, text) if " " in q else 0.0,
    )
    similarity = min(94.0, float(similarity))
    return (FUZZY if similarity >= FUZZY_MIN else NO_MATCH), similarity


def score(query: str, label: str) -> float:
    """0-100: exact 100, a prefix of the name or of one of its words 95-96, a near-match up to 94."""
    return match_quality(query, label)[1]


def _best_per_entry(query: str, entries: Iterable[NamedEntry], kinds: Sequence[str]
                    ) -> dict[tuple[str, str], tuple[int, NameMatch]]:
    best: dict[tuple[str, str], tuple[int, NameMatch]] = {}
    for entry in entries:
        if entry.kind not in kinds:
            continue
        if query.strip():
            tier, points = match_quality(query, entry.matched, alias=entry.matched != entry.name)
        else:
            tier, points = NO_MATCH, 0.0
        key = (entry.kind, entry.id)
        candidate = (tier, NameMatch(entry.kind, entry.id, entry.name, entry.matched, points))
        held = best.get(key)
        if held is None or (tier, points) > (held[0], held[1].score) or (
            (tier, points) == (held[0], held[1].score) and entry.matched == entry.name
        ):
            best[key] = candidate
    return best


def rank(query: str, entries: Iterable[NamedEntry], *, kinds: Sequence[str] = ("person", "character"),
         limit: int = 25) -> list[NameMatch]:
    """One match per entry, best tier first, then best score, then by name; entries that match nothing
    typed are left out. With an empty query, every entry by name."""
    best = _best_per_entry(query, entries, kinds)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0], -pair[1].score, pair[1].name.casefold(),
                                                      pair[1].kind))
    if query.strip():
        ordered = [pair for pair in ordered if pair[0] > NO_MATCH]
    return [match for _, match in ordered[:limit]]


def closest(query: str, entries: Sequence[NamedEntry], *, kinds: Sequence[str] = ("person", "character"),
            limit: int = 3) -> list[NameMatch]:
    """Did you mean: the best matches, or when nothing matches, the few names most like what was typed."""
    ranked = rank(query, entries, kinds=kinds, limit=limit)
    if ranked:
        return ranked
    return closest_labels(query, [(e, e.matched) for e in entries if e.kind in kinds], limit=limit)


def closest_labels(query: str, labelled: Sequence[tuple[NamedEntry, str]], *, limit: int = 3) -> list[NameMatch]:
    q = utils.default_process(query)
    if not q:
        return []
    best: dict[tuple[str, str], NameMatch] = {}
    for entry, label in labelled:
        points = float(fuzz.WRatio(q, utils.default_process(label)))
        key = (entry.kind, entry.id)
        if points >= CLOSEST_FLOOR and (key not in best or points > best[key].score):
            best[key] = NameMatch(entry.kind, entry.id, entry.name, label, points)
    return sorted(best.values(), key=lambda m: (-m.score, m.name.casefold()))[:limit]


def suggest(query: str, options: Iterable[str], *, limit: int = 3) -> list[str]:
    """The options closest to `query` (topics, titles): matches by tier first, else the most similar."""
    scored = [(match_quality(query, option), option) for option in options]
    matched = sorted((pair for pair in scored if pair[0][0] > NO_MATCH), key=lambda p: (-p[0][0], -p[0][1], p[1]))
    if matched:
        return [option for _, option in matched[:limit]]
    q = utils.default_process(query)
    similar = sorted(((float(fuzz.WRatio(q, utils.default_process(o))), o) for o in options if q),
                     key=lambda p: (-p[0], p[1]))
    return [option for points, option in similar if points >= CLOSEST_FLOOR][:limit]


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
    return None, closest(query, entries, kinds=kinds, limit=3)
