"""Small SQL pieces that mean the same on SQLite and PostgreSQL.

Why: store modules are written once against both databases. SQLite's `json_each(?)` has no
PostgreSQL twin with the same types, so lists go in as plain placeholders instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def in_list(column: str, values: Iterable[Any], *, negate: bool = False) -> tuple[str, list[Any]]:
    """`column IN (?, ?, …)` (or NOT IN) and its parameters; an empty list matches nothing (or everything).

    `column` is always a constant of the calling module, never user input.
    """
    items = list(values)
    if not items:
        return ("1 = 1" if negate else "1 = 0"), []
    marks = ", ".join("?" for _ in items)
    return f"{column} {'NOT IN' if negate else 'IN'} ({marks})", items
