"""Finding names end to end: autocomplete ranks a name's own words before aliases and never offers what
nothing typed hints at; every lookup that finds nothing offers the closest few, privately."""

from __future__ import annotations

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord


async def test_cast_autocomplete_puts_the_name_itself_before_relations(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    choices = await fake.autocomplete("cast", name="kav")
    assert choices[0]["value"] == "character:kavya-kulkarni", choices
    assert {c["name"] for c in choices[1:3]} == {"Kavya's dad → Satish Kulkarni (character)",
                                                 "Kavya's mom → Ila Kulkarni (character)"}


async def test_autocomplete_never_offers_names_that_match_nothing_typed(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    offered = {c["value"] for c in await fake.autocomplete("cast", name="mi")}
    assert offered == {"person:mithila-palkar", "person:loveleen-mishra"}
    assert await fake.autocomplete("character", name="Zorawar Singh") == []


async def test_an_unknown_character_offers_the_closest_names(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("character", name="Sankett Singh", user="alice")
    assert reply.ephemeral and "Closest names" in reply.content and "**Sanket**" in reply.content
    far = await fake.slash("character", name="Zorawar Singh", user="alice")
    assert far.ephemeral and "couldn't find a character called 'Zorawar Singh'" in far.content


async def test_an_unknown_fact_topic_offers_the_closest(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("fact", topic="musik", user="alice")
    assert reply.ephemeral and "Did you mean **music**?" in reply.content


async def test_an_unknown_episode_offers_the_nearest(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("recap", season=1, episode=9, user="alice")
    assert reply.ephemeral and "Did you mean episode 5?" in reply.content


async def test_an_unknown_party_offers_the_closest_parties(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.slash("watchparty create", title="Season 2 rewatch", when="in 2 hours", user="alice")
    await fake.slash("watchparty create", title="Finale night", when="in 3 hours", user="alice")
    reply = await fake.slash("watchparty cancel", party=7, user="alice")
    assert reply.ephemeral and "no watch party #7" in reply.content
    assert "`#2` **Finale night**, `#1` **Season 2 rewatch**" in reply.content
