"""The playground's renderer: Discord markup as a person sees it, drawn to plain text."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console

from bot.localdiscord import Message, User
from bot.play.render import Names, Renderer, format_timestamp, inline_text, relative_time

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
IST = ZoneInfo("Asia/Kolkata")
NAMES = Names(user=lambda i: {1: "alice"}.get(i, "?"), role=lambda i: "Moderator", channel=lambda i: "general")


def plain(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, width=80, no_color=True, emoji=False).print(renderable)
    return out.getvalue()


def test_timestamps_in_the_local_zone_and_relative_to_the_clock() -> None:
    at = int((NOW + timedelta(hours=2)).timestamp())
    assert format_timestamp(at, "F", NOW, IST) == "Tuesday, 3 March 2026 01:30"
    assert format_timestamp(at, "t", NOW, IST) == "01:30"
    assert format_timestamp(at, "R", NOW, IST) == "in 2 hours"
    assert relative_time(NOW - timedelta(days=3), NOW) == "3 days ago"
    assert relative_time(NOW + timedelta(minutes=1), NOW) == "in 1 minute"


def test_mentions_timestamps_and_spoilers_inline() -> None:
    at = int(NOW.timestamp())
    text = f"<@1> see <#5> <@&9> at <t:{at}:t> ||Kavya moves||"
    hidden = inline_text(text, NAMES, NOW, IST, reveal=False).plain
    assert hidden.startswith("@alice see #general @Moderator at 23:30 ")
    assert "Kavya moves" not in hidden and "spoiler" in hidden
    assert "Kavya moves" in inline_text(text, NAMES, NOW, IST, reveal=True).plain


def test_bold_and_code_lose_their_markers() -> None:
    assert inline_text("**A.** Netflix `x`", NAMES, NOW, None, reveal=False).plain == "A. Netflix x"


def test_message_with_embed_buttons_and_ephemeral_marker() -> None:
    bot = User(99, "littlethings", "Little Things Bot", bot=True)
    message = Message(
        id=7,
        channel_id=5,
        guild_id=3,
        author=bot,
        created_at=NOW,
        embeds=[
            {
                "title": "Season 2",
                "description": "The honeymoon phase is over.",
                "color": 0xE67E22,
                "fields": [{"name": "Year", "value": "2018", "inline": True}, {"name": "Cast", "value": "Two"}],
                "footer": {"text": "Season 2 of 4"},
            }
        ],
        components=[
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "Previous", "custom_id": "p", "disabled": True},
                    {"type": 2, "style": 1, "label": "Next", "custom_id": "n"},
                ],
            }
        ],
        flags=1 << 6,
        visible_to=1,
    )
    renderer = Renderer(Console(), NAMES, lambda: NOW, IST)
    text = plain(renderer.message(message, ref="m3", viewer=1, current_channel=5))
    lines = text.splitlines()
    assert lines[0].startswith("[m3] Little Things Bot BOT")
    assert "(only alice can see this)" in lines[0]
    assert "▌ Season 2" in text and "▌ Year: 2018" in text and "▌ Cast" in text and "▌ Season 2 of 4" in text
    assert "[1 Previous (disabled)] [2 Next]" in text
