"""A member whose Discord is in Hindi, end to end: recap, trivia game, an error, a reminder.

Alice's client sends `locale: hi` on her interactions; bob's stays `en-US`. Everything asked for
by alice answers in Hindi, with the show's content in the pack's Hindi where it has it and whole
English sentences where it does not; bob keeps English throughout.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, Message, run_bot
from bot.store.trivia import TriviaStore

ANSWER_WINDOW = timedelta(seconds=20)


def pack_seasons() -> dict[int, dict]:
    with (DEFAULT_CONTENT_DIR / "seasons.toml").open("rb") as fh:
        return {s["number"]: s for s in tomllib.load(fh)["season"]}


def pack_questions() -> dict[str, dict]:
    questions: dict[str, dict] = {}
    for path in sorted((DEFAULT_CONTENT_DIR / "trivia").glob("*.toml")):
        with path.open("rb") as fh:
            questions.update({q["id"]: q for q in tomllib.load(fh)["question"]})
    return questions


def squash(text: str) -> str:
    return " ".join(text.split())


def as_hindi_member(fake: LocalDiscord, name: str = "alice") -> None:
    fake.user(name).locale = "hi"


async def test_a_recap_in_hindi_and_the_same_recap_in_english(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    as_hindi_member(fake)
    season = pack_seasons()[2]
    reply = await fake.slash("recap", season=2, user="alice")
    embed = reply.embed
    assert embed["title"] == "Little Things — सीज़न 2 (2018)"
    assert squash(embed["description"]) == squash(season["recap_hi"])
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["साल"] == "2018" and fields["टैगलाइन"] == season["tagline_hi"]
    assert embed["footer"]["text"] == "4 में से सीज़न 2"
    assert [b["label"] for b in reply.buttons] == ["पिछला", "अगला"]
    await fake.click(reply, label="अगला", user="alice")
    assert fake.message(reply.message_id).embeds[0]["title"] == "Little Things — सीज़न 3 (2019)"

    english = await fake.slash("recap", season=2, user="bob")
    assert english.embed["title"] == "Little Things — Season 2 (2018)"
    assert squash(english.embed["description"]) == squash(season["recap"])
    assert [b["label"] for b in english.buttons] == ["Previous", "Next"]


async def test_an_error_in_hindi_is_ephemeral(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    as_hindi_member(fake)
    reply = await fake.slash("recap", season=1, episode=9, user="alice")
    assert reply.ephemeral
    assert reply.content == "सीज़न 1 में एपिसोड 9 नहीं है (इसमें 5 एपिसोड हैं: 1, 2, 3, 4, 5)। क्या आपका मतलब एपिसोड 5 था?"
    refused = await fake.click(await fake.slash("recap", season=1, user="bob"), label="Next", user="alice")
    assert refused.ephemeral and refused.content.startswith("इस सारांश के पन्ने सिर्फ़ वही पलट सकता है")
    assert not refused.message.pings  # type: ignore[union-attr]


@pytest.mark.parametrize("only", ["s1-director", "s1-date"])
async def test_a_trivia_game_started_by_a_hindi_member(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, only: str
) -> None:
    """s1-director has Hindi in the pack and is asked in Hindi; s1-date has none and is asked wholly in English."""
    as_hindi_member(fake)
    questions = pack_questions()
    assert ("question_hi" in questions[only]) == (only == "s1-director")
    await bot.store.execute("UPDATE trivia_questions SET retired = 1 WHERE id != ?", (only,))
    start = await fake.slash("trivia start", rounds=1, season="1", user="alice")
    assert start.content.startswith("🎬 **प्रश्नोत्तरी** (खेल #")
    message: Message = await fake.wait_for_message(
        "general", predicate=lambda m: bool(m.embeds) and m.embeds[0].get("title") == "सवाल 1/1"
    )
    store = TriviaStore(bot.store)
    game = await store.running_game(fake.channel("general").id)
    assert game is not None
    [round_] = await store.game_rounds(game.id)
    assert round_.question_id == only
    pack = questions[only]
    labels = [b["label"] for b in message.buttons if ":answer:" in b["custom_id"]]
    if "question_hi" in pack:  # the whole question in Hindi
        assert message.embeds[0]["description"] == pack["question_hi"]
        assert sorted(labels) == sorted([pack["answer_hi"], *pack["wrong_hi"]])
        answer = pack["answer_hi"]
    else:  # no Hindi for it: the whole question in English, never half and half
        assert message.embeds[0]["description"] == pack["question"]
        assert sorted(labels) == sorted([pack["answer"], *pack["wrong"]])
        answer = pack["answer"]
    right = next(b["custom_id"] for b in message.buttons if b["label"] == answer)
    ack = await fake.click(message, right, user="alice")
    assert ack.ephemeral and ack.content == f"पक्का हुआ: **{answer}**। समय पूरा होने पर जवाब दिखाया जाएगा।"
    bob_ack = await fake.click(message, right, user="bob")
    assert bob_ack.ephemeral and bob_ack.content.startswith("Locked in")
    mark = fake.mark()
    await clock.advance(ANSWER_WINDOW)
    final_title = "प्रश्नोत्तरी: आख़िरी नतीजे"
    final = await fake.wait_for_message(
        "general", after=mark, predicate=lambda m: bool(m.embeds) and m.embeds[0].get("title") == final_title
    )
    assert "सारे सवाल पूछे जा चुके।" in final.embeds[0]["description"]
    reveal = fake.message(message.id).embeds[0]
    assert reveal["title"] == "सवाल 1/1 · बंद"
    assert any(f["name"] == "सही" and f"<@{fake.user('alice').id}>" in f["value"] for f in reveal["fields"])


async def test_a_reminder_in_the_servers_language(fake: LocalDiscord, config: Config, clock: VirtualClock) -> None:
    """A reminder has no interaction: it follows the server's Discord locale (guild_locale)."""
    fake.guild.locale = "hi"
    as_hindi_member(fake)
    async with run_bot(fake, config, clock=clock) as bot:
        mark = fake.mark()
        reply = await fake.slash("watchparty create", title="S2 rewatch", when="in 2 hours", timezone="UTC",
                                 reminders="1h", user="bob")
        assert reply.ephemeral
        announcement = await fake.wait_for_message("general", after=mark, predicate=lambda m: bool(m.embeds))
        assert announcement.embeds[0]["description"].startswith("शुरू: <t:")  # a channel post: the server's language
        assert [b["label"] for b in announcement.buttons] == ["आ रहे हैं", "शायद", "नहीं आ पाएँगे"]
        await fake.click(announcement, label="आ रहे हैं", user="alice")
        listed = await fake.slash("watchparty list", user="alice")
        assert listed.embed["title"] == "आने वाली वॉच पार्टियाँ" and "1 आ रहे हैं" in listed.embed["description"]
        created = await fake.slash("watchparty create", title="Finale", when="2026-03-04 20:00",
                                   timezone="Asia/Kolkata", user="alice")
        assert created.content.startswith("वॉच पार्टी #2 **Finale** तय है: <t:")
        assert "(बुध 4 मार्च 2026, 20:00 IST (Asia/Kolkata))" in created.content
        await clock.advance(timedelta(hours=1))
        await bot.timers.wait_idle()
        [reminder] = [m for m in fake.sent_messages("general")
                      if m.id > announcement.id and not m.ephemeral and not m.embeds]
        assert reminder.content.startswith("⏰ **S2 rewatch** शुरू होने में 1 घंटा बाकी: <t:")
        assert reminder.pings.users == (fake.user("alice").id,)


async def test_settings_language_pins_the_posts_language(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    """A moderator's `/settings language` choice wins over the server's Discord locale for posts."""
    reply = await fake.slash("settings language", language="hi", user="you")
    assert "हिन्दी" in reply.content
    mark = fake.mark()
    await fake.slash("watchparty create", title="Finale", when="in 2 hours", timezone="UTC", reminders="10m",
                     user="you")
    announcement = await fake.wait_for_message("general", after=mark, predicate=lambda m: bool(m.embeds))
    rsvp = await fake.click(announcement, label="आ रहे हैं", user="bob")
    assert rsvp.kind == "update"
    await clock.advance(timedelta(hours=1, minutes=50))
    await bot.timers.wait_idle()
    [reminder] = [m for m in fake.sent_messages("general") if m.id > announcement.id and not m.ephemeral]
    assert "शुरू होने में 10 मिनट बाकी" in reminder.content
    back = await fake.slash("settings language", language="auto", user="you")
    assert "English" in back.content


async def test_a_typed_game_accepts_the_hindi_answer_the_pack_lists(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    """In bob's English typed game, alice answers "Mumbai" in Devanagari (the pack lists मुंबई) and wins."""
    as_hindi_member(fake)
    pack = pack_questions()["show-city"]
    assert pack["answer"] == "Mumbai" and "मुंबई" in (pack["answer_hi"], *pack.get("aliases_hi", []))
    async with run_bot(fake, config.with_overrides(typed_trivia=True), clock=clock) as bot:
        # A moderator has retired every other question, so this game asks exactly this one.
        await bot.store.execute("UPDATE trivia_questions SET retired = 1 WHERE id != 'show-city'")
        await fake.slash("trivia start", rounds=1, mode="typed", user="bob")
        message = await fake.wait_for_message(
            "general", predicate=lambda m: bool(m.embeds) and m.embeds[0].get("title") == "Question 1 of 1")
        assert message.embeds[0]["description"] == pack["question"]  # bob's game is in English
        await fake.say("general", "नवी मुंबई", user="bob")  # whole words only, in any script
        await fake.say("general", "मुंबई", user="alice")
        await fake.wait_until(lambda: "closed" in message.text, what="the reveal after a Hindi answer")
        assert f"<@{fake.user('alice').id}> +" in message.text
        assert f"<@{fake.user('bob').id}> +" not in message.text


async def test_release_dms_reach_each_member_in_their_own_language(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    """A DM has no interaction: it goes out in the language the member's Discord was in when they asked."""
    as_hindi_member(fake)
    asked = await fake.slash("remindme release", user="alice")
    assert asked.ephemeral and asked.content.startswith("मैं आपको रिलीज़ से 1 दिन, 1 घंटा, 10 मिनट पहले")
    await fake.slash("remindme release", user="bob")
    await fake.slash("release add", title="Season 5 trailer", when="2026-03-04 12:00", timezone="UTC", user="you")
    await clock.advance(timedelta(hours=18))  # 24 h before
    await bot.timers.wait_idle()
    [hindi] = fake.dm_messages("alice")
    assert hindi.content.startswith("🔔 **Season 5 trailer** की रिलीज़ में 1 दिन बाकी: <t:")
    assert "/remindme release" in hindi.content and "आपने यह" in hindi.content
    [english] = fake.dm_messages("bob")
    assert english.content.startswith("🔔 **Season 5 trailer** comes out in 1 day: <t:")


async def test_autocomplete_speaks_hindi_to_a_hindi_member(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    as_hindi_member(fake)
    seasons = await fake.autocomplete("recap", season="", user="alice")
    assert seasons[0]["name"] == "सीज़न 1 (2016, YouTube)"
    episodes = await fake.autocomplete("recap", focused="episode", season=1, episode="", user="alice")
    assert episodes[0]["name"].startswith("एपिसोड 1")
    english = await fake.autocomplete("recap", focused="episode", season=1, episode="", user="bob")
    assert english[0]["name"].startswith("Episode 1")


async def test_question_of_the_day_in_a_hindi_server(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    """`/settings language hi`: the daily question is posted in Hindi; alice is answered in Hindi, bob in English."""
    as_hindi_member(fake)
    await fake.slash("settings language", language="hi", user="you")
    await bot.store.execute("UPDATE trivia_questions SET retired = 1 WHERE id != 'show-city'")
    setup = await fake.slash("qotd setup", time="20:00", timezone="Asia/Kolkata", options={"channel": "general"},
                             user="you")
    assert setup.content.startswith("Question of the day is on")  # the moderator's own Discord is in English
    now = await fake.slash("qotd now", user="you")
    assert now.ephemeral
    [post] = [m for m in fake.sent_messages("general") if m.embeds and "आज का सवाल ·" in m.embeds[0]["title"]]
    pack = pack_questions()["show-city"]
    assert post.embeds[0]["description"] == pack["question_hi"]
    labels = [b["label"] for b in post.buttons]
    assert sorted(labels) == sorted([pack["answer_hi"], *pack["wrong_hi"]])
    right = next(b["custom_id"] for b in post.buttons if b["label"] == pack["answer_hi"])
    ack = await fake.click(post, right, user="alice")
    assert ack.ephemeral and ack.content.startswith("पक्का हुआ: **") and "मुंबई**" in ack.content
    bob = await fake.click(post, right, user="bob")
    assert bob.ephemeral and bob.content.startswith("Locked in")
    streak = await fake.slash("qotd streak", user="alice")
    assert "सिलसिला" in streak.content
