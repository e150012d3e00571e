"""/about and start-up when the content pack is missing or broken: the bot still serves, and says so."""

import logging
from pathlib import Path

import pytest

from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, run_bot


async def test_with_no_content_the_bot_starts_and_about_says_how_to_load_it(
    fake: LocalDiscord, config: Config, clock: VirtualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    empty = tmp_path / "empty-pack"
    empty.mkdir()
    with caplog.at_level(logging.ERROR):
        async with run_bot(fake, config.with_overrides(content_dir=empty), clock=clock):
            reply = await fake.slash("about", user="alice")
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert "python -m bot content import" in fields["Content"]
    assert any("content pack" in r.getMessage() for r in caplog.records)
    fake.bot_errors.clear()  # the broken pack is logged as an error on purpose


async def test_a_broken_pack_keeps_the_last_good_content(
    fake: LocalDiscord, config: Config, clock: VirtualClock, tmp_path: Path
) -> None:
    async with run_bot(fake, config, clock=clock):
        pass  # first start imports the shipped pack
    broken = tmp_path / "broken-pack"
    broken.mkdir()
    (broken / "show.toml").write_text("[pack\nversion = ")
    async with run_bot(fake, config.with_overrides(content_dir=broken), clock=clock):
        reply = await fake.slash("about", user="alice")
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert "Little Things" in fields
    assert any("show.toml" in str(e) for e in fake.bot_errors)
    fake.bot_errors.clear()
