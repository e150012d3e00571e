"""Release dates and reminders: one role ping in the announcement channel, plus DMs to those who asked.

Reminders are durable timers (group `release:<id>`). A member whose DMs are closed is opted out and
told once in the announcement channel, so a closed inbox is never retried at every reminder.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import horizons
from bot.errors import PermissionDeniedError, UserError
from bot.i18n import duration, language_of, local_datetime, t
from bot.outbound import Priority
from bot.scheduling import DEFAULT_OFFSETS, RELEASE_KIND, format_duration, parse_when, release_timer_specs
from bot.store import content as content_store
from bot.store import events as event_store
from bot.store import settings as settings_store
from bot.store.events import NewRelease, Release
from bot.timers import Firing, nonce_for
from cogs._errors import report_error
from cogs._locale import guild_post_language, lang
from cogs._refused import dm_teller, report_refused
from cogs._views import BotView
from cogs._watchparty_discord import NO_PINGS, app, timer_error, zone_autocomplete, zone_for
from cogs._watchparty_text import clip_lines, mention_chunks, pack_release_at, safe_title, stamp, when_line

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class RoleButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"rel:role"):
    """Gives (or takes back) the server's release reminder role."""

    def __init__(self, locale: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=t(locale, "releases.role_button"), emoji="🔔", style=discord.ButtonStyle.primary,
                custom_id="rel:role",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RoleButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await toggle_role(interaction)
        except Exception as exc:
            await report_error(interaction, exc)


def role_view(locale: str = "en") -> BotView:
    view = BotView(timeout=None)
    view.add_item(RoleButton(locale))
    return view


async def toggle_role(interaction: discord.Interaction) -> None:
    bot = app(interaction)
    guild = interaction.guild
    member = interaction.user
    if guild is None or not isinstance(member, discord.Member):
        raise UserError(key="releases.server_only")
    ann = await settings_store.announcements(bot.store, guild.id)
    role = guild.get_role(ann.role_id) if ann.role_id else None
    if role is None:
        raise UserError(key="releases.no_role")
    has = any(r.id == role.id for r in member.roles)
    # Changing roles is another REST call, which may wait its turn under Discord's limits: defer first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        if has:
            await member.remove_roles(role, reason="asked to stop release reminders")
        else:
            await member.add_roles(role, reason="asked for release reminders")
    except discord.Forbidden as exc:
        raise UserError(key="releases.cannot_give_role", role=role.mention) from exc
    await interaction.followup.send(
        t(lang(interaction), "releases.role_removed" if has else "releases.role_added", role=role.mention),
        ephemeral=True,
        allowed_mentions=NO_PINGS,
    )


def release_headline(
    title: str, release_at: datetime, offset: timedelta, *, missed: int = 0, locale: str = "en"
) -> str:
    if offset <= timedelta(0):
        line = t(locale, "releases.out_now", title=title)
    else:
        span = format_duration(offset) if language_of(locale) == "en" else duration(locale, offset)
        line = t(locale, "releases.comes_out", title=title, duration=span, when=when_line(release_at))
    if missed:
        line += "\n-# " + t(locale, "watchparty.missed", count=missed)
    return line


class Releases(commands.Cog):
    release = app_commands.Group(
        name="release",
        description="Manage release dates",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    remindme = app_commands.Group(name="remindme", description="Reminders for you", guild_only=True)

    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RoleButton)
        self.bot.timers.register(RELEASE_KIND, self.on_reminder)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RoleButton)

    @release.command(name="add")
    @app_commands.describe(
        title="What is coming out (up to 100 characters)",
        when="When, e.g. `2026-04-01 12:00` or `friday 6pm`",
        season="The season it belongs to",
        timezone="Time zone for `when` (default: yours, else the server's, else UTC)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def add(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        when: str,
        season: app_commands.Range[int, 1, 20] | None = None,
        timezone: str | None = None,
    ) -> None:
        """Add a release date; reminders go out before it."""
        if not interaction.permissions.manage_guild:
            raise PermissionDeniedError(key="releases.need_manage_guild")
        assert interaction.guild_id is not None
        now = self.bot.clock.now()
        zone = await zone_for(self.bot, interaction.guild_id, interaction.user.id, timezone)
        parsed = parse_when(when, now=now, zone=zone, max_ahead=horizons.RELEASE, what="releases")
        clean = safe_title(title)
        if not clean:
            raise UserError(key="releases.need_title")
        release = await event_store.add_release(
            self.bot.store,
            NewRelease(interaction.guild_id, clean, parsed.at, zone.key, interaction.user.id, season),
            now=now,
            timers=lambda r: release_timer_specs(r.id, r.release_at, DEFAULT_OFFSETS, now=now),
        )
        self.bot.timers.notify()
        ann = await settings_store.announcements(self.bot.store, interaction.guild_id)
        locale = lang(interaction)
        where = f"<#{ann.channel_id}>" if ann.channel_id else t(locale, "releases.no_channel")
        local = parsed.describe() if locale == "en" else f"{local_datetime(locale, parsed.local)} ({parsed.zone.key})"
        await interaction.response.send_message(
            t(locale, "releases.added", id=release.id, title=release.title, when=when_line(release.release_at),
              local=local, where=where),
            view=role_view(locale) if ann.role_id else discord.utils.MISSING,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="releases")
    @app_commands.guild_only()
    async def releases(self, interaction: discord.Interaction) -> None:
        """Upcoming and past Little Things releases."""
        assert interaction.guild_id is not None
        locale = lang(interaction)
        now = self.bot.clock.now()
        ours = await event_store.list_releases(
            self.bot.store, interaction.guild_id, after=EPOCH, states=("scheduled", "released"), limit=100
        )
        upcoming: list[tuple[datetime, str]] = [(r.release_at, _line(r, locale)) for r in ours if r.release_at > now]
        past: list[tuple[datetime, str]] = [(r.release_at, _line(r, locale)) for r in ours if r.release_at <= now]
        for pack in await content_store.list_releases(self.bot.store):
            at = pack_release_at(pack.date)
            style = "F" if isinstance(pack.date, datetime) else "D"
            platform = " " + t(locale, "releases.on", platform=safe_title(pack.platform)) if pack.platform else ""
            line = f"**{safe_title(pack.title)}**: {stamp(at, style)}{platform}"
            (upcoming if at > now else past).append((at, line))
        embed = discord.Embed(title=t(locale, "releases.title"), colour=discord.Colour.blurple())
        embed.add_field(
            name=t(locale, "releases.upcoming"),
            value=clip_lines([line for _, line in sorted(upcoming, key=lambda p: p[0])],
                             empty=t(locale, "releases.nothing_announced")),
            inline=False,
        )
        embed.add_field(
            name=t(locale, "releases.past"),
            value=clip_lines([line for _, line in sorted(past, key=lambda p: p[0], reverse=True)],
                             empty=t(locale, "releases.none_yet")),
            inline=False,
        )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)

    @remindme.command(name="release")
    @app_commands.describe(stop="Stop the DMs instead")
    async def remind_release(self, interaction: discord.Interaction, stop: bool = False) -> None:
        """Get a DM before each release in this server."""
        assert interaction.guild_id is not None
        locale = lang(interaction)
        if stop:
            changed = await event_store.opt_out(self.bot.store, interaction.guild_id, interaction.user.id)
            text = t(locale, "releases.dms_stopped" if changed else "releases.dms_were_off")
            await interaction.response.send_message(text, ephemeral=True)
            return
        now = self.bot.clock.now()
        added = await event_store.opt_in(self.bot.store, interaction.guild_id, interaction.user.id, now=now)
        await settings_store.set_member_language(self.bot.store, interaction.guild_id, interaction.user.id, locale,
                                                 now=now)
        spans = [format_duration(o) if locale == "en" else duration(locale, o) for o in DEFAULT_OFFSETS if o]
        text = t(locale, "releases.dms_on" if added else "releases.dms_already", offsets=", ".join(spans))
        ann = await settings_store.announcements(self.bot.store, interaction.guild_id)
        if ann.role_id:
            text += " " + t(locale, "releases.take_role")
            await interaction.response.send_message(text, view=role_view(locale), ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    # -- reminders -------------------------------------------------------------------------------

    async def on_reminder(self, firing: Firing) -> None:
        payload = firing.timer.payload
        release = await event_store.get_release(self.bot.store, int(payload["release_id"]))
        if release is None or release.state != "scheduled":
            return
        if firing.timers:
            offset = timedelta(seconds=int(payload["offset"]))
            missed = len(firing.timers) - 1 + len(firing.skipped)
            def headline(locale: str) -> str:
                return release_headline(release.title, release.release_at, offset, missed=missed, locale=locale)

            ann = await settings_store.announcements(self.bot.store, release.guild_id)
            posts = await guild_post_language(self.bot.store, self.bot.get_guild(release.guild_id), release.guild_id)
            if ann.channel_id is not None:
                await self._announce(release, ann.channel_id, ann.role_id, headline(posts), firing.nonce,
                                     firing.timer.due_at)
            await self._dm_all(release, headline, firing.nonce, ann.channel_id, firing.timer.due_at, posts)
        if any(int(t.payload["offset"]) == 0 for t in (*firing.timers, *firing.skipped)):
            await event_store.set_release_state(self.bot.store, release.id, "released", now=self.bot.clock.now())

    async def _announce(
        self, release: Release, channel_id: int, role_id: int | None, headline: str, nonce: str, due_at: datetime
    ) -> None:
        text = f"<@&{role_id}> {headline}" if role_id else headline
        roles = [discord.Object(id=role_id)] if role_id else False
        mentions = discord.AllowedMentions(everyone=False, users=False, roles=roles, replied_user=False)
        try:
            await self.bot.sender.post(
                channel_id, priority=Priority.REMINDER, guild_id=release.guild_id, due_at=due_at,
                what=f"release {release.id} announcement", content=text, allowed_mentions=mentions, nonce=nonce,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            # The release stays (DMs still go out); its creator and the log hear about the channel once.
            posts = await guild_post_language(self.bot.store, self.bot.get_guild(release.guild_id), release.guild_id)
            await report_refused(
                self.bot, exc, what="release announcement", guild_id=release.guild_id, channel_id=channel_id,
                tell=dm_teller(self.bot, release.created_by), tell_again=False,
                intro=t(posts, "releases.announce_refused", id=release.id, title=release.title) + " ", locale=posts,
            )
        except discord.HTTPException as exc:
            raise timer_error(exc) from exc

    async def _dm_all(
        self, release: Release, headline: Callable[[str], str], nonce: str, channel_id: int | None, due_at: datetime,
        posts: str,
    ) -> None:
        """Queue every DM at once (the scheduler paces them), each in the language its member asked in."""

        async def one(user_id: int) -> int | None:
            locale = language_of(await settings_store.member_language(self.bot.store, release.guild_id, user_id))
            text = f"{headline(locale)}\n-# " + t(locale, "releases.dm_footer")
            try:
                await self.bot.sender.dm(
                    user_id, due_at=due_at, content=text, allowed_mentions=NO_PINGS,
                    nonce=nonce_for(f"{nonce}:{user_id}"),
                )
            except discord.Forbidden:
                return user_id
            except discord.HTTPException as exc:
                log.warning("release %s: DM to %s failed: %s", release.id, user_id, exc)
            return None

        optins = await event_store.list_optins(self.bot.store, release.guild_id)
        closed = [u for u in await asyncio.gather(*(one(u) for u in optins)) if u is not None]
        for user_id in closed:
            await event_store.opt_out(self.bot.store, release.guild_id, user_id)
        if not closed:
            return
        log.info("release %s: %d member(s) have closed DMs; opted them out", release.id, len(closed))
        if channel_id is None:
            return
        header = t(posts, "releases.dms_closed")
        for chunk in mention_chunks(header, closed):
            users = [discord.Object(id=u) for u in closed if f"<@{u}>" in chunk]
            try:
                await self.bot.sender.post(
                    channel_id, priority=Priority.REMINDER, guild_id=release.guild_id, what="closed-DM notice",
                    content=chunk, allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=users),
                )
            except discord.HTTPException as exc:
                log.warning("release %s: could not tell members about closed DMs: %s", release.id, exc)
                return


def _line(release: Release, locale: str = "en") -> str:
    season = " (" + t(locale, "cards.season_n", season=release.season) + ")" if release.season else ""
    return f"**{release.title}**{season}: {when_line(release.release_at)}"


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(Releases(bot))
