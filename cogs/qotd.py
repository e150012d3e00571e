"""`/qotd`: a daily trivia question per server, answered with buttons, with daily streaks.

The rules live in `bot.qotd` (when, which question, streaks), the rows in `bot.store.qotd`, the
message in `cogs._qotd_views` and every string in `cogs._qotd_text`. Posting rides the durable
timer engine: one `qotd.post` timer per server and day (key carries the setup's revision, so a
new setup or `/qotd off` makes older timers stale), each of which posts that day's question and
schedules the next; one `qotd.reveal` timer per question closes it after 23 hours if the next
day's post has not already. A resend after a crash carries the same nonce and the same question
(the day's row is claimed before sending), so each day is posted once.

Subcommands cannot carry Discord's `default_member_permissions` (Discord reads it only on a
top-level command, and `/qotd streak` is for everyone), so setup/off/now are guarded by checks.
"""

from __future__ import annotations

import functools
import logging
import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NotFoundError, UserError
from bot.i18n import t
from bot.outbound import Priority
from bot.qotd import (
    choose_question,
    hidden_season,
    local_day,
    next_post_at,
    parse_post_time,
    parse_seasons,
    shuffled_choices,
    top_streaks,
)
from bot.scheduling import resolve_zone
from bot.store import qotd as qotd_store
from bot.store import settings as settings_store
from bot.store.qotd import NewPost, QotdConfig, QotdPost
from bot.store.translations import localize_questions
from bot.store.trivia import TriviaStore
from bot.timers import Firing, PermanentTimerError, TimerSpec, nonce_for
from bot.trivia.models import Question
from bot.trivia.selection import QuestionFilter
from cogs import _qotd_views as views
from cogs._locale import guild_post_language, lang, server_language
from cogs._qotd_stats import streak_of
from cogs._qotd_text import say
from cogs._watchparty_discord import NO_PINGS, timer_error, zone_autocomplete

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

POST_KIND = "qotd.post"
REVEAL_KIND = "qotd.reveal"
OPEN_FOR = timedelta(hours=23)
SUMMARY_WEEKDAY = 0  # Monday: the week's streaks go out with that day's question
SUMMARY_SIZE = 5
DifficultyChoice = Literal["easy", "medium", "hard", "any"]


def post_key(guild_id: int, revision: int, day: date) -> str:
    return f"qotd:{guild_id}:post:r{revision}:{day.isoformat()}"


def post_spec(config: QotdConfig, day: date, at: datetime) -> TimerSpec:
    key = post_key(config.guild_id, config.revision, day)
    payload = {"guild_id": config.guild_id, "revision": config.revision, "day": day.isoformat()}
    return TimerSpec(key=key, kind=POST_KIND, due_at=at, payload=payload, group=key)


def reveal_spec(post: QotdPost) -> TimerSpec:
    key = f"qotd:{post.guild_id}:reveal:{post.id}"
    return TimerSpec(key=key, kind=REVEAL_KIND, due_at=post.reveal_at, payload={"post_id": post.id}, group=key)


def _filters(seasons: tuple[int, ...], difficulty: str | None, locale: object = "en") -> str:
    season_text = (say("qotd.setup.seasons", locale=locale, seasons=", ".join(map(str, seasons))) if seasons
                   else say("qotd.setup.all_seasons", locale=locale))
    level = (say("qotd.setup.difficulty", locale=locale, difficulty=t(locale, f"trivia.difficulty_{difficulty}"))
             if difficulty else say("qotd.setup.any_difficulty", locale=locale))
    return say("qotd.setup.filters", locale=locale, seasons=season_text, difficulty=level)


def _missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """What the bot lacks in `channel` to post the question (from the cached roles and overwrites)."""
    me = channel.guild.me
    if me is None:
        return []  # not cached yet: the first post's answer (403) decides
    perms = channel.permissions_for(me)
    needed = {"View Channel": perms.view_channel, "Send Messages": perms.send_messages,
              "Embed Links": perms.embed_links}
    return [name for name, ok in needed.items() if not ok]


class Qotd(commands.Cog):
    qotd = app_commands.Group(name="qotd", description="Question of the day", guild_only=True)

    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot
        self.trivia = TriviaStore(bot.store)
        self.rng = random.Random()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(views.AnswerButton)
        self.bot.timers.register(POST_KIND, self.on_post_timer)
        self.bot.timers.register(REVEAL_KIND, self.on_reveal_timer)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(views.AnswerButton)

    # -- commands --------------------------------------------------------------------------------

    @qotd.command(name="setup")
    @app_commands.describe(
        channel="Where the daily question is posted",
        time="Local time to post it, e.g. 20:00 or 9pm",
        timezone="Time zone for the time (default: the server's, else UTC)",
        seasons="Seasons to ask about, e.g. 1,2 (default: all)",
        difficulty="Only questions of this difficulty (default: any)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 20],
        timezone: str | None = None,
        seasons: str | None = None,
        difficulty: DifficultyChoice = "any",
    ) -> None:
        """Post a trivia question every day at a local time (Manage Server)."""
        guild_id = channel.guild.id
        at = parse_post_time(time)
        zone_name = timezone if timezone and timezone.strip() else await settings_store.guild_timezone(
            self.bot.store, guild_id)
        zone = resolve_zone(zone_name) if zone_name else ZoneInfo("UTC")
        picked = parse_seasons(seasons)
        level = None if difficulty == "any" else difficulty
        missing = _missing_permissions(channel)
        if missing:
            raise UserError(key="qotd.error.missing_perms", channel=channel.mention, missing=" and ".join(missing))
        flt = QuestionFilter(seasons=frozenset(picked) or None, difficulty=level, need_choices=True)
        if not any(flt.accepts(c) for c in await self.trivia.question_candidates(guild_id)):
            raise UserError(key="qotd.error.no_questions", filters=lambda loc: _filters(picked, level, loc))

        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        done = await qotd_store.posted_days(self.bot.store, guild_id, since=local_day(now, zone) - timedelta(days=1))
        first_day, first_at = next_post_at(at, zone, after=now, done_days=done)
        hhmm = at.strftime("%H:%M")
        posts = await server_language(self.bot.store, guild_id, interaction.guild_locale)
        try:
            await self.bot.sender.post(
                channel.id, priority=Priority.GAME, guild_id=guild_id, what="question-of-the-day set-up",
                content=say("qotd.setup.announce", locale=posts, time=hhmm, zone=zone.key,
                            first=f"<t:{int(first_at.timestamp())}:F>"),
                allowed_mentions=NO_PINGS,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise UserError(key="qotd.error.refused", channel=channel.mention, reason=exc.text or exc.status) from exc
        _, previous = await qotd_store.save_config(
            self.bot.store, guild_id=guild_id, channel_id=channel.id, post_time=at, timezone=zone.key,
            seasons=picked, difficulty=level, user_id=interaction.user.id, now=now,
            timers=lambda c: [post_spec(c, first_day, first_at)],
        )
        self.bot.timers.notify(first_at)
        if previous is not None:
            await self.bot.timers.cancel_prefix(f"qotd:{guild_id}:post:r{previous.revision}:")
        locale = lang(interaction)
        text = say("qotd.setup.done", locale=locale, channel=channel.mention, time=hhmm, zone=zone.key,
                   filters=_filters(picked, level, locale), first=f"<t:{int(first_at.timestamp())}:R>")
        if previous is not None and previous.enabled:
            text += say("qotd.setup.replaced", locale=locale, channel=f"<#{previous.channel_id}>",
                        time=previous.post_time.strftime("%H:%M"), zone=previous.timezone)
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @qotd.command(name="off")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop posting the question of the day (Manage Server)."""
        assert interaction.guild_id is not None
        config = await qotd_store.disable(self.bot.store, interaction.guild_id, now=self.bot.clock.now())
        if config is None:
            raise NotFoundError(key="qotd.error.not_set_up")
        await self.bot.timers.cancel_prefix(f"qotd:{interaction.guild_id}:post:")
        await interaction.response.send_message(say("qotd.off.done", locale=lang(interaction)), ephemeral=True,
                                                allowed_mentions=NO_PINGS)

    @qotd.command(name="now")
    @app_commands.checks.has_permissions(manage_messages=True)
    async def now(self, interaction: discord.Interaction) -> None:
        """Post today's question at once (moderators)."""
        assert interaction.guild_id is not None
        config = await qotd_store.get_config(self.bot.store, interaction.guild_id)
        if config is None or not config.enabled:
            raise NotFoundError(key="qotd.error.not_set_up")
        await interaction.response.defer(ephemeral=True, thinking=True)
        today = local_day(self.bot.clock.now(), ZoneInfo(config.timezone))
        existing = await qotd_store.daily_post(self.bot.store, config.guild_id, today)
        kind = "extra" if existing is not None and existing.message_id is not None else "daily"
        try:
            await self._reveal_open(config.guild_id, before=today)
            nonce = nonce_for(f"qotd:{config.guild_id}:now:{interaction.id}")
            await self._post(config, today, kind=kind, nonce=nonce)
        except discord.HTTPException as exc:
            raise UserError(key="qotd.error.refused", channel=f"<#{config.channel_id}>",
                                reason=exc.text or exc.status) from exc
        await interaction.followup.send(say(f"qotd.now.{kind}", locale=lang(interaction),
                                            channel=f"<#{config.channel_id}>"),
                                        ephemeral=True, allowed_mentions=NO_PINGS)

    @qotd.command(name="streak")
    @app_commands.describe(member="Whose streak (default: yours)")
    async def streak(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        """Show a question of the day streak."""
        assert interaction.guild_id is not None
        who = member or interaction.user
        current, best = await streak_of(self.bot, interaction.guild_id, who.id)
        if best == 0:
            text = say("qotd.streak.none", locale=lang(interaction), name=who.display_name)
        else:
            text = say("qotd.streak.line", locale=lang(interaction), name=who.display_name, current=current, best=best)
        await interaction.response.send_message(text, allowed_mentions=NO_PINGS)

    # -- answers ---------------------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, post_id: int, index: int) -> None:
        post = await qotd_store.get_post(self.bot.store, post_id)
        if post is None or post.guild_id != interaction.guild_id or index >= len(post.choices):
            raise NotFoundError(key="qotd.error.unknown_post")
        now = self.bot.clock.now()
        if post.revealed_at is not None or now >= post.reveal_at:
            raise UserError(key="qotd.error.closed")
        user_id = interaction.user.id
        if await qotd_store.add_answer(self.bot.store, post.id, user_id, index, correct=index == post.correct_index,
                                       now=now):
            text = say("qotd.answer.locked", locale=lang(interaction), choice=views.choice_label(post, index))
        else:
            earlier = await qotd_store.answer_of(self.bot.store, post.id, user_id)
            shown = views.choice_label(post, earlier if earlier is not None else index)
            text = say("qotd.answer.already", locale=lang(interaction), choice=shown)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    # -- timers ----------------------------------------------------------------------------------

    async def on_post_timer(self, firing: Firing) -> None:
        """Reveal what is open, post the day's question (and on Mondays the week's streaks), schedule tomorrow."""
        payload = firing.timer.payload
        config = await qotd_store.get_config(self.bot.store, int(payload["guild_id"]))
        if config is None or not config.enabled or config.revision != int(payload["revision"]):
            return  # replaced or switched off since
        day = date.fromisoformat(str(payload["day"]))
        zone = ZoneInfo(config.timezone)
        try:
            await self._reveal_open(config.guild_id, before=day)
            # Missed by more than the engine's grace (the bot was down): still post if it is that day.
            if firing.timers or local_day(self.bot.clock.now(), zone) == day:
                if day.weekday() == SUMMARY_WEEKDAY:
                    await self._post_summary(config, nonce=nonce_for(f"{firing.timer.key}:summary"))
                await self._post(config, day, kind="daily", nonce=firing.nonce)
        except discord.NotFound as exc:
            log.warning("qotd in %s: channel %s is gone (404); turning it off", config.guild_id, config.channel_id)
            await qotd_store.disable(self.bot.store, config.guild_id, now=self.bot.clock.now())
            raise PermanentTimerError("the question of the day channel was deleted") from exc
        except discord.HTTPException as exc:
            raise timer_error(exc) from exc
        finally:
            await self._schedule_next(config, day)

    async def on_reveal_timer(self, firing: Firing) -> None:
        # Also when the timer was skipped (the bot was down past the grace): late is better than never.
        await self._reveal(int(firing.timer.payload["post_id"]))

    async def _schedule_next(self, config: QotdConfig, day: date) -> None:
        current = await qotd_store.get_config(self.bot.store, config.guild_id)
        if current is None or not current.enabled or current.revision != config.revision:
            return
        done = await qotd_store.posted_days(self.bot.store, config.guild_id, since=day) | {day}
        next_day, at = next_post_at(config.post_time, ZoneInfo(config.timezone), after=self.bot.clock.now(),
                                    done_days=done)
        await self.bot.timers.schedule(post_spec(config, next_day, at))

    # -- posting and revealing -------------------------------------------------------------------

    async def _post(self, config: QotdConfig, day: date, *, kind: str, nonce: str) -> None:
        """Post `day`'s question (a second one that day when `kind` is extra). Raises Discord's errors."""
        store = self.bot.store
        if kind == "daily":
            existing = await qotd_store.daily_post(store, config.guild_id, day)
            if existing is not None and existing.message_id is not None:
                return  # posted early with /qotd now, or by a delivery that crashed before being marked
        posts = await self._post_language(config.guild_id)
        new = await self._new_post(config, day, kind, posts)
        post_in_channel = functools.partial(self.bot.sender.post, config.channel_id, priority=Priority.REMINDER,
                                            guild_id=config.guild_id, what="question of the day")
        if new is None:
            reason = say("qotd.error.none_left", locale=posts)
            await post_in_channel(content=say("qotd.post.none_left", locale=posts, reason=reason),
                                  allowed_mentions=NO_PINGS, nonce=nonce)
            return
        if kind == "daily":
            post, _ = await qotd_store.claim_daily(store, new)
        else:
            post = await qotd_store.add_post(store, new)
        question = await self._question(post.question_id, posts)
        try:
            message = await post_in_channel(embed=views.question_embed(post, question, posts),
                                            view=views.question_view(post), allowed_mentions=NO_PINGS, nonce=nonce)
        except (discord.Forbidden, discord.NotFound):
            await qotd_store.delete_unsent(store, post.id)  # the day stays open for a retry or /qotd now
            raise
        await qotd_store.set_message(store, post.id, message.id)
        await self.bot.timers.schedule(reveal_spec(post))

    async def _post_language(self, guild_id: int) -> str:
        """The question of the day is a channel post: the server's language."""
        return await guild_post_language(self.bot.store, self.bot.get_guild(guild_id), guild_id)

    async def _question(self, question_id: str, locale: str) -> Question:
        """The question as the server reads it: whole in Hindi where the pack has it, else in English."""
        question = await self.trivia.get_question(question_id)
        assert question is not None
        return (await localize_questions(self.bot.store, [question], locale))[0]

    async def _new_post(self, config: QotdConfig, day: date, kind: str, locale: str = "en") -> NewPost | None:
        now = self.bot.clock.now()
        flt = QuestionFilter(seasons=frozenset(config.seasons) or None, difficulty=config.difficulty)
        candidates = await self.trivia.question_candidates(config.guild_id)
        daily = await qotd_store.asked_at(self.bot.store, config.guild_id)
        question_id = choose_question(candidates, flt, daily_asked=daily, now=now, rng=self.rng)
        question = await self.trivia.get_question(question_id) if question_id else None
        if question is None:
            return None
        question = (await localize_questions(self.bot.store, [question], locale))[0]  # the labels are stored
        labels, correct = shuffled_choices(question.answer, question.wrong, self.rng.randrange(1 << 30))
        watched = await qotd_store.min_spoiler_season(self.bot.store, config.guild_id)
        hidden = hidden_season(question.text, labels, question.season, watched)
        return NewPost(guild_id=config.guild_id, channel_id=config.channel_id, day=day, kind=kind,
                       question_id=question.id, choices=labels, correct_index=correct, hidden_season=hidden,
                       posted_at=now, reveal_at=now + OPEN_FOR)

    async def _reveal_open(self, guild_id: int, *, before: date) -> None:
        for post in await qotd_store.open_posts(self.bot.store, guild_id):
            if post.day < before:
                await self._reveal(post.id)

    async def _reveal(self, post_id: int) -> None:
        """Close one post (streaks applied once, in the store) and edit its message to show the answer."""
        result = await qotd_store.reveal(self.bot.store, post_id, now=self.bot.clock.now())
        post = result.post if result is not None else None
        if result is None or post is None or post.message_id is None:
            return
        posts = await self._post_language(post.guild_id)
        question = await self._question(post.question_id, posts)
        try:
            await self.bot.sender.edit(
                post.channel_id, post.message_id, priority=Priority.REMINDER, guild_id=post.guild_id,
                what="question-of-the-day reveal",
                embed=views.revealed_embed(post, question, result.right, result.answers, posts),
                view=views.revealed_view(post), allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as exc:
            log.warning("could not reveal question of the day %s: %s", post.id, exc)

    async def _post_summary(self, config: QotdConfig, *, nonce: str) -> None:
        last = await qotd_store.last_revealed_day(self.bot.store, config.guild_id)
        if last is None:
            return  # no question answered yet: nothing to sum up
        living = await qotd_store.streaks(self.bot.store, config.guild_id, since=last)
        ranked = top_streaks(living, last, limit=SUMMARY_SIZE)
        posts = await self._post_language(config.guild_id)
        lines = [say("qotd.summary.line", locale=posts, rank=i, user=uid, days=days)
                 for i, (uid, days) in enumerate(ranked, 1)]
        best = await qotd_store.best_streaks(self.bot.store, config.guild_id, limit=1)
        if best:
            lines.append("\n" + say("qotd.summary.best", locale=posts, user=best[0].user_id, days=best[0].best))
        embed = discord.Embed(title=say("qotd.summary.title", locale=posts), colour=views.COLOUR,
                              description="\n".join(lines) if ranked else say("qotd.summary.empty", locale=posts))
        await self.bot.sender.post(config.channel_id, priority=Priority.REMINDER, guild_id=config.guild_id,
                                   what="question-of-the-day summary", embed=embed, nonce=nonce,
                                   allowed_mentions=NO_PINGS)


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(Qotd(bot))
