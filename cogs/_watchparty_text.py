"""Pure text for watch-party and release messages: safe titles, timestamps, list lines, mention chunks.

No discord imports: these are unit-tested on their own (tests/e2e/test_watchparty_text.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from bot import spoilers
from bot.i18n import duration, language_of, t
from bot.scheduling import format_duration
from bot.store.events import PartyListing

MESSAGE_LIMIT = 2000
_SPACE = re.compile(r"\s+")


def safe_title(text: str) -> str:
    """One line, no mention syntax: `@` becomes a full-width `＠`, so `@everyone` or `<@123>` never
    pings even where allowed mentions are wider (a reminder mentioning its Going members)."""
    return _SPACE.sub(" ", text).strip().replace("@", "\uff20")


def stamp(moment: datetime, style: str = "F") -> str:
    """Discord renders `<t:…:F>` in each reader's own zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def when_line(moment: datetime) -> str:
    return f"{stamp(moment, 'F')} ({stamp(moment, 'R')})"


@lru_cache(maxsize=4096)
def listing_line(party: PartyListing, locale: str, watched: int | None) -> str:
    """One party's line of `/watchparty list`, remembered by everything it shows (the listing, the
    reader's language and spoiler level): a page is mostly the same 25 lines, asked for again and again
    until a party or its RSVPs change, and writing a line costs more than finding it."""
    repeat = " · " + t(locale, "watchparty.weekly") if party.repeat == "weekly" else ""
    title = spoilers.party_title(f"**{party.title}**", party.season, watched)
    return (f"`#{party.id}` {title}: {when_line(party.starts_at)} · "
            + t(locale, "watchparty.going_count", count=party.going) + repeat)


def episode_label(
    season: int | None, episode: int | None, title: str | None = None, *, locale: str = "en"
) -> str | None:
    if season is None:
        return None
    label = (t(locale, "cards.episode_label", season=season, episode=episode) if episode is not None
             else t(locale, "cards.season_n", season=season))
    return f"{label}: {safe_title(title)}" if title else label


def reminder_headline(
    title: str, starts_at: datetime, offset: timedelta, *, missed: int = 0, locale: str = "en"
) -> str:
    """`⏰ **Title** starts in 1 hour — <t:…:F>`; at offset 0 it is starting now. In the server's language."""
    if offset <= timedelta(0):
        line = t(locale, "watchparty.starting_now", title=title)
    else:
        span = format_duration(offset) if language_of(locale) == "en" else duration(locale, offset)
        line = t(locale, "watchparty.starts_in", title=title, duration=span, when=when_line(starts_at))
    if missed:
        line += "\n-# " + t(locale, "watchparty.missed", count=missed)
    return line


def mention_chunks(header: str, user_ids: Sequence[int], *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The header plus `<@id>` mentions, split into messages each shorter than `limit`.

    The header opens the first message; mentions fill messages in order, never split.
    """
    if len(header) >= limit:
        raise ValueError("the header alone is too long")
    messages: list[str] = []
    current = header
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        sep = "\n" if current == header else " "
        if len(current) + len(sep) + len(mention) >= limit:
            messages.append(current)
            current, sep = "", ""
        current += sep + mention
    messages.append(current)
    return messages


def clip_lines(lines: Sequence[str], *, limit: int = 1024, empty: str = "None") -> str:
    """Join lines for an embed field, dropping the tail (with a count) past `limit` characters."""
    if not lines:
        return empty
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        rest = len(lines) - index
        tail = f"…and {rest} more"
        if (used + len(line) + 1 + len(tail) > limit and index < len(lines) - 1) or used + len(line) > limit:
            out.append(tail)
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def pack_release_at(day: date | datetime) -> datetime:
    """Pack releases may be a bare date: read it as that day's start in UTC."""
    if isinstance(day, datetime):
        return day
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
