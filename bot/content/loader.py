"""Reading the pack folder: files → TOML → checked tables → models, with every problem collected.

Nothing is imported into the store unless the whole pack is clean, so `LoadResult.pack` is None as
soon as there is one problem. The fingerprint is over the files' bytes, so start-up can skip the
import when nothing changed without parsing anything.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content import build
from bot.content.fields import Field, check_table
from bot.content.models import ContentPack
from bot.content.problems import Problem, Reporter
from bot.content.schema import CAST_FILE, FACTS_FILE, RELEASES_FILE, SEASONS_FILE, SHOW_FILE, TRIVIA_FILE

log = logging.getLogger(__name__)

TOP_FILES: dict[str, dict[str, Field]] = {
    "show.toml": SHOW_FILE,
    "seasons.toml": SEASONS_FILE,
    "cast.toml": CAST_FILE,
    "facts.toml": FACTS_FILE,
    "releases.toml": RELEASES_FILE,
}
TRIVIA_DIR = "trivia"

_TOML_POSITION = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


@dataclass(frozen=True)
class LoadResult:
    pack: ContentPack | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.pack is not None


def pack_files(content_dir: Path) -> list[Path]:
    """Every file that is part of the pack (top-level and trivia TOML files), in a stable order."""
    files = sorted(p for p in content_dir.glob("*.toml") if p.is_file())
    files += sorted(p for p in (content_dir / TRIVIA_DIR).glob("*.toml") if p.is_file())
    return files


DERIVED_LAYOUT = 2
"""Bumped whenever the import derives data differently (2: search documents carry their spoiler season),
so databases imported by an older bot re-import the unchanged pack once."""


def pack_fingerprint(content_dir: Path) -> str:
    """SHA-256 over each pack file's relative path and bytes (and the derived-data layout); changes
    whenever any file does."""
    digest = hashlib.sha256(f"layout {DERIVED_LAYOUT}\0".encode())
    for path in pack_files(content_dir):
        data = path.read_bytes()
        digest.update(_relative(content_dir, path).encode())
        digest.update(b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


def load_pack(content_dir: Path) -> LoadResult:
    """Read and validate the whole pack; the pack is returned only if there is no problem at all."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(Problem(str(content_dir), None, "content folder not found"))
        return LoadResult(None, problems)

    docs: dict[str, dict[str, Any]] = {}
    files = [(path, _relative(content_dir, path)) for path in pack_files(content_dir)]
    for path, rel in files:
        if "/" not in rel and rel not in TOP_FILES:
            expected = ", ".join(TOP_FILES)
            problems.append(Problem(rel, None, f"unknown file (expected one of {expected} or trivia/*.toml)"))
            continue
        doc = _read_toml(path, rel, problems)
        if doc is not None:
            schema = TOP_FILES.get(rel, TRIVIA_FILE)
            values, _ = check_table(doc, schema, Reporter(problems, rel, None))
            docs[rel] = values
    for name in TOP_FILES:
        if not (content_dir / name).is_file():
            problems.append(Problem(name, None, "file is missing"))
    trivia_files = [rel for rel in docs if rel.startswith(TRIVIA_DIR + "/")]
    if not any(rel.startswith(TRIVIA_DIR + "/") for _, rel in files):
        problems.append(Problem(TRIVIA_DIR + "/", None, "no question files found (expected trivia/*.toml)"))

    builder = build.PackBuilder(problems)
    pack = builder.build(docs, trivia_files)
    if problems:
        log.info("content pack at %s has %d problem(s)", content_dir, len(problems))
        return LoadResult(None, problems)
    return LoadResult(pack, problems)


def _read_toml(path: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, None, f"not valid UTF-8 (byte {exc.start})"))
        return None
    except OSError as exc:
        problems.append(Problem(rel, None, f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(rel, None, _toml_message(str(exc))))
        return None


def _toml_message(raw: str) -> str:
    match = _TOML_POSITION.match(raw)
    if match is None:
        return f"invalid TOML: {raw}"
    return f"invalid TOML at line {match['line']}, column {match['col']}: {match['what']}"


def _relative(content_dir: Path, path: Path) -> str:
    return path.relative_to(content_dir).as_posix()
