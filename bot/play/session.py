"""One playground session: the real bot running against the local Discord, driven line by line.

Nothing here re-implements a feature: every line becomes what a Discord user would do (a slash
command checked against the command JSON the bot synced, a button press, a modal submission, a
chat message) and everything shown comes from the stand-in's event feed. Time moves through the
bot's own `VirtualClock`, which follows the wall clock and jumps on `wait`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import (
    AutocompleteShown,
    BotRequestFailed,
    BotThinking,
    InteractionError,
    LocalDiscord,
    LocalEvent,
    Message,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ModalOpened,
    Reply,
    ScheduledEventChanged,
    bot_config,
    run_bot,
)
from bot.localdiscord.spec import load_spec
from bot.play.parser import (
    PLAY_COMMANDS,
    CompletionContext,
    ParseError,
    PlayCommand,
    Slash,
    completion_context,
    parse_assignments,
    parse_duration,
    parse_line,
)
from bot.play.render import Names, Renderer, has_spoiler, modal_fields, numbered_components, short_duration

log = logging.getLogger(__name__)

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
_LOADING = 1 << 7
# How long the playground lets the bot finish what an action started (follow-ups, next rounds)
# before showing the prompt again: it stops early once nothing has changed for _QUIET seconds.
_SETTLE_MAX = 2.0
_QUIET = 0.1


class PlayError(Exception):
    """A line that could not run; the text is shown to the user as it is."""


class QuitRequested(Exception):
    """`quit` was typed."""


@dataclass(frozen=True)
class Completion:
    """Replace the last `replace` characters before the cursor with `text`."""

    text: str
    replace: int
    display: str = ""
    meta: str = ""


@dataclass
class OpenModal:
    """A form the bot showed and the user is filling in (one value per line, or `submit k=v`)."""

    reply: Reply
    user: str
    fields: list[tuple[str, str | None, dict[str, Any]]]
    values: dict[str, str] = field(default_factory=dict)

    def next_field(self) -> tuple[str, str | None, dict[str, Any]] | None:
        for item in self.fields:
            if item[0] not in self.values:
                return item
        return None


class PlaySession:
    """Starts the stand-in and the bot, runs typed lines, renders what happens."""

    def __init__(
        self,
        console: Console,
        *,
        content_dir: Path | None = None,
        db_path: Path | None = None,
        zone: tzinfo | None = None,
        start: datetime | None = None,
    ) -> None:
        self.console = console
        self.content_dir = content_dir or DEFAULT_CONTENT_DIR
        self.db_path = db_path
        self.zone = zone
        self.clock = VirtualClock(start or datetime.now(UTC), follow_real_time=True)
        self.user = "you"
        self.channel = "general"
        self.modal: OpenModal | None = None
        self.fake: LocalDiscord | None = None
        self._stack = contextlib.AsyncExitStack()
        self._events: list[LocalEvent] = []
        self._refs: dict[int, str] = {}
        self._shown: list[Message] = []
        self._errors_seen = 0
        self._recent = io.StringIO()
        self._capture = Console(file=self._recent, width=120, no_color=True, highlight=False, emoji=False)
        self._revealed: set[int] = set()
        self._lock = asyncio.Lock()
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.renderer: Renderer | None = None
        self._quoted = False

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self.db_path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="littlethings-play-")
            self.db_path = Path(self._tempdir.name) / "play.sqlite3"
        fake = await self._stack.enter_async_context(LocalDiscord.running(clock=self.clock))
        self.fake = fake
        fake.subscribe(self._events.append)
        base = Config(token=fake.token, database_path=self.db_path, content_dir=self.content_dir)
        config = bot_config(fake, base, owner_ids=frozenset({fake.world.app_owner.id}))
        await self._stack.enter_async_context(run_bot(fake, config, clock=self.clock))
        self.renderer = Renderer(
            self.console,
            Names(user=self._user_name, role=self._role_name, channel=self._channel_name),
            self.clock.now,
            self.zone,
        )
        self._events.clear()

    async def close(self) -> None:
        try:
            await self._stack.aclose()
        finally:
            self.fake = None
            if self._tempdir is not None:
                self._tempdir.cleanup()
                self._tempdir = None

    async def __aenter__(self) -> PlaySession:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def discord(self) -> LocalDiscord:
        if self.fake is None:
            raise PlayError("the playground is not running")
        return self.fake

    # --- names -------------------------------------------------------------------------------

    def _user_name(self, user_id: int) -> str:
        user = self.discord.world.users.get(user_id)
        return user.username if user else str(user_id)

    def _role_name(self, role_id: int) -> str:
        role = self.discord.guild.roles.get(role_id)
        return role.name if role else str(role_id)

    def _channel_name(self, channel_id: int) -> str:
        channel = self.discord.channel_by_id(channel_id)
        return channel.name if channel and channel.name else str(channel_id)

    @property
    def busy(self) -> bool:
        """A line is running; background rendering waits so output stays in order."""
        return self._lock.locked()

    @property
    def prompt(self) -> str:
        if self.modal is not None:
            item = self.modal.next_field()
            if item is not None:
                need = "" if item[2].get("required", True) else " (optional, Enter skips)"
                return f"{item[1] or item[0]}{need}> "
        return f"{self.user} in #{self.channel}> "

    # --- running lines -----------------------------------------------------------------------

    def take_recent_text(self) -> str:
        text = self._recent.getvalue()
        self._recent.seek(0)
        self._recent.truncate()
        return text

    async def run_line(self, line: str) -> None:
        """Run one typed line; raises PlayError (bad input, shown in red) or QuitRequested."""
        async with self._lock:
            try:
                if self.modal is not None and not _is_modal_control(line):
                    await self._modal_value(line)
                else:
                    await self._run(line)
            except (InteractionError, ParseError) as exc:
                raise PlayError(str(exc)) from None
            except TimeoutError as exc:
                raise PlayError(f"no answer from the bot: {exc}") from None
            finally:
                await self.settle()

    async def _run(self, line: str) -> None:
        parsed = parse_line(line)
        if parsed is None:
            return
        if isinstance(parsed, Slash):
            await self._slash(parsed)
            return
        await self._play(parsed)

    async def _play(self, cmd: PlayCommand) -> None:
        verb, arg = cmd.verb, cmd.arg
        if verb == "quit":
            raise QuitRequested
        if verb == "help":
            self.show_help()
        elif verb == "commands":
            self._show_commands()
        elif verb == "time":
            now = self.clock.now().astimezone(self.zone)
            self._print(Text(f"bot clock: {now:%A %d %B %Y %H:%M:%S %Z}", style="grey50"))
        elif verb == "as":
            name = arg.strip().lstrip("@")
            if not name:
                raise PlayError("as whom? e.g. as bob")
            try:
                user = self.discord.user(name)
            except KeyError:
                raise PlayError(f"no member {name!r}: try {', '.join(self._member_names())}") from None
            self.user = user.username
            self._print(Text(f"now acting as {self.user}", style="grey50"))
        elif verb == "locale":
            self._set_locale(arg.strip())
        elif verb == "channel":
            name = arg.strip().lstrip("#")
            try:
                channel = self.discord.channel(name)
            except KeyError:
                raise PlayError(f"no channel {arg!r}: try {', '.join(self._channel_names())}") from None
            self.channel = channel.name or name
            self._print(Text(f"now in #{self.channel}", style="grey50"))
        elif verb == "say":
            if not arg:
                raise PlayError("say what? e.g. say hello everyone")
            await self.discord.say(self.channel, arg, user=self.user)
        elif verb == "wait":
            delta = parse_duration(arg)
            await self.advance(delta)
            now = self.clock.now().astimezone(self.zone)
            self._print(Text(f"⏩ {short_duration(delta)} later: {now:%a %d %b %H:%M}", style="grey50"))
        elif verb == "press":
            await self._press(arg)
        elif verb == "select":
            await self._select(arg)
        elif verb == "reveal":
            self._reveal(arg)
        elif verb == "submit":
            await self._submit(parse_assignments(arg))
        elif verb == "cancel":
            if self.modal is None:
                raise PlayError("no form is open")
            self.modal = None
            self._print(Text("form closed without sending", style="grey50"))
        elif verb == "complete":
            if not arg:
                raise PlayError("complete what? e.g. complete /cast name:mit")
            found = await self.complete(arg)
            shown = ", ".join(f"{c.display or c.text}" for c in found) or "(nothing)"
            self._print(Text(f"Tab offers: {shown}", style="cyan"))
        elif verb == "expect":
            raise PlayError("expect only works in --script files")

    def _set_locale(self, code: str) -> None:
        """Act as a member whose Discord is in `code`: their interactions carry `locale: code`."""
        user = self.discord.user(self.user)
        if not code:
            self._print(Text(f"{self.user}'s Discord is in {user.locale}", style="grey50"))
            return
        known = discord_locales()
        match = next((k for k in known if k.casefold() == code.casefold()), None)
        if match is None:
            raise PlayError(f"Discord has no locale {code!r}: try hi, en-US, en-GB ({len(known)} in all)")
        user.locale = match
        self._print(Text(f"{self.user}'s Discord is now in {match}", style="grey50"))

    async def advance(self, delta: timedelta) -> None:
        """Move the clock `delta` forward, one due timer at a time.

        Between timers the bot gets to finish its follow-up work (its REST calls take real time),
        so a sleeper it starts meanwhile (the pause before the next trivia round) that falls due
        inside `delta` fires too, in order, as it would have if that much time had really passed.
        """
        target = self.clock.now() + delta
        for _ in range(10_000):
            due = self.clock.next_deadline()
            if due is None or due > target:
                break
            await self.clock.advance(max(due - self.clock.now(), timedelta()))
            await self.settle()
        remaining = target - self.clock.now()
        if remaining > timedelta():
            await self.clock.advance(remaining)

    def show_help(self) -> None:
        lines = [Text('Slash commands work as in Discord: /about, /trivia start rounds:3, /cast name:"mithila"')]
        lines.append(Text("Tab completes commands, options and values (the bot's own autocomplete)."))
        lines.extend(Text(f"  {text}") for text in PLAY_COMMANDS.values())
        for line in lines:
            self._print(line)

    def _show_commands(self) -> None:
        for name, description in self.command_list():
            self._print(Text(f"  /{name}  ", style="bold").append(description, style=""))

    # --- slash commands ----------------------------------------------------------------------

    def synced_commands(self) -> list[Mapping[str, Any]]:
        fake = self.discord
        commands = fake.commands.get(fake.guild.id, []) + fake.commands.get(None, [])
        return [c for c in commands if (c.get("type") or 1) == 1]

    def command_list(self) -> list[tuple[str, str]]:
        """Every runnable path (`trivia start`) with its description, as the client lists them."""
        found: list[tuple[str, str]] = []

        def walk(prefix: str, node: Mapping[str, Any]) -> None:
            subs = [o for o in node.get("options") or [] if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            if not subs:
                found.append((prefix, str(node.get("description") or "")))
            for sub in subs:
                walk(f"{prefix} {sub['name']}", sub)

        for command in self.synced_commands():
            walk(str(command["name"]), command)
        return sorted(found)

    def _node(self, path: Sequence[str]) -> Mapping[str, Any] | None:
        """The command JSON (or subcommand) at `path`; None if there is none."""
        node: Mapping[str, Any] | None = next((c for c in self.synced_commands() if c.get("name") == path[0]), None)
        for part in path[1:]:
            if node is None:
                return None
            node = next(
                (o for o in node.get("options") or [] if o.get("name") == part and o.get("type") in (1, 2)), None
            )
        return node

    async def _slash(self, slash: Slash) -> None:
        node = self._node(slash.path)
        if node is None:
            names = ", ".join("/" + n for n, _ in self.command_list()) or "none yet"
            raise PlayError(f"/{slash.name} is not a command of this bot (commands: {names})")
        values = self._convert_options(slash.name, node, slash.options)
        reply = await self.discord.slash(slash.name, user=self.user, channel=self.channel, options=values)
        await self._after_reply(reply)

    def _convert_options(self, label: str, node: Mapping[str, Any], raw: Mapping[str, str]) -> dict[str, Any]:
        """Typed text → the values the Discord client would send (numbers, booleans, files, choices)."""
        defs = {str(o.get("name")): o for o in node.get("options") or [] if o.get("type") not in (1, 2)}
        out: dict[str, Any] = {}
        for name, text in raw.items():
            definition = defs.get(name)
            if definition is None:
                if any(o.get("type") in (1, 2) for o in node.get("options") or []):
                    subs = ", ".join(str(o.get("name")) for o in node.get("options") or [])
                    raise PlayError(f"/{label} needs a subcommand first: one of {subs}")
                listed = ", ".join(defs) or "none"
                raise PlayError(f"/{label} has no option {name!r} (options: {listed})")
            out[name] = convert_value(definition, text, f"/{label} option {name!r}")
        return out

    async def _after_reply(self, reply: Reply) -> None:
        if reply.kind == "modal" and reply.modal is not None:
            fields = modal_fields(reply.modal)
            self.modal = OpenModal(reply, self.user, fields)
            self._print(self._r.modal(reply.modal))

    # --- components --------------------------------------------------------------------------

    def _target(self, ref: str | None, *, kind: int) -> Message:
        if ref:
            wanted = ref.strip().lower()
            for message_id, name in self._refs.items():
                if name == wanted:
                    return self.discord.message(message_id)
            raise PlayError(f"no message {ref!r} (messages are labelled [m1], [m2], ... as they appear)")
        viewer = self.discord.user(self.user).id
        current = self.discord.channel(self.channel).id
        candidates = [
            m
            for m in reversed(self._shown)
            if not m.deleted
            and m.visible_for(viewer)
            and any(
                (c.get("type") == kind or (kind == 3 and c.get("type") in (3, 5, 6, 7, 8))) and not c.get("disabled")
                for c in numbered_components(m.components)
            )
        ]
        for message in candidates:
            if message.channel_id == current:
                return message
        if candidates:
            return candidates[0]
        what = "buttons" if kind == 2 else "a select menu"
        raise PlayError(f"no message with {what} that {self.user} can see")

    async def _press(self, arg: str) -> None:
        text, _, ref = arg.partition(" on ")
        text = text.strip()
        if not text:
            raise PlayError("press which button? e.g. press 1 (buttons are numbered [1 …] under a message)")
        message = self._target(ref or None, kind=2)
        items = numbered_components(message.components)
        if text.isdigit():
            number = int(text)
            if not 1 <= number <= len(items):
                raise PlayError(f"there is no button {number} on [{self._ref(message)}] (it has 1-{len(items)})")
            item = items[number - 1]
        else:
            found = [i for i in items if str(i.get("label") or "").lower() == text.lower()]
            if not found:
                labels = ", ".join(repr(i.get("label")) for i in items if i.get("type") == 2)
                raise PlayError(f"no button labelled {text!r} on [{self._ref(message)}] (buttons: {labels})")
            item = found[0]
        if item.get("type") != 2:
            raise PlayError(f"item {text} is a select menu: use select {text} VALUE")
        if item.get("style") == 5:
            raise PlayError(f"button {item.get('label')!r} is a link to {item.get('url')}; nothing reaches the bot")
        if item.get("disabled"):
            raise PlayError(f"button {item.get('label')!r} is disabled")
        reply = await self.discord.click(message, str(item.get("custom_id")), user=self.user)
        await self._after_reply(reply)

    async def _select(self, arg: str) -> None:
        head, _, ref = arg.partition(" on ")
        number_text, _, chosen = head.strip().partition(" ")
        if not number_text.isdigit() or not chosen.strip():
            raise PlayError("select N VALUE[,VALUE...], e.g. select 1 season-2")
        message = self._target(ref or None, kind=3)
        items = numbered_components(message.components)
        number = int(number_text)
        if not 1 <= number <= len(items) or items[number - 1].get("type") == 2:
            raise PlayError(f"item {number} on [{self._ref(message)}] is not a select menu")
        values = [v.strip() for v in chosen.split(",") if v.strip()]
        reply = await self.discord.select(message, str(items[number - 1]["custom_id"]), values, user=self.user)
        await self._after_reply(reply)

    def _reveal(self, arg: str) -> None:
        if arg.strip():
            message = self._by_ref(arg)
        else:
            hidden = next((m for m in reversed(self._shown) if has_spoiler(m) and m.id not in self._revealed), None)
            if hidden is None:
                raise PlayError("no hidden spoiler to reveal")
            message = hidden
        self._revealed.add(message.id)
        self._show(message, reveal=True)

    def _by_ref(self, ref: str) -> Message:
        wanted = ref.strip().strip("[]").lower()
        for message_id, name in self._refs.items():
            if name == wanted:
                return self.discord.message(message_id)
        raise PlayError(f"no message {ref!r}")

    # --- modals ------------------------------------------------------------------------------

    async def _modal_value(self, line: str) -> None:
        assert self.modal is not None
        item = self.modal.next_field()
        if item is None:
            await self._submit({})
            return
        cid, label, spec = item
        value = _unescape(line.strip())
        if not value and spec.get("required", True):
            raise PlayError(f"{label or cid!r} is required: type a value (or 'cancel' to close the form)")
        self.modal.values[cid] = value
        if self.modal.next_field() is None:
            await self._submit({})

    async def _submit(self, values: Mapping[str, str]) -> None:
        if self.modal is None:
            raise PlayError("no form is open: a button or command opens one")
        modal = self.modal
        labels = {(label or "").lower(): cid for cid, label, _ in modal.fields}
        merged = dict(modal.values)
        for key, value in values.items():
            cid = key if any(key == f[0] for f in modal.fields) else labels.get(key.lower())
            if cid is None:
                listed = ", ".join(f"{label or cid} [{cid}]" for cid, label, _ in modal.fields)
                raise PlayError(f"the form has no field {key!r} (fields: {listed})")
            merged[cid] = _unescape(value)
        missing = [
            label or cid for cid, label, spec in modal.fields if spec.get("required", True) and not merged.get(cid)
        ]
        if missing:
            raise PlayError(f"the form needs {', '.join(repr(m) for m in missing)} (the form stays open)")
        self.modal = None
        try:
            reply = await self.discord.submit_modal(modal.reply, merged, user=modal.user)
        except InteractionError:
            self.modal = modal
            raise
        await self._after_reply(reply)

    # --- rendering ---------------------------------------------------------------------------

    @property
    def _r(self) -> Renderer:
        if self.renderer is None:
            raise PlayError("the playground is not running")
        return self.renderer

    def _print(self, renderable: RenderableType) -> None:
        self.console.print(renderable, highlight=False)
        self._capture.print(renderable, highlight=False)

    def _ref(self, message: Message) -> str:
        if message.id not in self._refs:
            self._refs[message.id] = f"m{len(self._refs) + 1}"
        return self._refs[message.id]

    def _show(self, message: Message, *, edited: bool = False, reveal: bool = False) -> None:
        if message not in self._shown:
            self._shown.append(message)
        viewer = self.discord.user(self.user).id
        current = self.discord.channel(self.channel).id
        self._print(
            self._r.message(
                message,
                ref=self._ref(message),
                viewer=viewer,
                current_channel=current,
                edited=edited,
                reveal=reveal or message.id in self._revealed,
            )
        )

    def flush(self) -> bool:
        """Render every event since the last flush; True if anything was shown."""
        events, self._events[:] = list(self._events), []
        shown = False
        for event in events:
            shown = self._render_event(event) or shown
        shown = self._render_bot_errors() or shown
        return shown

    def _render_event(self, event: LocalEvent) -> bool:
        if isinstance(event, MessageCreated):
            if event.message.loading:
                self._ref(event.message)
                self._shown.append(event.message)
                name = event.message.author.global_name or event.message.author.username
                self._print(Text(f"[{self._ref(event.message)}] {name} is thinking…", style="italic grey50"))
                return True
            self._show(event.message)
            return True
        if isinstance(event, MessageEdited):
            was_loading = bool(event.before.flags & _LOADING)
            self._show(event.message, edited=not was_loading)
            return True
        if isinstance(event, MessageDeleted):
            self._print(Text(f"✗ [{self._ref(event.message)}] was deleted", style="grey50"))
            return True
        if isinstance(event, ScheduledEventChanged):
            title = str(event.event.get("name"))
            start = str(event.event.get("scheduled_start_time") or "")
            with contextlib.suppress(ValueError):
                start = f"{datetime.fromisoformat(start).astimezone(self.zone):%a %d %b %H:%M}"
            self._print(Text(f"📅 server event {event.action}: {title} ({start})", style="magenta"))
            return True
        if isinstance(event, BotRequestFailed):
            self._print(
                Text(f"Discord refused {event.method} {event.route}: {event.status} {event.message}", style="red")
            )
            return True
        if isinstance(event, (ModalOpened, AutocompleteShown, BotThinking)):
            return False
        return False

    def _render_bot_errors(self) -> bool:
        errors = self.discord.bot_errors[self._errors_seen :]
        self._errors_seen += len(errors)
        for error in errors:
            self._print(Text(f"bot error: {error}", style="bold red"))
        return bool(errors)

    async def settle(self) -> None:
        """Let the bot finish what the last action started, then render it.

        The bot's follow-ups (a next round, an edit after a deferral) are ordinary async work with
        no end signal, so this waits until the stand-in has been quiet briefly, at most _SETTLE_MAX.
        """
        if self.fake is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _SETTLE_MAX
        seen = (len(self.fake.calls), len(self._events))
        quiet_since = loop.time()
        while loop.time() < deadline:
            await asyncio.sleep(0.01)
            now_seen = (len(self.fake.calls), len(self._events))
            in_flight = any(call.status == 0 for call in self.fake.calls[-8:])
            if now_seen != seen or in_flight:
                seen, quiet_since = now_seen, loop.time()
            elif loop.time() - quiet_since >= _QUIET:
                break
        self.flush()

    # --- completion --------------------------------------------------------------------------

    async def complete(self, text: str) -> list[Completion]:
        """Suggestions for the line typed so far (`text` ends at the cursor)."""
        if self.fake is None or self.modal is not None:
            return []
        if not text.startswith("/"):
            return self._complete_play(text)
        context = completion_context(text)
        if context is None:
            return []
        before = text[: len(text) - len(context.partial)]
        self._quoted = context.kind == "value" and before[-1:] in ("'", '"')
        try:
            return await self._complete_slash(context)
        except (InteractionError, PlayError, TimeoutError, ParseError):
            return []

    def _complete_play(self, text: str) -> list[Completion]:
        verb, space, rest = text.partition(" ")
        if not space:
            return [Completion(v + " ", len(verb), v) for v in sorted(PLAY_COMMANDS) if v.startswith(verb.lower())]
        if verb == "as":
            return [Completion(n, len(rest), n) for n in self._member_names() if n.startswith(rest.lower())]
        if verb == "locale":
            return [Completion(c, len(rest), c) for c in discord_locales() if c.casefold().startswith(rest.casefold())]
        if verb == "press":
            try:
                message = self._target(None, kind=2)
            except PlayError:
                return []
            return [
                Completion(str(n), len(rest), f"{n} {item.get('label') or ''}".strip())
                for n, item in enumerate(numbered_components(message.components), start=1)
                if item.get("type") == 2 and not item.get("disabled") and str(n).startswith(rest.strip())
            ]
        if verb == "channel":
            typed = rest.lstrip("#")
            return [Completion("#" + n, len(rest), "#" + n) for n in self._channel_names() if n.startswith(typed)]
        return []

    def _member_names(self) -> list[str]:
        fake = self.discord
        return [fake.world.users[uid].username for uid in fake.guild.members if not fake.world.users[uid].bot]

    def _channel_names(self) -> list[str]:
        return [c.name for c in self.discord.guild.channels.values() if c.name and int(c.type) == 0]

    async def _complete_slash(self, context: CompletionContext) -> list[Completion]:
        if context.kind == "command":
            return self._complete_path(context)
        node = self._node(context.path) if context.path else None
        if node is None:
            return []
        defs = {str(o.get("name")): o for o in node.get("options") or [] if o.get("type") not in (1, 2)}
        if context.kind == "option":
            found = [
                Completion(name + ":", len(context.partial), name + ":", str(d.get("description") or ""))
                for name, d in defs.items()
                if name not in context.options and name.startswith(context.partial)
            ]
            if found or context.option is None or context.value is None:
                return found
            # `/cast name:mithila pa`: perhaps a two-word value rather than a new option.
            context = CompletionContext(
                "value",
                context.path,
                {k: v for k, v in context.options.items() if k != context.option},
                context.value,
                context.option,
            )
        option = defs.get(context.option or "")
        if option is None:
            return []
        return await self._complete_value(context, node, option)

    def _complete_path(self, context: CompletionContext) -> list[Completion]:
        partial = context.partial.lower()
        if not context.path:
            names = [(str(c["name"]), str(c.get("description") or "")) for c in self.synced_commands()]
        else:
            node = self._node(context.path)
            if node is None:
                return []
            subs = [o for o in node.get("options") or [] if o.get("type") in (1, 2)]
            if subs:
                names = [(str(o["name"]), str(o.get("description") or "")) for o in subs]
            else:
                return [
                    Completion(
                        str(o["name"]) + ":",
                        len(context.partial),
                        str(o["name"]) + ":",
                        str(o.get("description") or ""),
                    )
                    for o in node.get("options") or []
                    if str(o.get("name")).startswith(partial)
                ]
        return [Completion(n + " ", len(context.partial), n, d) for n, d in sorted(names) if n.startswith(partial)]

    async def _complete_value(
        self, context: CompletionContext, node: Mapping[str, Any], option: Mapping[str, Any]
    ) -> list[Completion]:
        typed = context.partial
        # What is replaced: the typed value plus its opening quote, if any.
        replace = len(typed) + (1 if self._quoted else 0)
        if option.get("autocomplete"):
            others: dict[str, Any] = {}
            label = " ".join(context.path)
            for name, value in context.options.items():
                try:
                    others.update(self._convert_options(label, node, {name: value}))
                except (PlayError, InteractionError):
                    continue
            choices = await self.discord.autocomplete(
                label,
                focused=str(option["name"]),
                user=self.user,
                channel=self.channel,
                options={**others, str(option["name"]): typed},
            )
            return [Completion(_quote(str(c.get("value"))), replace, str(c.get("name")), "") for c in choices]
        kind = option.get("type")
        pool: list[tuple[str, str]]
        if option.get("choices"):
            pool = [(str(c.get("value")), str(c.get("name"))) for c in option["choices"]]
        elif kind == BOOLEAN:
            pool = [("True", "True"), ("False", "False")]
        elif kind in (USER, MENTIONABLE):
            pool = [(n, n) for n in self._member_names()]
        elif kind == CHANNEL:
            pool = [("#" + c.name, "#" + c.name) for c in self.discord.guild.channels.values() if c.name]
        elif kind == ROLE:
            pool = [("@" + r.name, "@" + r.name) for r in self.discord.guild.roles.values() if r.name != "@everyone"]
        else:
            return []
        low = typed.lower().lstrip("@#")
        return [
            Completion(_quote(value), replace, display)
            for value, display in pool
            if value.lower().lstrip("@#").startswith(low) or display.lower().startswith(low)
        ]


def convert_value(definition: Mapping[str, Any], text: str, where: str) -> Any:
    """Typed option text → the JSON value the client sends for this option type."""
    kind = definition.get("type")
    choices = definition.get("choices") or []
    for choice in choices:  # the client shows choice names; accept either
        if str(choice.get("name")).lower() == text.lower() or str(choice.get("value")) == text:
            return choice.get("value")
    if choices:
        listed = ", ".join(str(c.get("name")) for c in choices)
        raise PlayError(f"{where}: {text!r} is not one of the choices ({listed})")
    if kind == INTEGER:
        try:
            return int(text)
        except ValueError:
            raise PlayError(f"{where} takes a whole number, not {text!r}") from None
    if kind == NUMBER:
        try:
            return float(text)
        except ValueError:
            raise PlayError(f"{where} takes a number, not {text!r}") from None
    if kind == BOOLEAN:
        low = text.lower()
        if low in ("true", "yes", "y", "1", "on"):
            return True
        if low in ("false", "no", "n", "0", "off"):
            return False
        raise PlayError(f"{where} takes True or False, not {text!r}")
    if kind == USER:
        return text.lstrip("@")
    if kind == ATTACHMENT:
        path = Path(text).expanduser()
        if not path.is_file():
            raise PlayError(f"{where}: no file {text!r} to attach")
        return (path.name, path.read_bytes())
    return text


def discord_locales() -> list[str]:
    """The locale codes Discord knows (`AvailableLocalesEnum` in its OpenAPI spec)."""
    schema = load_spec()["components"]["schemas"]["AvailableLocalesEnum"]
    return [str(option["const"]) for option in schema.get("oneOf", []) if "const" in option]


def _unescape(value: str) -> str:
    """`\\n` in a typed form value is a line break (forms take several lines; a prompt takes one)."""
    return value.replace("\\n", "\n")


def _quote(value: str) -> str:
    return f'"{value}"' if any(ch.isspace() for ch in value) or ":" in value else value


def _is_modal_control(line: str) -> bool:
    verb = line.strip().split(" ", 1)[0].lower()
    return verb in ("submit", "cancel", "quit", "help")
