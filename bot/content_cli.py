"""`python -m bot content validate|import|stats`: the moderators' tools for the content pack."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content import load_pack
from bot.content.coverage import coverage_line
from bot.store import Store, StoreError
from bot.store.content import content_stats, sync_pack


def validate(content_dir: Path) -> int:
    if not content_dir.is_dir():
        print(f"{content_dir}: no such folder", file=sys.stderr)
        return 1
    result = load_pack(content_dir)
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {content_dir}", file=sys.stderr)
        return 1
    assert result.pack is not None
    print(f"{content_dir}: the pack is valid ({len(result.pack.questions)} questions)")
    print(f"translations (not errors): {coverage_line(result.pack)}")
    return 0


async def run(action: str, content_dir: Path, database: Path) -> int:
    try:
        store = await Store.open(database)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if action == "import":
            if not content_dir.is_dir():
                print(f"{content_dir}: no such folder", file=sys.stderr)
                return 1
            result = await sync_pack(store, content_dir, force=True)
            if result.status == "invalid":
                for problem in result.problems:
                    print(problem)
                print("nothing was imported; the store is as it was", file=sys.stderr)
                return 1
            assert result.report is not None
            print(result.report.summary())
            return 0
        stats = await content_stats(store)
        width = max(len(name) for name in stats)
        for name, count in stats.items():
            print(f"{name:<{width}}  {count}")
        return 0
    finally:
        await store.close()
