"""The shapes trivia logic and the store agree on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class GameMode(StrEnum):
    BUTTONS = "buttons"
    TYPED = "typed"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


SEASONS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Question:
    """A question from the bank (pack or community). `season` None means the whole show."""

    id: str
    text: str
    answer: str
    aliases: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    season: int | None = None
    difficulty: str = Difficulty.MEDIUM
    source: str = ""
    origin: str = "pack"


@dataclass(frozen=True)
class Candidate:
    """What selection needs to know about a question, plus when this guild (or user) last saw it."""

    id: str
    season: int | None
    difficulty: str
    wrong_count: int
    last_asked: datetime | None = None
