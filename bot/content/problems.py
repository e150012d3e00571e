"""What the validator says about a pack: one `Problem` per mistake, all of them at once.

A moderator fixing a pack wants every mistake in one run, so nothing here raises; checks append to a
shared list and carry on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    """Path relative to the content folder, with forward slashes (e.g. "trivia/season2.toml")."""
    entry_id: str | None
    """The entry's id (or a label such as "season 2" or "question #3"); None for file-level problems."""
    message: str

    def __str__(self) -> str:
        if self.entry_id is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.entry_id}: {self.message}"


class Reporter:
    """Appends problems about one entry of one file."""

    def __init__(self, problems: list[Problem], file: str, entry_id: str | None) -> None:
        self.problems = problems
        self.file = file
        self.entry_id = entry_id
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        self.problems.append(Problem(self.file, self.entry_id, message))

    def for_entry(self, entry_id: str | None) -> Reporter:
        return Reporter(self.problems, self.file, entry_id)
