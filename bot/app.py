"""The bot: a `commands.Bot` that owns the store, the clock and the cogs.

Start-up order (all in `setup_hook`, which runs once per process, unlike `on_ready`): take the
database lock (shared: a restore refuses while any bot holds it), open the store and migrate it,
bring the content pack in if it changed, load every cog, start the timers and, when METRICS_PORT is
set, the /healthz and /metrics server, then sync the command tree to the dev guild when one is
configured. A global sync happens only when asked for (`python -m bot --sync`), because Discord
rate-limits it. Stopping: `shutdown()` (SIGTERM) finishes what is being sent, then `close()`.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import time
from datetime import datetime, timedelta
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.content.snapshot import ContentSnapshot, empty_snapshot
from bot.content_sync import imported_since, load_snapshot, refresh_content
from bot.discord_endpoints import point_discord_py_at
from bot.http_watch import watch_responses
from bot.member_cache import MemberSettingsCache
from bot.ops.dblock import DatabaseLock, DatabaseLockedError
from bot.ops.instrument import OpsTree, check_health, interaction_seen, render_metrics, rest_observer
from bot.ops.metrics import BotMetrics
from bot.ops.server import OpsServer
from bot.outbound import LANE_RULES, Outbound, RequestMeter
from bot.outbound.discord_side import Sender, rate_limit_observer
from bot.refusals import RefusalBook
from bot.replays import ReplayGuard, guard_parsers
from bot.store import Store, StoreError
from bot.store.backend import close_store, open_store
from bot.timers import TimerEngine
from cogs._translator import CommandTranslator

log = logging.getLogger(__name__)

CONTENT_POLL_SECONDS = 10
"""How soon a pack imported by another process (`python -m bot content import`) is served."""


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
        metrics = BotMetrics()
        self.clock: Clock = clock or SystemClock()
        # Every send that answers no interaction is paced here, under Discord's limits (bot/outbound).
        self.outbound = Outbound(self.clock, budget=config.requests_per_second, rules=LANE_RULES)
        self.outbound.on_wait = metrics.observe_outbound_wait
        metrics.set_outbound_depth_source(lambda: self.outbound.pacer.depth)
        self.request_meter = RequestMeter(lambda: self.clock.now().timestamp())
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(config),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(config.owner_ids) or None,
            tree_cls=OpsTree,
            **options,
        )
        self.metrics = metrics
        self.sender = Sender(self, self.outbound)
        self.config = config
        self.sync_globally = sync_globally
        self._store: Store | None = None
        self._timers: TimerEngine | None = None
        self._members: MemberSettingsCache | None = None
        self._content_watch: asyncio.Task[None] | None = None
        self.content: ContentSnapshot = empty_snapshot()
        """The imported pack in memory; replaced whole (one assignment) by `reload_content`."""
        self.failed_extensions: dict[str, BaseException] = {}
        self.replays = ReplayGuard()
        """Drops an INTERACTION_CREATE or MESSAGE_CREATE delivered twice, before any handler (see bot.replays)."""
        guard_parsers(self._connection.parsers, self.replays)
        self.refusals = RefusalBook()
        """Posts Discord refused (403/404) on someone's behalf, per server, for /about (see cogs._refused)."""
        self.started_at: datetime | None = None
        self.ops_server: OpsServer | None = None
        self._db_lock = DatabaseLock(config.database_path)
        self._shutting_down = False

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

    @property
    def members(self) -> MemberSettingsCache:
        """Members' spoiler levels, cached with write-through (`bot.member_cache`)."""
        if self._members is None:
            raise RuntimeError("the member cache is created in setup_hook; nothing may use it before")
        return self._members

    async def reload_content(self) -> None:
        """Rebuild the content snapshot from the store (after an import) and swap it in at once."""
        self.content = await load_snapshot(self.store)

    async def check_content(self) -> bool:
        """Swap in the pack another process imported meanwhile, if any; True when it did."""
        if not await imported_since(self.store, self.content):
            return False
        await self.reload_content()
        log.info("content pack changed in the store; now serving pack %s",
                 self.content.show.pack_version if self.content.show else "(none)")
        return True

    async def _watch_content(self) -> None:
        """Poll for imports made while the bot runs (wall-clock time: operations, not game time)."""
        while True:
            await asyncio.sleep(CONTENT_POLL_SECONDS)
            try:
                await self.check_content()
            except Exception:
                log.exception("could not check the content pack; trying again in %d s", CONTENT_POLL_SECONDS)

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        if self.config.api_base_url or self.config.gateway_url:
            point_discord_py_at(self.config.api_base_url, self.config.gateway_url)
        await super().start(token, reconnect=reconnect)

    async def setup_hook(self) -> None:
        self.started_at = self.clock.now()
        # discord.py's session exists once logged in (only the two login requests went out before).
        watch_responses(self.http, [rate_limit_observer(self.request_meter, self.outbound),
                                    rest_observer(self.metrics)])
        try:
            self._db_lock.acquire_shared()  # a restore refuses while we hold it
        except DatabaseLockedError as exc:
            raise StoreError(
                f"a restore is replacing the database at {self.config.database_path}; start the bot when it is done"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot open the database at {self.config.database_path}: {exc}") from exc
        self._store = await open_store(self.config)
        self._store.observer = self.metrics.store_queried
        await refresh_content(self._store, self.config.content_dir)
        self._members = MemberSettingsCache(self._store)
        await self.reload_content()
        self._content_watch = asyncio.create_task(self._watch_content(), name="content-watch")
        self._timers = TimerEngine(self._store, self.clock, lease=timedelta(seconds=self.config.timer_lease_seconds))
        self._timers.on_launch = self.metrics.timer_fired
        self.outbound.start()
        for name in extension_names():
            try:
                await self.load_extension(name)
            except commands.ExtensionError as exc:
                self.failed_extensions[name] = exc
                log.exception("could not load %s", name)
        await self._timers.start()
        await self.tree.set_translator(CommandTranslator())
        await self._start_ops_server()
        await self.sync_commands()

    async def _start_ops_server(self) -> None:
        if self.config.metrics_port is None:
            return
        server = OpsServer(
            self.config.metrics_host,
            self.config.metrics_port,
            health=lambda: check_health(self),
            metrics=lambda: render_metrics(self),
        )
        if await server.start():
            self.ops_server = server

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "interaction":  # the answer-latency clock starts as the interaction arrives
            interaction_seen(self.metrics, args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def sync_commands(self) -> None:
        if self.config.dev_guild_id is not None:
            guild = discord.Object(id=self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), self.config.dev_guild_id)
        if self.sync_globally:
            synced = await self.tree.sync()
            log.info("synced %d commands globally (they can take up to an hour to appear)", len(synced))

    async def shutdown(self) -> None:
        """A graceful stop (SIGTERM, Ctrl-C): finish what is being sent, then `close()`.

        Within SHUTDOWN_TIMEOUT, running games are closed with a note and timer deliveries in
        flight finish while the connection to Discord still works; what is still going then is
        cancelled, logged, and (being durable) picked up at the next start.
        """
        if not self._shutting_down:
            self._shutting_down = True
            try:
                await self._drain()
            except Exception:
                log.exception("shutdown: could not finish sending; closing anyway")
        await self.close()

    async def close(self) -> None:
        """Disconnect at once and close the store last, after every writer stopped: nothing is
        left half written. (A close without `shutdown()` is like a crash for running games: the
        next start closes them with a note.)"""
        try:
            if self._content_watch is not None:
                self._content_watch.cancel()
            if self._timers is not None:
                await self._timers.stop()
            await self.outbound.stop()
            _cancel_ready_wait(self._connection)
            await super().close()
        finally:
            if self.ops_server is not None:
                await self.ops_server.stop()
                self.ops_server = None
            if self._store is not None:
                await close_store(self._store)
                self._store = None
            self._db_lock.release()

    async def _drain(self) -> None:
        timeout = self.config.shutdown_timeout
        started = time.monotonic()
        work: list[asyncio.Task[Any]] = []
        for cog in list(self.cogs.values()):
            drain = getattr(cog, "drain", None)
            if drain is not None:
                work.append(asyncio.create_task(drain(), name=f"drain:{cog.qualified_name}"))
        if self._timers is not None:
            work.append(asyncio.create_task(self._timers.stop(timeout=timeout), name="drain:timers"))
        # What the games and timers queued on their way out goes last, paced like everything else.
        work.append(asyncio.create_task(self._drain_outbound_after(list(work)), name="drain:outbound"))
        done, pending = await asyncio.wait(work, timeout=timeout)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.warning("shutdown: %s failed: %r", task.get_name(), task.exception())
        if pending:
            log.warning(
                "shutdown: gave up after %g s (SHUTDOWN_TIMEOUT) with %s still sending",
                timeout, ", ".join(sorted(t.get_name() for t in pending)),
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        else:
            log.info("shutdown: everything under way was sent in %.2f s", time.monotonic() - started)

    async def _drain_outbound_after(self, first: list[asyncio.Task[Any]]) -> None:
        await asyncio.gather(*first, return_exceptions=True)
        await self.outbound.drain()

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


def _cancel_ready_wait(state: Any) -> None:
    """Stop discord.py's wait for the last GUILD_CREATE (2 s after an IDENTIFY) before closing.

    Left running, it dispatches `ready` into a closed client, which logs an error from inside
    discord.py (seen when a close follows a fresh IDENTIFY within those seconds). Cancelled, it ends
    quietly: discord.py catches the cancellation there on purpose.
    """
    tasks = [getattr(state, "_ready_task", None), *getattr(state, "_ready_tasks", {}).values()]
    for task in tasks:
        if task is not None and not task.done():
            task.cancel()


def _qualified_names(command: Any) -> list[str]:
    if isinstance(command, discord.app_commands.Group):
        out: list[str] = []
        for child in command.commands:
            out.extend(_qualified_names(child))
        return out
    if isinstance(command, discord.app_commands.Command):
        return [f"/{command.qualified_name}"]
    return []
