"""Dropping gateway dispatches that Discord delivers twice.

Discord may deliver the same INTERACTION_CREATE again, for instance when a RESUME replays events
the bot had already handled before its socket dropped. Handling it twice answers one interaction
twice (Discord refuses the second answer with 40060 "already acknowledged" and the log fills with
errors) and, worse, runs the action twice: a second trivia score, a second RSVP message. The same
goes for MESSAGE_CREATE in typed trivia, where a replayed guess would be scored again.

Snowflake ids are unique, so "have I seen this id" is the whole test. A bounded, in-memory set is
enough: replays come within seconds of the original (the resume window), never after thousands of
newer events, and a restart starts a new gateway session, which Discord never replays into. Keeping
it out of the database keeps the check off the hot path (a dict lookup before any handler runs).

This module knows nothing about discord.py: `guard_parsers` wraps entries of the parser table
(event name → function of the raw payload) that the bot installs before it connects.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_CAPACITY = 10_000
"""Ids remembered per event kind: far more than any resume window replays (at most a few hundred)."""
GUARDED_EVENTS = ("INTERACTION_CREATE", "MESSAGE_CREATE")


class RecentIds:
    """The last `capacity` ids seen, oldest forgotten first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, item_id: str) -> bool:
        """Remember `item_id`; True if it was not among the recent ids."""
        if item_id in self._ids:
            return False
        self._ids[item_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)


class ReplayGuard:
    """One `RecentIds` per guarded event, and a count of the replays dropped (for /about and logs)."""

    def __init__(self, events: Iterable[str] = GUARDED_EVENTS, capacity: int = DEFAULT_CAPACITY) -> None:
        self.seen = {event: RecentIds(capacity) for event in events}
        self.dropped: dict[str, int] = dict.fromkeys(self.seen, 0)

    def admit(self, event: str, payload: Any) -> bool:
        """True if the dispatch should be handled: not guarded, without an id, or a first delivery."""
        recent = self.seen.get(event)
        if recent is None or not isinstance(payload, dict) or payload.get("id") is None:
            return True
        if recent.first_time(str(payload["id"])):
            return True
        self.dropped[event] += 1
        log.info("dropped a replayed %s (id %s): it was already handled", event, payload["id"])
        return False


def guard_parsers(parsers: MutableMapping[str, Callable[[Any], Any]], guard: ReplayGuard) -> None:
    """Wrap the parser of each guarded event so a replayed dispatch never reaches it."""
    for event in guard.seen:
        original = parsers.get(event)
        if original is None:
            continue

        def guarded(payload: Any, _event: str = event, _original: Callable[[Any], Any] = original) -> Any:
            if guard.admit(_event, payload):
                return _original(payload)
            return None

        parsers[event] = guarded
