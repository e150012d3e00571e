"""Running a discord.py bot against a `LocalDiscord`, in this process, for tests and the playground.

`run_bot` starts our `LittleThingsBot`; `run_client` starts any discord.py client (the bare `/ping`
bot the benchmark compares against). Both point discord.py at the stand-in, run `start()` as a task
and return once the bot is usable: connected, GUILD_CREATE received and its commands synced. That
is about 0.3 s, where `on_ready` would cost another 2 s of `guild_ready_timeout` for nothing. On the
way out the bot is closed cleanly, discord.py's endpoints are restored, and a bot that stopped on
its own (a crash) is reported as `BotCrashed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar

import discord
import discord.gateway
import discord.http
from discord import app_commands
from discord.ext import commands

from bot.discord_endpoints import point_discord_py_at
from bot.localdiscord.server import BotCrashed, LocalDiscord

if TYPE_CHECKING:
    from bot.app import LittleThingsBot
    from bot.clock import Clock
    from bot.config import Config

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)


def bot_config(fake: LocalDiscord, base: Config, **overrides: Any) -> Config:
    """`base` aimed at the stand-in: its token, its REST and gateway URLs, its server as dev guild."""
    return base.with_overrides(
        token=fake.token,
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        dev_guild_id=fake.guild.id,
        **overrides,
    )


def bot_environment(fake: LocalDiscord, *, dev_guild: bool = True, **settings: str) -> dict[str, str]:
    """The environment for `python -m bot` as a process aimed at the stand-in (the twin of `bot_config`).

    The caller's own Discord, database, content and shard settings are left out, so a developer's
    `.env`-style variables never leak into a test or benchmark process.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "CONTENT_", "SHARD"))}
    env.update(DISCORD_TOKEN=fake.token, DISCORD_API_BASE_URL=fake.api_base_url, DISCORD_GATEWAY_URL=fake.gateway_url)
    if dev_guild:
        env["DEV_GUILD_ID"] = str(fake.guild.id)
    env.update(settings)
    return env


@contextlib.asynccontextmanager
async def run_client(
    fake: LocalDiscord,
    client: ClientT,
    *,
    token: str | None = None,
    wait_for_sync: bool = True,
    timeout: float = 15.0,
) -> AsyncIterator[ClientT]:
    """Run `client` against `fake` until the block ends; fail if it stops on its own meanwhile."""
    previous = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    point_discord_py_at(fake.api_base_url, fake.gateway_url)

    async def main() -> None:
        async with client:
            await client.start(token or fake.token)

    task = asyncio.create_task(main(), name=f"localdiscord-bot-{type(client).__name__}")
    fake.client = client
    fake.bot_task = task
    collector = _ErrorCollector(fake)
    logging.getLogger().addHandler(collector)
    failed = False
    try:
        await fake.wait_until_ready(synced=wait_for_sync, timeout=timeout)
        yield client
    except BaseException:
        failed = True
        raise
    finally:
        ended_early = task.done()
        try:
            if not task.done():
                await client.close()
                await asyncio.wait_for(asyncio.shield(task), timeout=10)
        finally:
            logging.getLogger().removeHandler(collector)
            fake.client = None
            fake.bot_task = None
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = previous
            if not task.done():
                task.cancel()
            # discord.py leaves its guild-ready timer running after close(); in one process that
            # runs bot after bot (tests, the playground) it would fire into the next one.
            ready_task = getattr(getattr(client, "_connection", None), "_ready_task", None)
            if ready_task is not None and not ready_task.done():
                ready_task.cancel()
        if ended_early and not failed:
            error = None if task.cancelled() else task.exception()
            raise BotCrashed(f"the bot stopped before the test ended: {error!r}") from error


class _ErrorCollector(logging.Handler):
    """Keeps the ERROR records logged while the bot runs (tracebacks included) in `fake.bot_errors`.

    A handler that raises is logged by discord.py and the user just sees no answer; with the record
    at hand a timed-out wait can say why, and a test can assert that nothing went wrong silently.
    """

    def __init__(self, fake: LocalDiscord) -> None:
        super().__init__(level=logging.ERROR)
        self.fake = fake

    def emit(self, record: logging.LogRecord) -> None:
        self.fake.record_bot_error(record)


@contextlib.asynccontextmanager
async def run_bot(
    fake: LocalDiscord,
    config: Config,
    *,
    clock: Clock | None = None,
    wait_for_sync: bool = True,
    timeout: float = 15.0,
    sync_globally: bool = False,
) -> AsyncIterator[LittleThingsBot]:
    """Run our bot (`bot.app.LittleThingsBot`) against `fake`; `config` is aimed at it if it is not."""
    from bot.app import create_bot

    if config.token != fake.token or config.api_base_url != fake.api_base_url:
        config = config.with_overrides(token=fake.token, api_base_url=fake.api_base_url, gateway_url=fake.gateway_url)
    bot = create_bot(config, clock=clock, sync_globally=sync_globally)
    async with run_client(fake, bot, token=config.token, wait_for_sync=wait_for_sync, timeout=timeout) as running:
        yield running


class PingBot(commands.Bot):
    """The smallest useful discord.py bot: `/ping` → "pong". The benchmark's floor, and a harness check."""

    def __init__(self, *, guild_id: int | None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.none() | discord.Intents(guilds=True),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.guild_id = guild_id

        @self.tree.command(name="ping", description="Check that the bot answers")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        self.ping_command: app_commands.Command[Any, Any, Any] = ping

    async def setup_hook(self) -> None:
        if self.guild_id is not None:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
