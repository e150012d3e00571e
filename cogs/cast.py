"""/cast and /character: who plays whom, forgiving of typos and partial names.

Names are matched by `bot.presentation.names` (rapidfuzz) against every name and alias in the content
snapshot; a name that matches nothing clearly gets the closest names back, ephemerally. Cards and
name resolutions are built once per snapshot and spoiler level (`cogs.recaps.rendered`).
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
from cogs.recaps import EPHEMERAL, content_of, offered_names, rendered, require_show, send_card, watched_by

log = logging.getLogger(__name__)

PEOPLE_AND_CHARACTERS = ("person", "character")
CHARACTERS = ("character",)


def _no_match(text: str, close: Sequence[names.NameMatch], what: str) -> NotFoundError:
    if close:
        offer = ", ".join(f"**{m.name}**" for m in close[:5])
        return NotFoundError(f"I couldn't find {what} called {text!r}. Closest names: {offer}.")
    return NotFoundError(
        f"I couldn't find {what} called {text!r}, nor any name close to it. Start typing a name and pick a suggestion."
    )


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

    def _resolve(
        self, interaction: discord.Interaction, name: str, kinds: tuple[str, ...]
    ) -> tuple[names.NameMatch | None, list[names.NameMatch]]:
        content = content_of(interaction)
        resolved: tuple[names.NameMatch | None, list[names.NameMatch]] = content.cached(
            ("resolve", name, kinds), lambda: names.resolve(name, content.cast_names, kinds=kinds), open_ended=True
        )
        return resolved

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
            watched = await watched_by(interaction)
            card = rendered(content, ("cast", watched), lambda: cards.cast_list_card(
                show.show.title, content.people, content.characters, watched))
            await send_card(interaction, card, ephemeral=ephemeral)
            return
        match, close = self._resolve(interaction, name, PEOPLE_AND_CHARACTERS)
        if match is None:
            raise _no_match(name, await self._visible(interaction, close), "anyone")
        if match.kind == "character":
            character = content.character(match.id)
            if character is None:
                raise _no_match(name, await self._visible(interaction, close), "anyone")
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
            raise _no_match(name, await self._visible(interaction, close), "anyone")
        actor = person
        watched = await watched_by(interaction)
        card = rendered(content, ("person", person.id, watched),
                        lambda: cards.person_card(actor, list(content.characters_played_by(actor.id)), watched))
        await send_card(interaction, card, ephemeral=ephemeral)

    async def _offered_names(self, interaction: discord.Interaction) -> list[CastName]:
        return await offered_names(interaction)

    async def _visible(self, interaction: discord.Interaction, close: list[names.NameMatch]) -> list[names.NameMatch]:
        """Did-you-mean names, without characters the member has not reached yet."""
        keep = {(e.kind, e.id) for e in await self._offered_names(interaction)}
        return [m for m in close if (m.kind, m.id) in keep]

    @cast.autocomplete("name")
    async def cast_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _choices(names.rank(current, await self._offered_names(interaction), kinds=PEOPLE_AND_CHARACTERS))

    @app_commands.command(name="character")
    @app_commands.describe(name="The character's name (typos are fine)", ephemeral=EPHEMERAL)
    async def character(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100], ephemeral: bool = False
    ) -> None:
        """A character: who plays them and their arc season by season."""
        content = content_of(interaction)
        require_show(content)
        match, close = self._resolve(interaction, name, CHARACTERS)
        if match is None:
            raise _no_match(name, await self._visible(interaction, close), "a character")
        found = content.character(match.id)
        if found is None:
            raise _no_match(name, await self._visible(interaction, close), "a character")
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
        return _choices(names.rank(current, await self._offered_names(interaction), kinds=CHARACTERS))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Cast(bot))
