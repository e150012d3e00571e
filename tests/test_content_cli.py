"""`python -m bot content validate|import|stats` as a moderator runs them."""

import shutil
import sqlite3
from pathlib import Path

from bot.config import DEFAULT_CONTENT_DIR
from tests.test_cli import run_bot_cli


def test_validate_passes_on_the_shipped_pack() -> None:
    result = run_bot_cli("content", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the pack is valid" in result.stdout


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_CONTENT_DIR, pack)
    seasons = pack / "seasons.toml"
    seasons.write_text(seasons.read_text().replace("number = 2\n", "number = 9\n", 1))
    show = pack / "show.toml"
    show.write_text(show.read_text() + "\nmystery_key = 1\n")
    result = run_bot_cli("content", "validate", "--content", str(pack))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2
    assert any(line.startswith("seasons.toml: ") for line in lines), lines
    assert any(line.startswith("show.toml: ") and "mystery_key" in line for line in lines), lines
    assert "Traceback" not in result.stderr


def test_import_then_stats_then_a_failed_import_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    first = run_bot_cli("content", "import", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "questions:" in first.stdout

    stats = run_bot_cli("content", "stats", "--db", str(db))
    assert stats.returncode == 0
    counts = dict(line.split() for line in stats.stdout.strip().splitlines())
    assert counts["seasons"] == "4"
    assert int(counts["trivia_questions"]) >= 60

    def dump() -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT id, question, answer, retired FROM trivia_questions ORDER BY id").fetchall()

    before = dump()
    broken = tmp_path / "broken"
    shutil.copytree(DEFAULT_CONTENT_DIR, broken)
    (broken / "cast.toml").write_text("not = [valid")
    failed = run_bot_cli("content", "import", "--db", str(db), "--content", str(broken))
    assert failed.returncode == 1
    assert "cast.toml" in failed.stdout
    assert "nothing was imported" in failed.stderr
    assert dump() == before

    again = run_bot_cli("content", "import", "--db", str(db))
    assert again.returncode == 0
    assert dump() == before
