"""/spoilers end to end: the setting is stored per member and changes what recaps, facts, search
and character arcs show."""

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, Reply, run_bot
from bot.localdiscord.messages import Message
from bot.store import content as content_store
from bot.store.members import get_spoiler_season


def live(reply: Reply) -> Message:
    """The reply's message as it is now (pages turn by editing it)."""
    assert reply.message is not None
    return reply.message



async def test_setting_reading_and_clearing_the_guard(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    guild, alice = fake.guild.id, fake.user("alice").id
    status = await fake.slash("spoilers", user="alice")
    assert "Spoiler guard is off" in status.content and not status.ephemeral
    saved = await fake.slash("spoilers", season=2, ephemeral=True, user="alice")
    assert saved.ephemeral and "up to Season 2" in saved.content
    assert await get_spoiler_season(bot.store, guild, alice) == 2
    assert await get_spoiler_season(bot.store, guild, fake.user("bob").id) is None
    await fake.slash("spoilers", off=True, user="alice")
    assert await get_spoiler_season(bot.store, guild, alice) is None
    both = await fake.slash("spoilers", season=1, off=True, user="alice")
    assert both.ephemeral and "not both" in both.content
    assert await get_spoiler_season(bot.store, guild, alice) is None


async def test_recaps_of_later_seasons_are_hidden(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.slash("spoilers", season=2, user="alice")
    seen = await fake.slash("recap", season=2, user="alice")
    assert "||" not in seen.embed["description"]
    later = await fake.slash("recap", season=3, user="alice")
    description = later.embed["description"]
    assert description.startswith("||") and description.endswith("||")
    assert "Spoiler guard" in later.embed["footer"]["text"]
    other = await fake.slash("recap", season=3, user="bob")  # bob set nothing
    assert "||" not in other.text
    # The guard follows the presser when pages turn: back to Season 2 is plain again.
    await fake.click(later, label="Previous", user="alice")
    assert "||" not in live(later).embeds[0]["description"]


async def test_search_hits_and_arcs_from_later_seasons_are_hidden(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.slash("spoilers", season=1, user="alice")
    hits = await content_store.search(bot.store, "Nagpur", limit=8)
    later = [h for h in hits if h.season and h.season > 1]
    assert later, "the shipped pack should mention Nagpur in a later season"
    reply = await fake.slash("search", query="Nagpur", user="alice")
    for field, hit in zip(reply.embed["fields"], hits, strict=True):
        hidden = field["value"].startswith("||") and field["value"].endswith("||")
        assert hidden == bool(hit.season and hit.season > 1), field

    character = await content_store.get_character(bot.store, "kavya-kulkarni")
    assert character is not None
    card = await fake.slash("character", name="Kavya", user="alice")
    arcs = {f["name"]: f["value"] for f in card.embed["fields"]}
    for arc in character.arcs:
        assert arcs[f"Season {arc.season}"] == (f"||{arc.text}||" if arc.season > 1 else arc.text)


async def test_facts_from_later_seasons_are_hidden(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.slash("spoilers", season=0, user="alice")
    for _ in range(15):
        reply = await fake.slash("fact", topic="season", user="alice")
        title = reply.embed["title"]
        tied = "Season " in title
        assert reply.embed["description"].startswith("||") == tied, title


async def test_the_setting_and_the_page_buttons_survive_a_restart(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, config, clock=clock):
        await fake.slash("spoilers", season=3, user="bob")
        pages = await fake.slash("recap", season=3, user="bob")
    async with run_bot(fake, config, clock=clock) as again:
        assert await get_spoiler_season(again.store, fake.guild.id, fake.user("bob").id) == 3
        moved = await fake.click(pages, label="Next", user="bob")  # a button from before the restart
        assert moved.kind == "update"
        assert live(pages).embeds[0]["description"].startswith("||")  # Season 4, hidden for bob
