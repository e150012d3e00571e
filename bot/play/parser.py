"""Reading what the playground user typed, without touching Discord or the bot.

A line is either a slash command, typed as in the Discord client (`/trivia start rounds:3`,
`/cast name:mithila palkar`, `/suggest text:"a, b: c"`), or a playground command (`press 2`,
`as bob`, `wait 10m`). Kept pure so it is unit-tested on its own and so Tab completion can ask
"where is the cursor?" of the same code that runs the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

_OPTION = re.compile(r"([A-Za-z0-9_\-]+):")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}

PLAY_COMMANDS: dict[str, str] = {
    "press": "press N [on mN] | press LABEL — click button N of the latest message with buttons",
    "select": "select N VALUE[,VALUE] [on mN] — pick options in select menu N",
    "reveal": "reveal [mN] — show the spoilers of the latest (or given) message",
    "as": "as NAME — act as another member (you, alice, bob, owner)",
    "locale": "locale hi | en-US — the language of your Discord client (what the bot answers you in)",
    "say": "say TEXT — post a plain message in the current channel",
    "wait": "wait 10m | 2h | 1d | 1h30m — move the bot's clock forward; due timers fire in order",
    "channel": "channel #NAME — switch the channel you type in",
    "submit": "submit FIELD=VALUE ... — fill and send the open modal (by field id or label)",
    "cancel": "cancel — close the open modal without sending it",
    "expect": "expect TEXT — (scripts) fail unless TEXT appeared since the previous command",
    "complete": "complete /CMD OPT:TEXT — show what Tab would offer (handy in scripts)",
    "time": "time — show the bot's clock",
    "commands": "commands — list the bot's slash commands",
    "help": "help — this list",
    "quit": "quit — stop the bot and leave (Ctrl-D works too)",
}


class ParseError(ValueError):
    """The line cannot be understood; the text says what to type instead."""


@dataclass(frozen=True)
class Slash:
    """`/name sub option:value ...`: the words before the first option are the command path."""

    path: tuple[str, ...]
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass(frozen=True)
class PlayCommand:
    """A playground command (`press`, `as`, `wait`...) and the rest of the line, unparsed."""

    verb: str
    arg: str = ""


Line = Slash | PlayCommand


def parse_line(line: str) -> Line | None:
    """The command on `line`, or None for a blank line or a `# comment`."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith("/"):
        return parse_slash(text)
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb in ("exit", "q"):
        verb = "quit"
    if verb == "?":
        verb = "help"
    if verb not in PLAY_COMMANDS:
        raise ParseError(f"unknown command {verb!r}: slash commands start with '/', type 'help' for the rest")
    return PlayCommand(verb, rest.strip())


def parse_slash(text: str) -> Slash:
    """Split `/cmd sub a:1 b:"two words" c:three words` into its path and option values.

    An unquoted value runs to the next `name:` word, as the Discord client's option chips do, so
    `/cast name:mithila palkar` means the name "mithila palkar".
    """
    body = text.strip().lstrip("/")
    if not body or body[0].isspace():
        raise ParseError("type a command name after '/', e.g. /about")
    path: list[str] = []
    options: dict[str, str] = {}
    pos = 0
    n = len(body)
    while pos < n:
        while pos < n and body[pos].isspace():
            pos += 1
        if pos >= n:
            break
        match = _OPTION.match(body, pos)
        if match is None:
            if options:
                raise ParseError(f"unexpected text {body[pos:].split()[0]!r} after the options")
            end = pos
            while end < n and not body[end].isspace():
                end += 1
            path.append(body[pos:end].lower())
            pos = end
            continue
        name = match.group(1)
        if name in options:
            raise ParseError(f"option {name!r} is given twice")
        value, pos = _read_value(body, match.end())
        options[name] = value
    if not path:
        raise ParseError("type a command name after '/', e.g. /about")
    return Slash(tuple(path), options)


def _read_value(body: str, pos: int) -> tuple[str, int]:
    n = len(body)
    if pos < n and body[pos] in "\"'":
        quote = body[pos]
        out: list[str] = []
        i = pos + 1
        while i < n:
            ch = body[i]
            if ch == "\\" and i + 1 < n and body[i + 1] in (quote, "\\"):
                out.append(body[i + 1])
                i += 2
                continue
            if ch == quote:
                return "".join(out), i + 1
            out.append(ch)
            i += 1
        raise ParseError(f"missing closing {quote} in {body[pos:]!r}")
    # Unquoted: up to the next word that looks like `name:`.
    end = pos
    while end < n:
        if body[end].isspace():
            nxt = end
            while nxt < n and body[nxt].isspace():
                nxt += 1
            if nxt >= n or _OPTION.match(body, nxt):
                break
            end = nxt
            continue
        end += 1
    return body[pos:end].strip(), end


def parse_duration(text: str) -> timedelta:
    """`10m`, `1d`, `1h30m`, `90s`, `2.5h` → a timedelta; a bare number means minutes."""
    raw = text.strip().lower().replace(" ", "")
    if not raw:
        raise ParseError("wait how long? e.g. wait 10m, wait 2h, wait 1d")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return timedelta(minutes=float(raw))
    total = 0.0
    pos = 0
    for match in _DURATION_PART.finditer(raw):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(raw) or total <= 0:
        raise ParseError(f"cannot read {text!r} as a duration: use e.g. 10m, 2h, 1d, 1h30m, 45s")
    return timedelta(seconds=total)


def parse_assignments(text: str) -> dict[str, str]:
    """`title="Hi there" body=text` → {"title": "Hi there", "body": "text"} (modal fields)."""
    values: dict[str, str] = {}
    pos = 0
    n = len(text)
    pattern = re.compile(r"\s*([^\s=]+)=")
    while pos < n:
        if text[pos:].strip() == "":
            break
        match = pattern.match(text, pos)
        if match is None:
            raise ParseError(f"expected FIELD=VALUE, got {text[pos:].strip()!r}")
        name = match.group(1)
        value, pos = _read_assignment_value(text, match.end())
        values[name] = value
    return values


def _read_assignment_value(text: str, pos: int) -> tuple[str, int]:
    if pos < len(text) and text[pos] in "\"'":
        return _read_value(text, pos)
    # Unquoted: up to the next ` word=`.
    nxt = re.compile(r"\s+[^\s=]+=").search(text, pos)
    end = nxt.start() if nxt else len(text)
    return text[pos:end].strip(), end


@dataclass(frozen=True)
class CompletionContext:
    """Where the cursor is in a half-typed slash command.

    kind "command": typing a word of the command path (`partial`; after the path words in `path`);
    kind "option": typing an option name (`partial`) after the options in `options`;
    kind "value": typing the value of `option` (`partial`, quotes removed).
    An "option" context after an unquoted value also names that value's option in `option` and its
    whole text in `value`, because `/cast name:mithila pa` may be a two-word name being typed.
    """

    kind: str
    path: tuple[str, ...]
    options: dict[str, str]
    partial: str
    option: str | None = None
    value: str | None = None


def completion_context(text: str) -> CompletionContext | None:
    """What is being typed at the end of `text` (a line up to the cursor), or None."""
    if not text.startswith("/"):
        return None
    body = text[1:]
    last = None
    for match in _OPTION.finditer(body):
        if match.start() == 0 or body[match.start() - 1].isspace():
            last = match
    if last is None:
        words = body.split()
        if text.endswith(" ") or not words:
            return CompletionContext("command", tuple(w.lower() for w in words), {}, "")
        return CompletionContext("command", tuple(w.lower() for w in words[:-1]), {}, words[-1])
    try:
        head = parse_slash("/" + body[: last.start()])
    except ParseError:
        return None
    name = last.group(1)
    raw = body[last.end() :]
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        if len(raw) > 1 and raw.rstrip().endswith(quote) and not raw.rstrip().endswith("\\" + quote):
            if not text.endswith(" "):
                return None  # cursor right after a closed quote
            done = {**head.options, name: raw.strip()[1:-1]}
            return CompletionContext("option", head.path, done, "")
        return CompletionContext("value", head.path, dict(head.options), raw[1:], name)
    if not re.search(r"\s", raw):
        return CompletionContext("value", head.path, dict(head.options), raw, name)
    value_part, _, partial = raw.rpartition(" ")
    done = {**head.options, name: value_part.strip()}
    return CompletionContext("option", head.path, done, partial, option=name, value=raw)
