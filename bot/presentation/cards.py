"""What each recap/cast/fact/search answer says, as embed drafts built from content models.

Every word about the show comes from the models (the store); this module only arranges it and
applies the spoiler guard's rule (`bot.spoilers`): text tied to a season later than the member has
watched is wrapped in spoiler tags, or left out where tags cannot show, with a note saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from bot import spoilers
from bot.content.models import Character, Episode, Fact, Person, Season
from bot.i18n import t
from bot.presentation.embeds import EmbedDraft, EmbedField
from bot.spoilers import hides as hides  # re-exported for callers of cards.hides; the rule is in bot.spoilers

MAX_PERSON_FACTS = 5


def guard_note(watched: int | None, locale: str = "en") -> str:
    if watched is None:
        return ""
    seen = t(locale, "cards.seen_none") if watched == 0 else t(locale, "cards.seen_up_to", season=watched)
    return t(locale, "cards.guard_note", seen=seen)


def discord_date(day: dt.date) -> str:
    """A Discord timestamp (`<t:…:D>`) for a calendar date, taken as midnight UTC."""
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return f"<t:{int(moment.timestamp())}:D>"


def format_seasons(seasons: Iterable[int], locale: str = "en") -> str:
    """`1–4`, `2, 4`, `1–2, 4`: consecutive runs collapsed."""
    numbers = sorted(set(seasons))
    if not numbers:
        return "—"
    runs: list[list[int]] = [[numbers[0], numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return t(locale, "cards.seasons_list", count=len(numbers), seasons=", ".join(parts))


def seasons_shown(seasons: Iterable[int], watched: int | None, locale: str = "en") -> str:
    """`Seasons 1–2, then ||Seasons 3–4||`: the later seasons of an "Appears in" list behind tags."""
    seen, later = spoilers.split_seasons(seasons, watched)
    if not later:
        return format_seasons(seen, locale)
    hidden = spoilers.wrap(format_seasons(later, locale))
    return t(locale, "cards.then", seen=format_seasons(seen, locale), later=hidden) if seen else hidden


def season_card(
    show_title: str, season: Season, season_count: int, watched: int | None, locale: str = "en"
) -> EmbedDraft:
    """Year, platform, episode count and release date are never spoilers; places, runtime, tagline and
    recap of a later season are. `season` comes in the member's language where the pack has it."""
    hidden = hides(watched, season.number)
    fields = (
        EmbedField(t(locale, "cards.year"), str(season.year), inline=True),
        EmbedField(t(locale, "cards.platform"), season.platform, inline=True),
        EmbedField(t(locale, "cards.episodes"), str(season.episode_count), inline=True),
        EmbedField(t(locale, "cards.set_in"), ", ".join(season.settings) or "—", inline=True, spoiler=hidden),
        EmbedField(t(locale, "cards.released"), discord_date(season.release_date), inline=True),
        EmbedField(t(locale, "cards.runtime"), season.runtime, inline=True, spoiler=hidden),
        EmbedField(t(locale, "cards.tagline"), season.tagline, spoiler=hidden),
    )
    footer = t(locale, "cards.season_of", season=season.number, count=season_count)
    if hidden:
        footer += " · " + guard_note(watched, locale)
    return EmbedDraft(
        title=t(locale, "cards.season_title", show=show_title, season=season.number, year=season.year),
        description=season.recap,
        fields=fields,
        footer=footer,
        spoiler_description=hidden,
    )


def episode_label(episode: Episode, watched: int | None = None, locale: str = "en") -> str:
    """For a title: a later season's episode title is left out (titles cannot hold spoiler tags)."""
    base = t(locale, "cards.episode_label", season=episode.season, episode=episode.number)
    return f"{base}: {episode.title}" if episode.title and not hides(watched, episode.season) else base


def episode_card(
    show_title: str, season: Season, episode: Episode, watched: int | None, locale: str = "en"
) -> EmbedDraft:
    hidden = hides(watched, season.number)
    summary = episode.summary or t(locale, "cards.no_summary", season=season.number)
    fields = [
        EmbedField(t(locale, "cards.season"), f"{season.number} ({season.year}, {season.platform})", inline=True),
        EmbedField(t(locale, "cards.released"), discord_date(season.release_date), inline=True),
    ]
    if hidden and episode.title:
        fields.append(EmbedField(t(locale, "cards.title"), episode.title, spoiler=True))
    if episode.source:
        fields.append(EmbedField(t(locale, "cards.source"), episode.source, spoiler=hidden))
    footer = t(locale, "cards.episode_of", episode=episode.number, count=season.episode_count)
    if hidden:
        footer += " · " + guard_note(watched, locale)
    return EmbedDraft(
        title=f"{show_title} — {episode_label(episode, watched, locale)}",
        description=summary,
        fields=tuple(fields),
        footer=footer,
        spoiler_description=hidden and bool(episode.summary),
    )


def role_text(character: Character, watched: int | None, locale: str = "en") -> str:
    """`Ila Kulkarni (Season 2, then ||Seasons 3–4||)`; a character not reached yet, wholly behind tags."""
    if hides(watched, spoilers.first_season(character)):
        return spoilers.wrap(f"{character.name} ({format_seasons(character.seasons, locale)})")
    return f"{character.name} ({seasons_shown(character.seasons, watched, locale)})"


def cast_list_card(
    show_title: str, people: Sequence[Person], characters: Sequence[Character], watched: int | None = None,
    locale: str = "en",
) -> EmbedDraft:
    """Actors with the characters they play, then characters whose actor the pack does not know."""
    names = {p.id: p.name for p in people}
    roles: dict[str, list[Character]] = {}
    for character in characters:
        roles.setdefault(character.played_by or "", []).append(character)
    lines = []
    for person in people:
        played = roles.get(person.id, [])
        if not played and "actor" not in person.roles:
            continue
        parts = [role_text(c, watched, locale) for c in played]
        lines.append(t(locale, "cards.actor_as", name=person.name, roles="; ".join(parts)) if parts
                     else f"**{person.name}**")
    crew = [p for p in people if p.id not in roles and "actor" not in p.roles]
    unknown = [c for c in roles.get("", []) if c.played_by not in names]
    fields = []
    if unknown:
        fields.append(EmbedField(
            t(locale, "cards.unknown_actor"),
            "\n".join(role_text(c, watched, locale) for c in unknown),
        ))
    if crew:
        fields.append(EmbedField(
            t(locale, "cards.crew"),
            "\n".join(f"{p.name} — {', '.join(_role(r, locale) for r in p.roles)}" for p in crew),
        ))
    return EmbedDraft(
        title=t(locale, "cards.cast_title", show=show_title),
        description="\n".join(lines) or t(locale, "cards.no_cast"),
        fields=tuple(fields),
        footer=t(locale, "cards.cast_footer"),
    )


def _role(role: str, locale: str) -> str:
    """The crew list has always shown the pack's own word in English (`writer`); other languages translate it."""
    return role if locale == "en" else t(locale, f"cards.role_{role}")


def person_card(
    person: Person, characters: Sequence[Character], watched: int | None = None, locale: str = "en"
) -> EmbedDraft:
    """An actor's roles and facts are tied to the first season of the characters they play."""
    roles = ", ".join(t(locale, f"cards.role_{r}") for r in person.roles) or "—"
    fields = [EmbedField(t(locale, "cards.roles"), roles, inline=True)]
    if characters:
        plays = "\n".join(role_text(c, watched, locale) for c in characters)
        fields.append(EmbedField(t(locale, "cards.plays"), plays))
        fields.append(EmbedField(
            t(locale, "cards.appears_in"), seasons_shown((s for c in characters for s in c.seasons), watched, locale),
            inline=True,
        ))
    if person.aliases:
        fields.append(EmbedField(t(locale, "cards.aka"), ", ".join(person.aliases), inline=True))
    facts = person.facts[:MAX_PERSON_FACTS]
    base = spoilers.roles_season(characters)
    hidden_any = False
    if facts:
        lines = []
        for fact in facts:
            season = spoilers.text_season(fact, base)
            hidden_any = hidden_any or hides(watched, season)
            lines.append(f"• {spoilers.shown(fact, watched, season)}")
        fields.append(EmbedField(t(locale, "cards.facts"), "\n".join(lines)))
    later_roles = any(hides(watched, s) for c in characters for s in c.seasons)
    footer = guard_note(watched, locale) if hidden_any or later_roles else ""
    return EmbedDraft(title=person.name, fields=tuple(fields), footer=footer)


def character_card(
    character: Character, actor: Person | None, watched: int | None, locale: str = "en"
) -> EmbedDraft:
    about = spoilers.description_season(character)
    hidden_any = hides(watched, about) or any(hides(watched, s) for s in character.seasons)
    fields = [
        EmbedField(t(locale, "cards.played_by"), actor.name if actor else t(locale, "cards.actor_unknown"),
                   inline=True),
        EmbedField(t(locale, "cards.appears_in"), seasons_shown(character.seasons, watched, locale), inline=True),
    ]
    if character.aliases:
        fields.append(EmbedField(t(locale, "cards.aka"), ", ".join(character.aliases), inline=True))
    for arc in character.arcs:
        hidden = hides(watched, arc.season)
        hidden_any = hidden_any or hidden
        fields.append(EmbedField(t(locale, "cards.season_n", season=arc.season), arc.text, spoiler=hidden))
    if character.note:
        fields.append(EmbedField(t(locale, "cards.note"), character.note, spoiler=hides(watched, about)))
    return EmbedDraft(
        title=character.name,
        description=character.description,
        fields=tuple(fields),
        footer=guard_note(watched, locale) if hidden_any else "",
        spoiler_description=hides(watched, about),
    )


def fact_card(fact: Fact, watched: int | None, locale: str = "en") -> EmbedDraft:
    """A hidden fact's source goes behind tags too: a source's address often names the plot.

    `fact` may come in Hindi; the spoiler rule reads the English text's season either way (`season_text`).
    """
    hidden = hides(watched, spoilers.text_season(fact.text, fact.season))
    about = t(locale, f"cards.topic_{fact.topic.replace('-', '_')}")
    if fact.season:
        about += " · " + (t(locale, "cards.episode_label", season=fact.season, episode=fact.episode) if fact.episode
                          else t(locale, "cards.season_n", season=fact.season))
    fields: tuple[EmbedField, ...] = ()
    footer = t(locale, "cards.source_line", source=fact.source)
    if hidden:
        fields = (EmbedField(t(locale, "cards.source"), fact.source, spoiler=True),)
        footer = guard_note(watched, locale)
    return EmbedDraft(
        title=t(locale, "cards.did_you_know", about=about),
        description=fact.text,
        fields=fields,
        footer=footer,
        spoiler_description=hidden,
    )


_KINDS = ("show", "season", "episode", "fact", "person", "character")


class SearchResult(Protocol):
    """A search hit as `bot.store.content.search` returns it."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def snippet(self) -> str: ...
    @property
    def season(self) -> int | None: ...


def search_card(query: str, hits: Sequence[SearchResult], watched: int | None, locale: str = "en") -> EmbedDraft:
    fields = []
    hidden_any = False
    for hit in hits:
        hidden = hides(watched, spoilers.text_season(hit.snippet, hit.season))
        hidden_any = hidden_any or hidden
        kind = t(locale, f"cards.kind_{hit.kind}") if hit.kind in _KINDS else hit.kind.title()
        # A field name cannot hold spoiler tags: a hidden hit is labelled by its season, not its title.
        label = f"{kind} · {t(locale, 'cards.season_n', season=hit.season)}" if hidden and hit.season \
            else f"{kind} · {hit.title}"
        if hidden and not hit.season:
            label = f"{kind} · {t(locale, 'cards.later_season')}"
        fields.append(EmbedField(label, " ".join(hit.snippet.split()) or "—", spoiler=hidden))
    footer = t(locale, "cards.results", count=len(hits))
    if hidden_any:
        footer += " · " + guard_note(watched, locale)
    return EmbedDraft(title=t(locale, "cards.search_title", query=query), fields=tuple(fields), footer=footer)
