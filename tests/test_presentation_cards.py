"""Cards built from content models: every field from the model, and the spoiler guard."""

import datetime as dt

from bot.content.models import Arc, Character, Episode, Fact, Person, Season
from bot.presentation.cards import (
    cast_list_card,
    character_card,
    discord_date,
    episode_card,
    fact_card,
    format_seasons,
    hides,
    person_card,
    search_card,
    season_card,
)

SEASON = Season(
    number=3, year=2019, platform="Netflix", release_date=dt.date(2019, 11, 15), episode_count=2,
    runtime="short", tagline="Tag.", settings=("Mumbai", "Nagpur"), directors=("D",), directors_note=None,
    writers=("W",), writers_note=None, recap="First.\n\nSecond.", sources=("s",),
    episodes=(Episode(3, 1, "Pilot", "Sum.", "src"), Episode(3, 2)),
)
ACTOR = Person("a", "Actor One", (), ("actor",), ("Fact one.", "Fact two."), ("s",))
CREW = Person("c", "Crew Two", (), ("writer",), (), ("s",))
HERO = Character("h", "Hero", ("H",), "a", (1, 2, 4), "Desc.", "A note.", (Arc(1, "Arc 1."), Arc(4, "Arc 4.")), ("s",))
EXTRA = Character("x", "Extra", (), None, (2,), "Desc.", None, (), ("s",))


def test_hides() -> None:
    assert not hides(None, 4)
    assert not hides(2, 2) and hides(2, 3)
    assert not hides(0, None) and not hides(0, 0) and hides(0, 1)


def test_helpers() -> None:
    assert discord_date(dt.date(1970, 1, 2)) == "<t:86400:D>"
    assert format_seasons([1, 2, 3, 4]) == "Seasons 1–4"
    assert format_seasons([4, 2, 1]) == "Seasons 1–2, 4"
    assert format_seasons([3]) == "Season 3"
    assert format_seasons([]) == "—"


def test_season_card_plain_and_guarded() -> None:
    card = season_card("Show", SEASON, 4, None)
    assert card.title == "Show — Season 3 (2019)" and card.description == SEASON.recap
    fields = {f.name: f.value for f in card.fields}
    assert fields["Set in"] == "Mumbai, Nagpur" and fields["Episodes"] == "2" and fields["Platform"] == "Netflix"
    assert fields["Released"] == discord_date(SEASON.release_date)
    assert card.footer == "Season 3 of 4" and not card.spoiler_description
    guarded = season_card("Show", SEASON, 4, 2)
    assert guarded.spoiler_description and "up to Season 2" in guarded.footer
    assert season_card("Show", SEASON, 4, 3).spoiler_description is False


def test_episode_card() -> None:
    card = episode_card("Show", SEASON, SEASON.episodes[0], None)
    assert card.title == "Show — Season 3, episode 1: Pilot" and card.description == "Sum."
    bare = episode_card("Show", SEASON, SEASON.episodes[1], 1)
    assert "no summary" in bare.description and not bare.spoiler_description  # nothing to hide
    assert bare.footer.startswith("Episode 2 of 2")


def test_cast_person_and_character_cards() -> None:
    listing = cast_list_card("Show", [ACTOR, CREW], [HERO, EXTRA])
    assert "**Actor One** as Hero (Seasons 1–2, 4)" in listing.description
    fields = {f.name: f.value for f in listing.fields}
    assert fields["Characters (actor not in the pack)"] == "Extra (Season 2)"
    assert fields["Crew"] == "Crew Two — writer"
    person = {f.name: f.value for f in person_card(ACTOR, [HERO]).fields}
    assert person["Plays"] == "Hero (Seasons 1–2, 4)" and person["Facts"] == "• Fact one.\n• Fact two."
    guarded = character_card(HERO, ACTOR, 2)
    arcs = {f.name: (f.value, f.spoiler) for f in guarded.fields}
    assert arcs["Season 1"] == ("Arc 1.", False) and arcs["Season 4"] == ("Arc 4.", True)
    assert "Spoiler guard" in guarded.footer
    assert character_card(EXTRA, None, None).fields[0].value == "Not known in the content pack"


def test_fact_and_search_cards() -> None:
    fact = Fact("f", "behind-the-scenes", "Text.", "http://src", 4, 2)
    card = fact_card(fact, 3)
    assert card.title == "Did you know? (behind the scenes · Season 4, episode 2)"
    assert card.spoiler_description and "http" not in card.footer  # a source's address can name the plot
    assert [(f.name, f.value, f.spoiler) for f in card.fields] == [("Source", "http://src", True)]
    assert fact_card(fact, 4).footer == "Source: http://src"
    assert not fact_card(Fact("g", "show", "T.", "s"), 0).spoiler_description

    class Hit:
        def __init__(self, kind: str, title: str, snippet: str, season: int | None) -> None:
            self.kind, self.title, self.snippet, self.season = kind, title, snippet, season

    found = search_card("q", [Hit("season", "Season 1 (2016)", "a **q**", 1), Hit("fact", "x", "b\n q", 4)], 1)
    assert [(f.name, f.value, f.spoiler) for f in found.fields] == [
        ("Season recap · Season 1 (2016)", "a **q**", False),
        ("Fact · Season 4", "b q", True),  # a field name cannot hold spoiler tags: no title
    ]
    assert found.footer.startswith("2 results")
