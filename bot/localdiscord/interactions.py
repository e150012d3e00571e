"""Interactions as Discord sends them, and the answer a person would see.

Payload building lives here so every way of triggering the bot (slash command, button, select,
modal, autocomplete) produces exactly the fields discord.py 2.7 needs; a missing key there kills the
bot's gateway loop rather than failing one command. Option values are checked against the command
JSON the bot itself synced, like the Discord client does before it sends anything: an unknown
option, a missing required one or a value outside `choices` is a test mistake, reported at once.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.localdiscord.messages import Attachment, Message, iter_components
from bot.localdiscord.model import Channel, ChannelType, Guild, Member, Role, User

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5

# Callback types (what the bot answers with).
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

# Option types.
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class InteractionError(AssertionError):
    """A user action the Discord client itself would not allow (unknown option, disabled button...)."""


@dataclass(eq=False)
class InteractionRecord:
    """One interaction the stand-in dispatched, and everything the bot did to answer it."""

    id: int
    token: str
    type: int
    user: User
    channel: Channel
    guild_id: int | None
    label: str  # "/trivia start", "button trivia:join", "modal quiz:answer" — for error messages
    payload: dict[str, Any]
    dispatched_at: float
    source_message: Message | None = None
    response_type: int | None = None
    callback_body: Any = None
    acked_at: float | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    def answer(self) -> Reply | None:
        """What the user sees as the bot's answer, or None while they still wait for one.

        A deferred "thinking" response is not an answer yet: the user waits for the follow-up or
        edit that replaces it. A deferred update (type 6) is complete as it is: the user saw their
        click accepted, and any later edit is a separate change to wait for.
        """
        kind = self.response_type
        if kind is None:
            return None
        if kind == CHANNEL_MESSAGE:
            return Reply(self, "message", self.original)
        if kind == DEFERRED_CHANNEL_MESSAGE:
            original = self.original
            if original is not None and not original.loading and not original.deleted:
                return Reply(self, "message", original)
            if original is not None and original.deleted:
                # "Thinking…" taken back: what the user sees is the followup that comes next (often private).
                return Reply(self, "message", self.followups[0]) if self.followups else None
            return None
        if kind == DEFERRED_UPDATE:
            return Reply(self, "deferred_update", self.original)
        if kind == UPDATE_MESSAGE:
            return Reply(self, "update", self.original)
        if kind == AUTOCOMPLETE_RESULT:
            return Reply(self, "choices", None, choices=list(self.choices or []))
        if kind == MODAL:
            return Reply(self, "modal", None, modal=self.modal)
        return Reply(self, "other", None)


@dataclass(frozen=True)
class Reply:
    """The bot's answer to one interaction.

    `message` is live: it is the stand-in's own record, so later edits by the bot show through.
    `kind` is "message" (a new reply, possibly after "thinking"), "update" (the clicked message was
    edited), "deferred_update" (the click was accepted silently), "modal", or "choices".
    """

    interaction: InteractionRecord
    kind: str
    message: Message | None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed (a test that expects one should not index into a list)."""
        if not self.embeds:
            raise AssertionError(f"{self.interaction.label}: the answer has no embed: {self.message!r}")
        return self.embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return self.message.buttons if self.message else []

    @property
    def flags(self) -> int:
        return self.message.flags if self.message else 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.ephemeral)

    @property
    def message_id(self) -> int | None:
        return self.message.id if self.message else None

    @property
    def text(self) -> str:
        """Content and embed text together."""
        return self.message.text if self.message else ""

    @property
    def attachments(self) -> list[Attachment]:
        return self.message.attachments if self.message else []

    @property
    def followups(self) -> list[Message]:
        return self.interaction.followups

    def __repr__(self) -> str:
        if self.kind == "modal":
            return f"<Reply {self.interaction.label}: modal {self.modal and self.modal.get('title')!r}>"
        if self.kind == "choices":
            return f"<Reply {self.interaction.label}: {len(self.choices or [])} choices>"
        return f"<Reply {self.interaction.label} {self.kind}: {self.message!r}>"


def new_token(interaction_id: int) -> str:
    """A token shaped like Discord's: long, URL-safe, different for every interaction."""
    prefix = base64.urlsafe_b64encode(f"interaction:{interaction_id}:".encode()).decode().rstrip("=")
    return prefix + secrets.token_urlsafe(96)


def base_payload(
    *,
    interaction_id: int,
    token: str,
    kind: int,
    application_id: int,
    guild: Guild | None,
    channel: Channel,
    user: User,
    app_permissions: int,
    locale: str | None = None,
) -> dict[str, Any]:
    """The fields every interaction carries (guild ones only in a server)."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "channel": channel_payload(channel, guild, user),
        "channel_id": str(channel.id),
        "app_permissions": str(app_permissions),
        "locale": locale or user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild is not None and not channel.is_dm:
        member = guild.members[user.id]
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": []},
            guild_locale=guild.locale,
            member=member.to_payload(permissions=guild.permissions_of(user.id)),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(user=user.to_payload(), authorizing_integration_owners={"0": "0"}, context=1)
    return payload


def channel_payload(channel: Channel, guild: Guild | None, viewer: User) -> dict[str, Any]:
    payload = channel.to_payload()
    if guild is not None and not channel.is_dm:
        payload["permissions"] = str(guild.permissions_of(viewer.id))
    return payload


# --- slash commands and autocomplete -------------------------------------------------------------


def find_command(commands: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    for command in commands:
        if command.get("name") == name and (command.get("type") or 1) == 1:
            return command
    synced = ", ".join(sorted("/" + str(c.get("name")) for c in commands if (c.get("type") or 1) == 1)) or "none"
    raise InteractionError(f"/{name} is not a synced slash command (synced: {synced})")


def command_data(
    command: Mapping[str, Any],
    path: Sequence[str],
    values: Mapping[str, Any],
    *,
    resolver: OptionResolver,
    focused: str | None = None,
) -> dict[str, Any]:
    """`data` of an APPLICATION_COMMAND (or, with `focused`, AUTOCOMPLETE) interaction."""
    options_defs: Sequence[Mapping[str, Any]] = command.get("options") or []
    wrappers: list[dict[str, Any]] = []
    label = "/" + str(command["name"])
    for part in path:
        match = next(
            (o for o in options_defs if o.get("name") == part and o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)),
            None,
        )
        if match is None:
            subs = [str(o.get("name")) for o in options_defs if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            raise InteractionError(f"{label} has no subcommand {part!r} (has: {', '.join(subs) or 'none'})")
        label += " " + part
        wrappers.append({"type": match["type"], "name": part, "options": []})
        options_defs = match.get("options") or []
    if any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options_defs):
        subs = [str(o.get("name")) for o in options_defs]
        raise InteractionError(f"{label} needs a subcommand: one of {', '.join(subs)}")

    leaf = build_options(options_defs, values, resolver=resolver, label=label, focused=focused)
    if wrappers:
        wrappers[-1]["options"] = leaf
        for outer, inner in itertools.pairwise(wrappers):
            outer["options"] = [inner]
        options: list[dict[str, Any]] = [wrappers[0]]
    else:
        options = leaf

    data: dict[str, Any] = {"id": str(command["id"]), "name": command["name"], "type": 1}
    if options:
        data["options"] = options
    if command.get("guild_id"):
        data["guild_id"] = str(command["guild_id"])
    if resolver.resolved:
        data["resolved"] = resolver.resolved
    return data


def build_options(
    defs: Sequence[Mapping[str, Any]],
    values: Mapping[str, Any],
    *,
    resolver: OptionResolver,
    label: str,
    focused: str | None,
) -> list[dict[str, Any]]:
    by_name = {str(d.get("name")): d for d in defs}
    unknown = [name for name in values if name not in by_name]
    if unknown:
        raise InteractionError(f"{label} has no option {unknown[0]!r} (options: {', '.join(by_name) or 'none'})")
    if focused is None:
        missing = [name for name, d in by_name.items() if d.get("required") and name not in values]
        if missing:
            raise InteractionError(f"{label} needs the required option {missing[0]!r}")
    built: list[dict[str, Any]] = []
    for name, definition in by_name.items():  # Discord sends options in declaration order
        if name not in values:
            continue
        if name == focused:
            built.append({"type": definition["type"], "name": name, "value": str(values[name]), "focused": True})
            continue
        built.append(
            {"type": definition["type"], "name": name, "value": resolver.value(definition, values[name], label)}
        )
    return built


@dataclass
class OptionResolver:
    """Turns test-friendly option values (a User, `"#general"`, `"@Moderator"`) into Discord's ids,
    collecting the `resolved` section Discord attaches for users, members, roles and channels."""

    guild: Guild | None
    viewer: User
    find_user: Any  # Callable[[object], User]
    attachment_factory: Any = None  # Callable[[str, bytes], Attachment]
    resolved: dict[str, dict[str, Any]] = field(default_factory=dict)

    def value(self, definition: Mapping[str, Any], raw: Any, label: str) -> Any:
        kind = definition.get("type")
        name = definition.get("name")
        where = f"{label} option {name!r}"
        if kind == STRING:
            if not isinstance(raw, str):
                raise InteractionError(f"{where} takes text, not {raw!r}")
            low, high = definition.get("min_length"), definition.get("max_length")
            if (low is not None and len(raw) < low) or (high is not None and len(raw) > high):
                raise InteractionError(f"{where}: length must be {low or 0}-{high or 6000}")
            self._check_choice(definition, raw, where)
            return raw
        if kind in (INTEGER, NUMBER):
            ok = isinstance(raw, int) if kind == INTEGER else isinstance(raw, int | float)
            if isinstance(raw, bool) or not ok:
                raise InteractionError(f"{where} takes {'an integer' if kind == INTEGER else 'a number'}, not {raw!r}")
            low, high = definition.get("min_value"), definition.get("max_value")
            if (low is not None and raw < low) or (high is not None and raw > high):
                raise InteractionError(f"{where}: must be between {low} and {high}")
            self._check_choice(definition, raw, where)
            return raw
        if kind == BOOLEAN:
            if not isinstance(raw, bool):
                raise InteractionError(f"{where} takes True or False, not {raw!r}")
            return raw
        if kind == USER:
            return self._user(raw)
        if kind == ROLE:
            return self._role(raw, where)
        if kind == MENTIONABLE:
            if isinstance(raw, Role) or (isinstance(raw, str) and raw.startswith("@") and self._is_role_name(raw)):
                return self._role(raw, where)
            return self._user(raw)
        if kind == CHANNEL:
            return self._channel(raw, definition, where)
        if kind == ATTACHMENT:
            return self._attachment(raw, where)
        raise InteractionError(f"{where}: option type {kind} is not supported by the stand-in")

    def _check_choice(self, definition: Mapping[str, Any], raw: Any, where: str) -> None:
        choices = definition.get("choices")
        if choices and raw not in [c.get("value") for c in choices]:
            listed = ", ".join(repr(c.get("value")) for c in choices)
            raise InteractionError(f"{where}: {raw!r} is not one of the choices ({listed})")

    def _user(self, raw: Any) -> str:
        user: User = self.find_user(raw)
        self.resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
        if self.guild is not None and user.id in self.guild.members:
            member: Member = self.guild.members[user.id]
            self.resolved.setdefault("members", {})[str(user.id)] = member.to_payload(
                with_user=False, permissions=self.guild.permissions_of(user.id)
            )
        return str(user.id)

    def _is_role_name(self, raw: str) -> bool:
        if self.guild is None:
            return False
        try:
            self.guild.role(raw)
        except KeyError:
            return False
        return True

    def _role(self, raw: Any, where: str) -> str:
        if self.guild is None:
            raise InteractionError(f"{where}: roles only exist in a server")
        try:
            role = raw if isinstance(raw, Role) else self.guild.role(raw)
        except KeyError as exc:
            raise InteractionError(f"{where}: {exc.args[0]}") from None
        self.resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
        return str(role.id)

    def _channel(self, raw: Any, definition: Mapping[str, Any], where: str) -> str:
        if self.guild is None:
            raise InteractionError(f"{where}: channels can only be picked in a server")
        try:
            channel = raw if isinstance(raw, Channel) else self.guild.channel(raw)
        except KeyError as exc:
            raise InteractionError(f"{where}: {exc.args[0]}") from None
        allowed = definition.get("channel_types")
        if allowed and int(channel.type) not in allowed:
            kinds = ", ".join(ChannelType(k).name.lower() for k in allowed if k in ChannelType._value2member_map_)
            raise InteractionError(f"{where}: #{channel.name} is not one of the allowed channel kinds ({kinds})")
        self.resolved.setdefault("channels", {})[str(channel.id)] = channel_payload(channel, self.guild, self.viewer)
        return str(channel.id)

    def _attachment(self, raw: Any, where: str) -> str:
        if not (isinstance(raw, tuple) and len(raw) == 2 and isinstance(raw[0], str) and isinstance(raw[1], bytes)):
            raise InteractionError(f"{where} takes a (filename, bytes) pair")
        if self.attachment_factory is None:
            raise InteractionError(f"{where}: attachments are not available here")
        attachment: Attachment = self.attachment_factory(raw[0], raw[1])
        self.resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.to_payload()
        return str(attachment.id)


# --- components and modals ------------------------------------------------------------------------


def find_component(message: Message, custom_id: str | None, label: str | None) -> dict[str, Any]:
    """The button or select a user would press, by custom id or by its visible label."""
    for component in iter_components(message.components):
        if custom_id is not None and component.get("custom_id") == custom_id:
            return component
        if label is not None and component.get("label") == label:
            return component
    shown = [
        f"{c.get('label') or c.get('placeholder') or ''!s} [{c.get('custom_id')}]"
        for c in iter_components(message.components)
        if c.get("type") in (2, 3, 5, 6, 7, 8)
    ]
    wanted = repr(custom_id) if custom_id is not None else f"labelled {label!r}"
    raise InteractionError(f"message {message.id} has no component {wanted} (has: {', '.join(shown) or 'none'})")


def modal_submit_components(modal: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `components` of a MODAL_SUBMIT, mirroring the modal's own layout (rows or labels).

    Values are keyed by the input's custom id or by its label. Required inputs must be filled and
    lengths respected, because the Discord client will not submit the form otherwise.
    """
    remaining = dict(values)
    submitted = [_submit_component(c, values, remaining, None) for c in modal.get("components") or []]
    if remaining:
        inputs = [f"{label or ''} [{cid}]" for cid, label in _modal_inputs(modal)]
        raise InteractionError(
            f"modal {modal.get('title')!r} has no input {next(iter(remaining))!r} (inputs: {', '.join(inputs)})"
        )
    return [c for c in submitted if c is not None]


def _modal_inputs(modal: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for component in modal.get("components") or []:
        if component.get("type") == 18:  # label wrapping one input
            inner = component.get("component") or {}
            found.append((str(inner.get("custom_id")), component.get("label")))
        for child in component.get("components") or []:
            if child.get("custom_id"):
                found.append((str(child["custom_id"]), child.get("label")))
    return found


def _submit_component(
    component: Mapping[str, Any], values: Mapping[str, Any], remaining: dict[str, Any], label: str | None
) -> dict[str, Any] | None:
    kind = component.get("type")
    if kind == 1:
        children = [_submit_component(c, values, remaining, None) for c in component.get("components") or []]
        row: dict[str, Any] = {"type": 1, "components": [c for c in children if c is not None]}
        if component.get("id") is not None:
            row["id"] = component["id"]
        return row
    if kind == 18:
        inner = _submit_component(component.get("component") or {}, values, remaining, component.get("label"))
        wrapped: dict[str, Any] = {"type": 18, "component": inner}
        if component.get("id") is not None:
            wrapped["id"] = component["id"]
        return wrapped
    if kind == 10:  # text display: nothing to submit, Discord echoes only its id
        return {"type": 10, "id": component.get("id")} if component.get("id") is not None else None
    custom_id = component.get("custom_id")
    if custom_id is None:
        return None
    visible = label or component.get("label")
    key = custom_id if custom_id in values else (visible if visible in values else None)
    raw = values.get(key) if key is not None else None
    if key is not None:
        remaining.pop(key, None)
    submitted: dict[str, Any] = {"type": kind, "custom_id": custom_id}
    if component.get("id") is not None:
        submitted["id"] = component["id"]
    if kind == 4:  # text input
        text = "" if raw is None else str(raw)
        if component.get("required", True) and not text:
            raise InteractionError(f"modal input {visible or custom_id!r} is required")
        low, high = component.get("min_length"), component.get("max_length")
        if text and ((low is not None and len(text) < low) or (high is not None and len(text) > high)):
            raise InteractionError(f"modal input {visible or custom_id!r} must be {low or 0}-{high or 4000} characters")
        submitted["value"] = text
    else:  # selects inside modals
        chosen = [] if raw is None else ([raw] if isinstance(raw, str) else list(raw))
        submitted["values"] = [str(v) for v in chosen]
    return submitted
