"""Watch parties: announce, RSVP, remind the Going members, start the Discord event, repeat weekly.

Reminders are durable timers (group `party:<id>:<occurrence>`), so a restart loses nothing and
reminders missed while offline arrive as one catch-up message. RSVP buttons are DynamicItems whose
custom id carries the party id, so they keep working after a restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, cast
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot import horizons, spoilers
from bot.errors import NotFoundError, PermissionDeniedError, UserError
from bot.i18n import local_datetime, t
from bot.outbound import Priority
from bot.refusals import explain
from bot.scheduling import (
    PARTY_KIND,
    format_offset,
    next_occurrence,
    parse_offsets,
    parse_when,
    party_group,
    party_timer_specs,
)
from bot.scheduling.ics import IcsParty, party_ics
from bot.store import content as content_store
from bot.store import events as event_store
from bot.store.events import NewParty, Party, RsvpStatus
from bot.timers import Firing, ReportedTimerError, nonce_for
from cogs._errors import report_error
from cogs._locale import guild_post_language, lang, server_language
from cogs._refused import dm_teller, report_refused
from cogs._views import BotView
from cogs._watchparty_discord import (
    NO_PINGS,
    STATUS_ACTIVE,
    STATUS_CANCELED,
    app,
    create_event,
    edit_event,
    fetch_event,
    iso,
    timer_error,
    zone_autocomplete,
    zone_for,
)
from cogs._watchparty_text import (
    clip_lines,
    episode_label,
    listing_line,
    mention_chunks,
    pack_release_at,
    reminder_headline,
    safe_title,
    when_line,
)

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

PARTY_LENGTH = timedelta(hours=2)
MAX_SCHEDULED_EVENTS_CODE = 30038
LABELS: dict[RsvpStatus, str] = {"going": "Going", "maybe": "Maybe", "cant": "Can't"}
"""English labels; `label(status, locale)` gives them in the announcement's language."""


def label(status: RsvpStatus, locale: str) -> str:
    return t(locale, f"watchparty.{status}")
STYLES: dict[RsvpStatus, discord.ButtonStyle] = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "cant": discord.ButtonStyle.danger,
}
_MENTION = re.compile(r"<@(\d+)>")


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"wp:rsvp:(?P<party>[0-9]+):(?P<status>going|maybe|cant)",
):
    def __init__(self, party_id: int, status: RsvpStatus, locale: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=label(status, locale), style=STYLES[status], custom_id=f"wp:rsvp:{party_id}:{status}"
            )
        )
        self.party_id = party_id
        self.status: RsvpStatus = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["party"]), cast("RsvpStatus", match["status"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # Dynamic items log failures at ERROR themselves: send every error down the one path instead.
        try:
            cog = interaction.client.get_cog("WatchParty")  # type: ignore[attr-defined]
            assert isinstance(cog, WatchParty)
            await cog.rsvp(interaction, self.party_id, self.status)
        except Exception as exc:
            await report_error(interaction, exc)


def rsvp_view(party_id: int, locale: str = "en") -> BotView:
    view = BotView(timeout=None)
    for status in LABELS:
        view.add_item(RsvpButton(party_id, status, locale))
    return view


async def party_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    parties = await event_store.list_parties(app(interaction).store, interaction.guild_id)
    watched = await app(interaction).members.spoiler_season(interaction.guild_id, interaction.user.id)
    needle = current.strip().lower().lstrip("#")
    out = []
    for party in parties:
        # A suggestion cannot hold spoiler tags: a later season's party is named by its season only.
        title = f"Season {party.season} party" if spoilers.hides(watched, party.season) else party.title
        label = f"#{party.id} {title} ({party.starts_at:%d %b %H:%M} UTC)"
        if needle and needle not in label.lower():
            continue
        out.append(app_commands.Choice(name=label[:100], value=party.id))
    return out[:25]


class WatchParty(commands.Cog):
    watchparty = app_commands.Group(name="watchparty", description="Watch Little Things together", guild_only=True)

    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot
        self._background: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton)
        self.bot.timers.register(PARTY_KIND, self.on_reminder)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton)
        for task in list(self._background):
            task.cancel()

    # -- rendering -------------------------------------------------------------------------------

    async def post_language(self, party: Party) -> str:
        """The party's announcement and reminders are channel posts: the server's language."""
        return await guild_post_language(self.bot.store, self.bot.get_guild(party.guild_id), party.guild_id)

    async def render(self, party: Party, locale: str = "en") -> discord.Embed:
        counts = await event_store.rsvp_counts(self.bot.store, party.id)
        colour = discord.Colour.red() if party.state == "cancelled" else discord.Colour.blurple()
        cancelled = party.state == "cancelled"
        title = f"📺 {party.title}" + (" " + t(locale, "watchparty.cancelled_tag") if cancelled else "")
        embed = discord.Embed(title=title, colour=colour,
                              description=t(locale, "watchparty.starts", when=when_line(party.starts_at)))
        episode_title = None
        if party.season is not None and party.episode is not None:
            found = await content_store.get_episode(self.bot.store, party.season, party.episode)
            # Everyone sees the announcement, whatever they have watched: a later title goes behind tags.
            episode_title = spoilers.public_episode_title(found.title, party.season) if found and found.title else None
        watching = episode_label(party.season, party.episode, episode_title, locale=locale)
        if watching:
            embed.add_field(name=t(locale, "watchparty.watching"), value=watching, inline=False)
        for status in LABELS:
            embed.add_field(name=label(status, locale), value=str(counts[status]), inline=True)
        repeat = " · " + t(locale, "watchparty.every_week") if party.repeat == "weekly" else ""
        embed.set_footer(text=t(locale, "watchparty.footer", id=party.id, zone=party.timezone) + repeat)
        return embed

    async def refresh_announcement(
        self, party: Party, *, quiet: bool = False, priority: Priority = Priority.GAME
    ) -> None:
        """Re-render the announcement (GAME priority: a member who changed the party waits for it)."""
        if party.message_id is None:
            return
        locale = await self.post_language(party)
        view = None if party.state == "cancelled" else rsvp_view(party.id, locale)
        try:
            await self.bot.sender.edit(
                party.channel_id, party.message_id, priority=priority, guild_id=party.guild_id,
                what=f"party {party.id} announcement", embed=await self.render(party, locale), view=view,
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as exc:
            log.log(logging.INFO if quiet else logging.WARNING,
                    "could not update the announcement of party %s: %s", party.id, exc)

    # -- commands --------------------------------------------------------------------------------

    @watchparty.command(name="create")
    @app_commands.describe(
        title="What the party is called (shown to everyone; up to 100 characters)",
        when="When it starts, e.g. `friday 9pm`, `2026-03-10 20:00`, `in 2 hours`",
        timezone="Time zone for `when` (default: yours from /timezone set, else the server's, else UTC)",
        season="Season you'll watch",
        episode="Episode you'll watch (needs a season)",
        channel="Text channel to announce in, or a voice/stage channel to watch in (default: here)",
        reminders="When to remind Going members, e.g. `24h,1h,10m,0` or `none`",
        repeat="Repeat the party every week at the same local time",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def create(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        when: str,
        timezone: str | None = None,
        season: app_commands.Range[int, 1, 10] | None = None,
        episode: app_commands.Range[int, 1, 50] | None = None,
        channel: discord.TextChannel | discord.VoiceChannel | discord.StageChannel | None = None,
        reminders: str | None = None,
        repeat: Literal["none", "weekly"] = "none",
    ) -> None:
        """Plan a watch party with RSVPs, reminders and a Discord event."""
        guild = interaction.guild
        assert guild is not None  # guild_only
        locale = lang(interaction)
        now = self.bot.clock.now()
        zone = await zone_for(self.bot, guild.id, interaction.user.id, timezone)
        parsed = parse_when(when, now=now, zone=zone)
        offsets = parse_offsets(reminders)
        clean = safe_title(title)
        if not clean:
            raise UserError(key="watchparty.need_title")
        await self._check_episode(season, episode)
        voice = channel if isinstance(channel, discord.VoiceChannel | discord.StageChannel) else None
        text = channel if isinstance(channel, discord.TextChannel) else interaction.channel
        if not isinstance(text, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            raise UserError(key="watchparty.need_text_channel")

        await interaction.response.defer(ephemeral=True, thinking=True)
        party = await event_store.create_party(
            self.bot.store,
            NewParty(
                guild_id=guild.id,
                channel_id=text.id,
                creator_id=interaction.user.id,
                title=clean,
                starts_at=parsed.at,
                timezone=zone.key,
                season=season,
                episode=episode,
                repeat=repeat,
                reminder_offsets=offsets,
            ),
            now=now,
            timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=now),
        )
        self.bot.timers.notify()
        posts = await server_language(self.bot.store, guild.id, guild.preferred_locale)
        try:
            message = await self.bot.sender.post(
                text.id, priority=Priority.GAME, guild_id=guild.id, what=f"party {party.id} announcement",
                embed=await self.render(party, posts), view=rsvp_view(party.id, posts), allowed_mentions=NO_PINGS,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._drop(party, now)
            await report_refused(
                self.bot, exc, what="watch-party announcement", guild_id=guild.id, channel_id=text.id, tell=None,
            )
            status, code, where = exc.status, exc.code, f"<#{text.id}>"
            raise UserError(key="watchparty.not_created", why=lambda loc: explain(status, code, where, loc)) from exc

        event_id, note = await self._new_event(
            party,
            message.id,
            voice_id=voice.id if voice else None,
            stage=isinstance(voice, discord.StageChannel),
            text_name=text.name,
            allowed=interaction.app_permissions.manage_events,
        )
        await event_store.set_party_messages(
            self.bot.store, party.id, message_id=message.id, scheduled_event_id=event_id, now=now
        )
        schedule = ", ".join(format_offset(o) for o in offsets) or t(locale, "watchparty.no_reminders")
        local = parsed.describe() if locale == "en" else f"{local_datetime(locale, parsed.local)} ({parsed.zone.key})"
        await interaction.followup.send(
            t(locale, "watchparty.created", id=party.id, title=party.title, when=when_line(party.starts_at),
              local=local, channel=text.mention, schedule=schedule) + "\n" + t(locale, note),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @watchparty.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """Upcoming watch parties in this server."""
        assert interaction.guild_id is not None
        locale = lang(interaction)
        watched = await self.bot.members.spoiler_season(interaction.guild_id, interaction.user.id)
        parties = await event_store.upcoming_with_going(self.bot.store, interaction.guild_id)
        lines = [listing_line(party, locale, watched) for party in parties]
        embed = discord.Embed(
            title=t(locale, "watchparty.list_title"),
            colour=discord.Colour.blurple(),
            description=clip_lines(lines, limit=4000, empty=t(locale, "watchparty.list_empty")),
        )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)

    @watchparty.command(name="edit")
    @app_commands.describe(
        party="The party to change",
        title="New title",
        when="New start time, e.g. `saturday 8pm`",
        timezone="Time zone for `when` (default: the party's)",
    )
    @app_commands.autocomplete(party=party_choices)
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def edit(
        self,
        interaction: discord.Interaction,
        party: int,
        title: app_commands.Range[str, 1, 100] | None = None,
        when: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """Change a watch party's title or time (creator or Manage Events)."""
        found = await self._party_here(interaction, party)
        self._check_may_manage(interaction, found, "change")
        if title is None and when is None:
            raise UserError(key="watchparty.nothing_to_change")
        now = self.bot.clock.now()
        clean = safe_title(title) if title is not None else None
        if clean is not None and not clean:
            raise UserError(key="watchparty.empty_title")
        parsed = None
        if when is not None:
            zone = (
                await zone_for(self.bot, found.guild_id, interaction.user.id, timezone)
                if timezone
                else ZoneInfo(found.timezone)
            )
            parsed = parse_when(when, now=now, zone=zone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated: Party | None = found
        if clean is not None:
            updated = await event_store.rename_party(self.bot.store, found.id, clean, now=now)
        if parsed is not None:
            updated = await event_store.move_party(
                self.bot.store, found.id, starts_at=parsed.at, timezone=parsed.zone.key, now=now
            )
        assert updated is not None
        await self.bot.timers.reschedule(
            party_group(updated.id, updated.occurrence),
            party_timer_specs(updated.id, updated.occurrence, updated.starts_at, updated.reminder_offsets, now=now),
        )
        if updated.scheduled_event_id is not None:
            await self._move_event(updated)
        await self.refresh_announcement(updated)
        await interaction.followup.send(
            t(lang(interaction), "watchparty.updated", id=updated.id, title=updated.title,
              when=when_line(updated.starts_at)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @watchparty.command(name="cancel")
    @app_commands.describe(party="The party to cancel")
    @app_commands.autocomplete(party=party_choices)
    async def cancel(self, interaction: discord.Interaction, party: int) -> None:
        """Cancel a watch party and tell the members who were going (creator or Manage Events)."""
        found = await self._party_here(interaction, party)
        self._check_may_manage(interaction, found, "cancel")
        now = self.bot.clock.now()
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._drop(found, now)
        cancelled = await event_store.get_party(self.bot.store, found.id)
        assert cancelled is not None
        await self.refresh_announcement(cancelled)
        going = [r.user_id for r in await event_store.list_rsvps(self.bot.store, found.id, status="going")]
        locale = lang(interaction)
        told = ""
        if going:
            posts = await self.post_language(found)
            header = t(posts, "watchparty.cancelled_post", title=found.title, when=when_line(found.starts_at))
            try:
                await self._send_chunks(
                    found.channel_id, found.guild_id, mention_chunks(header, going), nonce=None, priority=Priority.GAME
                )
                told = " " + t(locale, "watchparty.told", count=len(going))
            except discord.HTTPException as exc:
                log.warning("could not tell the members of party %s it was cancelled: %s", found.id, exc)
                told = " " + t(locale, "watchparty.could_not_tell")
        await interaction.followup.send(
            t(locale, "watchparty.cancelled_reply", id=found.id, title=found.title) + told, ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @watchparty.command(name="ics")
    @app_commands.describe(party="The party to add to your calendar")
    @app_commands.autocomplete(party=party_choices)
    async def ics(self, interaction: discord.Interaction, party: int) -> None:
        """Get a calendar file (.ics) for a watch party."""
        found = await self._party_here(interaction, party)
        if found.state != "scheduled":
            raise UserError(key=f"watchparty.no_calendar_{found.state}", id=found.id)
        channel = self.bot.get_channel(found.channel_id)
        where = f"#{channel.name}" if isinstance(channel, discord.abc.GuildChannel) else "Discord"
        guild_name = interaction.guild.name if interaction.guild else "Discord"
        details = [f"Watch party on {guild_name}, {where}."]
        if found.season is not None:
            details.append(episode_label(found.season, found.episode) or "")
        data = party_ics(
            IcsParty(
                uid=f"party-{found.id}-{found.guild_id}@littlethings-bot",
                title=found.title,
                starts_at=found.starts_at,
                timezone=found.timezone,
                description="\n".join(details),
                location=f"{where} ({guild_name})",
                weekly=found.repeat == "weekly",
            ),
            stamp=self.bot.clock.now(),
        )
        await interaction.response.send_message(
            t(lang(interaction), "watchparty.calendar", title=found.title, zone=found.timezone),
            file=discord.File(io.BytesIO(data), filename=f"watch-party-{found.id}.ics"),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="countdown")
    @app_commands.guild_only()
    async def countdown(self, interaction: discord.Interaction) -> None:
        """How long until the next watch party or release in this server."""
        assert interaction.guild_id is not None
        locale = lang(interaction)
        now = self.bot.clock.now()
        candidates: list[tuple[datetime, str]] = []
        for party in await event_store.list_parties(self.bot.store, interaction.guild_id, limit=5):
            if party.starts_at > now:
                candidates.append((party.starts_at, t(locale, "watchparty.next_party", title=party.title)))
                break
        releases = await event_store.list_releases(self.bot.store, interaction.guild_id, after=now, limit=1)
        candidates.extend((r.release_at, t(locale, "watchparty.next_release", title=r.title)) for r in releases)
        for pack in await content_store.list_releases(self.bot.store):
            at = pack_release_at(pack.date)
            if at > now:
                candidates.append((at, t(locale, "watchparty.next_release", title=safe_title(pack.title))))
                break
        if not candidates:
            await interaction.response.send_message(t(locale, "watchparty.nothing_coming"), allowed_mentions=NO_PINGS)
            return
        at, what = min(candidates, key=lambda pair: pair[0])
        await interaction.response.send_message(f"⏳ {what}: {when_line(at)}", allowed_mentions=NO_PINGS)

    # -- RSVP ------------------------------------------------------------------------------------

    async def rsvp(self, interaction: discord.Interaction, party_id: int, status: RsvpStatus) -> None:
        party = await event_store.get_party(self.bot.store, party_id)
        if party is None or party.state != "scheduled":
            raise UserError(key="watchparty.over")
        await event_store.set_rsvp(self.bot.store, party.id, interaction.user.id, status, now=self.bot.clock.now())
        posts = await self.post_language(party)
        await interaction.response.edit_message(embed=await self.render(party, posts), view=rsvp_view(party.id, posts))
        await interaction.followup.send(
            t(lang(interaction), "watchparty.rsvp", status=label(status, lang(interaction)), title=party.title),
            ephemeral=True, allowed_mentions=NO_PINGS,
        )

    # -- reminders -------------------------------------------------------------------------------

    async def on_reminder(self, firing: Firing) -> None:
        payload = firing.timer.payload
        party = await event_store.get_party(self.bot.store, int(payload["party_id"]))
        if party is None or party.state != "scheduled" or party.occurrence != int(payload["occurrence"]):
            return  # cancelled, finished or moved on since: nothing to say
        starting = any(int(t.payload["offset"]) == 0 for t in (*firing.timers, *firing.skipped))
        if firing.timers:
            offset = timedelta(seconds=int(firing.timer.payload["offset"]))
            missed = len(firing.timers) - 1 + len(firing.skipped)
            locale = await self.post_language(party)
            header = reminder_headline(party.title, party.starts_at, offset, missed=missed, locale=locale)
            going = [r.user_id for r in await event_store.list_rsvps(self.bot.store, party.id, status="going")]
            try:
                await self._send_chunks(
                    party.channel_id, party.guild_id, mention_chunks(header, going), nonce=firing.nonce,
                    priority=Priority.REMINDER, due_at=firing.timer.due_at,
                )
            except (discord.Forbidden, discord.NotFound) as exc:
                await self._refused_reminder(party, exc)
                raise ReportedTimerError(f"party {party.id}: Discord refused its reminder ({exc.status})") from exc
            except discord.HTTPException as exc:
                raise timer_error(exc) from exc
        if starting:
            await self._started(party, late=not any(int(t.payload["offset"]) == 0 for t in firing.timers))

    async def _refused_reminder(self, party: Party, exc: discord.HTTPException) -> None:
        """Discord will refuse every later reminder too: cancel the party and tell its creator why, privately."""
        await self._drop(party, self.bot.clock.now())
        await self.refresh_announcement(await event_store.get_party(self.bot.store, party.id) or party, quiet=True,
                                        priority=Priority.BACKGROUND)
        posts = await self.post_language(party)
        await report_refused(
            self.bot, exc, what="watch-party reminder", guild_id=party.guild_id, channel_id=party.channel_id,
            tell=dm_teller(self.bot, party.creator_id),
            intro=t(posts, "watchparty.reminder_refused", id=party.id, title=party.title) + " ", locale=posts,
        )

    async def _send_chunks(
        self,
        channel_id: int,
        guild_id: int,
        chunks: list[str],
        *,
        nonce: str | None,
        priority: Priority,
        due_at: datetime | None = None,
    ) -> None:
        for index, text in enumerate(chunks):
            users = [discord.Object(id=int(uid)) for uid in _MENTION.findall(text)]
            mentions = discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)
            extra: dict[str, Any] = {} if nonce is None else {"nonce": nonce if index == 0 else nonce_for(nonce, index)}
            await self.bot.sender.post(
                channel_id, priority=priority, guild_id=guild_id, due_at=due_at, what="watch-party reminder",
                content=text, allowed_mentions=mentions, **extra,
            )

    async def _started(self, party: Party, *, late: bool) -> None:
        """Start the voice event at the party's time; move a weekly party on, or finish a one-off."""
        now = self.bot.clock.now()
        if party.scheduled_event_id is not None and not late:
            event = await fetch_event(self.bot, party.guild_id, party.scheduled_event_id)
            if event is not None and event.get("entity_type") in (1, 2) and event.get("status") == 1:
                await edit_event(self.bot, party.guild_id, party.scheduled_event_id, status=STATUS_ACTIVE)
        if party.repeat != "weekly":
            await event_store.set_party_state(self.bot.store, party.id, "finished", now=now)
            return
        zone = ZoneInfo(party.timezone)
        upcoming = next_occurrence(party.anchor_at, zone, "weekly", after=max(party.starts_at, now))
        if upcoming is None or not horizons.within(upcoming, now, horizons.PARTY):
            await event_store.set_party_state(self.bot.store, party.id, "finished", now=now)
            return
        moved = await event_store.advance_party(
            self.bot.store,
            party.id,
            starts_at=upcoming,
            now=now,
            timers=lambda p: party_timer_specs(p.id, p.occurrence, p.starts_at, p.reminder_offsets, now=now),
        )
        self.bot.timers.notify()
        if moved is None:
            return
        event_id = None
        if party.scheduled_event_id is not None:
            event_id = await self._next_event(moved, party.scheduled_event_id)
        await event_store.set_party_messages(
            self.bot.store, moved.id, message_id=moved.message_id, scheduled_event_id=event_id, now=now
        )
        await self.refresh_announcement(moved, priority=Priority.BACKGROUND)

    # -- scheduled events ------------------------------------------------------------------------

    def _event_payload(
        self, party: Party, *, voice_id: int | None, location: str, stage: bool = False
    ) -> dict[str, Any]:
        label = episode_label(party.season, party.episode)
        payload: dict[str, Any] = {
            "name": party.title,
            "privacy_level": discord.PrivacyLevel.guild_only.value,
            "scheduled_start_time": iso(party.starts_at),
            "description": f"Little Things watch party #{party.id}" + (f": {label}" if label else ""),
        }
        if voice_id is not None:
            kind = discord.EntityType.stage_instance if stage else discord.EntityType.voice
            payload.update(entity_type=kind.value, channel_id=voice_id)
        else:
            payload.update(
                entity_type=discord.EntityType.external.value,
                entity_metadata={"location": location[:100]},
                scheduled_end_time=iso(party.starts_at + PARTY_LENGTH),
            )
        return payload

    async def _new_event(
        self, party: Party, message_id: int, *, voice_id: int | None, stage: bool, text_name: str, allowed: bool
    ) -> tuple[int | None, str]:
        """Create the party's Discord event now if the server's event bucket has room, else in the background.

        Discord lets a server create only about 5 events per 10 s, so a rush of parties must not keep
        each member waiting minutes for a followup: theirs is queued and saved when it is made.
        Returns (event id, catalogue key of the note for the creator).
        """
        missing = "watchparty.event_missing_permission"
        if not allowed:
            return None, missing
        payload = self._event_payload(party, voice_id=voice_id, location=f"#{text_name}", stage=stage)
        pending = self.bot.sender.create_event_soon(party.guild_id, payload, priority=Priority.BACKGROUND)
        if self.bot.outbound.queued(pending):
            task = asyncio.create_task(self._event_later(party.id, message_id, pending, payload))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return None, "watchparty.event_later"
        try:
            event_id: int = await pending
        except discord.Forbidden:
            return None, missing
        except discord.HTTPException as exc:
            if exc.code == MAX_SCHEDULED_EVENTS_CODE:
                return None, "watchparty.event_limit"
            log.warning("could not create a scheduled event for party %s: %s", party.id, exc)
            return None, "watchparty.event_refused"
        return event_id, "watchparty.event_created"

    async def _event_later(
        self, party_id: int, message_id: int, pending: asyncio.Future[int], payload: dict[str, Any]
    ) -> None:
        """Save an event created in the background; follow a party edited, or cancelled, while it waited."""
        try:
            event_id = await pending
        except discord.HTTPException as exc:
            log.warning("could not create the scheduled event for party %s: %s", party_id, exc)
            return
        party = await event_store.get_party(self.bot.store, party_id)
        if party is None or party.state != "scheduled":
            if party is not None:
                await edit_event(self.bot, party.guild_id, event_id, status=STATUS_CANCELED)
            return
        await event_store.set_party_messages(
            self.bot.store, party_id, message_id=message_id, scheduled_event_id=event_id, now=self.bot.clock.now()
        )
        if payload["name"] != party.title or payload["scheduled_start_time"] != iso(party.starts_at):
            await self._move_event(dataclasses.replace(party, scheduled_event_id=event_id))

    async def _next_event(self, party: Party, old_id: int) -> int | None:
        """A new Discord event for a weekly party's next occurrence, like the previous one."""
        old = await fetch_event(self.bot, party.guild_id, old_id)
        if old is None:
            return None
        voice_id = int(old["channel_id"]) if old.get("entity_type") in (1, 2) and old.get("channel_id") else None
        location = str((old.get("entity_metadata") or {}).get("location") or "Discord")
        try:
            return await create_event(
                self.bot,
                party.guild_id,
                self._event_payload(party, voice_id=voice_id, location=location, stage=old.get("entity_type") == 1),
            )
        except discord.HTTPException as exc:
            log.warning("could not create the next scheduled event for party %s: %s", party.id, exc)
            return None

    async def _move_event(self, party: Party) -> None:
        assert party.scheduled_event_id is not None
        event = await fetch_event(self.bot, party.guild_id, party.scheduled_event_id)
        if event is None or event.get("status") != 1:
            return
        fields: dict[str, Any] = {"name": party.title, "scheduled_start_time": iso(party.starts_at)}
        if event.get("entity_type") == 3:
            fields["scheduled_end_time"] = iso(party.starts_at + PARTY_LENGTH)
        await edit_event(self.bot, party.guild_id, party.scheduled_event_id, **fields)

    # -- helpers ---------------------------------------------------------------------------------

    async def _drop(self, party: Party, now: datetime) -> None:
        """Cancel the party, every reminder of every occurrence, and its Discord event."""
        await event_store.set_party_state(self.bot.store, party.id, "cancelled", now=now)
        await self.bot.timers.cancel_prefix(f"party:{party.id}:")
        if party.scheduled_event_id is not None:
            event = await fetch_event(self.bot, party.guild_id, party.scheduled_event_id)
            if event is not None and event.get("status") == 1:
                await edit_event(self.bot, party.guild_id, party.scheduled_event_id, status=STATUS_CANCELED)

    async def _party_here(self, interaction: discord.Interaction, party_id: int) -> Party:
        party = await event_store.get_party(self.bot.store, party_id)
        if party is None or party.guild_id != interaction.guild_id:
            assert interaction.guild_id is not None
            here = await event_store.list_parties(self.bot.store, interaction.guild_id)
            close = sorted(here, key=lambda p: (abs(p.id - party_id), p.id))[:3]
            if close:
                raise NotFoundError(key="watchparty.not_found_guess", id=party_id,
                                    close=", ".join(f"`#{p.id}` **{p.title}**" for p in close))
            raise NotFoundError(key="watchparty.not_found", id=party_id)
        return party

    def _check_may_manage(self, interaction: discord.Interaction, party: Party, verb: str) -> None:
        if party.state != "scheduled":
            raise UserError(key=f"watchparty.already_{party.state}", id=party.id)
        if interaction.user.id != party.creator_id and not interaction.permissions.manage_events:
            raise PermissionDeniedError(key=f"watchparty.may_not_{verb}", id=party.id)

    async def _check_episode(self, season: int | None, episode: int | None) -> None:
        if episode is not None and season is None:
            raise UserError(key="watchparty.episode_needs_season")
        if season is None:
            return
        if await content_store.get_season(self.bot.store, season) is None:
            seasons = [s.number for s in await content_store.list_seasons(self.bot.store)]
            raise NotFoundError(key="watchparty.no_season", season=season, seasons=", ".join(map(str, seasons)))
        if episode is not None and await content_store.get_episode(self.bot.store, season, episode) is None:
            count = len(await content_store.list_episodes(self.bot.store, season))
            raise NotFoundError(key="watchparty.no_episode", season=season, count=count, episode=episode)


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(WatchParty(bot))
