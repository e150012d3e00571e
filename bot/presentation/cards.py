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
from bot.presentation.embeds import EmbedDraft, EmbedField
from bot.spoilers import hides as hides  # re-exported for callers of cards.hides; the rule is in bot.spoilers

MAX_PERSON_FACTS = 5


def guard_note(watched: int | None) -> str:
    if watched is None:
        return ""
    seen = "no season yet" if watched == 0 else f"up to Season {watched}"
    return f"Spoiler guard: you have watched {seen}; later seasons are hidden. Change it with /spoilers."


def discord_date(day: dt.date) -> str:
    """A Discord timestamp (`<t:…:D>`) for a calendar date, taken as midnight UTC."""
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return f"<t:{int(moment.timestamp())}:D>"


def format_seasons(seasons: Iterable[int]) -> str:
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
    label = "Season" if len(numbers) == 1 else "Seasons"
    return f"{label} {', '.join(parts)}"


def seasons_shown(seasons: Iterable[int], watched: int | None) -> str:
    """`Seasons 1–2, then ||Seasons 3–4||`: the later seasons of an "Appears in" list behind tags."""
    seen, later = spoilers.split_seasons(seasons, watched)
    if not later:
        return format_seasons(seen)
    hidden = spoilers.wrap(format_seasons(later))
    return f"{format_seasons(seen)}, then {hidden}" if seen else hidden


def season_card(show_title: str, season: Season, season_count: int, watched: int | None) -> EmbedDraft:
    """Year, platform, episode count and release date are never spoilers; places, runtime, tagline and
    recap of a later season are."""
    hidden = hides(watched, season.number)
    fields = (
        EmbedField("Year", str(season.year), inline=True),
        EmbedField("Platform", season.platform, inline=True),
        EmbedField("Episodes", str(season.episode_count), inline=True),
        EmbedField("Set in", ", ".join(season.settings) or "—", inline=True, spoiler=hidden),
        EmbedField("Released", discord_date(season.release_date), inline=True),
        EmbedField("Runtime", season.runtime, inline=True, spoiler=hidden),
        EmbedField("Tagline", season.tagline, spoiler=hidden),
    )
    footer = f"Season {season.number} of {season_count}"
    if hidden:
        footer += " · " + guard_note(watched)
    return EmbedDraft(
        title=f"{show_title} — Season {season.number} ({season.year})",
        description=season.recap,
        fields=fields,
        footer=footer,
        spoiler_description=hidden,
    )


def episode_label(episode: Episode, watched: int | None = None) -> str:
    """For a title: a later season's episode title is left out (titles cannot hold spoiler tags)."""
    base = f"Season {episode.season}, episode {episode.number}"
    return f"{base}: {episode.title}" if episode.title and not hides(watched, episode.season) else base


def episode_card(show_title: str, season: Season, episode: Episode, watched: int | None) -> EmbedDraft:
    hidden = hides(watched, season.number)
    summary = episode.summary or (
        "The content pack has no summary for this episode. The season recap covers it: "
        f"/recap season:{season.number}."
    )
    fields = [
        EmbedField("Season", f"{season.number} ({season.year}, {season.platform})", inline=True),
        EmbedField("Released", discord_date(season.release_date), inline=True),
    ]
    if hidden and episode.title:
        fields.append(EmbedField("Title", episode.title, spoiler=True))
    if episode.source:
        fields.append(EmbedField("Source", episode.source, spoiler=hidden))
    footer = f"Episode {episode.number} of {season.episode_count}"
    if hidden:
        footer += " · " + guard_note(watched)
    return EmbedDraft(
        title=f"{show_title} — {episode_label(episode, watched)}",
        description=summary,
        fields=tuple(fields),
        footer=footer,
        spoiler_description=hidden and bool(episode.summary),
    )


def role_text(character: Character, watched: int | None) -> str:
    """`Ila Kulkarni (Season 2, then ||Seasons 3–4||)`; a character not reached yet, wholly behind tags."""
    if hides(watched, spoilers.first_season(character)):
        return spoilers.wrap(f"{character.name} ({format_seasons(character.seasons)})")
    return f"{character.name} ({seasons_shown(character.seasons, watched)})"


def cast_list_card(
    show_title: str, people: Sequence[Person], characters: Sequence[Character], watched: int | None = None
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
        parts = [role_text(c, watched) for c in played]
        lines.append(f"**{person.name}**" + (f" as {'; '.join(parts)}" if parts else ""))
    crew = [p for p in people if p.id not in roles and "actor" not in p.roles]
    unknown = [c for c in roles.get("", []) if c.played_by not in names]
    fields = []
    if unknown:
        fields.append(EmbedField(
            "Characters (actor not in the pack)",
            "\n".join(role_text(c, watched) for c in unknown),
        ))
    if crew:
        fields.append(EmbedField(
            "Crew", "\n".join(f"{p.name} — {', '.join(p.roles)}" for p in crew)
        ))
    return EmbedDraft(
        title=f"{show_title} — cast",
        description="\n".join(lines) or "No cast in the content pack.",
        fields=tuple(fields),
        footer="/cast name:<actor or character> for details",
    )


def person_card(person: Person, characters: Sequence[Character], watched: int | None = None) -> EmbedDraft:
    """An actor's roles and facts are tied to the first season of the characters they play."""
    fields = [EmbedField("Roles", ", ".join(r.capitalize() for r in person.roles) or "—", inline=True)]
    if characters:
        fields.append(EmbedField("Plays", "\n".join(role_text(c, watched) for c in characters)))
        fields.append(EmbedField(
            "Appears in", seasons_shown((s for c in characters for s in c.seasons), watched), inline=True
        ))
    if person.aliases:
        fields.append(EmbedField("Also known as", ", ".join(person.aliases), inline=True))
    facts = person.facts[:MAX_PERSON_FACTS]
    base = spoilers.roles_season(characters)
    hidden_any = False
    if facts:
        lines = []
        for fact in facts:
            season = spoilers.text_season(fact, base)
            hidden_any = hidden_any or hides(watched, season)
            lines.append(f"• {spoilers.shown(fact, watched, season)}")
        fields.append(EmbedField("Facts", "\n".join(lines)))
    later_roles = any(hides(watched, s) for c in characters for s in c.seasons)
    footer = guard_note(watched) if hidden_any or later_roles else ""
    return EmbedDraft(title=person.name, fields=tuple(fields), footer=footer)


def character_card(character: Character, actor: Person | None, watched: int | None) -> EmbedDraft:
    about = spoilers.description_season(character)
    hidden_any = hides(watched, about) or any(hides(watched, s) for s in character.seasons)
    fields = [
        EmbedField("Played by", actor.name if actor else "Not known in the content pack", inline=True),
        EmbedField("Appears in", seasons_shown(character.seasons, watched), inline=True),
    ]
    if character.aliases:
        fields.append(EmbedField("Also known as", ", ".join(character.aliases), inline=True))
    for arc in character.arcs:
        hidden = hides(watched, arc.season)
        hidden_any = hidden_any or hidden
        fields.append(EmbedField(f"Season {arc.season}", arc.text, spoiler=hidden))
    if character.note:
        fields.append(EmbedField("Note", character.note, spoiler=hides(watched, about)))
    return EmbedDraft(
        title=character.name,
        description=character.description,
        fields=tuple(fields),
        footer=guard_note(watched) if hidden_any else "",
        spoiler_description=hides(watched, about),
    )


def fact_card(fact: Fact, watched: int | None) -> EmbedDraft:
    """A hidden fact's source goes behind tags too: a source's address often names the plot."""
    hidden = hides(watched, spoilers.text_season(fact.text, fact.season))
    about = fact.topic.replace("-", " ")
    if fact.season:
        about += f" · Season {fact.season}" + (f", episode {fact.episode}" if fact.episode else "")
    fields: tuple[EmbedField, ...] = ()
    footer = f"Source: {fact.source}"
    if hidden:
        fields = (EmbedField("Source", fact.source, spoiler=True),)
        footer = guard_note(watched)
    return EmbedDraft(
        title=f"Did you know? ({about})",
        description=fact.text,
        fields=fields,
        footer=footer,
        spoiler_description=hidden,
    )


_KIND_LABELS = {
    "show": "Show", "season": "Season recap", "episode": "Episode", "fact": "Fact",
    "person": "Cast & crew", "character": "Character",
}


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


def search_card(query: str, hits: Sequence[SearchResult], watched: int | None) -> EmbedDraft:
    fields = []
    hidden_any = False
    for hit in hits:
        hidden = hides(watched, spoilers.text_season(hit.snippet, hit.season))
        hidden_any = hidden_any or hidden
        kind = _KIND_LABELS.get(hit.kind, hit.kind.title())
        # A field name cannot hold spoiler tags: a hidden hit is labelled by its season, not its title.
        label = f"{kind} · Season {hit.season}" if hidden and hit.season else f"{kind} · {hit.title}"
        if hidden and not hit.season:
            label = f"{kind} · later season"
        fields.append(EmbedField(label, " ".join(hit.snippet.split()) or "—", spoiler=hidden))
    footer = f"{len(hits)} result{'s' if len(hits) != 1 else ''}, best first"
    if hidden_any:
        footer += " · " + guard_note(watched)
    return EmbedDraft(title=f"Search: {query}", fields=tuple(fields), footer=footer)
