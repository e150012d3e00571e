"""/recap end to end: season and episode cards, autocomplete, page buttons, errors, empty pack."""

from datetime import UTC, datetime, time

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord, Reply
from bot.localdiscord.messages import Message
from bot.store import content as content_store


def live(reply: Reply) -> Message:
    """The reply's message as it is now (pages turn by editing it)."""
    assert reply.message is not None
    return reply.message



def fields_of(embed: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_recap_shows_a_season_card_from_the_store(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    season = await content_store.get_season(bot.store, 2)
    show = await content_store.get_show(bot.store)
    assert season is not None and show is not None
    reply = await fake.slash("recap", season=2, user="alice")
    assert reply.kind == "message" and not reply.ephemeral
    embed = reply.embed
    assert embed["title"] == f"{show.show.title} — Season 2 ({season.year})"
    assert " ".join(embed["description"].split()) == " ".join(season.recap.split())
    fields = fields_of(embed)
    assert fields["Year"] == str(season.year)
    assert fields["Platform"] == season.platform
    assert fields["Episodes"] == str(season.episode_count)
    assert fields["Set in"] == ", ".join(season.settings)
    midnight = datetime.combine(season.release_date, time(), tzinfo=UTC)
    assert fields["Released"] == f"<t:{int(midnight.timestamp())}:D>"
    assert "||" not in reply.text
    assert [b["label"] for b in reply.buttons] == ["Previous", "Next"]
    assert not any(b["disabled"] for b in reply.buttons)


async def test_recap_ephemeral_option(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("recap", season=1, ephemeral=True, user="bob")
    assert reply.ephemeral and "Season 1" in reply.embed["title"]
    moved = await fake.click(reply, label="Next", user="bob")  # pages of an ephemeral recap turn too
    assert moved.kind == "update" and "Season 2" in live(reply).embeds[0]["title"]


async def test_page_buttons_move_between_seasons_in_place(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    seasons = await content_store.list_seasons(bot.store)
    reply = await fake.slash("recap", season=1, user="alice")
    prev, nxt = reply.buttons
    assert prev["disabled"] and not nxt["disabled"]
    for season in seasons[1:]:
        moved = await fake.click(reply, label="Next", user="alice")
        assert moved.kind == "update" and moved.message_id == reply.message_id
        assert f"Season {season.number} ({season.year})" in live(reply).embeds[0]["title"]
    assert live(reply).buttons[1]["disabled"]  # last season: no Next
    await fake.click(reply, label="Previous", user="alice")
    assert f"Season {seasons[-2].number} " in live(reply).embeds[0]["title"]
    assert len(fake.messages_in("general")) == 1  # pages turned in place, nothing new posted


async def test_someone_else_pressing_the_buttons_is_refused(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("recap", season=2, user="alice")
    before = live(reply).embeds[0]["title"]
    refusal = await fake.click(reply, label="Next", user="bob")
    assert refusal.ephemeral and "Only the person who asked" in refusal.content
    assert live(reply).embeds[0]["title"] == before


async def test_episode_pages_and_titles(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    seasons = await content_store.list_seasons(bot.store)
    titled = next(e for s in seasons for e in s.episodes if e.title)
    reply = await fake.slash("recap", season=titled.season, episode=titled.number, user="alice")
    assert reply.embed["title"].endswith(f"Season {titled.season}, episode {titled.number}: {titled.title}")
    count = len(next(s for s in seasons if s.number == titled.season).episodes)
    assert reply.embed["footer"]["text"].startswith(f"Episode {titled.number} of {count}")
    if titled.number < count:
        await fake.click(reply, label="Next", user="alice")
        assert f"episode {titled.number + 1}" in live(reply).embeds[0]["title"]


async def test_autocomplete_for_season_and_episode(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    seasons = await content_store.list_seasons(bot.store)
    choices = await fake.autocomplete("recap", season="")
    assert [c["value"] for c in choices] == [s.number for s in seasons]
    assert all(str(s.year) in c["name"] for c, s in zip(choices, seasons, strict=True))
    narrowed = await fake.autocomplete("recap", season=str(seasons[2].year))
    assert [c["value"] for c in narrowed] == [seasons[2].number]

    titled = next(e for s in seasons for e in s.episodes if e.title)
    episodes = await fake.autocomplete("recap", focused="episode", season=titled.season, episode="")
    season = next(s for s in seasons if s.number == titled.season)
    assert [c["value"] for c in episodes] == [e.number for e in season.episodes]
    assert f"Episode {titled.number}: {titled.title}" in [c["name"] for c in episodes]


async def test_unknown_episode_gets_a_clear_ephemeral_reply(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    season = await content_store.get_season(bot.store, 1)
    assert season is not None
    reply = await fake.slash("recap", season=1, episode=len(season.episodes) + 1, user="alice")
    assert reply.ephemeral
    assert f"Season 1 has no episode {len(season.episodes) + 1}" in reply.content
