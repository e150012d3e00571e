"""Every reading command with no content imported: a clear ephemeral reply, not an error."""

from pathlib import Path

import pytest

from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, bot_config, run_bot


@pytest.fixture
def empty_config(fake: LocalDiscord, tmp_path: Path) -> Config:
    """A bot whose content folder is empty: nothing is imported ."""
    empty = tmp_path / "no-content"
    empty.mkdir()
    (empty / "README.md").write_text("empty on purpose\n")
    return bot_config(fake, Config(token=fake.token, database_path=tmp_path / "bot.sqlite3", content_dir=empty))


@pytest.mark.parametrize(
    ("command", "options"),
    [("recap", {"season": 1}), ("cast", {}), ("character", {"name": "x"}), ("fact", {}), ("search", {"query": "x"})],
)
async def test_empty_pack_gets_a_clear_ephemeral_reply(
    fake: LocalDiscord, empty_config: Config, clock: VirtualClock, command: str, options: dict[str, object]
) -> None:
    async with run_bot(fake, empty_config, clock=clock):
        fake.bot_errors.clear()  # the start-up import complained about the empty pack, on purpose
        reply = await fake.slash(command, user="alice", options=options)
        assert reply.ephemeral
        assert "No show content has been imported yet" in reply.content
