"""The terminal playground end to end: scripts, bad input, and a real pseudo-terminal.

The session runs the real bot against the local Discord stand-in exactly as `python -m bot play`
does; these tests drive it in-process (fast, and the stand-in's records can be checked) and as a
subprocess (the command line, exit codes, a pty with Tab completion).
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.play.script import run_script
from bot.play.session import PlayError, PlaySession
from tests.e2e.conftest import assert_clean

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.play"
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[tuple[PlaySession, io.StringIO]]:
    out = io.StringIO()
    console = Console(file=out, width=100, no_color=True, highlight=False, emoji=False)
    play = PlaySession(console, db_path=tmp_path / "play.sqlite3", start=START)
    await play.start()
    try:
        yield play, out
        assert_clean(play.discord)
    finally:
        await play.close()


async def test_demo_script_runs_every_feature(session: tuple[PlaySession, io.StringIO]) -> None:
    play, out = session
    status = await run_script(play, DEMO.read_text().splitlines(), play.console, name="demo.play")
    text = out.getvalue()
    assert status == 0, text
    # The recap's Next button edited the same message in place.
    recap_ref = re.search(r"\[(m\d+)\] Little Things Bot BOT\s+↳ you used /recap", text)
    assert recap_ref is not None
    assert f"✎ edited [{recap_ref.group(1)}]" in text
    # The cast autocomplete came from the bot's own callback.
    assert re.search(r"Tab offers: .*Mithila Palkar", text)
    # Both members' answers were private to them; the game ended with standings.
    assert "(only alice can see this)" in text and "(only bob can see this)" in text
    assert "final standings" in text
    # Watch party reminders fired in order as the clock moved.
    assert text.index("starts in 1 hour") < text.index("starts in 10 minutes")
    # The suggestion form went through.
    assert "waiting for a moderator's review" in text
    fake = play.discord
    reminders = [m for m in fake.sent_messages("general") if "⏰" in m.content]
    assert [m.pings.users for m in reminders] == [(fake.user("alice").id,)] * 2


async def test_bad_input_is_explained_and_the_session_keeps_going(session: tuple[PlaySession, io.StringIO]) -> None:
    play, out = session
    for line, message in [
        ("/nosuch", r"/nosuch is not a command of this bot \(commands: .*/recap"),
        ("/recap season:2 colour:red", r"/recap has no option 'colour' \(options: season, episode, ephemeral\)"),
        ("/recap season:two", r"takes a whole number, not 'two'"),
        ("/recap season:9", r"must be between 1 and 4"),
        ("/recap", r"needs the required option 'season'"),
        ("press 1", r"no message with buttons that you can see"),
        ("jump", r"unknown command 'jump'"),
        ("wait soon", r"cannot read 'soon' as a duration"),
        ("as carol", r"no member 'carol'"),
    ]:
        with pytest.raises(PlayError, match=message):
            await play.run_line(line)
    await play.run_line("/recap season:1")
    with pytest.raises(PlayError, match=r"there is no button 9 on \[m1\] \(it has 1-2\)"):
        await play.run_line("press 9")
    await play.run_line("press 2")
    assert "Season 2" in out.getvalue()


async def test_modal_filled_field_by_field_refuses_an_empty_answer(session: tuple[PlaySession, io.StringIO]) -> None:
    play, out = session
    await play.run_line("as bob")
    await play.run_line("/trivia suggest")
    assert play.modal is not None
    assert play.prompt.startswith("Question")
    await play.run_line("Which city is Kavya from?")
    with pytest.raises(PlayError, match="'Answer' is required"):
        await play.run_line("")
    assert play.modal is not None  # still open, nothing lost
    await play.run_line("Nagpur")
    await play.run_line("")  # other accepted answers: optional
    await play.run_line("Mumbai\\nDelhi\\nPune")
    await play.run_line("3")
    assert play.modal is None
    assert "waiting for a moderator's review" in out.getvalue()


async def test_completion_offers_commands_options_and_choices(session: tuple[PlaySession, io.StringIO]) -> None:
    play, _ = session
    assert [c.text for c in await play.complete("/reca")] == ["recap "]
    assert {c.text for c in await play.complete("/trivia st")} >= {"start ", "stop ", "stats "}
    assert [c.text for c in await play.complete("/trivia start ro")] == ["rounds:"]
    assert [c.text for c in await play.complete("/trivia start difficulty:m")] == ["medium"]
    names = [c.display for c in await play.complete("/cast name:mith")]
    assert names and names[0].startswith("Mithila Palkar")
    assert [c.text for c in await play.complete("as al")] == ["alice"]
    await play.run_line("/recap season:1")
    assert [c.display for c in await play.complete("press ")] == ["2 Next"]  # "Previous" is disabled on season 1


async def test_db_keeps_scores_between_runs(tmp_path: Path) -> None:
    db = tmp_path / "kept.sqlite3"
    for lines in (["/trivia start rounds:1", "as alice", "press 1", "wait 25s"], ["/trivia stats member:alice"]):
        out = io.StringIO()
        play = PlaySession(Console(file=out, width=100, no_color=True), db_path=db, start=START)
        await play.start()
        try:
            assert await run_script(play, lines, play.console) == 0, out.getvalue()
            assert_clean(play.discord)
        finally:
            await play.close()
    assert "Games: 1" in out.getvalue()


def _play(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISCORD_TOKEN": "", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "bot.play", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_failing_script_line_exits_1_with_its_number(tmp_path: Path) -> None:
    script = tmp_path / "broken.play"
    script.write_text("# a comment\n/about\n\npress 7\n/about\n")
    result = _play("--script", str(script))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "› /about" in result.stdout and "\x1b[" not in result.stdout  # plain text when piped
    assert f"{script}: line 4 failed: no message with buttons" in result.stdout
    assert result.stdout.count("› /about") == 1  # stopped there


def test_content_pack_problems_are_listed_and_exit_1(tmp_path: Path) -> None:
    pack = tmp_path / "content"
    shutil.copytree(ROOT / "data" / "content", pack)
    (pack / "stray.toml").write_text("x = 1\n")
    result = _play("--content", str(pack), "--script", str(DEMO))
    assert result.returncode == 1
    assert "stray.toml" in result.stdout and "unknown file" in result.stdout
    assert "problem(s)" in result.stderr


def _read_until(fd: int, pattern: str, timeout: float) -> str:
    buffer = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.decode("utf-8", "replace"))
            if re.search(pattern, plain):
                return plain
    raise AssertionError(f"no {pattern!r} within {timeout}s; got:\n{buffer.decode('utf-8', 'replace')[-2000:]}")


def test_interactive_prompt_under_a_pseudo_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "DISCORD_TOKEN": "", "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40"}
    pid, fd = pty.fork()
    if pid == 0:  # child: the playground, as a person starts it
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "bot.play", "--db", str(tmp_path / "p.db")], env)
    started = time.monotonic()
    try:
        _read_until(fd, r"you in #general>", 20)
        to_prompt = time.monotonic() - started
        assert to_prompt < 10  # measured ~1 s; generous for a loaded CI box
        os.write(fd, b"/reca\t")
        _read_until(fd, r"/recap\b", 10)
        os.write(fd, b"season:2\r")
        screen = _read_until(fd, r"Season 2 of 4[\s\S]*you in #general>", 15)
        assert "▌" in screen and "[2 Next]" in screen
        os.write(fd, b"\x04")  # Ctrl-D
        _read_until(fd, r"bye", 15)
    finally:
        for _ in range(100):  # let it exit by itself; never leave it running
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "p.db").is_file()  # --db kept the database


async def test_a_bot_error_shows_the_same_error_id_the_bot_logged(session: tuple[PlaySession, io.StringIO]) -> None:
    play, out = session
    fake = play.discord
    fake.fail_next("POST", "/interactions/{interaction_id}/{interaction_token}/callback", status=400, code=50035)
    await play.run_line("/about")
    text = out.getvalue()
    shown = re.search(r"Error id: (\w+)", text)
    logged = re.search(r"bot error: .*error id (\w+)", text)
    assert shown is not None and logged is not None, text
    assert shown.group(1) == logged.group(1)
    assert "(only you can see this)" in text
    fake.bot_errors.clear()  # provoked on purpose


async def test_qotd_script_runs_in_the_playground(session: tuple[PlaySession, io.StringIO]) -> None:
    """`/qotd` works in `python -m bot play`: setup, the timed post, a private answer, the reveal."""
    play, out = session
    script = (ROOT / "examples" / "qotd.play").read_text().splitlines()
    status = await run_script(play, script, play.console, name="qotd.play")
    text = out.getvalue()
    assert status == 0, text
    assert "(only alice can see this)\nLocked in" in text
    assert re.search(r"✎ edited \[m\d+\] .*\n.*Question of the day · 2026-03-0\d · answered", text)
