"""The spoiler guard's one rule: which text belongs to which season, and what a member may see plainly.

A member who set `/spoilers season:W` has watched up to Season W (0: nothing yet; no setting: the
guard is off). Text tied to a season later than W is shown behind Discord spoiler tags (`||…||`),
or left out where Discord cannot show spoiler tags (embed titles, field names, footers,
autocomplete suggestions).

Which season a text is tied to (`text_season`) is the latest of:
- the season it belongs to: a season's recap, tagline, places ("Set in"), runtime, episode titles,
  summaries and sources; a character's arc for that season; a fact's season;
- the season a character first appears in, for their description and note, and the first season
  of the characters an actor plays, for the actor's facts and roles ("Plays …");
- any season the text names: "Season 4", "Seasons 3 and 4", "the final season".
Seasons lists ("Appears in") show the watched seasons plainly and the later ones behind tags.
Public posts (a watch-party announcement) are for everyone, so later-season episode titles in them
are always behind tags. Trivia a member starts skips questions from later seasons (see `/trivia`).

Pure: it takes content models and the member's level, and imports nothing from Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.content.models import MAX_SEASON, Character, Episode

SPOILER = "||"
_NAMED = re.compile(
    r"\b(?:seasons?\s*|s)(\d{1,2})(?:\s*(?:to|and|-|–|&)\s*(\d{1,2}))?\b|\b(final|last) season\b",
    re.IGNORECASE,
)
# The same in Hindi (the pack's `*_hi` text): "सीज़न 4", "सीज़न 3 और 4", "आख़िरी सीज़न" (ज़ with or without nukta).
_NAMED_HI = re.compile(
    r"सी(?:ज़|ज़|ज)न\s*(\d{1,2})(?:\s*(?:से|और|-|–|&)\s*(\d{1,2}))?|(आख़िरी|आख़िरी|आखिरी|अंतिम) सी(?:ज़|ज़|ज)न"
)


def hides(watched: int | None, season: int | None) -> bool:
    """True when `season`'s content is a spoiler for someone who has watched up to `watched`.

    None for `watched` means the member never set a limit; season None or 0 means the whole show.
    """
    return watched is not None and bool(season) and season is not None and season > watched


def wrap(text: str) -> str:
    """Discord spoiler tags around `text`; a `|` inside becomes `¦` so it cannot close them early."""
    return f"{SPOILER}{text.replace('|', '¦')}{SPOILER}"


def shown(text: str, watched: int | None, season: int | None) -> str:
    """`text` as the member may see it: plain, or behind spoiler tags."""
    return wrap(text) if hides(watched, season) else text


def seasons_named(text: str) -> set[int]:
    """Seasons a text names: `Season 4` → {4}, `Seasons 1 to 3` → {1, 3}, `the final season` → {MAX_SEASON}.

    Hindi text counts the same way (`सीज़न 4`, `आख़िरी सीज़न`), so a translated fact hides what its English would.
    """
    found: set[int] = set()
    for match in (*_NAMED.finditer(text), *_NAMED_HI.finditer(text)):
        if match[3]:
            found.add(MAX_SEASON)
            continue
        for group in (match[1], match[2]):
            if group and 0 < int(group) <= MAX_SEASON:
                found.add(int(group))
    return found


def text_season(text: str | None, base: int | None = None) -> int | None:
    """The season `text` is tied to: the latest of `base` and any season it names; None if neither."""
    seasons = seasons_named(text or "")
    if base:
        seasons.add(base)
    return max(seasons) if seasons else None


def first_season(character: Character) -> int | None:
    return min(character.seasons) if character.seasons else None


def description_season(character: Character) -> int | None:
    """Description and note: from the character's first season, or later if they name a later one."""
    return text_season(f"{character.description} {character.note or ''}", first_season(character))


def roles_season(characters: Sequence[Character]) -> int | None:
    """An actor's roles start with the earliest first season of the characters they play (None: crew)."""
    firsts = [s for s in (first_season(c) for c in characters) if s]
    return min(firsts) if firsts else None


def split_seasons(seasons: Iterable[int], watched: int | None) -> tuple[list[int], list[int]]:
    """(seasons the member has watched, later ones)."""
    numbers = sorted(set(seasons))
    seen = [s for s in numbers if not hides(watched, s)]
    return seen, [s for s in numbers if hides(watched, s)]


def episode_choice_name(episode: Episode, watched: int | None) -> str:
    """An autocomplete suggestion cannot hold spoiler tags: a later episode's title is left out."""
    if episode.title and not hides(watched, episode.season):
        return f"Episode {episode.number}: {episode.title}"
    return f"Episode {episode.number}"


def offered(character_first_season: int | None, watched: int | None) -> bool:
    """Autocomplete offers a character only once the member has reached their first season."""
    return not hides(watched, character_first_season)


def party_title(title: str, season: int | None, watched: int | None) -> str:
    """A watch party for a later season may name its plot in its title: behind tags for this member."""
    return shown(title, watched, season)


def public_episode_title(title: str, season: int | None) -> str:
    """In a post everyone sees, an episode title after Season 1 is behind tags (the readers' levels differ)."""
    return wrap(title) if season and season > 1 else title
