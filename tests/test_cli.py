"""`python -m bot` as an operator meets it: a subprocess with only its environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bot_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "CONTENT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


@pytest.mark.parametrize("token", ["", "not a token"])
def test_without_a_usable_token_exits_2_with_one_clear_line(tmp_path: Path, token: str) -> None:
    result = run_bot_cli(env={"DISCORD_TOKEN": token, "DATABASE_PATH": str(tmp_path / "db.sqlite3")}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert ".env.example" in lines[0]
    assert "python -m bot play" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite3").exists(), "nothing is created before the config is valid"


def test_help_lists_the_commands() -> None:
    result = run_bot_cli("--help")
    assert result.returncode == 0
    for word in ("content", "--sync", "play"):
        assert word in result.stdout
