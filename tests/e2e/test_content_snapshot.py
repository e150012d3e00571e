"""The content snapshot end to end: a pack imported by another process is served once the bot
notices it, whole; /spoilers changes what the next answer hides at once (write-through)."""

from dataclasses import replace

from bot.app import LittleThingsBot
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import load_pack
from bot.localdiscord import LocalDiscord
from bot.store import Store
from bot.store import content as content_store
from tests.e2e.test_trivia_community import SUGGESTION

NEW_TAGLINE = "A tagline written by this test"


def tagline(embed: dict) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == "Tagline")


async def test_a_pack_imported_by_another_process_is_served_after_the_check(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    before = await fake.slash("recap", season=1, user="alice")
    assert tagline(before.embed) != NEW_TAGLINE
    assert not await bot.check_content()  # nothing imported since start

    loaded = load_pack(DEFAULT_CONTENT_DIR)
    assert loaded.pack is not None
    edited = replace(loaded.pack, seasons=tuple(
        replace(s, tagline=NEW_TAGLINE) if s.number == 1 else s for s in loaded.pack.seasons
    ))
    other = await Store.open(bot.store.path)  # what `python -m bot content import` does, from its own process
    try:
        await content_store.import_pack(other, edited, "a-new-fingerprint")
    finally:
        await other.close()

    served = await fake.slash("recap", season=1, user="alice")
    assert tagline(served.embed) == tagline(before.embed)  # the old snapshot, whole, until the swap
    old = bot.content
    assert await bot.check_content()
    assert bot.content is not old and old.season(1).tagline == tagline(before.embed)  # type: ignore[union-attr]
    after = await fake.slash("recap", season=1, user="alice")
    assert tagline(after.embed) == NEW_TAGLINE
    assert not await bot.check_content()


async def test_spoilers_take_effect_on_the_next_answer(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    open_card = await fake.slash("recap", season=3, user="bob")
    assert "||" not in open_card.text
    await fake.slash("spoilers", season=1, user="bob")
    guarded = await fake.slash("recap", season=3, user="bob")
    assert "||" in guarded.text and "Spoiler guard" in guarded.embed["footer"]["text"]
    unguarded = await fake.slash("recap", season=3, user="alice")  # the same card, another member's view
    assert "||" not in unguarded.text
    await fake.slash("spoilers", off=True, user="bob")
    again = await fake.slash("recap", season=3, user="bob")
    assert again.embed == open_card.embed


async def test_an_approved_community_question_is_counted_by_about_at_once(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    def questions(reply: object) -> str:
        embed = reply.embed  # type: ignore[attr-defined]
        return next(f["value"] for f in embed["fields"] if f["name"].startswith("Content pack")).split(" · ")[-1]

    before = questions(await fake.slash("about", user="alice"))
    form = await fake.slash("trivia suggest", user="alice")
    await fake.submit_modal(form, SUGGESTION, user="alice")
    review = await fake.slash("trivia review", user="you")
    await fake.click(review, "trivia:review:approve:1", user="you")
    after = questions(await fake.slash("about", user="alice"))
    assert int(after.split()[0]) == int(before.split()[0]) + 1
