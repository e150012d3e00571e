"""One running trivia game in one channel: the loop that posts, waits, reveals and scores.

The loop is one asyncio task per game. It waits only on `bot.clock.sleep_until` (tests move a
VirtualClock) or on being woken early (everyone active has answered, a typed answer won). Its
critical steps (opening a question and posting it; closing it, scoring it and showing the reveal)
run under `lock`, so `/trivia stop` never cuts one in half: stop takes the lock, cancels the task,
and ends the game itself. The loop handles its own errors: Discord refusing to post (403/404) ends
the game and `on_refused` tells its starter why (see `cogs._refused`); any other error ends it with
a log line; never a crash loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.i18n import t
from bot.store.trivia import TriviaStore
from bot.trivia.game import Game, GameOver, GameState, RoundResult, RoundStart
from bot.trivia.models import GameMode
from cogs import _trivia_render as render
from cogs._trivia_output import GameOutput
from cogs._trivia_views import AnswerButton, ReportButton, persistent_view

log = logging.getLogger(__name__)

REVEAL_PAUSE = timedelta(seconds=5)
NO_PINGS = discord.AllowedMentions.none()


class GameSession:
    def __init__(
        self,
        *,
        game: Game,
        output: GameOutput,
        store: TriviaStore,
        clock: Clock,
        on_end: Callable[[GameSession], Awaitable[None] | None],
        locale: str = "en",
        on_refused: Callable[[discord.HTTPException], Awaitable[Any]] | None = None,
    ) -> None:
        self.game = game
        self.locale = locale
        """The language of the game's channel posts: its starter's (the questions were chosen in it)."""
        self.output = output
        self.store = store
        self.clock = clock
        self.lock = asyncio.Lock()
        self.round_id: int | None = None
        self.start: RoundStart | None = None
        self.message_id: int | None = None
        self.task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._on_end = on_end
        self._on_refused = on_refused
        """Called after the game ended because Discord refused a post (403/404): tells the starter why."""

    @property
    def mode(self) -> GameMode:
        return self.game.settings.mode

    def launch(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"trivia-game-{self.game.game_id}")

    def wake(self) -> None:
        """Reveal now (everyone active answered, or a typed answer won)."""
        self._wake.set()

    # -- the loop --------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            while self.game.state is GameState.RUNNING:
                async with self.lock:
                    await self._post_question()
                await self._wait_for_reveal()
                async with self.lock:
                    result = await self._close_question()
                if result.game_over is not None:
                    await self._finish(result.game_over)
                    return
                await self.clock.sleep_until(self.clock.now() + REVEAL_PAUSE)
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._abort()
            await self._refused(exc)
        except discord.HTTPException as exc:
            log.warning("trivia game %s ended after a Discord error: %s", self.game.game_id, exc)
            await self._abort()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("trivia game %s crashed; it is closed", self.game.game_id)
            await self._abort()

    async def _post_question(self) -> None:
        game = self.game
        start = game.start_round(self.clock.now())
        self.round_id = await self.store.open_round(
            game_id=game.game_id, round_no=start.number, question_id=start.question.id, posted_at=start.posted_at
        )
        self.start = start
        self.message_id = None
        self._wake.clear()
        extra: dict[str, Any] = {"view": self._answer_view(start)} if self.mode is GameMode.BUTTONS else {}
        self.message_id = await self.output.send(
            embed=render.question_embed(start, self.mode, start.deadline, self.locale), allowed_mentions=NO_PINGS,
            **extra,
        )
        # The countdown starts when the question is on screen, not when we began posting it.
        deadline = game.mark_posted(self.clock.now())
        if deadline is not None and (deadline - start.deadline) >= timedelta(seconds=1):
            await self.output.edit(
                self.message_id, embed=render.question_embed(start, self.mode, deadline, self.locale),
                allowed_mentions=NO_PINGS, **extra,
            )
        await self.store.set_round_message(self.round_id, self.message_id)

    async def _wait_for_reveal(self) -> None:
        game = self.game
        while not game.reveal_due(self.clock.now()):
            deadline = game.next_deadline()
            if deadline is None:
                return
            sleeper = asyncio.ensure_future(self.clock.sleep_until(deadline))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in (sleeper, waker):
                    waiting.cancel()
            self._wake.clear()
            hint = game.take_hint(self.clock.now())
            if hint is not None:
                number = game.round_number
                await self.output.send(content=t(self.locale, "trivia.hint", number=number, hint=hint),
                                       allowed_mentions=NO_PINGS)

    async def _close_question(self) -> RoundResult:
        assert self.round_id is not None and self.start is not None
        now = self.clock.now()
        result = self.game.close_round(now)
        await self.store.close_round(self.round_id, result.answers, now)
        if self.message_id is not None:
            await self.output.edit(
                self.message_id,
                embed=render.reveal_embed(self.start, result, self.mode, self.locale),
                view=self._closed_view(self.start, result.correct_choice),
                allowed_mentions=NO_PINGS,
            )
        return result

    async def _finish(self, over: GameOver, *, stopped_by: int | None = None) -> None:
        await self.store.finish_game(self.game.game_id, over, stopped_by=stopped_by)
        try:
            await self.output.send(embed=render.final_embed(over, stopped_by=stopped_by, locale=self.locale),
                                   allowed_mentions=NO_PINGS)
        finally:
            await self._ended()

    async def _refused(self, exc: discord.HTTPException) -> None:
        if self._on_refused is None:
            log.warning("trivia game %s in channel %s ended: Discord refused (%s)",
                        self.game.game_id, self.game.channel_id, exc.text or exc.status)
            return
        try:
            await self._on_refused(exc)
        except Exception:
            log.exception("could not report the refused post of trivia game %s", self.game.game_id)

    async def _abort(self) -> None:
        """End the game after a failure: nothing more is posted (posting is what failed)."""
        try:
            over = self.game.stop(self.clock.now())
            await self.store.finish_game(self.game.game_id, over)
        except Exception:
            log.exception("could not record the end of trivia game %s", self.game.game_id)
        finally:
            await self._ended()

    async def _ended(self) -> None:
        outcome = self._on_end(self)
        if outcome is not None:
            await outcome

    # -- stopping --------------------------------------------------------------------------------

    async def stop(self, user_id: int) -> GameOver:
        """End the game now; the open question is dropped unscored and its buttons are disabled."""
        async with self.lock:
            over, was_open = await self._halt(stopped_by=user_id)
            if was_open:
                with contextlib.suppress(discord.HTTPException):
                    await self._disable_open_question()
        await self._ended()
        return over

    async def shutdown(self) -> None:
        """The bot is stopping: end the game now with a note in its channel (revealed points are kept)."""
        async with self.lock:
            _, was_open = await self._halt(stopped_by=None)
            try:
                if was_open:
                    await self._disable_open_question()
                await self.output.send(content=t(self.locale, "trivia.shutdown"), allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.warning("could not tell channel %s that its trivia game ended: %s", self.game.channel_id, exc)
        await self._ended()

    async def _halt(self, *, stopped_by: int | None) -> tuple[GameOver, bool]:
        """Cancel the game loop, stop the game and record it; (the result, whether a question was open)."""
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        was_open = self.game.round_open
        over = self.game.stop(self.clock.now())
        await self.store.finish_game(self.game.game_id, over, stopped_by=stopped_by)
        return over, was_open

    async def _disable_open_question(self) -> None:
        if self.message_id is not None and self.start is not None:
            await self.output.edit(self.message_id, view=self._closed_view(self.start, None, report=False))

    # -- views -----------------------------------------------------------------------------------

    def _answer_view(self, start: RoundStart) -> discord.ui.View:
        return persistent_view(*(AnswerButton(self.game.game_id, start.number, i, label)
                                 for i, label in enumerate(start.choices)))

    def _closed_view(self, start: RoundStart, correct: int | None, *, report: bool = True) -> discord.ui.View:
        items: list[Any] = []
        for i, label in enumerate(start.choices):
            style = discord.ButtonStyle.success if i == correct else discord.ButtonStyle.secondary
            items.append(AnswerButton(self.game.game_id, start.number, i, label, style=style, disabled=True))
        if report:
            items.append(ReportButton(start.question.id, locale=self.locale))
        return persistent_view(*items)
