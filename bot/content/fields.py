"""A tiny typed-schema checker for TOML tables.

jsonschema could do the type part, but its messages speak JSON pointers; moderators editing TOML are
better served by "'season' must be an integer, got string" and a "did you mean" for typos.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.content.problems import Reporter

Kind = Literal["str", "int", "date", "when", "str_list", "int_list", "table", "tables"]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 64
"""Ids end up in button custom_ids ("trivia:answer:<id>"), which Discord caps at 100 characters."""


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = True
    max_len: int = 0
    """For strings and each string in a list: the longest allowed text (0 = no limit)."""
    max_items: int = 0


def type_name(value: object) -> str:
    """TOML's name for a parsed value, as a moderator would recognise it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return f"string {_quote(value)}"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def check_table(table: Mapping[str, Any], schema: Mapping[str, Field], report: Reporter) -> tuple[dict[str, Any], bool]:
    """Check keys and value types; returns the values that passed and whether the whole table did."""
    before = report.count
    values: dict[str, Any] = {}
    for key in table:
        if key not in schema:
            hint = difflib.get_close_matches(key, list(schema), n=1)
            suffix = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(schema)})"
            report(f"unknown key '{key}'{suffix}")
    for name, spec in schema.items():
        if name not in table:
            if spec.required:
                report(f"missing required field '{name}'")
            continue
        value = table[name]
        if _check_value(name, value, spec, report):
            values[name] = value
    return values, report.count == before


def check_id(value: str, report: Reporter) -> bool:
    if len(value) > MAX_ID_LENGTH:
        report(f"id is {len(value)} characters, longer than the limit of {MAX_ID_LENGTH}")
        return False
    if not ID_PATTERN.match(value):
        report(f"id {_quote(value)} must be lowercase letters, digits and single dashes (e.g. 's2-director')")
        return False
    return True


def _check_value(name: str, value: Any, spec: Field, report: Reporter) -> bool:
    kind = spec.kind
    if kind == "str":
        return _check_str(f"'{name}'", value, spec.max_len, report)
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return True
        report(f"'{name}' must be an integer, got {type_name(value)}")
        return False
    if kind == "date":
        return _check_date(name, value, report, allow_time=False)
    if kind == "when":
        return _check_date(name, value, report, allow_time=True)
    if kind == "table":
        if isinstance(value, dict):
            return True
        report(f"'{name}' must be a table ([{name}] section), got {type_name(value)}")
        return False
    if kind == "tables":
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return True
        report(f"'{name}' must be an array of tables ([[...]] sections), got {type_name(value)}")
        return False
    return _check_list(name, value, spec, report)


def _check_str(label: str, value: Any, max_len: int, report: Reporter) -> bool:
    if not isinstance(value, str):
        report(f"{label} must be a string, got {type_name(value)}")
        return False
    if not value.strip():
        report(f"{label} must not be empty")
        return False
    if max_len and len(value) > max_len:
        report(f"{label} is {len(value)} characters, longer than the limit of {max_len}")
        return False
    return True


def _check_list(name: str, value: Any, spec: Field, report: Reporter) -> bool:
    item_kind = "string" if spec.kind == "str_list" else "integer"
    if not isinstance(value, list):
        report(f"'{name}' must be an array of {item_kind}s, got {type_name(value)}")
        return False
    if spec.max_items and len(value) > spec.max_items:
        report(f"'{name}' has {len(value)} items, more than the limit of {spec.max_items}")
        return False
    ok = True
    for index, item in enumerate(value, start=1):
        label = f"'{name}' item {index}"
        if spec.kind == "str_list":
            ok = _check_str(label, item, spec.max_len, report) and ok
        elif not isinstance(item, int) or isinstance(item, bool):
            report(f"{label} must be an integer, got {type_name(item)}")
            ok = False
    return ok


def _check_date(name: str, value: Any, report: Reporter, *, allow_time: bool) -> bool:
    example = "2016-10-25" if not allow_time else "2016-10-25 or 2021-10-15T12:30:00+05:30"
    if isinstance(value, dt.datetime):
        if not allow_time:
            report(f"'{name}' must be a date without a time, like 2016-10-25")
            return False
        if value.tzinfo is None:
            report(f"'{name}' has a time but no UTC offset; write it like 2021-10-15T12:30:00+05:30")
            return False
        return True
    if isinstance(value, dt.date):
        return True
    report(f"'{name}' must be a TOML date like {example} (without quotes), got {type_name(value)}")
    return False


def _quote(text: str) -> str:
    short = text if len(text) <= 40 else text[:37] + "..."
    return "'" + short.replace("'", "\\'") + "'"
