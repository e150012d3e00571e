"""`/trivia`: games in a channel, quick questions, boards, suggestions and reports.

The cog only translates: game rules live in `bot.trivia`, persistence in `bot.store.trivia`, the
per-game loop in `cogs._trivia_session`, embeds in `cogs._trivia_render` and buttons in
`cogs._trivia_views` (dynamic items, so they survive restarts).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NotFoundError, PermissionDeniedError, UserError
from bot.i18n import t
from bot.outbound import Priority
from bot.store.settings import trivia_answer_seconds
from bot.store.translations import localize_questions
from bot.store.trivia import GameRecord, Scope, TriviaStore
from bot.trivia.game import AnswerStatus, Game, GameSettings
from bot.trivia.models import GameMode
from bot.trivia.scoring import points_for
from bot.trivia.selection import QuestionFilter, select_questions
from bot.trivia.suggestions import parse_suggestion
from cogs import _trivia_render as render
from cogs._locale import lang, server_language
from cogs._qotd_stats import add_qotd_streak
from cogs._refused import followup_teller, report_refused
from cogs._trivia_output import GameOutput
from cogs._trivia_session import NO_PINGS, GameSession
from cogs._trivia_views import (
    COG_NAME,
    DYNAMIC_ITEMS,
    PageButton,
    QuickButton,
    ReportButton,
    ReviewButton,
    SuggestModal,
    persistent_view,
)
from cogs._view_cache import ViewCache
from cogs._views import BotView

if TYPE_CHECKING:
    from bot.app import LittleThingsBot

log = logging.getLogger(__name__)

START_COOLDOWN = timedelta(seconds=10)
REVIEW_REPORTS = 5
QUICK_WINDOW_MIN = 5

SeasonChoice = Literal["1", "2", "3", "4", "all"]
DifficultyChoice = Literal["easy", "medium", "hard", "any"]
ModeChoice = Literal["buttons", "typed"]


@app_commands.guild_only()
class Trivia(commands.GroupCog, name=COG_NAME, group_name="trivia", group_description="Little Things trivia"):
    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot
        self.store = TriviaStore(bot.store)
        self.sessions: dict[int, GameSession] = {}  # by channel id
        self._by_game: dict[int, GameSession] = {}
        self._last_start: dict[int, datetime] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.rng = random.Random()
        self._page_views = ViewCache()  # leaderboard Previous/Next, reused (public answers only)
        super().__init__()

    # -- lifecycle -------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        config = self.bot.config
        closed = await self.store.close_unfinished_games(
            self.bot.clock.now(), shard_count=config.shard_count, shard_ids=config.shard_ids or ()
        )
        for game in closed:
            rounds = await self.store.game_rounds(game.game_id)
            open_message = next((r.message_id for r in reversed(rounds) if r.closed_at is None and r.message_id), None)
            self._spawn(self._tell_interrupted(game.channel_id, open_message, game.guild_id))

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        for session in list(self.sessions.values()):
            if session.task is not None:
                session.task.cancel()  # left running in the database: closed at the next start-up
        for task in list(self._background):
            task.cancel()

    async def drain(self) -> None:
        """Before the bot disconnects: end running games with a note and finish pending notes."""
        await asyncio.gather(*(session.shutdown() for session in list(self.sessions.values())))
        if self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _tell_interrupted(self, channel_id: int, open_message: int | None, guild_id: int | None = None) -> None:
        """REST works before the gateway is ready, so this need not wait for it."""
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            if open_message is not None:
                view = _disabled_view(await channel.fetch_message(open_message))
                await self.bot.sender.edit(channel_id, open_message, priority=Priority.GAME, view=view)
            locale = await server_language(self.bot.store, guild_id)
            await self.bot.sender.post(
                channel_id, priority=Priority.GAME, content=t(locale, "trivia.interrupted"), allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as exc:
            log.warning("could not tell channel %s that its trivia game ended: %s", channel_id, exc)

    def _session_ended(self, session: GameSession) -> None:
        if self.sessions.get(session.game.channel_id) is session:
            del self.sessions[session.game.channel_id]
        self._by_game.pop(session.game.game_id, None)

    # -- /trivia start ---------------------------------------------------------------------------

    @app_commands.command(name="start")
    @app_commands.describe(
        rounds="How many questions (1-50)",
        season="Only questions about this season (default: all you have watched)",
        difficulty="Only questions of this difficulty",
        mode="Buttons (pick one of four) or typed (first right answer in chat wins)",
    )
    async def start(
        self,
        interaction: discord.Interaction,
        rounds: app_commands.Range[int, 1, 50] = 10,
        season: SeasonChoice = "all",
        difficulty: DifficultyChoice = "any",
        mode: ModeChoice = "buttons",
    ) -> None:
        """Start a trivia game in this channel."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        channel_id, guild_id = interaction.channel_id, interaction.guild_id
        locale = lang(interaction)
        game_mode = GameMode(mode)
        if game_mode is GameMode.TYPED and not self.bot.config.typed_trivia:
            raise UserError(key="trivia.typed_off")
        here = self.sessions.get(channel_id)
        if here is not None:
            game_here = here.game
            raise _running_error(game_here.game_id, game_here.starter_id, game_here.round_number,
                                 game_here.total_rounds)
        now = self.bot.clock.now()
        last = self._last_start.get(channel_id)
        if last is not None and now - last < START_COOLDOWN:
            wait = (START_COOLDOWN - (now - last)).total_seconds()
            raise UserError(key="trivia.cooldown", seconds=f"{wait:.0f}")

        # Everything below reads the database, which a rush of starts queues up: answer Discord at once
        # (its 3 s are for this first answer) and let the intro replace "thinking…". The channel is
        # reserved meanwhile, so a second start here is told to wait instead of racing this one.
        self._last_start[channel_id] = now
        await interaction.response.defer(thinking=True)
        explicit = None if season == "all" else int(season)
        max_season = None
        try:
            running = await self.store.running_game(channel_id)
            if running is not None:
                raise self._running_error(running)
            if explicit is None:
                max_season = await self.bot.members.spoiler_season(guild_id, interaction.user.id)
            seconds = await trivia_answer_seconds(self.bot.store, guild_id)
            question_filter = QuestionFilter(
                seasons=frozenset({explicit}) if explicit else None,
                max_season=max_season,
                difficulty=None if difficulty == "any" else difficulty,
                need_choices=game_mode is GameMode.BUTTONS,
            )
            candidates = await self.store.question_candidates(guild_id)
            ids = select_questions(candidates, rounds, question_filter, self.rng)
            questions = await localize_questions(self.bot.store, await self.store.get_questions(ids), locale)
            if not questions:
                if max_season is not None:
                    raise NotFoundError(key="trivia.no_match_spoilers", season=max_season)
                raise NotFoundError(key="trivia.no_match")
        except UserError:
            self._release_channel(channel_id, last)
            await _retract(interaction)  # the error then goes out privately, not as the public answer
            raise
        settings = GameSettings(rounds=len(questions), mode=game_mode, answer_seconds=seconds,
                                seasons=(explicit,) if explicit else None, max_season=max_season,
                                difficulty=None if difficulty == "any" else difficulty)
        game_id = await self.store.create_game(guild_id=guild_id, channel_id=channel_id,
                                               starter_id=interaction.user.id, settings=settings,
                                               question_ids=[q.id for q in questions], now=now)
        game = Game(game_id=game_id, guild_id=guild_id, channel_id=channel_id, starter_id=interaction.user.id,
                    settings=settings, questions=questions, rng=self.rng)
        output = GameOutput(channel_id=channel_id, guild_id=guild_id, sender=self.bot.sender, clock=self.bot.clock,
                            interaction=interaction)
        session = GameSession(game=game, output=output, store=self.store, clock=self.bot.clock,
                              on_end=self._session_ended, on_refused=self._refused_teller(interaction, game_id),
                              locale=locale)
        self.sessions[channel_id] = session
        self._by_game[game_id] = session

        fewer = t(locale, "trivia.fewer", count=len(questions)) if len(questions) < rounds else ""
        how = t(locale, "trivia.how_start_buttons" if game_mode is GameMode.BUTTONS else "trivia.how_start_typed")
        where = t(locale, "trivia.where_season", season=explicit) if explicit else (
            t(locale, "trivia.where_spoilers", season=max_season) if max_season is not None
            else t(locale, "trivia.where_all"))
        try:
            await interaction.followup.send(
                t(locale, "trivia.started", game=game_id, user=interaction.user.mention, count=len(questions),
                  fewer=fewer, where=where, difficulty=t(locale, f"trivia.difficulty_{difficulty}"),
                  seconds=settings.window.seconds, how=how),
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException:
            # Discord refused the intro (or forgot the interaction): the game never showed, so it must
            # not hold the channel, and its token cannot carry the questions either.
            await self.store.finish_game(game_id, game.stop(self.bot.clock.now()))
            self._session_ended(session)
            await _retract(interaction)
            raise
        session.launch()

    def _refused_teller(
        self, interaction: discord.Interaction, game_id: int
    ) -> Callable[[discord.HTTPException], Awaitable[None]]:
        """When Discord refuses a question, the starter hears why in a followup to their /trivia start."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        guild_id, channel_id = interaction.guild_id, interaction.channel_id
        locale = lang(interaction)

        async def refused(exc: discord.HTTPException) -> None:
            await report_refused(
                self.bot, exc, what="trivia question", guild_id=guild_id, channel_id=channel_id,
                tell=followup_teller(interaction), intro=t(locale, "trivia.refused_intro", game=game_id) + " ",
                locale=locale,
            )

        return refused

    def _running_error(self, running: GameRecord) -> UserError:
        return _running_error(running.id, running.starter_id, running.current_round, len(running.question_ids))

    def _release_channel(self, channel_id: int, previous: datetime | None) -> None:
        """Undo the reservation of a start that failed, so the member may try again at once."""
        if previous is None:
            self._last_start.pop(channel_id, None)
        else:
            self._last_start[channel_id] = previous

    # -- /trivia stop ----------------------------------------------------------------------------

    @app_commands.command(name="stop")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop this channel's trivia game (its starter or a moderator) and show the standings."""
        assert interaction.channel_id is not None
        session = self.sessions.get(interaction.channel_id)
        if session is None:
            raise NotFoundError(key="trivia.no_game")
        if not session.game.can_stop(interaction.user.id, can_manage_messages=interaction.permissions.manage_messages):
            raise PermissionDeniedError(key="trivia.cannot_stop", user=f"<@{session.game.starter_id}>")
        await interaction.response.defer(thinking=True)
        over = await session.stop(interaction.user.id)
        await interaction.followup.send(
            embed=render.final_embed(over, stopped_by=interaction.user.id, locale=lang(interaction)),
            allowed_mentions=NO_PINGS,
        )

    # -- answering -------------------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, game_id: int, round_no: int, index: int) -> None:
        session = self._by_game.get(game_id)
        locale = lang(interaction)
        if session is None:
            await _ephemeral(interaction, t(locale, "trivia.question_closed"))
            return
        outcome = session.game.answer_choice(interaction.user.id, round_no, index, self.bot.clock.now())
        if outcome.status is AnswerStatus.ACCEPTED:
            label = session.start.choices[index] if session.start else "?"
            await _ephemeral(interaction, t(locale, "trivia.locked_in", label=label))
            if outcome.reveal_now:
                session.wake()
        elif outcome.status is AnswerStatus.ALREADY_ANSWERED:
            await _ephemeral(interaction, t(locale, "trivia.already_answered"))
        else:
            await _ephemeral(interaction, t(locale, "trivia.question_closed"))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Typed mode: guesses are plain messages in the game's channel."""
        if message.author.bot or message.guild is None:
            return
        session = self.sessions.get(message.channel.id)
        if session is None or session.mode is not GameMode.TYPED or not message.content:
            return
        outcome = session.game.answer_text(message.author.id, message.content, self.bot.clock.now())
        if outcome.reveal_now:
            session.wake()

    # -- /trivia question ------------------------------------------------------------------------

    @app_commands.command(name="question")
    async def question(self, interaction: discord.Interaction) -> None:
        """Answer one quick trivia question on your own (scored apart from games)."""
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        max_season = await self.bot.members.spoiler_season(guild_id, user_id)
        candidates = await self.store.quick_candidates(guild_id, user_id)
        ids = select_questions(candidates, 1, QuestionFilter(max_season=max_season, need_choices=True), self.rng)
        question = await self.store.get_question(ids[0]) if ids else None
        if question is None:
            raise NotFoundError(key="trivia.no_quick")
        question = (await localize_questions(self.bot.store, [question], lang(interaction)))[0]
        now = self.bot.clock.now()
        quick_id = await self.store.start_quick_question(guild_id=guild_id, user_id=user_id,
                                                         question_id=question.id, asked_at=now)
        choices = _quick_choices(quick_id, question.answer, question.wrong)
        seconds = await trivia_answer_seconds(self.bot.store, guild_id)
        view = persistent_view(*(QuickButton(quick_id, i, label) for i, label in enumerate(choices)))
        await interaction.response.send_message(
            embed=render.quick_embed(question, choices, now + timedelta(seconds=seconds), lang(interaction)), view=view,
            ephemeral=True, allowed_mentions=NO_PINGS,
        )

    async def on_quick_answer(self, interaction: discord.Interaction, quick_id: int, index: int) -> None:
        record = await self.store.get_quick_question(quick_id)
        if record is None or record.user_id != interaction.user.id:
            raise NotFoundError(key="trivia.quick_not_yours")
        question = await self.store.get_question(record.question_id)
        if question is None:
            raise NotFoundError(key="trivia.question_gone")
        locale = lang(interaction)
        question = (await localize_questions(self.bot.store, [question], locale))[0]
        choices = _quick_choices(quick_id, question.answer, question.wrong)
        correct_index = choices.index(question.answer)
        correct = index == correct_index
        now = self.bot.clock.now()
        seconds = max(await trivia_answer_seconds(self.bot.store, record.guild_id), QUICK_WINDOW_MIN)
        points = points_for(elapsed=now - record.asked_at, window=timedelta(seconds=seconds), streak=1)
        if not await self.store.answer_quick_question(quick_id, user_id=record.user_id, correct=correct,
                                                      points=points, answered_at=now):
            await _ephemeral(interaction, t(locale, "trivia.already_answered"))
            return
        buttons: list[Any] = [
            QuickButton(quick_id, i, label, disabled=True,
                        style=discord.ButtonStyle.success if i == correct_index else (
                            discord.ButtonStyle.danger if i == index else discord.ButtonStyle.secondary))
            for i, label in enumerate(choices)
        ]
        verdict = (t(locale, "trivia.quick_right", answer=question.answer, points=points) if correct
                   else t(locale, "trivia.quick_wrong", answer=question.answer))
        await interaction.response.edit_message(
            content=verdict, view=persistent_view(*buttons, ReportButton(question.id, locale=locale))
        )

    # -- reports ---------------------------------------------------------------------------------

    async def on_report(self, interaction: discord.Interaction, question_id: str) -> None:
        assert interaction.guild_id is not None
        filed = await self.store.report_question(question_id=question_id, user_id=interaction.user.id,
                                                 guild_id=interaction.guild_id, reason="",
                                                 now=self.bot.clock.now())
        await _ephemeral(interaction, t(lang(interaction), "trivia.reported" if filed else "trivia.already_reported"))

    # -- /trivia leaderboard, /trivia stats ------------------------------------------------------

    @app_commands.command(name="leaderboard")
    @app_commands.describe(scope="All-time or this month's scores", page="Which page (10 players a page)")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        scope: Literal["all-time", "month"] = "all-time",
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        """Show the server's trivia leaderboard."""
        embed, view = await self._leaderboard_page(interaction, "all" if scope == "all-time" else "month", page)
        await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_PINGS)

    async def on_leaderboard_page(self, interaction: discord.Interaction, scope: str, page: int) -> None:
        embed, view = await self._leaderboard_page(interaction, scope, page)
        await interaction.response.edit_message(embed=embed, view=view)

    async def _leaderboard_page(
        self, interaction: discord.Interaction, scope: str, page: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        assert interaction.guild_id is not None
        board = await self.store.leaderboard(interaction.guild_id, scope=Scope(scope), now=self.bot.clock.now(),
                                             page=page)
        locale = lang(interaction)
        view = self._page_views.get((scope, locale, board.page, board.pages), lambda: persistent_view(
            PageButton(scope, max(board.page - 1, 1), "prev", disabled=board.page <= 1, locale=locale),
            PageButton(scope, min(board.page + 1, board.pages), "next", disabled=board.page >= board.pages,
                       locale=locale),
        ))
        return render.leaderboard_embed(board, locale), view

    @app_commands.command(name="stats")
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        """Show trivia stats for you or another member."""
        assert interaction.guild_id is not None
        who = member or interaction.user
        stats = await self.store.player_stats(interaction.guild_id, who.id)
        quick = await self.store.quick_stats(interaction.guild_id, who.id)
        embed = render.stats_embed(who.display_name, stats, quick, lang(interaction))
        await add_qotd_streak(self.bot, embed, interaction.guild_id, who.id, lang(interaction))
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)

    # -- /trivia suggest, /trivia review ---------------------------------------------------------

    @app_commands.command(name="suggest")
    async def suggest(self, interaction: discord.Interaction) -> None:
        """Suggest a trivia question for moderators to review."""
        await interaction.response.send_modal(SuggestModal(lang(interaction)))

    async def on_suggestion(self, interaction: discord.Interaction, values: dict[str, str]) -> None:
        assert interaction.guild_id is not None
        draft = parse_suggestion(question=values["question"], answer=values["answer"], variants=values["variants"],
                                 wrong=values["wrong"], season=values["season"])
        suggestion_id = await self.store.add_suggestion(guild_id=interaction.guild_id, author_id=interaction.user.id,
                                                        draft=draft, now=self.bot.clock.now())
        await _ephemeral(interaction, t(lang(interaction), "trivia.suggested", id=suggestion_id))

    @app_commands.command(name="review")
    async def review(self, interaction: discord.Interaction) -> None:
        """Moderators: approve or reject suggested questions and see reported ones."""
        _require_moderator(interaction)
        embed, view = await self._review_page(interaction)
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS, **extra)

    async def on_review(self, interaction: discord.Interaction, action: str, suggestion_id: int) -> None:
        _require_moderator(interaction)
        assert interaction.guild_id is not None
        now = self.bot.clock.now()
        if action == "approve":
            question = await self.store.approve_suggestion(suggestion_id, guild_id=interaction.guild_id,
                                                           reviewer_id=interaction.user.id, now=now)
            await self.bot.reload_content()  # /about counts the questions
            done = t(lang(interaction), "trivia.approved", id=suggestion_id, question=question.id)
        else:
            await self.store.reject_suggestion(suggestion_id, guild_id=interaction.guild_id,
                                               reviewer_id=interaction.user.id, now=now)
            done = t(lang(interaction), "trivia.rejected", id=suggestion_id)
        embed, view = await self._review_page(interaction)
        await interaction.response.edit_message(content=done, embed=embed, view=view)

    async def _review_page(self, interaction: discord.Interaction) -> tuple[discord.Embed, discord.ui.View | None]:
        assert interaction.guild_id is not None
        reports = await self.store.open_reports(interaction.guild_id, limit=REVIEW_REPORTS)
        suggestion, count = await self.store.first_pending_suggestion(interaction.guild_id)
        locale = lang(interaction)
        if suggestion is None:
            return render.reports_embed(reports, locale), None
        view = persistent_view(ReviewButton("approve", suggestion.id, locale=locale),
                               ReviewButton("reject", suggestion.id, locale=locale))
        return render.suggestion_embed(suggestion, count, reports, locale), view


def _running_error(game_id: int, starter_id: int, current_round: int, total: int) -> UserError:
    return UserError(key="trivia.running", game=game_id, user=f"<@{starter_id}>", number=max(current_round, 1),
                     total=total)


async def _retract(interaction: discord.Interaction) -> None:
    """Remove the public "thinking…" answer, so the error that follows is a private followup."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException as exc:
        log.info("could not remove the thinking message of a refused /trivia start: %s", exc)


def _require_moderator(interaction: discord.Interaction) -> None:
    if not interaction.permissions.manage_messages:
        raise PermissionDeniedError(key="trivia.need_manage_messages")


def _quick_choices(quick_id: int, answer: str, wrong: tuple[str, ...]) -> list[str]:
    """The same order every time for one quick question, so the click can be checked later."""
    labels = [answer, *wrong[:3]]
    random.Random(quick_id).shuffle(labels)
    return labels


def _disabled_view(message: discord.Message) -> discord.ui.View:
    """An interrupted question's answer buttons greyed out (a click would only be told it is closed)."""
    view = BotView.from_message(message, timeout=None)
    for item in view.children:
        if isinstance(item, discord.ui.Button):
            item.disabled = True
    return view


async def _ephemeral(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(Trivia(bot))
