"""The spoiler guard over every command that shows show content, for a member at every spoiler level.

The oracle is independent of the rule in `bot.spoilers`: it lists, straight from the content pack, the
text that belongs to each season (recaps, taglines, places, runtimes, episode titles and summaries,
arcs, season facts, character descriptions) plus plot words that only later seasons contain
("Kerala", "Finland"…). For a member who has watched up to Season W, no such text of a later season
may be readable without clicking: everything inside `||spoiler tags||` is taken out before looking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest

from bot.app import LittleThingsBot
from bot.config import DEFAULT_CONTENT_DIR
from bot.content.loader import load_pack
from bot.content.models import ContentPack
from bot.localdiscord import LocalDiscord, Message, Reply
from bot.store.trivia import TriviaStore

LEVELS = [None, 0, 1, 2, 3, 4]
PLOT_WORDS = {
    3: ("Bangalore", "Bengaluru", "Finland", "long distance"),
    4: ("Kerala", "Munnar", "Alleppey", "Kochi", "engaged", "engagement", "pinched nerve", "turns 30"),
}
SEARCHES = ("Kerala", "Finland", "Nagpur", "wedding", "Sanket", "engaged", "Mumbai", "Bangalore", "job",
            "long distance", "marriage", "Little Things")
NAMES_TYPED = ("kav", "dhruv", "san", "sat", "a", "mom", "k")
_TAGGED = re.compile(r"\|\|.*?\|\|", re.DOTALL)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _pack() -> ContentPack:
    loaded = load_pack(DEFAULT_CONTENT_DIR)
    assert loaded.pack is not None
    return loaded.pack


PACK = _pack()


def secrets(pack: ContentPack) -> list[tuple[int, str]]:
    """(season, text) for every text of the pack that belongs to one season."""
    found: list[tuple[int, str]] = []
    earlier: list[Any] = []
    for season in pack.seasons:
        n = season.number
        found += [(n, season.tagline), *((n, p) for p in season.recap_paragraphs)]
        if all(season.runtime != s.runtime for s in earlier):
            found.append((n, season.runtime))
        places = ", ".join(season.settings)
        show_wide = _norm(f"{pack.show.premise} {pack.show.description}")
        if all(season.settings != s.settings for s in earlier) and _norm(places) not in show_wide:
            found.append((n, places))
        for episode in season.episodes:
            found += [(n, text) for text in (episode.title, episode.summary) if text]
        earlier.append(season)
    for character in pack.characters:
        found += [(arc.season, arc.text) for arc in character.arcs]
        found.append((min(character.seasons), character.description))
    found += [(fact.season, fact.text) for fact in pack.facts if fact.season]
    for season, words in PLOT_WORDS.items():
        found += [(season, word) for word in words]
    return found


SECRETS = secrets(PACK)


def readable(messages: Iterable[Message | str]) -> str:
    """What a reader sees without clicking a spoiler: all text, spoiler-tagged parts taken out."""
    texts = []
    for message in messages:
        if isinstance(message, str):
            texts.append(message)
            continue
        texts.append(message.text)
        texts.extend(str(b.get("label", "")) for b in message.buttons)
    return _norm(_TAGGED.sub(" ", "\n".join(texts)))


def leaks(text: str, watched: int | None) -> list[str]:
    if watched is None:
        return []
    return [f"Season {season}: {secret[:60]!r}" for season, secret in SECRETS
            if season > watched and _norm(secret) in text]


def messages_of(reply: Reply) -> list[Message]:
    found = [reply.message] if reply.message is not None else []
    return found + [m for m in reply.interaction.followups if m not in found]


async def member_at(fake: LocalDiscord, level: int | None) -> str:
    if level is not None:
        await fake.slash("spoilers", season=level, ephemeral=True, user="alice")
    return "alice"


def check(level: int | None, what: str, text: str) -> None:
    found = leaks(text, level)
    assert not found, f"{what} at spoiler level {level} shows later seasons' text: {found}"


# -- one group of commands per test, at each level -------------------------------------------------


async def recaps(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    for season in range(1, 5):
        reply = await fake.slash("recap", season=season, user=who)
        check(level, f"/recap season:{season}", readable(messages_of(reply)))
    pages = await fake.slash("recap", season=1, user=who)
    for _ in range(3):
        await fake.click(pages, label="Next", user=who)
        check(level, "/recap turned with Next", readable([pages.message]))  # type: ignore[list-item]
    for season, episode in ((2, 7), (4, 1), (3, 2)):
        reply = await fake.slash("recap", season=season, episode=episode, user=who)
        check(level, f"/recap season:{season} episode:{episode}", readable(messages_of(reply)))
    for season in range(1, 5):
        choices = await fake.autocomplete("recap", season=season, episode="", user=who)
        check(level, f"/recap season:{season} episode autocomplete", readable(c["name"] for c in choices))


async def cast(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    reply = await fake.slash("cast", user=who)
    check(level, "/cast", readable(messages_of(reply)))
    for person in PACK.people:
        reply = await fake.slash("cast", name=f"person:{person.id}", user=who)
        check(level, f"/cast {person.name}", readable(messages_of(reply)))
    for character in PACK.characters:
        reply = await fake.slash("character", name=f"character:{character.id}", user=who)
        check(level, f"/character {character.name}", readable(messages_of(reply)))
        reply = await fake.slash("cast", name=f"character:{character.id}", user=who)
        check(level, f"/cast {character.name}", readable(messages_of(reply)))


async def names(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    firsts = {c.id: min(c.seasons) for c in PACK.characters}
    for typed in NAMES_TYPED:
        for command in ("cast", "character"):
            choices = await fake.autocomplete(command, name=typed, user=who)
            check(level, f"/{command} autocomplete {typed!r}", readable(c["name"] for c in choices))
            offered = [c["value"].split(":", 1)[1] for c in choices if c["value"].startswith("character:")]
            later = [c for c in offered if level is not None and firsts[c] > level]
            assert not later, f"/{command} autocomplete {typed!r} at level {level} offers {later}"
    # Did-you-mean after a failed lookup follows the same rule (Sanket first appears in Season 3).
    for command in ("character", "cast"):
        reply = await fake.slash(command, name="Sanqet", user=who)
        assert reply.ephemeral
        assert ("**Sanket**" in reply.content) == (level is None or level >= 3), (command, level, reply.content)


async def search(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    for query in SEARCHES:
        reply = await fake.slash("search", query=query, user=who)
        echoed = _norm(f"Search: {query}")  # the card's title repeats what the member typed
        check(level, f"/search {query}", readable(messages_of(reply)).replace(echoed, ""))


async def facts(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    topics = sorted({fact.topic for fact in PACK.facts})
    for topic in topics:
        for _ in range(6):
            reply = await fake.slash("fact", topic=topic, user=who)
            check(level, f"/fact topic:{topic}", readable(messages_of(reply)))
    for _ in range(10):
        reply = await fake.slash("fact", user=who)
        check(level, "/fact", readable(messages_of(reply)))


async def trivia(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    store = TriviaStore(bot.store)
    if level == 0:
        reply = await fake.slash("trivia start", rounds=50, user=who)
        assert reply.ephemeral and "spoiler setting" in reply.content  # nothing is left to ask
        return
    await fake.slash("trivia start", rounds=50, user=who)
    game = await store.running_game(fake.channel("general").id)
    assert game is not None
    seasons = {q.season or 0 for q in await store.get_questions(game.question_ids)}
    assert level is None or max(seasons) <= level, (level, seasons)
    first = await fake.wait_for_message("general", predicate=lambda m: bool(m.embeds) and "Question 1" in m.text)
    check(level, "the first trivia question", readable([first]))
    await fake.slash("trivia stop", user=who)
    quick = await fake.slash("trivia question", user=who)
    check(level, "/trivia question", readable(messages_of(quick)))


async def parties(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    await fake.slash("watchparty create", title="Kerala trip rewatch", when="in 2 hours", season=4, user="you")
    created = await fake.slash("watchparty create", title="Bucket night", when="in 3 hours", season=2, episode=7,
                               user="you")
    assert created.ephemeral
    announcement = fake.sent_messages("general")[-1]
    assert "Baalti Aur Magga" not in readable([announcement]).title()  # public: behind tags for everyone
    who = await member_at(fake, level)
    listing = await fake.slash("watchparty list", user=who)
    check(level, "/watchparty list", readable(messages_of(listing)))
    choices = await fake.autocomplete("watchparty cancel", party="", user=who)
    check(level, "/watchparty cancel autocomplete", readable(c["name"] for c in choices))


async def show(fake: LocalDiscord, bot: LittleThingsBot, level: int | None) -> None:
    who = await member_at(fake, level)
    for command in ("about", "releases", "countdown"):
        reply = await fake.slash(command, user=who)
        check(level, f"/{command}", readable(messages_of(reply)))


GROUPS = {f.__name__: f for f in (recaps, cast, names, search, facts, trivia, parties, show)}


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: f"watched-{lv}")
@pytest.mark.parametrize("group", list(GROUPS))
async def test_spoiler_guard_over_every_command(
    fake: LocalDiscord, bot: LittleThingsBot, group: str, level: int | None
) -> None:
    await GROUPS[group](fake, bot, level)


def test_the_oracle_would_see_a_leak() -> None:
    """Without tags, a later season's places are a leak; inside tags they are not."""
    places = ", ".join(PACK.seasons[3].settings)
    assert leaks(readable([f"Set in: {places}"]), 1)
    assert not leaks(readable([f"Set in: ||{places}||"]), 1)
    assert not leaks(readable([f"Set in: {places}"]), None)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_no_shipped_question_gives_a_later_season_away(level: int) -> None:
    """Trivia a member starts asks only questions up to their season; not even a wrong choice may name later plot."""
    for question in PACK.questions:
        if (question.season or 0) <= level:
            text = readable([" ".join((question.question, question.answer, *question.wrong))])
            assert not leaks(text, level), (question.id, leaks(text, level))
