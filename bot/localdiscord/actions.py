"""People using Discord: the actions a test or the playground performs on behalf of a user.

Each method does what the Discord client does for a person (checks the option values, refuses a
disabled button, mirrors a modal's layout in the submission), sends the interaction the way Discord
would, and waits for what the person would see next. Waiting is on the stand-in's change signal,
never on a timer, and fails with an explanation of what the bot did instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot.localdiscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionError,
    InteractionRecord,
    OptionResolver,
    Reply,
    command_data,
    find_command,
    find_component,
    modal_submit_components,
)
from bot.localdiscord.messages import Message
from bot.localdiscord.model import Channel, Member, Perm, Role, User

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

UserRef = User | Member | str | int
ChannelRef = Channel | str | int
MessageRef = Message | Reply | int

# Loop turns to let the bot finish storing a view or modal it has just sent. discord.py attaches a
# view only once its HTTP call has returned, and a press dispatched before that is dropped.
_LISTENER_TURNS = 200
_SELECTS = {3: "string", 5: "user", 6: "role", 7: "mentionable", 8: "channel"}


class Actor:
    """One user in one channel: `await Actor(fake, alice, general).slash("recap", season=2)`."""

    def __init__(self, fake: LocalDiscord, user: User, channel: Channel) -> None:
        self.fake = fake
        self.user = user
        self.channel = channel

    def __repr__(self) -> str:
        return f"<Actor {self.user.username} in {self.channel!r}>"

    def _where(self, channel: ChannelRef | None) -> Channel:
        return self.fake.channel(channel) if channel is not None else self.channel

    def _check_member(self, channel: Channel) -> None:
        if not channel.is_dm and self.user.id not in self.fake.guild.members:
            raise InteractionError(f"{self.user.username} is not a member of {self.fake.guild.name}")

    # --- slash commands ----------------------------------------------------------------------

    async def slash(
        self,
        command: str,
        /,
        *,
        channel: ChannelRef | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> Reply:
        record = await self.start_slash(command, channel=channel, options=options, **values)
        return await self.fake.await_answer(record, timeout)

    async def start_slash(
        self,
        command: str,
        /,
        *,
        channel: ChannelRef | None = None,
        options: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> InteractionRecord:
        """Dispatch a slash command without waiting (for concurrency tests and benchmarks)."""
        where = self._where(channel)
        self._check_member(where)
        data = self._command_data(command, where, {**(options or {}), **values}, focused=None)
        return await self.fake.dispatch_interaction(
            APPLICATION_COMMAND, user=self.user, channel=where, data=data, label="/" + command.strip("/ ")
        )

    async def autocomplete(
        self,
        command: str,
        /,
        *,
        focused: str | None = None,
        channel: ChannelRef | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> list[dict[str, Any]]:
        """The choices offered while typing `focused` (default: the last option given)."""
        where = self._where(channel)
        given = {**(options or {}), **values}
        if not given:
            raise InteractionError(f"autocomplete /{command}: give the option being typed, e.g. name='mit'")
        target = focused or list(given)[-1]
        data = self._command_data(command, where, given, focused=target)
        record = await self.fake.dispatch_interaction(
            AUTOCOMPLETE, user=self.user, channel=where, data=data, label=f"/{command} (autocomplete {target})"
        )
        reply = await self.fake.await_answer(record, timeout)
        return list(reply.choices or [])

    def _command_data(
        self, command: str, channel: Channel, values: Mapping[str, Any], *, focused: str | None
    ) -> dict[str, Any]:
        path = command.strip().lstrip("/").split()
        if not path:
            raise InteractionError("no command name given")
        fake = self.fake
        # Guild commands first (the dev guild sync), then global ones; in a DM only global ones exist.
        scoped = [] if channel.is_dm else fake.commands.get(fake.guild.id, [])
        found = find_command(scoped + fake.commands.get(None, []), path[0])
        if not channel.is_dm:
            self._check_visible(found)
        resolver = OptionResolver(
            guild=None if channel.is_dm else fake.guild,
            viewer=self.user,
            find_user=fake.user,
            attachment_factory=lambda name, data: fake.board.make_attachment(name, data, channel),
        )
        return command_data(found, path[1:], values, resolver=resolver, focused=focused)

    def _check_visible(self, command: Mapping[str, Any]) -> None:
        """Discord hides a command from members without its `default_member_permissions`."""
        raw = command.get("default_member_permissions")
        if raw is None:
            return
        needed = int(raw)
        granted = self.fake.guild.permissions_of(self.user.id)
        if granted & Perm.ADMINISTRATOR or (needed and granted & needed == needed):
            return
        missing = [p.name or "" for p in Perm if needed & p and not granted & p] or ["ADMINISTRATOR"]
        raise InteractionError(
            f"/{command['name']} is hidden from {self.user.username}: it needs {', '.join(missing).lower()} "
            "(the command's default_member_permissions)"
        )

    # --- components --------------------------------------------------------------------------

    def _message(self, ref: MessageRef) -> Message:
        if isinstance(ref, Reply):
            if ref.message is None:
                raise InteractionError(f"{ref!r} has no message to interact with")
            return ref.message
        if isinstance(ref, int):
            return self.fake.message(ref)
        return ref

    async def click(
        self,
        message: MessageRef,
        custom_id: str | None = None,
        /,
        *,
        label: str | None = None,
        timeout: float | None = None,
    ) -> Reply:
        target = self._message(message)
        if custom_id is None and label is None:
            raise InteractionError("click: give the button's custom_id or label=")
        component = find_component(target, custom_id, label)
        if component.get("type") != 2:
            raise InteractionError(f"{component.get('custom_id')!r} is a select menu, not a button: use select()")
        if component.get("style") in (5, 6) or not component.get("custom_id"):
            raise InteractionError(f"button {component.get('label')!r} opens a link; nothing reaches the bot")
        return await self._component(target, component, {}, timeout)

    async def select(
        self, message: MessageRef, custom_id: str, values: Iterable[Any], /, *, timeout: float | None = None
    ) -> Reply:
        target = self._message(message)
        component = find_component(target, custom_id, None)
        kind = component.get("type")
        if kind not in _SELECTS:
            raise InteractionError(f"{custom_id!r} is not a select menu")
        chosen = list(values)
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(chosen) <= high:
            raise InteractionError(f"select {custom_id!r} takes {low}-{high} values, not {len(chosen)}")
        extra: dict[str, Any] = {}
        if kind == 3:
            offered = [o.get("value") for o in component.get("options") or []]
            for value in chosen:
                if value not in offered:
                    raise InteractionError(
                        f"select {custom_id!r} has no option {value!r} (options: {', '.join(map(str, offered))})"
                    )
            extra["values"] = [str(v) for v in chosen]
        else:
            resolver = OptionResolver(guild=self.fake.guild, viewer=self.user, find_user=self.fake.user)
            option_kind = {5: 6, 6: 8, 7: 9, 8: 7}[kind]
            ids = [resolver.value({"type": option_kind, "name": custom_id}, v, f"select {custom_id!r}") for v in chosen]
            extra["values"] = ids
            extra["resolved"] = resolver.resolved
        return await self._component(target, component, extra, timeout)

    async def _component(
        self, message: Message, component: dict[str, Any], extra: dict[str, Any], timeout: float | None
    ) -> Reply:
        if message.deleted:
            raise InteractionError(f"{message!r} was deleted")
        if not message.visible_for(self.user.id):
            raise InteractionError(f"{message!r} is ephemeral and only visible to someone else")
        if component.get("disabled"):
            raise InteractionError(f"{component.get('label') or component.get('custom_id')!r} is disabled")
        if message.loading:
            raise InteractionError(f"{message!r} is still loading")
        channel = self.fake.channel(message.channel_id)
        self._check_member(channel)
        if channel.is_dm and (channel.recipient is None or channel.recipient.id != self.user.id):
            raise InteractionError(f"{message!r} is in someone else's DM with the bot")
        custom_id = str(component["custom_id"])
        await self._let_bot_attach(lambda store: _has_item(store, message.id, int(component["type"]), custom_id))
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"], **extra}
        if isinstance(component.get("id"), int):
            data["id"] = component["id"]
        kind_name = "button" if component["type"] == 2 else "select"
        record = await self.fake.dispatch_interaction(
            MESSAGE_COMPONENT,
            user=self.user,
            channel=channel,
            data=data,
            label=f"{kind_name} {custom_id}",
            source_message=message,
        )
        return await self.fake.await_answer(record, timeout)

    # --- modals ------------------------------------------------------------------------------

    async def submit_modal(
        self, modal: Reply | InteractionRecord | None, values: Mapping[str, Any], /, *, timeout: float | None = None
    ) -> Reply:
        opener = self._modal_opener(modal)
        form = opener.modal or {}
        custom_id = str(form.get("custom_id"))
        components = modal_submit_components(form, values)
        await self._let_bot_attach(lambda store: custom_id in getattr(store, "_modals", {custom_id: None}))
        data = {"custom_id": custom_id, "components": components}
        record = await self.fake.dispatch_interaction(
            MODAL_SUBMIT,
            user=self.user,
            channel=opener.channel,
            data=data,
            label=f"modal {custom_id}",
            source_message=opener.source_message,
        )
        return await self.fake.await_answer(record, timeout)

    def _modal_opener(self, modal: Reply | InteractionRecord | None) -> InteractionRecord:
        if isinstance(modal, Reply):
            if modal.kind != "modal":
                raise InteractionError(f"{modal!r} is not a modal")
            record = modal.interaction
        elif isinstance(modal, InteractionRecord):
            record = modal
        else:
            shown = [r for r in self.fake.interactions.values() if r.modal is not None and r.user.id == self.user.id]
            if not shown:
                raise InteractionError(f"no modal has been shown to {self.user.username}")
            record = shown[-1]
        if record.modal is None:
            raise InteractionError(f"{record.label} did not open a modal")
        if record.user.id != self.user.id:
            raise InteractionError(f"that modal was shown to {record.user.username}, not {self.user.username}")
        return record

    # --- chat --------------------------------------------------------------------------------

    async def say(self, text: str, /, *, channel: ChannelRef | None = None, reply_to: Message | None = None) -> Message:
        where = self._where(channel)
        if where.is_dm:
            if where.recipient is None or where.recipient.id != self.user.id:
                raise InteractionError(f"{self.user.username} cannot write in someone else's DM with the bot")
        else:
            self._check_member(where)
        return await self.fake.board.post(where, {"content": text}, (), author=self.user, reply_to=reply_to)

    async def react(self, message: MessageRef, emoji: str, /) -> None:
        target = self._message(message)
        if target.deleted or not target.visible_for(self.user.id):
            raise InteractionError(f"{self.user.username} cannot see {target!r}")
        await self.fake.board.set_reaction(target, emoji, self.user, add=True)

    async def dm(self, text: str, /) -> Message:
        """Write to the bot in a direct message."""
        return await self.say(text, channel=self.fake.dm_channel(self.user))

    # --- helpers -----------------------------------------------------------------------------

    async def _let_bot_attach(self, ready: Any) -> None:
        """Give the in-process bot the loop turns it needs to register a view or modal it just sent."""
        client = self.fake.client
        store = _view_store(client)
        turns = _LISTENER_TURNS if store is not None else 20
        for _ in range(turns):
            if store is not None:
                try:
                    if ready(store):
                        return
                except Exception:  # discord.py internals moved: fall back to plain waiting
                    store = None
            await asyncio.sleep(0)


def _view_store(client: Any) -> Any:
    try:
        return client._connection._view_store
    except AttributeError:
        return None


def _has_item(store: Any, message_id: int, component_type: int, custom_id: str) -> bool:
    key = (component_type, custom_id)
    views = store._views
    if key in views.get(message_id, {}) or key in views.get(None, {}):
        return True
    return any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items)


__all__ = ["Actor", "ChannelRef", "MessageRef", "Role", "UserRef"]
