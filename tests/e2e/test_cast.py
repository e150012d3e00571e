"""/cast and /character end to end: lists, typo-tolerant names, autocomplete, no-match replies."""

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.store import content as content_store


def fields_of(embed: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_cast_without_a_name_lists_actors_and_their_characters(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    reply = await fake.slash("cast", user="alice")
    assert not reply.ephemeral
    for character in await content_store.list_characters(bot.store):
        assert character.name in reply.text
        if character.played_by:
            person = await content_store.get_person(bot.store, character.played_by)
            assert person is not None and f"**{person.name}**" in reply.embed["description"]


async def test_cast_by_actor_name_with_a_typo(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    person = await content_store.get_person(bot.store, "mithila-palkar")
    assert person is not None
    played = await content_store.characters_played_by(bot.store, person.id)
    reply = await fake.slash("cast", name="Mithla", user="alice")  # typo
    embed = reply.embed
    assert embed["title"] == person.name
    fields = fields_of(embed)
    assert all(c.name in fields["Plays"] for c in played)
    assert fields["Appears in"] == "Seasons 1–4"
    assert person.facts[0] in fields["Facts"]


async def test_cast_by_character_name_shows_the_actor(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("cast", name="kavya", user="alice")
    assert reply.embed["title"] == "Mithila Palkar"


async def test_cast_autocomplete_offers_actors_and_characters(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    choices = await fake.autocomplete("cast", name="dhru")
    values = [c["value"] for c in choices]
    assert "person:dhruv-sehgal" in values and "character:dhruv-vats" in values
    assert all(len(c["name"]) <= 100 for c in choices)
    picked = await fake.slash("cast", name="character:dhruv-vats", user="alice")
    assert picked.embed["title"] == "Dhruv Sehgal"
    everyone = await fake.autocomplete("cast", name="")
    assert 0 < len(everyone) <= 25


async def test_a_name_that_matches_nothing_offers_the_closest(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("cast", name="Kulk", user="alice")  # two Kulkarnis and more: ambiguous
    assert reply.ephemeral and "Closest names" in reply.content and "Kavya Kulkarni" in reply.content
    nothing = await fake.slash("cast", name="zzqx", user="alice")
    assert nothing.ephemeral and "couldn't find" in nothing.content


async def test_character_shows_actor_and_arc_by_season(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    character = await content_store.get_character(bot.store, "kavya-kulkarni")
    assert character is not None and character.arcs
    reply = await fake.slash("character", name="Kavya", user="bob")
    embed = reply.embed
    assert embed["title"] == character.name and embed["description"] == character.description
    fields = fields_of(embed)
    assert fields["Played by"] == "Mithila Palkar"
    for arc in character.arcs:
        assert fields[f"Season {arc.season}"] == arc.text
    assert "||" not in reply.text


async def test_character_autocomplete_offers_only_characters(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    choices = await fake.autocomplete("character", name="dhruv")
    assert choices and all(c["value"].startswith("character:") for c in choices)
    refused = await fake.slash("character", name="Mithila Palkar", user="bob")  # an actor, not a character
    assert refused.ephemeral and "a character called" in refused.content


async def test_character_ephemeral_option(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("character", name="ila", ephemeral=True, user="bob")
    assert reply.ephemeral and reply.embed["title"] == "Ila Kulkarni"


async def test_cast_for_a_character_without_a_known_actor(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    unplayed = [c for c in await content_store.list_characters(bot.store) if c.played_by is None]
    assert unplayed, "the shipped pack has a character whose actor is not known"
    character = unplayed[0]
    reply = await fake.slash("cast", name=character.name, user="alice")
    assert reply.embed["title"] == character.name
    assert fields_of(reply.embed)["Played by"] == "Not known in the content pack"
    if character.note:
        assert fields_of(reply.embed)["Note"] == character.note
