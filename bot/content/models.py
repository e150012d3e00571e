"""The content pack as frozen dataclasses.

The same types come out of the loader (from TOML) and out of `bot.store.content` (from SQLite), so a
command renders a season the same way whichever side it got it from. Lists are tuples so that a
model can be hashed and compared in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_SEASON = 4
"""Little Things has four seasons; season 0 means "the whole show" where a season is optional."""

DIFFICULTIES = ("easy", "medium", "hard")
FACT_TOPICS = ("show", "season", "cast", "crew", "behind-the-scenes", "music", "awards", "spin-offs")
PERSON_ROLES = ("actor", "creator", "writer", "director", "producer", "musician")


def normalize_text(text: str) -> str:
    """Case- and spacing-insensitive form used to compare answers, choices and names."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Show:
    title: str
    studio: str
    platforms: tuple[str, ...]
    created_by: str
    language: str
    premise: str
    description: str
    producers: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Episode:
    season: int
    number: int
    title: str | None = None
    summary: str | None = None
    source: str | None = None
    """Required by the validator whenever a title or summary is given."""


@dataclass(frozen=True)
class Season:
    number: int
    year: int
    platform: str
    release_date: dt.date
    episode_count: int
    runtime: str
    tagline: str
    settings: tuple[str, ...]
    directors: tuple[str, ...]
    directors_note: str | None
    writers: tuple[str, ...]
    writers_note: str | None
    recap: str
    sources: tuple[str, ...]
    episodes: tuple[Episode, ...]

    @property
    def recap_paragraphs(self) -> list[str]:
        """Paragraphs split on blank lines, for embeds that show one per field."""
        return [" ".join(p.split()) for p in self.recap.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    facts: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Arc:
    season: int
    text: str


@dataclass(frozen=True)
class Character:
    id: str
    name: str
    aliases: tuple[str, ...]
    played_by: str | None
    seasons: tuple[int, ...]
    description: str
    note: str | None
    arcs: tuple[Arc, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    id: str
    topic: str
    text: str
    source: str
    season: int | None = None
    episode: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    season: int
    """0 = about the whole show."""
    difficulty: str
    question: str
    answer: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Release:
    id: str
    season: int
    """0 = not tied to one season."""
    title: str
    date: dt.date | dt.datetime
    """A calendar date, or an aware datetime when the time of day is sourced."""
    platform: str | None
    source: str
    note: str | None = None


@dataclass(frozen=True)
class Translation:
    """One field of one entry in another language (`value` is a tuple for aliases and wrong choices)."""

    kind: str
    """season | question | fact | character | arc"""
    ref: str
    """Season number, question/fact/character id, or "character_id:season" for an arc."""
    field: str
    locale: str
    value: str | tuple[str, ...]


TRANSLATED_FIELDS: dict[str, tuple[str, ...]] = {
    "season": ("recap", "tagline"),
    "character": ("description",),
    "arc": ("text",),
    "fact": ("text",),
    "question": ("question",),
}
"""Per kind, the fields whose Hindi is counted as the entry's translation by `content validate`."""


@dataclass(frozen=True)
class ContentPack:
    version: str
    show: Show
    seasons: tuple[Season, ...]
    people: tuple[Person, ...]
    characters: tuple[Character, ...]
    facts: tuple[Fact, ...]
    questions: tuple[Question, ...]
    releases: tuple[Release, ...]
    translations: tuple[Translation, ...] = ()
