"""Closing the bot in the seconds after it connected (before discord.py's `ready`) logs nothing."""

from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, run_bot


async def test_a_close_before_ready_stops_discord_pys_ready_wait(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    """discord.py waits 2 s after the last GUILD_CREATE before `ready`; a close in that time must end
    the wait, or it dispatches into the closed client later and logs an error from inside discord.py."""
    async with run_bot(fake, config, clock=clock) as bot:
        ready_wait = bot._connection._ready_task
        assert ready_wait is not None and not ready_wait.done()  # closing inside the window, as tests do
    assert ready_wait.done()
