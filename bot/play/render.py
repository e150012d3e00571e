"""Drawing messages the way the Discord client shows them, with `rich`, in a terminal.

Embeds get their colour bar, title, fields and footer; `<t:…>` timestamps appear in the local time
zone with the relative part measured on the bot's (virtual) clock; spoilers stay hidden until
revealed; buttons are numbered so `press 2` can name one. On a pipe the same text comes out plain,
which is what a `--script` transcript is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_SPOILER = re.compile(r"\|\|(.+?)\|\|", re.S)
_MARKUP = re.compile(
    r"\|\|(?P<spoiler>.+?)\|\||\*\*(?P<bold>.+?)\*\*|__(?P<under>.+?)__|`(?P<code>[^`]+)`|(?<!\w)\*(?P<italic>[^*\s][^*]*?)\*",
    re.S,
)
_COMMAND_MENTION = re.compile(r"</([\w\- ]+):\d+>")


_BUTTON_STYLES = {1: "bold white on blue", 2: "white on grey37", 3: "bold white on green4", 4: "bold white on red3"}


@dataclass
class Names:
    """How ids read in text: user, role and channel names (callbacks into the stand-in)."""

    user: Callable[[int], str]
    role: Callable[[int], str]
    channel: Callable[[int], str]


def format_timestamp(seconds: int, style: str | None, now: datetime, zone: tzinfo | None) -> str:
    """Discord's `<t:…:style>` as the client shows it, in `zone` (None: the machine's zone)."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    style = style or "f"
    if style == "R":
        return relative_time(moment, now)
    if style == "t":
        return moment.strftime("%H:%M")
    if style == "T":
        return moment.strftime("%H:%M:%S")
    if style == "d":
        return moment.strftime("%d/%m/%Y")
    if style == "D":
        return f"{moment.day} {moment:%B %Y}"
    if style == "F":
        return f"{moment:%A}, {moment.day} {moment:%B %Y} {moment:%H:%M}"
    return f"{moment.day} {moment:%B %Y} {moment:%H:%M}"


def relative_time(moment: datetime, now: datetime) -> str:
    """`in 2 hours` / `3 days ago`, rounded as the Discord client rounds."""
    delta = (moment - now).total_seconds()
    future = delta >= 0
    span = abs(delta)
    steps = (
        (45, "second", 1),
        (45 * 60, "minute", 60),
        (22 * 3600, "hour", 3600),
        (26 * 86400, "day", 86400),
        (320 * 86400, "month", 30 * 86400),
    )
    unit, size = next(((u, z) for limit, u, z in steps if span < limit), ("year", 365 * 86400))
    count = max(1, round(span / size))
    if unit == "second" and span < 10:
        return "now" if span < 1 else ("in a few seconds" if future else "a few seconds ago")
    words = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {words}" if future else f"{words} ago"


def inline_text(text: str, names: Names, now: datetime, zone: tzinfo | None, *, reveal: bool, style: str = "") -> Text:
    """Discord markup → styled rich Text: mentions named, timestamps formatted, spoilers hidden."""
    text = _USER.sub(lambda m: "@" + names.user(int(m.group(1))), text)
    text = _ROLE.sub(lambda m: "@" + names.role(int(m.group(1))), text)
    text = _CHANNEL.sub(lambda m: "#" + names.channel(int(m.group(1))), text)
    text = _EMOJI.sub(lambda m: f":{m.group(1)}:", text)
    text = _COMMAND_MENTION.sub(lambda m: "/" + m.group(1), text)
    text = _TIMESTAMP.sub(lambda m: format_timestamp(int(m.group(1)), m.group(2), now, zone), text)
    out = Text(style=style)
    pos = 0
    for match in _MARKUP.finditer(text):
        out.append(text[pos : match.start()])
        kind = match.lastgroup
        inner = match.group(kind or "")
        if kind == "spoiler":
            if reveal:
                out.append(inner, style="reverse")
            else:
                out.append("█" * min(max(len(inner), 3), 12) + " (spoiler: reveal)", style="grey50")
        elif kind == "bold":
            out.append(inner, style="bold")
        elif kind == "under":
            out.append(inner, style="underline")
        elif kind == "code":
            out.append(inner, style="cyan")
        elif kind == "italic":
            out.append(inner, style="italic")
        pos = match.end()
    out.append(text[pos:])
    return out


def has_spoiler(message: Any) -> bool:
    return any(_SPOILER.search(t) for t in _texts(message))


def _texts(message: Any) -> Iterable[str]:
    yield message.content or ""
    for embed in message.embeds:
        for key in ("title", "description"):
            if embed.get(key):
                yield str(embed[key])
        for f in embed.get("fields") or []:
            yield str(f.get("name", ""))
            yield str(f.get("value", ""))


def numbered_components(components: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Buttons and selects in the order the client shows them (rows left to right)."""
    found: list[dict[str, Any]] = []
    for row in components:
        children = row.get("components") if row.get("type") == 1 else [row]
        for child in children or []:
            if child.get("type") in (2, 3, 5, 6, 7, 8):
                found.append(dict(child))
    return found


class Renderer:
    """Turns stand-in messages into rich renderables for one terminal (or transcript)."""

    def __init__(self, console: Console, names: Names, now: Callable[[], datetime], zone: tzinfo | None = None) -> None:
        self.console = console
        self.names = names
        self.now = now
        self.zone = zone

    def _inline(self, text: str, *, reveal: bool, style: str = "") -> Text:
        return inline_text(text, self.names, self.now(), self.zone, reveal=reveal, style=style)

    def message(
        self,
        message: Any,
        *,
        ref: str,
        viewer: int | None,
        current_channel: int | None,
        edited: bool = False,
        reveal: bool = False,
    ) -> RenderableType:
        parts: list[RenderableType] = []
        header = Text()
        if edited:
            header.append("✎ edited ", style="yellow")
        header.append(f"[{ref}] ", style="grey50")
        where = self._where(message, current_channel)
        if where:
            header.append(where + " ", style="magenta")
        author = message.author
        header.append(author.global_name or author.username, style="bold cyan" if author.bot else "bold")
        if author.bot:
            header.append(" BOT", style="bold white on blue")
        link = message.interaction
        if link is not None and link.name:
            header.append(f"  ↳ {link.user.username} used /{link.name}", style="grey50")
        stamp = message.created_at.astimezone(self.zone)
        header.append(f"  {stamp:%H:%M}", style="grey50")
        if message.ephemeral or message.visible_to is not None:
            owner = message.visible_to if message.visible_to is not None else viewer
            who = self.names.user(owner) if owner is not None else "you"
            header.append(f"  (only {who} can see this)", style="italic yellow")
        parts.append(header)
        if message.loading:
            parts.append(Text(f"{author.global_name or author.username} is thinking…", style="italic grey50"))
        if message.content:
            parts.append(self._inline(message.content, reveal=reveal))
        for embed in message.embeds:
            parts.append(self.embed(embed, reveal=reveal))
        for component in message.components:
            if component.get("type") == 10:
                parts.append(self._inline(str(component.get("content", "")), reveal=reveal))
        controls = self.components(message.components)
        if controls is not None:
            parts.append(controls)
        for attachment in message.attachments:
            parts.append(Text(f"📎 {attachment.filename} ({attachment.size} bytes)", style="blue"))
        if message.reactions:
            parts.append(Text("  ".join(f"{e} {len(u)}" for e, u in message.reactions.items())))
        return Group(*parts)

    def _where(self, message: Any, current_channel: int | None) -> str:
        if message.guild_id is None:
            return "(DM)"
        if message.channel_id != current_channel:
            return "#" + self.names.channel(message.channel_id)
        return ""

    def embed(self, embed: Mapping[str, Any], *, reveal: bool = False) -> RenderableType:
        lines: list[RenderableType] = []
        author = embed.get("author") or {}
        if author.get("name"):
            lines.append(Text(str(author["name"]), style="bold"))
        if embed.get("title"):
            lines.append(self._inline(str(embed["title"]), reveal=reveal, style="bold"))
        if embed.get("description"):
            lines.append(self._inline(str(embed["description"]), reveal=reveal))
        for f in embed.get("fields") or []:
            name = self._inline(str(f.get("name", "")), reveal=reveal, style="bold")
            value = self._inline(str(f.get("value", "")), reveal=reveal)
            if f.get("inline") and "\n" not in value.plain:
                lines.append(name.append(": ", style="bold").append_text(value))
            else:
                lines.append(name)
                lines.append(value)
        if (embed.get("image") or {}).get("url"):
            lines.append(Text(f"[image {embed['image']['url']}]", style="blue"))
        footer = (embed.get("footer") or {}).get("text")
        stamp = embed.get("timestamp")
        foot = Text(style="grey50")
        if footer:
            foot.append_text(self._inline(str(footer), reveal=reveal, style="grey50"))
        if stamp:
            try:
                when = datetime.fromisoformat(str(stamp)).astimezone(self.zone)
                foot.append((" • " if footer else "") + f"{when:%d/%m/%Y %H:%M}")
            except ValueError:
                pass
        if foot.plain:
            lines.append(foot)
        colour = embed.get("color")
        style = f"#{int(colour):06x}" if isinstance(colour, int) else "grey50"
        return ColourBar(Group(*lines), style)

    def components(self, components: Iterable[Mapping[str, Any]]) -> Text | None:
        items = numbered_components(components)
        if not items:
            return None
        out = Text()
        for number, item in enumerate(items, start=1):
            if out.plain:
                out.append(" ")
            disabled = bool(item.get("disabled"))
            if item.get("type") == 2:
                label = str(item.get("label") or "")
                emoji = (item.get("emoji") or {}).get("name")
                shown = " ".join(x for x in (emoji, label) if x)
                if item.get("style") == 5:
                    shown += f" ↗ {item.get('url')}"
                style = "grey42" if disabled else _BUTTON_STYLES.get(int(item.get("style") or 2), "")
                out.append(f"[{number} {shown}{' (disabled)' if disabled else ''}]", style=style)
            else:
                options = item.get("options") or []
                listed = ", ".join(
                    str(o.get("value")) + (f" ({o.get('label')})" if o.get("label") != o.get("value") else "")
                    for o in options
                )
                placeholder = item.get("placeholder") or "choose"
                out.append(
                    f"[{number} ▾ {placeholder}{': ' + listed if listed else ''}]",
                    style="grey42" if disabled else "cyan",
                )
        return out

    def modal(self, modal: Mapping[str, Any]) -> RenderableType:
        lines: list[RenderableType] = [Text(f"▣ form: {modal.get('title')}", style="bold")]
        for number, (cid, label, item) in enumerate(modal_fields(modal), start=1):
            need = "required" if item.get("required", True) else "optional"
            limits = ""
            if item.get("max_length"):
                limits = f", {item.get('min_length') or 0}-{item['max_length']} chars"
            lines.append(Text(f"  {number}. {label or cid} [{cid}] ({need}{limits})"))
        lines.append(
            Text(
                "  fill it: type each value on its own line, or: submit FIELD=VALUE ...; cancel closes it",
                style="grey50",
            )
        )
        return Group(*lines)


class ColourBar:
    """An embed's body with Discord's coloured bar down its left edge."""

    def __init__(self, body: RenderableType, style: str) -> None:
        self.body = body
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - 2, 10)
        lines = console.render_lines(self.body, options.update_width(width), pad=False)
        bar = Segment("▌ ", Style.parse(self.style))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()


def modal_fields(modal: Mapping[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """The modal's inputs in order: (custom id, label, the input's JSON)."""
    found: list[tuple[str, str | None, dict[str, Any]]] = []
    for component in modal.get("components") or []:
        if component.get("type") == 18:
            inner = component.get("component") or {}
            if inner.get("custom_id"):
                found.append((str(inner["custom_id"]), component.get("label"), dict(inner)))
        for child in component.get("components") or []:
            if child.get("custom_id"):
                found.append((str(child["custom_id"]), child.get("label"), dict(child)))
    return found


def short_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")) if v]
    return "".join(parts) or "0s"
