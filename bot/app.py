"""The bot: a `commands.Bot` that owns the store, the clock and the cogs.

Start-up order (all in `setup_hook`, which runs once per process, unlike `on_ready`): open the
store and migrate it, bring the content pack in if it changed, load every cog, then sync the command
tree to the dev guild when one is configured. A global sync happens only when asked for
(`python -m bot --sync`), because Discord rate-limits it.
"""

from __future__ import annotations

import logging
import pkgutil
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.content_sync import refresh_content
from bot.discord_endpoints import point_discord_py_at
from bot.store import Store
from bot.store.backend import close_store, open_store
from bot.timers import TimerEngine

log = logging.getLogger(__name__)


def extension_names() -> list[str]:
    """Every public module in `cogs/`, in a stable order."""
    return sorted(
        f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__) if not module.name.startswith("_")
    )


def intents_for(config: Config) -> discord.Intents:
    """As few intents as the enabled features need; none privileged unless typed trivia is on."""
    intents = discord.Intents.none()
    intents.guilds = True
    if config.typed_trivia:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class LittleThingsBot(commands.Bot):
    def __init__(
        self, config: Config, *, clock: Clock | None = None, sync_globally: bool = False, **options: Any
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(config),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(config.owner_ids) or None,
            **options,
        )
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.sync_globally = sync_globally
        self._store: Store | None = None
        self._timers: TimerEngine | None = None
        self.failed_extensions: dict[str, BaseException] = {}

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook; nothing may use it before")
        return self._store

    @property
    def timers(self) -> TimerEngine:
        """The durable timer engine; cogs register their handlers on it in `cog_load`."""
        if self._timers is None:
            raise RuntimeError("the timer engine is created in setup_hook; nothing may use it before")
        return self._timers

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        if self.config.api_base_url or self.config.gateway_url:
            point_discord_py_at(self.config.api_base_url, self.config.gateway_url)
        await super().start(token, reconnect=reconnect)

    async def setup_hook(self) -> None:
        self._store = await open_store(self.config)
        await refresh_content(self._store, self.config.content_dir)
        self._timers = TimerEngine(self._store, self.clock, lease=timedelta(seconds=self.config.timer_lease_seconds))
        for name in extension_names():
            try:
                await self.load_extension(name)
            except commands.ExtensionError as exc:
                self.failed_extensions[name] = exc
                log.exception("could not load %s", name)
        await self._timers.start()
        await self.sync_commands()

    async def sync_commands(self) -> None:
        if self.config.dev_guild_id is not None:
            guild = discord.Object(id=self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), self.config.dev_guild_id)
        if self.sync_globally:
            synced = await self.tree.sync()
            log.info("synced %d commands globally (they can take up to an hour to appear)", len(synced))

    async def close(self) -> None:
        try:
            if self._timers is not None:
                await self._timers.stop()
            await super().close()
        finally:
            if self._store is not None:
                await close_store(self._store)
                self._store = None

    async def on_ready(self) -> None:
        log.info("ready as %s in %d server(s)", self.user, len(self.guilds))

    def command_mentions(self) -> list[str]:
        """`/name sub` for every slash command, for help texts."""
        names: list[str] = []
        for command in self.tree.get_commands():
            names.extend(_qualified_names(command))
        return sorted(names)


class ShardedLittleThingsBot(LittleThingsBot, commands.AutoShardedBot):
    """The same bot running some of the bot's shards (`SHARDS` of `SHARD_COUNT`) in one process.

    discord.py's `AutoShardedBot` keeps one gateway connection per shard; Discord sends each
    connection only the servers on its shard, so interactions, and the trivia games they start,
    stay with the process that owns the server. Durable state is shared through the store.
    """

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # Discord allows one IDENTIFY per 5 s; the local stand-in (tests, playground) has no such limit.
        if self.config.api_base_url is None:
            await super().before_identify_hook(shard_id, initial=initial)


def create_bot(config: Config, *, clock: Clock | None = None, sync_globally: bool = False) -> LittleThingsBot:
    """The bot for `config`: one plain connection, or the configured shards."""
    if config.shard_count is None:
        return LittleThingsBot(config, clock=clock, sync_globally=sync_globally)
    return ShardedLittleThingsBot(
        config,
        clock=clock,
        sync_globally=sync_globally,
        shard_ids=list(config.shard_ids or range(config.shard_count)),
        shard_count=config.shard_count,
    )


def _qualified_names(command: Any) -> list[str]:
    if isinstance(command, discord.app_commands.Group):
        out: list[str] = []
        for child in command.commands:
            out.extend(_qualified_names(child))
        return out
    if isinstance(command, discord.app_commands.Command):
        return [f"/{command.qualified_name}"]
    return []
