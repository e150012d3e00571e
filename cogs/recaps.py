"""/recap, /fact, /search and /spoilers: reading about the show, with each member's spoiler guard.

Thin adapter: options are parsed here, text comes from the content snapshot (`bot.content.snapshot`,
in memory; the member's spoiler level is the only store read, cached), and the cards are laid
out by `bot.presentation` (pure, unit-tested) before being turned into discord.Embed objects.
Recap pages turn with Previous/Next buttons whose custom ids carry the asker and the target page,
so they keep working after a restart and refuse anyone else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import spoilers
from bot.content.models import MAX_SEASON, Episode
from bot.content.snapshot import ContentSnapshot
from bot.errors import NotFoundError, UserError
from bot.i18n import t
from bot.presentation import cards, names
from bot.presentation.embeds import EmbedDraft, fit_embed, group_for_messages
from bot.store import Store
from bot.store import content as content_store
from bot.store.content import ShowInfo
from bot.store.translations import localize_fact, localize_season
from cogs._errors import report_error
from cogs._locale import lang
from cogs._view_cache import ViewCache

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
SEARCH_LIMIT = 8
EPHEMERAL = "Only you see the answer (default: everyone in the channel)"


# -- shared by the recap and cast cogs ------------------------------------------------------------


def content_of(interaction: discord.Interaction) -> ContentSnapshot:
    """The content snapshot current when the command started (an import swaps in a new one)."""
    content: ContentSnapshot = interaction.client.content  # type: ignore[attr-defined]
    return content


def require_show(content: ContentSnapshot) -> ShowInfo:
    """The show's info, or a clear error when no content pack has been imported."""
    if content.show is None:
        raise NotFoundError(key="recaps.empty_pack")
    return content.show


async def watched_by(interaction: discord.Interaction) -> int | None:
    """The member's spoiler limit; None in DMs or when they never set one. Cached per member."""
    if interaction.guild_id is None:
        return None
    members = interaction.client.members  # type: ignore[attr-defined]
    season: int | None = await members.spoiler_season(interaction.guild_id, interaction.user.id)
    return season


async def offered_names(interaction: discord.Interaction) -> list[content_store.CastName]:
    """Names that may be suggested to this member: characters they have not reached yet are left out
    (a suggestion cannot hold spoiler tags); actors are always offered. One list per spoiler level
    and snapshot."""
    content = content_of(interaction)
    watched = await watched_by(interaction)

    def build() -> list[content_store.CastName]:
        if watched is None:
            return list(content.cast_names)
        firsts = {c.id: spoilers.first_season(c) for c in content.characters}
        return [e for e in content.cast_names if e.kind != "character" or spoilers.offered(firsts.get(e.id), watched)]

    offered: list[content_store.CastName] = content.cached(("offered-names", watched), build)
    return offered


def to_embed(draft: EmbedDraft) -> discord.Embed:
    embed = discord.Embed(title=draft.title or None, description=draft.description or None)
    for field in draft.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if draft.footer:
        embed.set_footer(text=draft.footer)
    return embed


def embed_groups(draft: EmbedDraft) -> list[list[discord.Embed]]:
    """The draft fitted to Discord's limits, grouped one message's worth at a time."""
    return [[to_embed(d) for d in group] for group in group_for_messages(fit_embed(draft))]


Card = EmbedDraft | list[list[discord.Embed]]
"""A card as a draft, or already rendered by `rendered` (built once per snapshot)."""


def rendered(
    content: ContentSnapshot, key: Any, build: Callable[[], EmbedDraft], *, open_ended: bool = False
) -> list[list[discord.Embed]]:
    """The embeds for `build()`'s draft, made once per snapshot and spoiler level (`key` says which).

    The embeds are shared between answers: nothing may change them after this.
    """
    groups: list[list[discord.Embed]] = content.cached(
        ("embeds", key), lambda: embed_groups(build()), open_ended=open_ended
    )
    return groups


async def send_card(
    interaction: discord.Interaction, draft: Card, *, ephemeral: bool, view: discord.ui.View | None = None
) -> None:
    """Answer with the card; if it needs more than one message, the rest follow."""
    groups = embed_groups(draft) if isinstance(draft, EmbedDraft) else draft
    if view is not None:
        await interaction.response.send_message(
            embeds=groups[0], view=view, ephemeral=ephemeral, allowed_mentions=NONE
        )
    else:
        await interaction.response.send_message(embeds=groups[0], ephemeral=ephemeral, allowed_mentions=NONE)
    for group in groups[1:]:
        await interaction.followup.send(embeds=group, ephemeral=ephemeral, allowed_mentions=NONE)


def store_of(interaction: discord.Interaction) -> Store:
    store: Store = interaction.client.store  # type: ignore[attr-defined]
    return store


# -- recap pages ----------------------------------------------------------------------------------


class RecapNav(discord.ui.DynamicItem[discord.ui.Button[Any]],
               template=r"recap:(?P<dir>prev|next):(?P<owner>\d+):(?P<season>\d+):(?P<episode>\d+)"):
    """Previous/Next: the custom id holds who may press it and the page it leads to (episode 0 = season)."""

    def __init__(
        self, direction: str, owner: int, season: int, episode: int, *, enabled: bool = True, locale: str = "en"
    ) -> None:
        label = t(locale, "recaps.previous" if direction == "prev" else "recaps.next")
        super().__init__(discord.ui.Button(
            label=label,
            style=discord.ButtonStyle.secondary,
            custom_id=f"recap:{direction}:{owner}:{season}:{episode}",
            disabled=not enabled,
        ))
        self.owner = owner
        self.season = season
        self.episode = episode

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RecapNav:
        return cls(match["dir"], int(match["owner"]), int(match["season"]), int(match["episode"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.user.id != self.owner:
                raise UserError(key="recaps.not_yours")
            groups, view = await recap_page(interaction, self.season, self.episode or None)
            await interaction.response.edit_message(embeds=groups[0], view=view, allowed_mentions=NONE)
        except Exception as exc:  # dynamic items have no view on_error: take the one error path here
            await report_error(interaction, exc)


async def recap_page(
    interaction: discord.Interaction, season_number: int, episode_number: int | None,
    views: ViewCache | None = None,
) -> tuple[list[list[discord.Embed]], discord.ui.View]:
    """The recap card for a season (or one of its episodes) and its Previous/Next buttons.

    `views`: reuse the buttons built for the same page and person (for a public answer only).
    """
    content = content_of(interaction)
    locale = lang(interaction)
    show = require_show(content)
    seasons = content.season_numbers
    found = content.season(season_number)
    if found is None:
        listed = ", ".join(map(str, seasons)) or "—"
        raise NotFoundError(key="recaps.no_season", season=season_number, seasons=listed)
    season = await localize_season(store_of(interaction), found, locale)
    watched = await watched_by(interaction)
    owner = interaction.user.id
    if episode_number is None:
        draft = rendered(content, ("season", season.number, watched, locale),
                         lambda: cards.season_card(show.show.title, season, show.season_count, watched, locale))
        index = seasons.index(season.number)
        before = seasons[index - 1] if index > 0 else None
        after = seasons[index + 1] if index + 1 < len(seasons) else None
        prev_at, next_at = (before or season.number, 0), (after or season.number, 0)
    else:
        episodes = [e.number for e in season.episodes]
        episode = next((e for e in season.episodes if e.number == episode_number), None)
        if episode is None:
            nearest = sorted(episodes, key=lambda n: (abs(n - episode_number), n))[:1]
            raise NotFoundError(
                key="recaps.no_episode_guess" if nearest else "recaps.no_episode", season=season.number,
                episode=episode_number, count=len(episodes), episodes=", ".join(map(str, episodes)) or "—",
                nearest=nearest[0] if nearest else "",
            )
        shown = episode
        draft = rendered(content, ("episode", season.number, episode.number, watched, locale),
                         lambda: cards.episode_card(show.show.title, season, shown, watched, locale))
        index = episodes.index(episode.number)
        before = episodes[index - 1] if index > 0 else None
        after = episodes[index + 1] if index + 1 < len(episodes) else None
        prev_at, next_at = (season.number, before or episode.number), (season.number, after or episode.number)

    def build() -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(RecapNav("prev", owner, *prev_at, enabled=before is not None, locale=locale))
        view.add_item(RecapNav("next", owner, *next_at, enabled=after is not None, locale=locale))
        return view

    key = (owner, locale, prev_at, next_at, before is not None, after is not None)
    return draft, build() if views is None else views.get(key, build)


def _episode_choice(episode: Episode, watched: int | None, locale: str) -> str:
    """`spoilers.episode_choice_name` in the member's language (a later episode's title left out)."""
    if locale == "en":
        return spoilers.episode_choice_name(episode, watched)
    base = t(locale, "recaps.episode_choice", episode=episode.number)
    return f"{base}: {episode.title}" if episode.title and not spoilers.hides(watched, episode.season) else base


def _matches(current: str, *texts: str) -> bool:
    typed = current.strip().casefold()
    return not typed or any(typed in t.casefold() for t in texts)


class Recaps(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.last_fact: dict[int, str] = {}
        """Channel id → id of the fact shown last there, so /fact never repeats it straight away."""
        self._views = ViewCache()
        """Previous/Next of public /recap answers, reused per person and page."""

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RecapNav)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RecapNav)

    @property
    def store(self) -> Store:
        store: Store = self.bot.store  # type: ignore[attr-defined]
        return store

    # -- /recap ---------------------------------------------------------------------------------

    @app_commands.command(name="recap")
    @app_commands.describe(
        season="Which season", episode="One episode of that season (optional)", ephemeral=EPHEMERAL
    )
    async def recap(
        self,
        interaction: discord.Interaction,
        season: app_commands.Range[int, 1, MAX_SEASON],
        episode: app_commands.Range[int, 1, 99] | None = None,
        ephemeral: bool = False,
    ) -> None:
        """Recap a season (or an episode) of the show, with buttons to move between them."""
        groups, view = await recap_page(interaction, season, episode, None if ephemeral else self._views)
        await send_card(interaction, groups, ephemeral=ephemeral, view=view)

    @recap.autocomplete("season")
    async def recap_season_autocomplete(
        self, interaction: discord.Interaction, current: Any
    ) -> list[app_commands.Choice[int]]:
        seasons = content_of(interaction).seasons
        return [
            app_commands.Choice(name=t(lang(interaction), "recaps.season_choice", season=s.number, year=s.year,
                                       platform=s.platform), value=s.number)
            for s in seasons
            if _matches(str(current or ""), str(s.number), str(s.year), s.platform)
        ][:25]

    @recap.autocomplete("episode")
    async def recap_episode_autocomplete(
        self, interaction: discord.Interaction, current: Any
    ) -> list[app_commands.Choice[int]]:
        season: Any = getattr(interaction.namespace, "season", None)
        try:
            number = int(season)
        except (TypeError, ValueError):
            return []
        episodes = content_of(interaction).episodes(number)
        watched = await watched_by(interaction)
        locale = lang(interaction)
        shown = [(e, _episode_choice(e, watched, locale)) for e in episodes]
        return [
            app_commands.Choice(name=name, value=e.number)
            for e, name in shown
            if _matches(str(current or ""), name)
        ][:25]

    # -- /fact ----------------------------------------------------------------------------------

    @app_commands.command(name="fact")
    @app_commands.describe(topic="Only facts about this topic (optional)", ephemeral=EPHEMERAL)
    async def fact(self, interaction: discord.Interaction, topic: str | None = None, ephemeral: bool = False) -> None:
        """A random fact about the show, its seasons, cast or making."""
        content = content_of(interaction)
        locale = lang(interaction)
        require_show(content)
        if topic is not None:
            topics = content.fact_topics
            key = topic.strip().casefold().replace(" ", "-")
            if key not in topics:
                spoken = [topic_name.replace("-", " ") for topic_name in topics]
                close = names.suggest(topic, spoken)
                if close:
                    raise NotFoundError(key="recaps.no_topic_guess", topic=repr(topic), topics=", ".join(spoken),
                                        close=", ".join(f"**{c}**" for c in close))
                raise NotFoundError(key="recaps.no_topic", topic=repr(topic), topics=", ".join(spoken))
            topic = key
        channel = interaction.channel_id or 0
        fact = content.random_fact(topic, exclude_id=self.last_fact.get(channel))
        if fact is None:
            raise NotFoundError(key="recaps.no_facts")
        self.last_fact[channel] = fact.id
        watched = await watched_by(interaction)
        fact = await localize_fact(store_of(interaction), fact, locale)
        card = rendered(content, ("fact", fact.id, watched, locale), lambda: cards.fact_card(fact, watched, locale))
        await send_card(interaction, card, ephemeral=ephemeral)

    @fact.autocomplete("topic")
    async def fact_topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = content_of(interaction).fact_topics
        return [
            app_commands.Choice(name=t.replace("-", " "), value=t)
            for t in topics
            if _matches(current, t, t.replace("-", " "))
        ][:25]

    # -- /search --------------------------------------------------------------------------------

    @app_commands.command(name="search")
    @app_commands.describe(query="Words to look for in recaps, facts and the cast", ephemeral=EPHEMERAL)
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 100], ephemeral: bool = False
    ) -> None:
        """Search the recaps, facts and cast."""
        content = content_of(interaction)
        require_show(content)
        if content_store.fts_query(query) is None:
            await self._search_help(interaction, t(lang(interaction), "recaps.search_no_words", query=repr(query)))
            return
        hits = content.search(query, limit=SEARCH_LIMIT)
        if not hits:
            await self._search_help(
                interaction, t(lang(interaction), "recaps.search_nothing", query=repr(query)), query
            )
            return
        watched = await watched_by(interaction)
        locale = lang(interaction)
        card = rendered(content, ("search", query, watched, locale),
                        lambda: cards.search_card(query, hits, watched, locale), open_ended=True)
        await send_card(interaction, card, ephemeral=ephemeral)

    async def _search_help(self, interaction: discord.Interaction, problem: str, query: str = "") -> None:
        """Not an error: say what went wrong and what to try, from the names the pack knows."""
        entries = await offered_names(interaction)
        close = names.closest(query, entries, limit=3) if query else []
        locale = lang(interaction)
        if close:
            hint = t(locale, "recaps.did_you_mean", names=", ".join(f"**{m.name}**" for m in close))
        else:
            samples = sorted({e.name for e in entries if e.kind == "character"})[:3]
            hint = (t(locale, "recaps.try_names", names=", ".join(samples)) if samples
                    else t(locale, "recaps.try_anything"))
        await interaction.response.send_message(f"{problem} {hint}", ephemeral=True, allowed_mentions=NONE)

    # -- /spoilers ------------------------------------------------------------------------------

    @app_commands.command(name="spoilers")
    @app_commands.guild_only()
    @app_commands.describe(
        season="The last season you have watched (0: none yet)",
        off="Turn the spoiler guard off and see everything",
        ephemeral=EPHEMERAL,
    )
    async def spoilers(
        self,
        interaction: discord.Interaction,
        season: app_commands.Range[int, 0, MAX_SEASON] | None = None,
        off: bool = False,
        ephemeral: bool = False,
    ) -> None:
        """Set how far you have watched, so later seasons stay hidden."""
        assert interaction.guild_id is not None  # guild_only
        members = self.bot.members  # type: ignore[attr-defined]
        if off and season is not None:
            raise UserError(key="recaps.season_or_off")
        if off or season is not None:
            now = self.bot.clock.now()  # type: ignore[attr-defined]
            await members.set_spoiler_season(interaction.guild_id, interaction.user.id, None if off else season,
                                             now=now)
        current = await members.spoiler_season(interaction.guild_id, interaction.user.id)
        text = _spoiler_status(current, changed=off or season is not None, locale=lang(interaction))
        await interaction.response.send_message(text, ephemeral=ephemeral, allowed_mentions=NONE)


def _spoiler_status(current: int | None, *, changed: bool, locale: str = "en") -> str:
    prefix = t(locale, "recaps.saved") + " " if changed else ""
    if current is None:
        return prefix + t(locale, "recaps.guard_off")
    seen = t(locale, "cards.seen_none") if current == 0 else t(locale, "cards.seen_up_to", season=current)
    return prefix + t(locale, "recaps.guard_on", seen=seen)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Recaps(bot))
