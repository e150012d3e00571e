"""Texts as long as the pack allows, behind spoiler tags: every answer still fits Discord's limits.

The pack here is the shipped one with Season 3's recap at the 4,096-character maximum and an actor
with five facts of 1,000 characters; the stand-in refuses (and the teardown fails on) any body Discord
would reject, so passing means the bodies were valid and nothing was cut.
"""

import re
import shutil
from pathlib import Path

import pytest

from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.content.schema import DESCRIPTION
from bot.localdiscord import LocalDiscord, Reply, bot_config, run_bot
from bot.localdiscord.messages import Message

RECAP = re.compile(r'recap = """.*?"""', re.DOTALL)
FACTS = re.compile(r"(id = \"mithila-palkar\".*?)facts = \[.*?\n\]", re.DOTALL)


def long_text(n: int, word: str) -> str:
    sentence = f"The {word} sentence number goes on for a while here. "
    return (sentence * (n // len(sentence) + 1))[:n - 1].rstrip() + "."

def live(reply: Reply) -> Message:
    """The reply's message as it is now (pages turn by editing it)."""
    assert reply.message is not None
    return reply.message



@pytest.fixture
def long_config(fake: LocalDiscord, tmp_path: Path) -> Config:
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_CONTENT_DIR, pack)
    seasons = (pack / "seasons.toml").read_text()
    recaps = list(RECAP.finditer(seasons))
    third = recaps[2]
    recap = long_text(DESCRIPTION, "recap")
    assert len(recap) == DESCRIPTION
    seasons = seasons[: third.start()] + f'recap = """{recap}"""' + seasons[third.end():]
    (pack / "seasons.toml").write_text(seasons)
    facts = ", ".join(f'"{long_text(1000, f"fact{i}")}"' for i in range(5))
    cast, count = FACTS.subn(lambda m: f"{m.group(1)}facts = [{facts}]", (pack / "cast.toml").read_text(), count=1)
    assert count == 1
    (pack / "cast.toml").write_text(cast)
    return bot_config(fake, Config(token=fake.token, database_path=tmp_path / "bot.sqlite3", content_dir=pack))


async def test_a_maximal_recap_behind_spoiler_tags_fits(
    fake: LocalDiscord, long_config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, long_config, clock=clock):
        plain = await fake.slash("recap", season=3, user="bob")
        assert len(plain.embed["description"]) == DESCRIPTION
        await fake.slash("spoilers", season=1, user="alice")
        hidden = await fake.slash("recap", season=3, user="alice")
        texts = [e.get("description", "") for e in hidden.embeds]
        assert all(len(t) <= DESCRIPTION and t.startswith("||") and t.endswith("||") for t in texts)
        assert "".join(t[2:-2] for t in texts).replace(" ", "") == plain.embed["description"].replace(" ", "")
        # Pages turned onto the long season stay valid too.
        back = await fake.slash("recap", season=2, user="alice")
        await fake.click(back, label="Next", user="alice")
        assert live(back).embeds[0]["description"].startswith("||")


async def test_long_facts_are_split_across_fields(fake: LocalDiscord, long_config: Config, clock: VirtualClock) -> None:
    async with run_bot(fake, long_config, clock=clock):
        reply = await fake.slash("cast", name="Mithila", user="bob")
        facts = [f for e in reply.embeds for f in e.get("fields", []) if f["name"].startswith("Facts")]
        assert len(facts) >= 5 and all(len(f["value"]) <= 1024 for f in facts)
        joined = " ".join(f["value"] for f in facts)
        for i in range(5):
            assert f"The fact{i} sentence" in joined
        assert sum(len(e.get("description", "")) for e in reply.embeds) <= 6000
