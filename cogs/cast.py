"""/cast and /character: who plays whom, forgiving of typos and partial names.

Names are matched by `bot.presentation.names` (rapidfuzz) against every name and alias in the store;
a name that matches nothing clearly gets the closest names back, ephemerally.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NotFoundError
from bot.presentation import cards, names
from bot.store import Store
from bot.store.content import CastName
from cogs.recaps import EPHEMERAL, content_of, rendered, require_show, send_card, watched_by

log = logging.getLogger(__name__)

PEOPLE_AND_CHARACTERS = ("person", "character")
CHARACTERS = ("character",)


def _no_match(text: str, close: Sequence[names.NameMatch], what: str) -> NotFoundError:
    if close:
        offer = ", ".join(f"**{m.name}**" for m in close[:5])
        return NotFoundError(f"I couldn't find {what} called {text!r}. Closest names: {offer}.")
    return NotFoundError(f"I couldn't find {what} called {text!r}. Start typing a name and pick a suggestion.")


def _choices(matches: Sequence[names.NameMatch]) -> list[app_commands.Choice[str]]:
    choices = []
    for match in matches[:25]:
        kind = "actor" if match.kind == "person" else "character"
        label = match.name if match.label == match.name else f"{match.label} → {match.name}"
        choices.append(app_commands.Choice(name=f"{label} ({kind})"[:100], value=match.value))
    return choices


class Cast(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def store(self) -> Store:
        store: Store = self.bot.store  # type: ignore[attr-defined]
        return store

    def _names(self, interaction: discord.Interaction) -> tuple[CastName, ...]:
        return content_of(interaction).cast_names

    @app_commands.command(name="cast")
    @app_commands.describe(name="An actor or a character (optional: without it, the whole cast)", ephemeral=EPHEMERAL)
    async def cast(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100] | None = None,
        ephemeral: bool = False,
    ) -> None:
        """The cast, or one actor: who they play, in which seasons, and a few facts."""
        content = content_of(interaction)
        show = require_show(content)
        if name is None:
            card = rendered(content, ("cast",), lambda: cards.cast_list_card(
                show.show.title, content.people, content.characters))
            await send_card(interaction, card, ephemeral=ephemeral)
            return
        match, close = content.cached(("resolve", name, PEOPLE_AND_CHARACTERS), lambda: names.resolve(
            name, content.cast_names, kinds=PEOPLE_AND_CHARACTERS), open_ended=True)
        if match is None:
            raise _no_match(name, close, "anyone")
        if match.kind == "character":
            character = content.character(match.id)
            if character is None:
                raise _no_match(name, close, "anyone")
            if character.played_by is None:
                watched = await watched_by(interaction)
                unplayed = character
                card = rendered(content, ("character", character.id, watched),
                                lambda: cards.character_card(unplayed, None, watched))
                await send_card(interaction, card, ephemeral=ephemeral)
                return
            person_id = character.played_by
        else:
            person_id = match.id
        person = content.person(person_id)
        if person is None:
            raise _no_match(name, close, "anyone")
        actor = person
        card = rendered(content, ("person", person.id),
                        lambda: cards.person_card(actor, content.characters_played_by(actor.id)))
        await send_card(interaction, card, ephemeral=ephemeral)

    @cast.autocomplete("name")
    async def cast_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        content = content_of(interaction)
        return content.cached(("cast-choices", current), lambda: _choices(
            names.rank(current, self._names(interaction), kinds=PEOPLE_AND_CHARACTERS)), open_ended=True)

    @app_commands.command(name="character")
    @app_commands.describe(name="The character's name (typos are fine)", ephemeral=EPHEMERAL)
    async def character(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100], ephemeral: bool = False
    ) -> None:
        """A character: who plays them and their arc season by season."""
        content = content_of(interaction)
        require_show(content)
        match, close = content.cached(("resolve", name, CHARACTERS), lambda: names.resolve(
            name, content.cast_names, kinds=CHARACTERS), open_ended=True)
        if match is None:
            raise _no_match(name, close, "a character")
        found = content.character(match.id)
        if found is None:
            raise _no_match(name, close, "a character")
        character = found
        actor = content.person(character.played_by) if character.played_by else None
        watched = await watched_by(interaction)
        card = rendered(content, ("character", character.id, watched),
                        lambda: cards.character_card(character, actor, watched))
        await send_card(interaction, card, ephemeral=ephemeral)

    @character.autocomplete("name")
    async def character_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        content = content_of(interaction)
        return content.cached(("character-choices", current), lambda: _choices(
            names.rank(current, self._names(interaction), kinds=CHARACTERS)), open_ended=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Cast(bot))
