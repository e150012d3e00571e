"""`python -m bot` as an operator runs it: a separate process configured only by its environment,
talking to the local Discord over 127.0.0.1, stopped with SIGTERM."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.localdiscord import LocalDiscord, bot_environment

ROOT = Path(__file__).resolve().parents[2]


async def test_the_bot_process_serves_commands_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with LocalDiscord.running() as fake:
        env = bot_environment(fake, DATABASE_PATH=str(tmp_path / "bot.sqlite3"), LOG_LEVEL="INFO")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await fake.wait_until_ready(timeout=30)
            reply = await fake.slash("about", user="alice")
            assert "Little Things" in {f["name"] for f in reply.embed["fields"]}
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        text = output.decode()
        assert process.returncode == 0, text
        assert "shut down cleanly" in text
        assert "Traceback" not in text
        assert (tmp_path / "bot.sqlite3").exists()


async def test_a_database_path_that_cannot_be_used_stops_with_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    async with LocalDiscord.running() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "CONTENT_"))}
        env.update(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE_URL=fake.api_base_url,
            DISCORD_GATEWAY_URL=fake.gateway_url,
            DATABASE_PATH=str(tmp_path / "a-file" / "bot.sqlite3"),
            LOG_LEVEL="CRITICAL",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    text = stderr.decode()
    assert process.returncode == 2, text
    assert "Traceback" not in text
    [line] = text.strip().splitlines()
    assert "cannot open the database" in line and "DATABASE_PATH" in line
