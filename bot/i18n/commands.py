"""Hindi names and descriptions for the slash commands, looked up by their English text.

The English stays in the code (the docstrings and `describe` texts discord.py reads), so a cog can
be written and read without opening a catalogue; `locales/commands.hi.toml` maps each English name,
description and choice to its Hindi. `cogs._translator.CommandTranslator` hands these to discord.py
when it builds the sync payload.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from bot.i18n.catalog import LOCALES_DIR

KINDS = ("names", "descriptions", "choices")


@dataclass(frozen=True)
class CommandTexts:
    names: dict[str, str]
    descriptions: dict[str, str]
    choices: dict[str, str]

    def lookup(self, kind: str, english: str) -> str | None:
        table: dict[str, str] = getattr(self, kind)
        return table.get(english)


@cache
def command_texts(language: str) -> CommandTexts | None:
    """The command catalogue of `language`, or None when there is none (English needs none)."""
    path = LOCALES_DIR / f"commands.{language}.toml"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        doc = tomllib.load(handle)
    return CommandTexts(**{kind: {str(k): str(v) for k, v in doc.get(kind, {}).items()} for kind in KINDS})
