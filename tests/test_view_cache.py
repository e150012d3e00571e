"""The reused button views: one build per key, bounded, and never a view an ephemeral send changed."""

from __future__ import annotations

import discord

from cogs._trivia_views import PageButton, persistent_view
from cogs._view_cache import ViewCache


def page_view(page: int) -> discord.ui.View:
    return persistent_view(PageButton("all", page, "prev"), PageButton("all", page + 1, "next"))


async def test_same_key_same_view_other_key_its_own() -> None:
    cache = ViewCache()
    built: list[int] = []

    def build(page: int) -> discord.ui.View:
        built.append(page)
        return page_view(page)

    first = cache.get(("all", 1), lambda: build(1))
    assert cache.get(("all", 1), lambda: build(1)) is first
    other = cache.get(("all", 2), lambda: build(2))
    assert other is not first
    assert built == [1, 2]
    assert [c["custom_id"] for row in other.to_components() for c in row["components"]] == [
        "trivia:lb:all:2:prev", "trivia:lb:all:3:next"]


async def test_least_recently_used_goes_first() -> None:
    cache = ViewCache(limit=2)
    one = cache.get(1, lambda: page_view(1))
    two = cache.get(2, lambda: page_view(2))
    cache.get(1, lambda: page_view(1))  # 1 is now the most recently used
    cache.get(3, lambda: page_view(3))
    assert len(cache) == 2
    assert cache.get(1, lambda: page_view(1)) is one
    assert cache.get(2, lambda: page_view(2)) is not two  # 2 was dropped, so built anew
    assert len(cache) == 2


async def test_a_view_given_a_timeout_is_built_anew() -> None:
    cache = ViewCache()
    first = cache.get("k", lambda: page_view(1))
    first.timeout = 900.0  # what an ephemeral send does to a view
    assert cache.get("k", lambda: page_view(1)) is not first
