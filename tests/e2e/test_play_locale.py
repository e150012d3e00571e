"""`locale hi` in the playground: act as a member whose Discord is in Hindi."""

from __future__ import annotations

import io

import pytest

from bot.play.script import run_script
from bot.play.session import PlayError, PlaySession
from tests.e2e.test_play_script import session  # noqa: F401 - the fixture

SCRIPT = """\
as alice
locale hi
/recap season:1
expect सीज़न 1
press अगला
expect सीज़न 2
/recap season:1 episode:9
expect सीज़न 1 में एपिसोड 9 नहीं है
as bob
/recap season:1
expect Season 1
"""


async def test_locale_hi_makes_the_bot_answer_that_member_in_hindi(
    session: tuple[PlaySession, io.StringIO],  # noqa: F811
) -> None:
    play, out = session
    status = await run_script(play, SCRIPT.splitlines(), play.console, name="hindi.play")
    assert status == 0, out.getvalue()
    records = [r for r in play.discord.interactions.values() if r.user.username == "alice"]
    assert records and all(r.payload["locale"] == "hi" for r in records)
    assert all(r.payload["locale"] == "en-US" for r in play.discord.interactions.values() if r.user.username == "bob")
    assert all(r.payload["guild_locale"] == "en-US" for r in play.discord.interactions.values())


async def test_locale_refuses_an_unknown_code_and_completes_known_ones(
    session: tuple[PlaySession, io.StringIO],  # noqa: F811
) -> None:
    play, out = session
    with pytest.raises(PlayError, match="no locale 'xx'"):
        await play._run("locale xx")
    assert play.discord.user(play.user).locale == "en-US"
    offered = [c.text for c in await play.complete("locale h")]
    assert offered == ["he", "hi", "hr", "hu"]
    await play._run("locale")
    assert "Discord is in en-US" in out.getvalue()
