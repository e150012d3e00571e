"""Owner-only maintenance: syncing the command tree without restarting with `--sync`, and
`/admin status`, the owner's view of how the bot is doing (facts gathered here, judged in
`bot.ops.status`)."""

from __future__ import annotations

import contextlib
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import t
from bot.ops import status as ops_status
from bot.ops.instrument import games_running, gateway_latency
from bot.store import timers as timer_store
from bot.store.backups import last_backup
from bot.store.content import pack_version
from cogs._errors import RefusedCheck


@app_commands.default_permissions(administrator=True)
@app_commands.guild_only()
class Admin(commands.GroupCog, group_name="admin", group_description="Bot owner tools"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not await self.bot.is_owner(interaction.user):
            raise RefusedCheck(t(interaction.locale, "admin.owner_only"))
        return True

    @app_commands.command(name="sync")
    @app_commands.describe(scope="Where to sync: this server only (instant) or everywhere (up to an hour)")
    async def sync(self, interaction: discord.Interaction, scope: Literal["server", "global"] = "server") -> None:
        """Publish the bot's slash commands to Discord."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if scope == "global":
            synced = await self.bot.tree.sync()
            where = "admin.synced_global"
        else:
            assert interaction.guild is not None  # guild_only
            self.bot.tree.copy_global_to(guild=interaction.guild)
            synced = await self.bot.tree.sync(guild=interaction.guild)
            where = "admin.synced_here"
        await interaction.followup.send(t(interaction.locale, where, count=len(synced)), ephemeral=True)

    @app_commands.command(name="status")
    async def status(self, interaction: discord.Interaction) -> None:
        """How the bot is doing: uptime, timers, backups, warnings."""
        facts = await gather_facts(self.bot)
        await interaction.response.send_message(
            embed=status_embed(facts), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def gather_facts(bot: Any) -> ops_status.StatusFacts:
    now = bot.clock.now()
    counts = await timer_store.count_by_state(bot.store)
    last = await last_backup(bot.store)
    latency = gateway_latency(bot)
    facts = ops_status.StatusFacts(
        now=now,
        version=_version(),
        started_at=bot.started_at,
        gateway_latency_ms=None if latency is None else latency * 1000,
        servers=len(bot.guilds),
        games_running=games_running(bot),
        timers_pending=counts.get("pending", 0),
        next_timer_due=await timer_store.next_due_at(bot.store),
        timers_late=await timer_store.count_late(bot.store, before=now - ops_status.TIMER_LATE_AFTER),
        outbound_queue=bot.metrics.outbound_depth_now(),
        database_bytes=await _database_bytes(bot),
        last_backup_at=None if last is None else last.made_at,
        last_backup_path=None if last is None else last.path,
        backups_enabled=bot.config.backup_dir is not None and bot.config.backup_every is not None,
        content_version=await pack_version(bot.store),
        rate_limited_last_hour=bot.metrics.rate_limited_recently(),
    )
    facts.warnings.extend(ops_status.warnings_for(facts))
    return facts


def status_embed(facts: ops_status.StatusFacts) -> discord.Embed:
    describe_age = ops_status.describe_age
    embed = discord.Embed(
        title="Bot status",
        colour=discord.Colour.orange() if facts.warnings else discord.Colour.green(),
        description="\n".join(f"⚠️ {w}" for w in facts.warnings) or "No warnings.",
    )
    uptime = "—" if facts.started_at is None else describe_age(facts.now - facts.started_at)
    latency = "—" if facts.gateway_latency_ms is None else f"{facts.gateway_latency_ms:.0f} ms"
    next_due = "none" if facts.next_timer_due is None else discord.utils.format_dt(facts.next_timer_due, "R")
    queue = "sent directly (no queue)" if facts.outbound_queue is None else str(facts.outbound_queue)
    if facts.last_backup_at is None:
        backup = "never"
    else:
        name = facts.last_backup_path.name if facts.last_backup_path else "?"
        backup = f"{describe_age(facts.now - facts.last_backup_at)} ago (`{name}`)"
    for name, value in (
        ("Version", facts.version),
        ("Uptime", uptime),
        ("Gateway latency", latency),
        ("Servers", str(facts.servers)),
        ("Games running", str(facts.games_running)),
        ("Timers pending", f"{facts.timers_pending} (next {next_due})"),
        ("Outbound queue", queue),
        ("Database size", ops_status.describe_size(facts.database_bytes)),
        ("Last backup", backup),
        ("Content pack", facts.content_version or "not imported"),
        ("429s in the last hour", str(facts.rate_limited_last_hour)),
    ):
        embed.add_field(name=name, value=value, inline=True)
    return embed


def _version() -> str:
    try:
        return metadata.version("littlethings-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


async def _database_bytes(bot: Any) -> int:
    """The community database's size: PostgreSQL's own count, or the SQLite file and its WAL."""
    if bot.store.dialect == "postgres":
        return int(await bot.store.fetch_value("SELECT pg_database_size(current_database())"))
    path = bot.config.database_path
    total = 0
    for candidate in (path, Path(f"{path}-wal")):
        with contextlib.suppress(OSError):
            total += candidate.stat().st_size
    return total


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Admin(bot))
