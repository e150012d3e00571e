"""The bot process as a host runs it under systemd: JSON logs, /healthz for the watchdog helper, and
a SIGTERM that closes a running trivia game with a note before the process exits."""

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

from bot.localdiscord import LocalDiscord, bot_environment

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_sigterm_closes_games_with_a_note_and_logs_are_json_lines(tmp_path: Path) -> None:
    port = free_port()
    async with LocalDiscord.running() as fake:
        env = bot_environment(
            fake,
            DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
            BACKUP_DIR=str(tmp_path / "backups"),
            METRICS_PORT=str(port),
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await fake.wait_until_ready(timeout=30)
            code, out = await run_cli("healthcheck", env=env)  # what the systemd watchdog runs
            assert (code, out.strip()) == (0, "healthy: ok")

            start = await fake.slash("trivia start", rounds=5, user="bob")
            assert not start.ephemeral, start.content
            await fake.wait_for_message("general", predicate=lambda m: bool(m.embeds) and "Question 1" in str(m.embeds))
            mark = fake.mark()
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
            closing = [m for m in fake.sent_messages("general") if m.id > mark]
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        code, out = await run_cli("healthcheck", env=env)  # nothing listens any more
        assert code == 1 and out.startswith("error: no answer from ")

    lines = output.decode().splitlines()
    assert process.returncode == 0, output.decode()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message", "guild", "command", "error_id"} <= r.keys() for r in records)
    messages = [r["message"] for r in records]
    assert "shut down cleanly" in messages
    assert any(m.startswith("shutdown: everything under way was sent") for m in messages)
    assert any(m.startswith("serving /healthz and /metrics") for m in messages)
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")]
    assert any("The bot is restarting, so this trivia game has ended" in m.content for m in closing)
    assert any(m.startswith("next automatic backup due") for m in messages)  # BACKUP_DIR is set: planned at start
