"""Button views built once and reused between answers that show the same buttons.

Why: building a View (its Button, each DynamicItem checking its custom id against its template,
the row layout) is a good part of our own CPU per /trivia leaderboard or /recap answer, and the
buttons only depend on a few numbers (which page, which user may turn it).

Why reuse is safe: a view with no timeout whose items are all DynamicItems is not changed by
sending it in a public message: discord.py finds such items by their custom id pattern and keeps
nothing per message. Only an EPHEMERAL send changes a view (it gets a 15-minute timeout), so
callers reuse views for public answers only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

import discord

LIMIT = 1024
"""Views kept; the least recently used goes first (keys include user ids, so they are unbounded)."""


class ViewCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self._views: OrderedDict[Hashable, discord.ui.View] = OrderedDict()
        self._limit = limit

    def get(self, key: Hashable, build: Callable[[], discord.ui.View]) -> discord.ui.View:
        """The view for `key`, built by `build()` the first time; never change what it returns."""
        view = self._views.get(key)
        if view is not None and view.timeout is None and not view.is_finished():
            self._views.move_to_end(key)
            return view
        view = build()
        self._views[key] = view
        if len(self._views) > self._limit:
            self._views.popitem(last=False)
        return view

    def __len__(self) -> int:
        return len(self._views)
