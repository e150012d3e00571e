"""Posts Discord refused to make on someone's behalf, in words, remembered once.

When the bot posts for a member (a trivia question, a watch-party announcement or reminder, a
release announcement) and Discord answers 403 or 404, the member who started it must learn what is
wrong and where, and a moderator must be able to see it, once: a reminder that fails every hour
must not fill the log. `explain` turns Discord's status and error code into a sentence naming the
missing permission; `RefusalBook` remembers recent refusals per server (for `/about`) and says
whether one is new (so the caller logs it at WARNING only then).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import t

MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_CHANNEL = 10003
KEEP_PER_GUILD = 10


def explain(status: int, code: int, where: str, locale: object = "en") -> str:
    """What is wrong, for a person in their language: `where` names the channel (a mention or `#name`)."""
    if status == 404:
        return t(locale, "refusals.not_found", where=where)
    if code == MISSING_ACCESS:
        return t(locale, "refusals.no_access", where=where)
    if status == 403:
        return t(locale, "refusals.forbidden", where=where)
    return t(locale, "refusals.other", where=where, status=status, code=code)


@dataclass(frozen=True)
class Refusal:
    guild_id: int
    channel_id: int
    what: str
    """What was being posted: `trivia question`, `watch-party reminder`, `release announcement`…"""
    status: int
    code: int
    at: datetime

    @property
    def key(self) -> tuple[int, str, int, int]:
        return (self.channel_id, self.what, self.status, self.code)

    def explain(self, locale: object = "en") -> str:
        return explain(self.status, self.code, f"<#{self.channel_id}>", locale)


class RefusalBook:
    """The last few refusals per server; the same one again only refreshes its time."""

    def __init__(self, keep: int = KEEP_PER_GUILD) -> None:
        self.keep = keep
        self._by_guild: dict[int, OrderedDict[tuple[int, str, int, int], Refusal]] = {}

    def record(self, refusal: Refusal) -> bool:
        """Remember `refusal`; True if it is new (not already among this server's recent ones)."""
        recent = self._by_guild.setdefault(refusal.guild_id, OrderedDict())
        new = refusal.key not in recent
        recent.pop(refusal.key, None)
        recent[refusal.key] = refusal
        while len(recent) > self.keep:
            recent.popitem(last=False)
        return new

    def recent(self, guild_id: int) -> list[Refusal]:
        """Newest first."""
        return list(reversed(self._by_guild.get(guild_id, {}).values()))
