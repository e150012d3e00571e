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
from bot.i18n import t
from bot.presentation import cards, names
from bot.store import Store
from bot.store.content import CastName
from bot.store.translations import localize_character
from cogs._locale import lang
from cogs.recaps import EPHEMERAL, content_of, offered_names, rendered, require_show, send_card, watched_by

log = logging.getLogger(__name__)

PEOPLE_AND_CHARACTERS = ("person", "character")
CHARACTERS = ("character",)


def _no_match(text: str, close: Sequence[names.NameMatch], what: str) -> NotFoundError:
    """`what` is "anyone" or "character"."""
    if close:
        offer = ", ".join(f"**{m.name}**" for m in close[:5])
        return NotFoundError(key=f"cast.no_{what}_close", name=repr(text), names=offer)
    return NotFoundError(key=f"cast.no_{what}", name=repr(text))


def _choices(matches: Sequence[names.NameMatch], locale: str = "en") -> list[app_commands.Choice[str]]:
    choices = []
    for match in matches[:25]:
        kind = t(locale, "cast.kind_actor" if match.kind == "person" else "cast.kind_character")
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
        locale = lang(interaction)
        show = require_show(content)
        if name is None:
            watched = await watched_by(interaction)
            card = rendered(content, ("cast", watched, locale), lambda: cards.cast_list_card(
                show.show.title, content.people, content.characters, watched, locale))
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
                unplayed = await localize_character(self.store, character, locale)
                card = rendered(content, ("character", character.id, watched, locale),
                                lambda: cards.character_card(unplayed, None, watched, locale))
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
        card = rendered(content, ("person", person.id, watched, locale),
                        lambda: cards.person_card(actor, list(content.characters_played_by(actor.id)), watched, locale))
        await send_card(interaction, card, ephemeral=ephemeral)

    async def _offered_names(self, interaction: discord.Interaction) -> list[CastName]:
        return await offered_names(interaction)

    async def _visible(self, interaction: discord.Interaction, close: list[names.NameMatch]) -> list[names.NameMatch]:
        """Did-you-mean names, without characters the member has not reached yet."""
        keep = {(e.kind, e.id) for e in await self._offered_names(interaction)}
        return [m for m in close if (m.kind, m.id) in keep]

    @cast.autocomplete("name")
    async def cast_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _choices(
            names.rank(current, await self._offered_names(interaction), kinds=PEOPLE_AND_CHARACTERS), lang(interaction)
        )

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
            raise _no_match(name, await self._visible(interaction, close), "character")
        found = content.character(match.id)
        if found is None:
            raise _no_match(name, await self._visible(interaction, close), "character")
        locale = lang(interaction)
        character = await localize_character(self.store, found, locale)
        actor = content.person(character.played_by) if character.played_by else None
        watched = await watched_by(interaction)
        card = rendered(content, ("character", character.id, watched, locale),
                        lambda: cards.character_card(character, actor, watched, locale))
        await send_card(interaction, card, ephemeral=ephemeral)

    @character.autocomplete("name")
    async def character_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        offered = await self._offered_names(interaction)
        return _choices(names.rank(current, offered, kinds=CHARACTERS), lang(interaction))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Cast(bot))
