"""The TOML content pack: models, loading and validation. Pure: imports nothing from discord.

`load_pack(dir)` returns every problem at once; `pack_fingerprint(dir)` lets start-up skip the import
when the files have not changed. The store side is `bot.store.content`.
"""

from bot.content.loader import LoadResult, load_pack, pack_files, pack_fingerprint
from bot.content.models import (
    DIFFICULTIES,
    FACT_TOPICS,
    MAX_SEASON,
    Arc,
    Character,
    ContentPack,
    Episode,
    Fact,
    Person,
    Question,
    Release,
    Season,
    Show,
    normalize_text,
)
from bot.content.problems import Problem

__all__ = [
    "DIFFICULTIES",
    "FACT_TOPICS",
    "MAX_SEASON",
    "Arc",
    "Character",
    "ContentPack",
    "Episode",
    "Fact",
    "LoadResult",
    "Person",
    "Problem",
    "Question",
    "Release",
    "Season",
    "Show",
    "load_pack",
    "normalize_text",
    "pack_files",
    "pack_fingerprint",
]
