"""What happened in the stand-in, as a feed the playground renders and tests wait on.

Every change a person would notice (a message appears, is edited or deleted, a modal opens,
autocomplete suggestions arrive, the bot is "thinking") is published as a small frozen event.
Subscribers are plain callables so the playground can push them into its own queue; tests instead
`wait_until` a condition, which is re-checked after every change rather than polled on a timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.localdiscord.messages import Message, Revision
from bot.localdiscord.model import Member, Role, User

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class MessageCreated:
    message: Message


@dataclass(frozen=True)
class MessageEdited:
    message: Message
    before: Revision


@dataclass(frozen=True)
class MessageDeleted:
    message: Message


@dataclass(frozen=True)
class ReactionChanged:
    message: Message
    emoji: str
    user: User
    added: bool


@dataclass(frozen=True)
class BotThinking:
    """A deferred response: the user sees "<bot> is thinking…" until a follow-up or edit arrives."""

    interaction_id: int
    message: Message


@dataclass(frozen=True)
class ModalOpened:
    interaction_id: int
    user: User
    modal: dict[str, Any]


@dataclass(frozen=True)
class AutocompleteShown:
    interaction_id: int
    user: User
    choices: list[dict[str, Any]]


@dataclass(frozen=True)
class MemberRolesChanged:
    member: Member
    role: Role
    added: bool


@dataclass(frozen=True)
class ScheduledEventChanged:
    action: str  # "created" | "updated" | "deleted"
    event: dict[str, Any]


@dataclass(frozen=True)
class BotRequestFailed:
    """The bot's REST call got an error (injected or earned); the playground shows it in red."""

    method: str
    route: str | None
    status: int
    code: int | None
    message: str


LocalEvent = (
    MessageCreated
    | MessageEdited
    | MessageDeleted
    | ReactionChanged
    | BotThinking
    | ModalOpened
    | AutocompleteShown
    | MemberRolesChanged
    | ScheduledEventChanged
    | BotRequestFailed
)
Subscriber = Callable[[LocalEvent], None]


class EventFeed:
    """An append-only list of events plus subscribers, and a change signal for `wait_until`."""

    def __init__(self) -> None:
        self.history: list[LocalEvent] = []
        self._subscribers: list[Subscriber] = []
        self._changed = asyncio.Event()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` for every later event; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: LocalEvent) -> None:
        self.history.append(event)
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                # A broken renderer must not break the server the bot is talking to.
                log.exception("event subscriber %r failed on %r", callback, event)
        self.notify()

    def notify(self) -> None:
        """Wake everything waiting in `wait_until` to re-check its condition."""
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_until(
        self,
        condition: Callable[[], T | None],
        *,
        timeout: float,
        describe: Callable[[], str],
        abort: Callable[[], None] | None = None,
    ) -> T:
        """Return `condition()` once it is truthy; `TimeoutError` naming what was awaited otherwise.

        The condition is re-checked after every change the stand-in sees, and every few
        milliseconds besides, because a test may wait on the bot's own state (a row in its
        database, a list its handler appends to) that the stand-in is never told about.
        `abort` runs before each check and may raise (e.g. when the bot task has died), so a wait
        fails at once with the real cause instead of at the timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if abort is not None:
                abort()
            value = condition()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), min(remaining, _RECHECK_SECONDS))
            except TimeoutError:
                continue


_RECHECK_SECONDS = 0.005
