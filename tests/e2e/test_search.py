"""/search and /fact end to end: ranked hits with snippets, helpful replies, no repeats."""

import itertools

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.store import content as content_store


async def test_search_shows_ranked_hits_with_snippets(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    hits = await content_store.search(bot.store, "Nagpur", limit=8)
    assert hits
    reply = await fake.slash("search", query="Nagpur", user="alice")
    assert not reply.ephemeral
    fields = reply.embed["fields"]
    assert len(fields) == len(hits)
    for field, hit in zip(fields, hits, strict=True):
        assert field["name"].endswith(hit.title)
        assert field["value"] == " ".join(hit.snippet.split())
        assert "**Nagpur**" in field["value"]
    assert reply.embed["footer"]["text"].startswith(f"{len(hits)} result")


async def test_search_is_safe_with_fts_syntax(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("search", query='Mumbai" OR NEAR(', user="alice")
    assert reply.embed["fields"]


async def test_empty_or_nonsense_queries_get_help(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    punctuation = await fake.slash("search", query="?!", user="alice")
    assert punctuation.ephemeral and "at least one word" in punctuation.content
    assert "Try a character's name" in punctuation.content
    nonsense = await fake.slash("search", query="qwzxv", user="alice")
    assert nonsense.ephemeral and "Nothing in the recaps, facts or cast matches 'qwzxv'" in nonsense.content
    typo = await fake.slash("search", query="Mithilaa Plkar zzz", user="alice")
    assert typo.ephemeral and "Did you mean" in typo.content and "Mithila Palkar" in typo.content


async def test_search_ephemeral_option(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("search", query="Netflix", ephemeral=True, user="alice")
    assert reply.ephemeral and reply.embed["fields"]


async def test_fact_never_repeats_in_a_row_in_a_channel(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    shown = []
    for _ in range(12):
        reply = await fake.slash("fact", user="alice")
        shown.append(reply.embed["description"])
        assert reply.embed["footer"]["text"].startswith("Source: ")
    assert all(a != b for a, b in itertools.pairwise(shown))
    assert len(set(shown)) > 1


async def test_fact_by_topic_and_its_autocomplete(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    topics = await content_store.fact_topics(bot.store)
    choices = await fake.autocomplete("fact", topic="")
    assert [c["value"] for c in choices] == topics
    narrowed = await fake.autocomplete("fact", topic="behind")
    assert [c["value"] for c in narrowed] == [t for t in topics if "behind" in t]
    topic = topics[0]
    for _ in range(3):
        reply = await fake.slash("fact", topic=topic, user="bob")
        assert reply.embed["title"].startswith(f"Did you know? ({topic.replace('-', ' ')}")
    unknown = await fake.slash("fact", topic="nope", user="bob")
    assert unknown.ephemeral and "There are no facts about 'nope'" in unknown.content

