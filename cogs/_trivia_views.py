"""Trivia's buttons and modal.

Every button is a `DynamicItem`: its custom id carries what it acts on (`trivia:answer:<game>:
<round>:<i>`), so buttons keep working after a restart and a button of a game that is over can
answer "this question is closed" instead of failing. The items only parse; the cog decides. Their
errors take the bot's one error path (`report_error`), never discord.py's bare log line.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

from bot.errors import UserError
from bot.i18n import t
from cogs._errors import report_error
from cogs._views import BotModal, BotView

COG_NAME = "Trivia"


class TriviaActions(Protocol):
    async def on_answer(self, interaction: discord.Interaction, game_id: int, round_no: int, index: int) -> None: ...
    async def on_quick_answer(self, interaction: discord.Interaction, quick_id: int, index: int) -> None: ...
    async def on_report(self, interaction: discord.Interaction, question_id: str) -> None: ...
    async def on_leaderboard_page(self, interaction: discord.Interaction, scope: str, page: int) -> None: ...
    async def on_review(self, interaction: discord.Interaction, action: str, suggestion_id: int) -> None: ...
    async def on_suggestion(self, interaction: discord.Interaction, values: dict[str, str]) -> None: ...


def _actions(interaction: discord.Interaction) -> TriviaActions:
    cog = getattr(interaction.client, "get_cog", lambda _name: None)(COG_NAME)
    if cog is None:
        raise UserError(key="trivia.unavailable")
    return cast(TriviaActions, cog)


async def _run(interaction: discord.Interaction, call: Any) -> None:
    try:
        await call(_actions(interaction))
    except Exception as exc:
        await report_error(interaction, exc)


def persistent_view(*items: discord.ui.Item[Any]) -> BotView:
    view = BotView(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"trivia:answer:(?P<game>\d+):(?P<round>\d+):(?P<index>[0-3])",
):
    def __init__(self, game_id: int, round_no: int, index: int, label: str = "?", *,
                 style: discord.ButtonStyle = discord.ButtonStyle.primary, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(
            label=label[:80], style=style, disabled=disabled, row=0 if index < 2 else 1,
            custom_id=f"trivia:answer:{game_id}:{round_no}:{index}",
        ))
        self.game_id, self.round_no, self.index = game_id, round_no, index

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        return cls(int(match["game"]), int(match["round"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(interaction, lambda a: a.on_answer(interaction, self.game_id, self.round_no, self.index))


class QuickButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"trivia:quick:(?P<quick>\d+):(?P<index>[0-3])"
):
    def __init__(self, quick_id: int, index: int, label: str = "?", *,
                 style: discord.ButtonStyle = discord.ButtonStyle.primary, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(
            label=label[:80], style=style, disabled=disabled, row=0 if index < 2 else 1,
            custom_id=f"trivia:quick:{quick_id}:{index}",
        ))
        self.quick_id, self.index = quick_id, index

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> QuickButton:
        return cls(int(match["quick"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(interaction, lambda a: a.on_quick_answer(interaction, self.quick_id, self.index))


class ReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"trivia:report:(?P<question>[\w.-]{1,80})"
):
    def __init__(self, question_id: str, *, locale: str = "en") -> None:
        super().__init__(discord.ui.Button(
            label=t(locale, "trivia.report_button"), emoji="🚩", style=discord.ButtonStyle.secondary, row=2,
            custom_id=f"trivia:report:{question_id}",
        ))
        self.question_id = question_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReportButton:
        return cls(match["question"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(interaction, lambda a: a.on_report(interaction, self.question_id))


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"trivia:lb:(?P<scope>all|month):(?P<page>\d+):(?P<way>prev|next)",
):
    def __init__(self, scope: str, page: int, way: str, *, disabled: bool = False, locale: str = "en") -> None:
        super().__init__(discord.ui.Button(
            label="◀ " + t(locale, "recaps.previous") if way == "prev" else t(locale, "recaps.next") + " ▶",
            style=discord.ButtonStyle.secondary,
            disabled=disabled, custom_id=f"trivia:lb:{scope}:{page}:{way}",
        ))
        self.scope, self.page = scope, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PageButton:
        return cls(match["scope"], int(match["page"]), match["way"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(interaction, lambda a: a.on_leaderboard_page(interaction, self.scope, self.page))


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"trivia:review:(?P<action>approve|reject):(?P<id>\d+)"
):
    def __init__(self, action: str, suggestion_id: int, *, locale: str = "en") -> None:
        super().__init__(discord.ui.Button(
            label=t(locale, f"trivia.{action}_button"),
            style=discord.ButtonStyle.success if action == "approve" else discord.ButtonStyle.danger,
            custom_id=f"trivia:review:{action}:{suggestion_id}",
        ))
        self.action, self.suggestion_id = action, suggestion_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReviewButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(interaction, lambda a: a.on_review(interaction, self.action, self.suggestion_id))


DYNAMIC_ITEMS = (AnswerButton, QuickButton, ReportButton, PageButton, ReviewButton)


class SuggestModal(BotModal, title="Suggest a trivia question"):
    question: discord.ui.TextInput[SuggestModal] = discord.ui.TextInput(
        label="Question", style=discord.TextStyle.paragraph, min_length=10, max_length=256,
        custom_id="question")
    answer: discord.ui.TextInput[SuggestModal] = discord.ui.TextInput(
        label="Answer", max_length=80, custom_id="answer")
    variants: discord.ui.TextInput[SuggestModal] = discord.ui.TextInput(
        label="Other accepted answers (one per line)", style=discord.TextStyle.paragraph, required=False,
        max_length=300, custom_id="variants")
    wrong: discord.ui.TextInput[SuggestModal] = discord.ui.TextInput(
        label="Three wrong choices (one per line)", style=discord.TextStyle.paragraph, max_length=300,
        custom_id="wrong")
    season: discord.ui.TextInput[SuggestModal] = discord.ui.TextInput(
        label="Season (1-4, empty for the whole show)", required=False, max_length=10, custom_id="season")

    def __init__(self, locale: str = "en") -> None:
        super().__init__(title=t(locale, "trivia.suggest_title"), custom_id="trivia:suggest", timeout=600)
        # The `label` setter warns (discord.py 2.6+ prefers ui.Label, and its decorator overrides warning
        # filters); the classic layout stays, so the label goes on the component it wraps.
        for item in (self.question, self.answer, self.variants, self.wrong, self.season):
            item._underlying.label = t(locale, f"trivia.suggest_{item.custom_id}")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        values = {item.custom_id: item.value for item in (self.question, self.answer, self.variants, self.wrong,
                                                           self.season)}
        await _actions(interaction).on_suggestion(interaction, values)
