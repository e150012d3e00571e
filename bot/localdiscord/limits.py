"""Limits Discord enforces that its OpenAPI file does not state (or states more loosely).

Message bodies: a bot's `content` is 2,000 characters (the spec says 4,000, the Nitro limit), one
message's embeds total at most 6,000 characters, a classic message has at most 5 action rows of
at most 5 buttons (a select fills a whole row), and custom ids are unique within a message.

Application commands: the rules Discord checks when commands are registered (name shape,
description lengths, option and choice counts, required options first...). A bot that breaks one
of these fails to sync and shows no commands at all, so the stand-in refuses such a sync too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from bot.localdiscord.messages import IS_COMPONENTS_V2, embed_length, iter_components
from bot.localdiscord.spec import PathPart, Problem

MAX_BOT_CONTENT = 2000
MAX_EMBED_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_ROW_WIDTH = 5

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10


def message_problems(
    body: Any, prefix: tuple[PathPart, ...] = (), *, creating: bool, file_count: int = 0
) -> list[Problem]:
    """Practical-limit problems of a message body (create or edit) found at `prefix` in the request."""
    if not isinstance(body, Mapping):
        return []
    problems: list[Problem] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > MAX_BOT_CONTENT:
        problems.append(
            Problem(
                (*prefix, "content"),
                f"maxLength {MAX_BOT_CONTENT} (a bot's message content; got {len(content)})",
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_BOT_CONTENT} or fewer in length.",
            )
        )
    embeds = body.get("embeds")
    if isinstance(embeds, list):
        total = sum(embed_length(e) for e in embeds if isinstance(e, Mapping))
        if total > MAX_EMBED_TOTAL:
            problems.append(
                Problem(
                    (*prefix, "embeds"),
                    f"embeds total {total} characters > {MAX_EMBED_TOTAL}",
                    "MAX_EMBED_SIZE_EXCEEDED",
                    f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
                )
            )
    flags = body.get("flags") or 0
    components = body.get("components")
    if isinstance(components, list) and isinstance(flags, int) and not flags & IS_COMPONENTS_V2:
        problems.extend(_classic_component_problems(components, (*prefix, "components")))
    if isinstance(components, list):
        problems.extend(_duplicate_custom_ids(components, (*prefix, "components")))
    if creating and not _has_something(body, file_count):
        problems.append(
            Problem(
                prefix,
                "empty message (no content, embeds, components, files, stickers or poll)",
                "50006",
                "Cannot send an empty message",
            )
        )
    return problems


def _classic_component_problems(components: list[Any], path: tuple[PathPart, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if len(components) > MAX_ACTION_ROWS:
        problems.append(
            Problem(
                path,
                f"maxItems {MAX_ACTION_ROWS} (action rows; got {len(components)})",
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_ACTION_ROWS} or fewer in length.",
            )
        )
    for index, row in enumerate(components):
        if not isinstance(row, Mapping):
            continue
        if row.get("type") != 1:
            problems.append(
                Problem(
                    (*path, index),
                    "top-level components must be action rows (type 1) without the components-v2 flag",
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (1,).',
                )
            )
            continue
        children = row.get("components")
        if not isinstance(children, list):
            continue
        width = sum(
            MAX_ROW_WIDTH if isinstance(c, Mapping) and c.get("type") in (3, 5, 6, 7, 8) else 1 for c in children
        )
        if width > MAX_ROW_WIDTH:
            problems.append(
                Problem(
                    (*path, index, "components"),
                    f"row width {width} > {MAX_ROW_WIDTH} (5 buttons, or one select alone)",
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            )
    return problems


def _duplicate_custom_ids(components: list[Any], path: tuple[PathPart, ...]) -> list[Problem]:
    seen: set[str] = set()
    problems: list[Problem] = []
    for component in iter_components(components):
        custom_id = component.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        if custom_id in seen:
            problems.append(
                Problem(
                    path,
                    f"duplicate custom_id {custom_id!r}",
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen.add(custom_id)
    return problems


def _has_something(body: Mapping[str, Any], file_count: int) -> bool:
    return bool(
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or file_count
        or body.get("attachments")
    )


def command_problems(commands: Sequence[Any]) -> list[Problem]:
    """Registration rules for a full command list (what a bulk overwrite would be refused for)."""
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        if not isinstance(command, Mapping):
            continue
        path: tuple[PathPart, ...] = (index,)
        kind = command.get("type") or 1
        name = command.get("name")
        problems.extend(_name_problems(name, (*path, "name"), chat_input=kind == 1))
        problems.extend(_localization_problems(command, path, chat_input=kind == 1))
        if isinstance(name, str):
            if (kind, name) in seen:
                problems.append(
                    Problem(
                        (*path, "name"),
                        f"duplicate command name {name!r}",
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        "Application command names must be unique",
                    )
                )
            seen.add((kind, name))
        description = command.get("description") or ""
        if kind == 1:
            problems.extend(_description_problems(description, (*path, "description")))
        elif description:
            problems.append(
                Problem(
                    (*path, "description"),
                    "must be empty for user and message commands",
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 0 or fewer in length.",
                )
            )
        options = command.get("options") or []
        problems.extend(_options_problems(options, (*path, "options"), depth=0))
        if kind == 1:
            size = _command_size(command)
            if size > 4000:
                problems.append(
                    Problem(
                        path,
                        f"command text totals {size} characters > 4000",
                        "APPLICATION_COMMAND_TOO_LARGE",
                        "Command exceeds maximum size (4000)",
                    )
                )
    return problems


def _name_problems(name: Any, path: tuple[PathPart, ...], *, chat_input: bool) -> list[Problem]:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return [Problem(path, "length 1-32", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")]
    if not chat_input:
        return []
    if any(not (ch in "-_'" or unicodedata.category(ch)[0] in "LN" or _indic_or_thai(ch)) for ch in name):
        return [
            Problem(
                path,
                r"pattern ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$",
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            )
        ]
    if name != name.lower():
        return [Problem(path, "must be lowercase", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")]
    return []


def _indic_or_thai(ch: str) -> bool:
    """Discord's name pattern admits every Devanagari and Thai character, vowel signs included."""
    return "\u0900" <= ch <= "\u097f" or "\ua8e0" <= ch <= "\ua8ff" or "\u0e00" <= ch <= "\u0e7f"


def _localization_problems(entry: Mapping[str, Any], path: tuple[PathPart, ...], *, chat_input: bool) -> list[Problem]:
    """`name_localizations` follow the name rules and `description_localizations` the description ones."""
    problems: list[Problem] = []
    names = entry.get("name_localizations") or {}
    if isinstance(names, Mapping):
        for locale, text in names.items():
            problems.extend(_name_problems(text, (*path, "name_localizations", locale), chat_input=chat_input))
    descriptions = entry.get("description_localizations") or {}
    if isinstance(descriptions, Mapping) and chat_input:
        for locale, text in descriptions.items():
            problems.extend(_description_problems(text, (*path, "description_localizations", locale)))
    return problems


def _sibling_localization_problems(options: Sequence[Any], path: tuple[PathPart, ...]) -> list[Problem]:
    """Two options of one command may not share a name in any locale."""
    problems: list[Problem] = []
    seen: dict[str, set[str]] = {}
    for index, option in enumerate(options):
        if not isinstance(option, Mapping):
            continue
        for locale, text in (option.get("name_localizations") or {}).items():
            if text in seen.setdefault(locale, set()):
                problems.append(Problem(
                    (*path, index, "name_localizations", locale),
                    f"duplicate localized option name {text!r}",
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                ))
            seen[locale].add(text)
    return problems


def _description_problems(description: Any, path: tuple[PathPart, ...]) -> list[Problem]:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        got = len(description) if isinstance(description, str) else "none"
        return [
            Problem(path, f"length 1-100 (got {got})", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        ]
    return []


def _options_problems(options: Any, path: tuple[PathPart, ...], *, depth: int) -> list[Problem]:
    if not isinstance(options, list):
        return []
    problems: list[Problem] = []
    if len(options) > 25:
        problems.append(
            Problem(path, f"maxItems 25 (got {len(options)})", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        )
    kinds = [o.get("type") for o in options if isinstance(o, Mapping)]
    nested = [k in (SUB_COMMAND, SUB_COMMAND_GROUP) for k in kinds]
    if any(nested) and not all(nested):
        problems.append(
            Problem(
                path,
                "subcommands cannot be mixed with other options",
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-command and sub-command group option types are mutually exclusive to all other types",
            )
        )
    names: set[str] = set()
    problems.extend(_sibling_localization_problems(options, path))
    seen_optional = False
    for index, option in enumerate(options):
        if not isinstance(option, Mapping):
            continue
        here = (*path, index)
        kind = option.get("type")
        name = option.get("name")
        problems.extend(_name_problems(name, (*here, "name"), chat_input=True))
        problems.extend(_localization_problems(option, here, chat_input=True))
        if isinstance(name, str):
            if name in names:
                problems.append(
                    Problem(
                        (*here, "name"),
                        f"duplicate option name {name!r}",
                        "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                        "Option names must be unique",
                    )
                )
            names.add(name)
        problems.extend(_description_problems(option.get("description") or "", (*here, "description")))
        if kind == SUB_COMMAND_GROUP:
            if depth > 0:
                problems.append(
                    Problem(
                        here,
                        "a subcommand group can only sit at the top level",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Invalid nesting",
                    )
                )
            children = option.get("options") or []
            if any(isinstance(c, Mapping) and c.get("type") != SUB_COMMAND for c in children):
                problems.append(
                    Problem(
                        (*here, "options"),
                        "a subcommand group may only contain subcommands",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Invalid nesting",
                    )
                )
            problems.extend(_options_problems(children, (*here, "options"), depth=depth + 1))
            continue
        if kind == SUB_COMMAND:
            children = option.get("options") or []
            if any(isinstance(c, Mapping) and c.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for c in children):
                problems.append(
                    Problem(
                        (*here, "options"),
                        "a subcommand cannot contain subcommands",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Invalid nesting",
                    )
                )
            problems.extend(_options_problems(children, (*here, "options"), depth=depth + 1))
            continue
        required = bool(option.get("required"))
        if required and seen_optional:
            problems.append(
                Problem(
                    (*here, "required"),
                    "required options must come before optional ones",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
            )
        seen_optional = seen_optional or not required
        problems.extend(_choice_problems(option, here))
    return problems


def _choice_problems(option: Mapping[str, Any], path: tuple[PathPart, ...]) -> list[Problem]:
    problems: list[Problem] = []
    kind = option.get("type")
    choices = option.get("choices") or []
    if choices and option.get("autocomplete"):
        problems.append(
            Problem(
                (*path, "autocomplete"),
                "autocomplete cannot be combined with choices",
                "APPLICATION_COMMAND_AUTOCOMPLETE_WITH_CHOICES",
                "Autocomplete cannot be enabled with choices",
            )
        )
    if choices and kind not in (STRING, INTEGER, NUMBER):
        problems.append(
            Problem(
                (*path, "choices"),
                "only string, integer and number options take choices",
                "APPLICATION_COMMAND_OPTIONS_CHOICES_INVALID",
                "Choices are not allowed for this option type",
            )
        )
    if len(choices) > 25:
        problems.append(
            Problem(
                (*path, "choices"),
                f"maxItems 25 (got {len(choices)})",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.",
            )
        )
    for index, choice in enumerate(choices):
        if not isinstance(choice, Mapping):
            continue
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            problems.append(
                Problem(
                    (*path, "choices", index, "name"),
                    "length 1-100",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            )
        value = choice.get("value")
        if kind == STRING and (not isinstance(value, str) or len(value) > 100):
            problems.append(
                Problem(
                    (*path, "choices", index, "value"),
                    "a string of at most 100 characters",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            )
        if kind == INTEGER and (not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**53):
            problems.append(
                Problem(
                    (*path, "choices", index, "value"),
                    "an integer within ±2^53",
                    "NUMBER_TYPE_COERCE",
                    "Value is not int.",
                )
            )
    if kind in (INTEGER, NUMBER):
        low, high = option.get("min_value"), option.get("max_value")
        if low is not None and high is not None and low > high:
            problems.append(
                Problem(
                    (*path, "min_value"),
                    f"min_value {low} > max_value {high}",
                    "NUMBER_TYPE_MAX",
                    "min_value must be less than max_value",
                )
            )
    elif option.get("min_value") is not None or option.get("max_value") is not None:
        problems.append(
            Problem(
                path,
                "min_value/max_value only apply to integer and number options",
                "BASE_TYPE_INVALID",
                "Invalid option",
            )
        )
    if kind == STRING:
        low, high = option.get("min_length"), option.get("max_length")
        if low is not None and not 0 <= low <= 6000:
            problems.append(Problem((*path, "min_length"), "0-6000", "NUMBER_TYPE_MAX", "Must be between 0 and 6000."))
        if high is not None and not 1 <= high <= 6000:
            problems.append(Problem((*path, "max_length"), "1-6000", "NUMBER_TYPE_MAX", "Must be between 1 and 6000."))
    return problems


def _command_size(command: Mapping[str, Any]) -> int:
    total = len(str(command.get("name") or "")) + len(str(command.get("description") or ""))

    def walk(options: Any) -> int:
        size = 0
        for option in options or []:
            if not isinstance(option, Mapping):
                continue
            size += len(str(option.get("name") or "")) + len(str(option.get("description") or ""))
            for choice in option.get("choices") or []:
                if isinstance(choice, Mapping):
                    size += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
            size += walk(option.get("options"))
        return size

    return total + walk(command.get("options"))
