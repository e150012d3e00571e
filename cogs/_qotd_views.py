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
                raise UserError("Question of the day is not available right now.")
            await cast(QotdActions, cog).on_answer(interaction, self.post_id, self.index)
        except Exception as exc:
            await report_error(interaction, exc)


def shown(post: QotdPost, text: str) -> str:
    """`text` as everyone sees it: behind spoiler tags when the post hides its season."""
    return spoiler(text) if post.hidden_season is not None else text


def choice_label(post: QotdPost, index: int) -> str:
    return f"{LETTERS[index]}. {shown(post, post.choices[index])}"


def _season(question: Question) -> str:
    return say("qotd.post.season", season=question.season) if question.season else say("qotd.post.whole_show")


def _choices(post: QotdPost) -> str:
    return "\n".join(f"**{LETTERS[i]}.** {shown(post, c)}" for i, c in enumerate(post.choices))


def question_embed(post: QotdPost, question: Question) -> discord.Embed:
    if post.hidden_season is not None:
        description = f"{say('qotd.post.spoiler_note', season=post.hidden_season)}\n\n{spoiler(question.text)}"
    else:
        description = question.text
    embed = discord.Embed(title=say("qotd.post.title", day=post.day.isoformat()), description=description,
                          colour=COLOUR)
    embed.add_field(name=say("qotd.post.choices"), value=_choices(post)[:1024], inline=False)
    embed.set_footer(text=say("qotd.post.footer", season=_season(question), difficulty=question.difficulty))
    return embed


def question_view(post: QotdPost) -> BotView:
    view = BotView(timeout=None)
    for i, label in enumerate(post.choices):
        view.add_item(AnswerButton(post.id, i, LETTERS[i] if post.hidden_season is not None else label))
    return view


def revealed_embed(post: QotdPost, question: Question, right: tuple[int, ...], answers: int) -> discord.Embed:
    embed = question_embed(post, question)
    embed.title = say("qotd.reveal.title", day=post.day.isoformat())
    embed.colour = DONE_COLOUR
    embed.set_footer(text=say("qotd.reveal.footer", season=_season(question), difficulty=question.difficulty))
    embed.add_field(name=say("qotd.reveal.answer"), value=f"**{choice_label(post, post.correct_index)}**",
                    inline=False)
    names = " ".join(f"<@{uid}>" for uid in right[:MAX_NAMED]) or say("qotd.reveal.nobody")
    if len(right) > MAX_NAMED:
        names += " " + say("qotd.reveal.more", count=len(right) - MAX_NAMED)
    embed.add_field(name=say("qotd.reveal.right", right=len(right), answers=answers), value=names[:1024],
                    inline=False)
    return embed


def revealed_view(post: QotdPost) -> BotView:
    view = BotView(timeout=None)
    for i, label in enumerate(post.choices):
        style = discord.ButtonStyle.success if i == post.correct_index else discord.ButtonStyle.secondary
        text = LETTERS[i] if post.hidden_season is not None else label
        view.add_item(AnswerButton(post.id, i, text, style=style, disabled=True))
    return view
