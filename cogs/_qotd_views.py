"""The question of the day's message: embed, answer buttons and the revealed state.

Buttons are `DynamicItem`s whose custom id carries the post (`qotd:answer:<post>:<index>`), so a
click works after a restart and a click on a closed question gets a clear answer. A question
about a season some members have not watched is posted behind spoiler tags, and its buttons
say only A–D (button labels cannot be hidden).
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

from bot.errors import UserError
from bot.i18n import t
from bot.spoilers import wrap as spoiler
from bot.store.qotd import QotdPost
from bot.trivia.models import Question
from cogs._errors import report_error
from cogs._qotd_text import say
from cogs._views import BotView

COG_NAME = "Qotd"
LETTERS = "ABCD"
MAX_NAMED = 40
COLOUR = discord.Colour.gold()
DONE_COLOUR = discord.Colour.green()


class QotdActions(Protocol):
    async def on_answer(self, interaction: discord.Interaction, post_id: int, index: int) -> None: ...


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"qotd:answer:(?P<post>\d+):(?P<index>[0-3])"
):
    def __init__(self, post_id: int, index: int, label: str = "?", *,
                 style: discord.ButtonStyle = discord.ButtonStyle.primary, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(
            label=label[:80], style=style, disabled=disabled, row=0 if index < 2 else 1,
            custom_id=f"qotd:answer:{post_id}:{index}",
        ))
        self.post_id, self.index = post_id, index

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        return cls(int(match["post"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            cog = interaction.client.get_cog(COG_NAME)  # type: ignore[attr-defined]
            if cog is None:
                raise UserError(key="qotd.error.unavailable")
            await cast(QotdActions, cog).on_answer(interaction, self.post_id, self.index)
        except Exception as exc:
            await report_error(interaction, exc)


def shown(post: QotdPost, text: str) -> str:
    """`text` as everyone sees it: behind spoiler tags when the post hides its season."""
    return spoiler(text) if post.hidden_season is not None else text


def choice_label(post: QotdPost, index: int) -> str:
    return f"{LETTERS[index]}. {shown(post, post.choices[index])}"


def _season(question: Question, locale: object = "en") -> str:
    if question.season:
        return say("qotd.post.season", locale=locale, season=question.season)
    return say("qotd.post.whole_show", locale=locale)


def _difficulty(question: Question, locale: object) -> str:
    known = question.difficulty in ("easy", "medium", "hard")
    return t(locale, f"trivia.difficulty_{question.difficulty}") if known else question.difficulty


def _choices(post: QotdPost) -> str:
    return "\n".join(f"**{LETTERS[i]}.** {shown(post, c)}" for i, c in enumerate(post.choices))


def question_embed(post: QotdPost, question: Question, locale: object = "en") -> discord.Embed:
    """A channel post: `locale` is the server's language, `question` already in it where the pack has it."""
    if post.hidden_season is not None:
        note = say("qotd.post.spoiler_note", locale=locale, season=post.hidden_season)
        description = f"{note}\n\n{spoiler(question.text)}"
    else:
        description = question.text
    embed = discord.Embed(title=say("qotd.post.title", locale=locale, day=post.day.isoformat()),
                          description=description, colour=COLOUR)
    embed.add_field(name=say("qotd.post.choices", locale=locale), value=_choices(post)[:1024], inline=False)
    embed.set_footer(text=say("qotd.post.footer", locale=locale, season=_season(question, locale),
                              difficulty=_difficulty(question, locale)))
    return embed


def question_view(post: QotdPost) -> BotView:
    view = BotView(timeout=None)
    for i, label in enumerate(post.choices):
        view.add_item(AnswerButton(post.id, i, LETTERS[i] if post.hidden_season is not None else label))
    return view


def revealed_embed(
    post: QotdPost, question: Question, right: tuple[int, ...], answers: int, locale: object = "en"
) -> discord.Embed:
    embed = question_embed(post, question, locale)
    embed.title = say("qotd.reveal.title", locale=locale, day=post.day.isoformat())
    embed.colour = DONE_COLOUR
    embed.set_footer(text=say("qotd.reveal.footer", locale=locale, season=_season(question, locale),
                              difficulty=_difficulty(question, locale)))
    embed.add_field(name=say("qotd.reveal.answer", locale=locale),
                    value=f"**{choice_label(post, post.correct_index)}**", inline=False)
    names = " ".join(f"<@{uid}>" for uid in right[:MAX_NAMED]) or say("qotd.reveal.nobody", locale=locale)
    if len(right) > MAX_NAMED:
        names += " " + say("qotd.reveal.more", locale=locale, count=len(right) - MAX_NAMED)
    embed.add_field(name=say("qotd.reveal.right", locale=locale, right=len(right), answers=answers),
                    value=names[:1024], inline=False)
    return embed


def revealed_view(post: QotdPost) -> BotView:
    view = BotView(timeout=None)
    for i, label in enumerate(post.choices):
        style = discord.ButtonStyle.success if i == post.correct_index else discord.ButtonStyle.secondary
        text = LETTERS[i] if post.hidden_season is not None else label
        view.add_item(AnswerButton(post.id, i, text, style=style, disabled=True))
    return view
