"""Discord's own OpenAPI description, used as the referee for every body the bot sends.

A stand-in that accepts anything proves little: real Discord answers a bad body with HTTP 400
(code 50035, "Invalid Form Body"), which a user experiences as "the command did not respond". So
each JSON body is checked against the schema Discord publishes (`openapi.json` beside this module,
MIT-licensed, see `LICENSE-openapi`), and a failure is reported the way a person can act on:
`data/embeds/0/title: maxLength 256`.

Two deliberate departures from the file, both where Discord itself is more lenient or stricter than
its description:

* `SnowflakeType` is widened to accept JSON integers, because Discord does (discord.py sends
  `allowed_mentions.users` and some ids as numbers).
* Unions (`anyOf`/`oneOf`) are resolved before reporting: branches that fail on the JSON kind or on
  the `type` discriminator are dropped, so the error names the branch the body was meant to be.

Validators are built once per (method, route) and cached; the spec is parsed once per process.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

log = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).with_name("openapi.json")
API_PREFIX = "/api/v10"

PathPart = str | int


@dataclass(frozen=True)
class Problem:
    """One reason Discord would refuse a body, in the shape both people and Discord's 400 need.

    `path` locates the field inside the body (`("data", "embeds", 0, "title")`), `rule` is the short
    human form (`maxLength 256`), `code`/`message` are what Discord puts in its `errors` object.
    """

    path: tuple[PathPart, ...]
    rule: str
    code: str = "BASE_TYPE_INVALID"
    message: str = "Invalid value."

    def __str__(self) -> str:
        where = "/".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.rule}"


@functools.cache
def load_spec() -> dict[str, Any]:
    """Parse the bundled spec once, with `SnowflakeType` widened to integers (Discord accepts both)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    snowflake = spec["components"]["schemas"]["SnowflakeType"]
    # `pattern` only constrains strings, so one schema now admits "123" and 123 but not "abc" or -1.
    snowflake["type"] = ["string", "integer"]
    snowflake["minimum"] = 0
    return spec


class SpecRouter:
    """Matches a concrete path (`/channels/1/messages/@original`) to its spec template.

    A literal segment wins over a `{parameter}` at the same place, as the README asks: the
    `@original` message is a different operation from `{message_id}` for anyone reading the log.
    """

    def __init__(self, templates: Iterable[str]) -> None:
        self._root: _Node = _Node()
        for template in templates:
            node = self._root
            for segment in _segments(template):
                if segment.startswith("{") and segment.endswith("}"):
                    if node.param is None:
                        node.param = _Node(param_name=segment[1:-1])
                    node = node.param
                else:
                    node = node.literals.setdefault(segment, _Node())
            node.template = template

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The template and its parameters, or None when no template has this shape."""
        found = _walk(self._root, _segments(path), 0, {})
        return found


@dataclass
class _Node:
    param_name: str | None = None
    template: str | None = None
    param: _Node | None = None
    literals: dict[str, _Node] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _walk(
    node: _Node, segments: Sequence[str], index: int, params: dict[str, str]
) -> tuple[str, dict[str, str]] | None:
    if index == len(segments):
        return (node.template, dict(params)) if node.template is not None else None
    segment = segments[index]
    literal = node.literals.get(segment)
    if literal is not None:
        found = _walk(literal, segments, index + 1, params)
        if found is not None:
            return found
    if node.param is not None and node.param.param_name is not None:
        params[node.param.param_name] = segment
        found = _walk(node.param, segments, index + 1, params)
        del params[node.param.param_name]
        return found
    return None


class SpecValidator:
    """Validates request bodies against the spec, one cached validator per (method, template)."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        self.spec: Mapping[str, Any] = spec if spec is not None else load_spec()
        self.router = SpecRouter(self.spec["paths"].keys())
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}
        self._cls = _union_dispatching_validator(self.spec)

    def has_route(self, template: str) -> bool:
        return template in self.spec["paths"]

    def has_body_schema(self, method: str, template: str) -> bool:
        return self._validator(method, template) is not None

    def validate(self, method: str, template: str, body: Any) -> list[Problem]:
        """Problems with `body` for this operation; empty when Discord would accept it."""
        validator = self._validator(method, template)
        if validator is None:
            return []
        problems: list[Problem] = []
        for error in validator.iter_errors(body):
            problems.extend(_problems_from(error))
        return _dedupe(problems)

    def _validator(self, method: str, template: str) -> Draft202012Validator | None:
        key = (method.upper(), template)
        try:
            return self._validators[key]
        except KeyError:
            pass
        validator: Draft202012Validator | None = None
        operation = self.spec["paths"].get(template, {}).get(method.lower())
        if operation is not None:
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                # Local `#/components/...` references resolve against the document root.
                validator = self._cls({**copy.deepcopy(schema), "components": self.spec["components"]})
        self._validators[key] = validator
        return validator


@dataclass(frozen=True)
class _Union:
    by_type: dict[Any, int]
    null_branch: int | None
    only_other: int | None
    consts: frozenset[Any] | None = None


_MEMO_LIMIT = 4096


def _union_dispatching_validator(spec: Mapping[str, Any]) -> type[Draft202012Validator]:
    """A validator class whose `anyOf`/`oneOf` jump straight to the branch the body names.

    Discord's unions are discriminated by a `type` field (callback kinds, component kinds) or are
    "null or X". Trying every branch costs about a millisecond per message body and buries the real
    error in a list of branch failures; dispatching on the discriminator validates one branch and
    reports its errors with their true paths. Anything that does not fit falls back to the
    standard keyword.
    """
    schemas = spec["components"]["schemas"]
    cache: dict[int, tuple[list[Any], _Union]] = {}
    # Sub-bodies already known to be valid for a branch: a bot sends the same buttons and rows over
    # and over, and re-validating 25 buttons costs ~2 ms. Only "valid" is remembered, so every
    # error is still computed fresh with its own path.
    known_valid: set[tuple[int, str]] = set()

    def descend(validator: Any, instance: Any, branch: Any, index: int) -> Iterator[ValidationError]:
        if not isinstance(instance, dict | list):
            yield from validator.descend(instance, branch, schema_path=index)
            return
        try:
            key = (id(branch), json.dumps(instance, sort_keys=True, separators=(",", ":")))
        except (TypeError, ValueError):
            yield from validator.descend(instance, branch, schema_path=index)
            return
        if key in known_valid:
            return
        errors = list(validator.descend(instance, branch, schema_path=index))
        if not errors:
            if len(known_valid) >= _MEMO_LIMIT:
                known_valid.clear()
            known_valid.add(key)
        yield from errors

    def resolve(branch: Any) -> Any:
        while (
            isinstance(branch, dict) and set(branch) == {"$ref"} and branch["$ref"].startswith("#/components/schemas/")
        ):
            branch = schemas[branch["$ref"].rsplit("/", 1)[1]]
        return branch

    def analyse(branches: list[Any]) -> _Union:
        entry = cache.get(id(branches))
        if entry is not None and entry[0] is branches:
            return entry[1]
        if branches and all(
            isinstance(b, dict) and "const" in b and not isinstance(b["const"], bool) for b in branches
        ):
            # Discord's enums: `oneOf` of `{"title": ..., "const": n}`. A set lookup, not n failed branches.
            union = _Union(
                by_type={}, null_branch=None, only_other=None, consts=frozenset(b["const"] for b in branches)
            )
            cache[id(branches)] = (branches, union)
            return union
        by_type: dict[Any, int] = {}
        null_branch: int | None = None
        others: list[int] = []
        clash = False
        for index, branch in enumerate(branches):
            target = resolve(branch)
            if not isinstance(target, dict):
                clash = True
                continue
            if target.get("type") == "null" and len(target) == 1:
                null_branch = index
                continue
            others.append(index)
            discriminator = (
                target.get("properties", {}).get("type", {}) if isinstance(target.get("properties"), dict) else {}
            )
            values = discriminator.get("enum") or ([discriminator["const"]] if "const" in discriminator else [])
            if not values or "type" not in target.get("required", ()):
                clash = True
            for value in values:
                if isinstance(value, bool) or value in by_type:
                    clash = True
                by_type[value] = index
        union = _Union(
            by_type={} if clash else by_type,
            null_branch=null_branch,
            only_other=others[0] if len(others) == 1 else None,
        )
        cache[id(branches)] = (branches, union)
        return union

    def make(default: Any) -> Any:
        def keyword(validator: Any, branches: list[Any], instance: Any, schema: Any) -> Iterator[ValidationError]:
            union = analyse(branches)
            if union.consts is not None:
                if (
                    not isinstance(instance, bool)
                    and isinstance(instance, int | str | float)
                    and instance in union.consts
                ):
                    return
                yield from default(validator, branches, instance, schema)
                return
            if instance is None and union.null_branch is not None:
                return
            if union.only_other is not None and instance is not None:
                yield from descend(validator, instance, branches[union.only_other], union.only_other)
                return
            if union.by_type and isinstance(instance, dict):
                value = instance.get("type")
                index = (
                    union.by_type.get(value) if isinstance(value, int | str) and not isinstance(value, bool) else None
                )
                if index is not None:
                    yield from descend(validator, instance, branches[index], index)
                    return
            yield from default(validator, branches, instance, schema)

        return keyword

    base = Draft202012Validator
    return validators.extend(
        base,
        {"anyOf": make(base.VALIDATORS["anyOf"]), "oneOf": make(base.VALIDATORS["oneOf"])},
    )


def _problems_from(error: ValidationError) -> list[Problem]:
    return [_problem(leaf) for leaf in _leaves(error)]


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors that explain `error`, looking through unions to the branch the body meant."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        yield error
        return
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branch = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        branches.setdefault(int(branch), []).append(sub)
    viable = {i: errs for i, errs in branches.items() if not any(_is_discriminator_miss(e) for e in errs)}
    if not viable:
        # Wrong JSON kind or an unknown `type`: say what would have been accepted.
        yield error
        return
    # Several viable branches (no discriminator, e.g. create vs update webhook bodies): the closest one.
    best = min(viable.values(), key=len)
    for sub in best:
        yield from _leaves(sub)


def _is_discriminator_miss(error: ValidationError) -> bool:
    path = list(error.relative_path)
    if error.validator == "type" and not path:
        return True
    return path == ["type"] and error.validator in ("enum", "const")


def _problem(error: ValidationError) -> Problem:
    path: tuple[PathPart, ...] = tuple(error.absolute_path)
    keyword = str(error.validator)
    value = error.validator_value
    if keyword == "required":
        missing = _quoted(error.message)
        return Problem((*path, missing), "required", "BASE_TYPE_REQUIRED", "This field is required")
    if keyword in ("maxLength", "maxItems"):
        return Problem(path, f"{keyword} {value}", "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length.")
    if keyword in ("minLength", "minItems"):
        return Problem(path, f"{keyword} {value}", "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length.")
    if keyword in ("maximum", "exclusiveMaximum"):
        return Problem(
            path, f"{keyword} {value}", "NUMBER_TYPE_MAX", f"int value should be less than or equal to {value}."
        )
    if keyword in ("minimum", "exclusiveMinimum"):
        return Problem(
            path, f"{keyword} {value}", "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {value}."
        )
    if keyword == "type":
        expected = value if isinstance(value, str) else "|".join(value)
        return Problem(
            path, f"type {expected} (got {_kind(error.instance)})", "BASE_TYPE_BAD_TYPE", f"Must be {expected}."
        )
    if keyword in ("enum", "const"):
        shown = json.dumps(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return Problem(path, f"{keyword} {shown}", "BASE_TYPE_CHOICES", f"Value must be one of {shown}.")
    if keyword == "pattern":
        return Problem(path, f"pattern {value}", "STRING_TYPE_REGEX", "String value did not match validation regex.")
    if keyword in ("anyOf", "oneOf"):
        kinds = _union_summary(error)
        return Problem(
            path, f"{keyword}: matches none of {kinds}", "UNION_TYPE_CHOICES", "Value matches no allowed type."
        )
    if keyword == "additionalProperties":
        return Problem(path, f"unexpected property ({error.message[:80]})", "BASE_TYPE_INVALID", error.message[:200])
    return Problem(path, f"{keyword}: {error.message[:100]}", "BASE_TYPE_INVALID", error.message[:200])


def _union_summary(error: ValidationError) -> str:
    """`object(type 4|5)|null`-style list of what a union accepts, from the branches' own errors."""
    kinds: list[str] = []
    for sub in error.context or ():
        if sub.validator == "type" and not list(sub.relative_path):
            value = sub.validator_value
            kinds.append(value if isinstance(value, str) else "|".join(value))
        elif list(sub.relative_path) == ["type"] and sub.validator in ("enum", "const"):
            value = sub.validator_value
            kinds.append(f"type {value if not isinstance(value, list) else '|'.join(map(str, value))}")
    unique = list(dict.fromkeys(kinds))
    return ", ".join(unique) if unique else "the allowed shapes"


def _kind(instance: Any) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int):
        return "integer"
    if isinstance(instance, float):
        return "number"
    if isinstance(instance, str):
        return "string"
    if isinstance(instance, list):
        return "array"
    return "object"


def _quoted(message: str) -> str:
    start = message.find("'")
    end = message.find("'", start + 1)
    return message[start + 1 : end] if 0 <= start < end else message


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def discord_error_body(problems: Sequence[Problem]) -> dict[str, Any]:
    """Discord's 400 shape: `errors` is a nested object keyed by field, leaves hold `_errors` lists.

    It must be an object (never a list): discord.py formats it recursively and a list makes the
    formatting itself raise, hiding the real problem.
    """
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
