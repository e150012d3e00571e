"""Embeds and texts for trivia. Discord-shaped but free of side effects, so handlers stay short."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.i18n import number, t
from bot.store.trivia import LeaderboardPage, PlayerStats, QuickStats, ReportSummary, SuggestionRecord
from bot.trivia.game import EndReason, GameOver, RoundResult, RoundStart, Standing
from bot.trivia.models import GameMode, Question

COLOUR = discord.Colour.from_rgb(235, 140, 90)
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
LETTERS = "ABCD"
MAX_LINES = 20


def ts(moment: datetime, style: str = "R") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def _season(question: Question, locale: str = "en") -> str:
    return t(locale, "cards.season_n", season=question.season) if question.season else t(locale, "trivia.whole_show")


def _difficulty(question: Question, locale: str) -> str:
    known = question.difficulty in ("easy", "medium", "hard")
    return t(locale, f"trivia.difficulty_{question.difficulty}") if known else question.difficulty


def question_embed(start: RoundStart, mode: GameMode, deadline: datetime, locale: str = "en") -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.question_title", number=start.number, total=start.total),
                          description=start.question.text, colour=COLOUR)
    if mode is GameMode.BUTTONS:
        embed.add_field(name=t(locale, "trivia.choices"),
                        value="\n".join(f"**{LETTERS[i]}.** {c}" for i, c in enumerate(start.choices)), inline=False)
        how = t(locale, "trivia.how_buttons")
    else:
        embed.add_field(name=t(locale, "trivia.answer_shape"), value=f"`{start.hint}`", inline=False)
        how = t(locale, "trivia.how_typed")
    embed.add_field(name=t(locale, "trivia.time"), value=t(locale, "trivia.closes", when=ts(deadline)), inline=False)
    embed.set_footer(text=f"{_season(start.question, locale)} · {_difficulty(start.question, locale)} · {how}")
    return embed


def reveal_embed(start: RoundStart, result: RoundResult, mode: GameMode, locale: str = "en") -> discord.Embed:
    question = result.question
    embed = discord.Embed(title=t(locale, "trivia.closed_title", number=result.number, total=start.total),
                          description=question.text, colour=discord.Colour.green())
    if mode is GameMode.BUTTONS and result.correct_choice is not None:
        lines = []
        for i, choice in enumerate(start.choices):
            mark = "✅" if i == result.correct_choice else "▫️"
            lines.append(f"{mark} **{LETTERS[i]}.** {choice}")
        embed.add_field(name=t(locale, "trivia.answer"), value="\n".join(lines), inline=False)
    else:
        embed.add_field(name=t(locale, "trivia.answer"), value=f"**{question.answer}**", inline=False)
    right = [a for a in result.answers if a.correct]
    if right:
        lines = [f"<@{a.user_id}> +{a.points}"
                 + (" " + t(locale, "trivia.streak", streak=a.streak) if a.streak > 1 else "") for a in right]
        if mode is GameMode.TYPED and result.fuzzy_match:
            lines.append(t(locale, "trivia.close_enough", answer=question.answer))
        embed.add_field(name=t(locale, "trivia.right"), value="\n".join(lines[:MAX_LINES]), inline=False)
    elif mode is GameMode.TYPED:
        embed.add_field(name=t(locale, "trivia.right"), value=t(locale, "trivia.nobody_got_it"), inline=False)
    wrong = [a for a in result.answers if not a.correct]
    if mode is GameMode.BUTTONS:
        if not result.answers:
            embed.add_field(name=t(locale, "trivia.answers"), value=t(locale, "trivia.nobody_answered"), inline=False)
        elif wrong:
            embed.add_field(name=t(locale, "trivia.wrong"),
                            value=" ".join(f"<@{a.user_id}>" for a in wrong[:MAX_LINES]), inline=False)
    if result.standings:
        embed.add_field(name=t(locale, "trivia.scores"), value=standings_text(result.standings[:10], locale),
                        inline=False)
    embed.set_footer(text=f"{_season(question, locale)} · {_difficulty(question, locale)} · "
                          + t(locale, "trivia.report_hint"))
    return embed


def standings_text(standings: Sequence[Standing], locale: str = "en") -> str:
    if not standings:
        return t(locale, "trivia.nobody_scored")
    return "\n".join(
        f"{MEDALS.get(s.rank, f'{s.rank}.')} <@{s.user_id}>: **{s.points}** "
        + t(locale, "trivia.right_of", correct=s.correct, answered=s.answered)
        for s in standings[:MAX_LINES]
    )


_ENDINGS = {
    EndReason.COMPLETED: "trivia.end_completed",
    EndReason.IDLE: "trivia.end_idle",
    EndReason.STOPPED: "trivia.end_stopped",
    EndReason.RESTARTED: "trivia.end_restarted",
}


def final_embed(over: GameOver, *, stopped_by: int | None = None, locale: str = "en") -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.final_title"), colour=COLOUR)
    reason = t(locale, _ENDINGS[over.reason]) if over.reason in _ENDINGS else ""
    if stopped_by is not None:
        reason = t(locale, "trivia.stopped_by", user=f"<@{stopped_by}>")
    embed.description = f"{reason}\n\n{standings_text(over.standings, locale)}"
    if over.winners:
        embed.add_field(name=t(locale, "trivia.winners", count=len(over.winners)),
                        value=" ".join(f"<@{u}>" for u in over.winners), inline=False)
    return embed


def leaderboard_embed(page: LeaderboardPage, locale: str = "en") -> discord.Embed:
    title = (t(locale, "trivia.board_all_time") if page.period == "all"
             else t(locale, "trivia.board_period", period=page.period))
    embed = discord.Embed(title=title, colour=COLOUR)
    if not page.entries:
        embed.description = t(locale, "trivia.board_empty")
    else:
        embed.description = "\n".join(
            f"{MEDALS.get(e.rank, f'{e.rank}.')} <@{e.user_id}>: "
            + t(locale, "trivia.board_line", points=number(locale, e.points), correct=e.correct, answers=e.answers)
            + (" · " + t(locale, "trivia.wins", count=e.wins) if e.wins else "")
            for e in page.entries
        )
    embed.set_footer(text=t(locale, "trivia.board_footer", page=page.page, pages=page.pages,
                            count=page.total_players))
    return embed


def stats_embed(name: str, stats: PlayerStats, quick: QuickStats, locale: str = "en") -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.stats_title", name=name), colour=COLOUR)
    if stats.answers == 0:
        embed.description = t(locale, "trivia.stats_none")
    else:
        accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "–"
        embed.add_field(name=t(locale, "trivia.points"), value=number(locale, stats.points))
        embed.add_field(name=t(locale, "trivia.rank"), value=f"#{stats.rank}" if stats.rank else "–")
        embed.add_field(name=t(locale, "trivia.right"), value=f"{stats.correct}/{stats.answers} ({accuracy})")
        embed.add_field(name=t(locale, "trivia.games"), value=str(stats.games))
        embed.add_field(name=t(locale, "trivia.wins_label"), value=str(stats.wins))
        embed.add_field(name=t(locale, "trivia.best_streak"), value=str(stats.best_streak))
    if quick.asked:
        embed.add_field(name=t(locale, "trivia.quick_stats"),
                        value=t(locale, "trivia.quick_stats_line", correct=quick.correct, answers=quick.answers,
                                points=number(locale, quick.points)), inline=False)
    return embed


def quick_embed(question: Question, choices: Sequence[str], deadline: datetime, locale: str = "en") -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.quick_title"), description=question.text, colour=COLOUR)
    embed.add_field(name=t(locale, "trivia.choices"),
                    value="\n".join(f"**{LETTERS[i]}.** {c}" for i, c in enumerate(choices)), inline=False)
    embed.set_footer(text=f"{_season(question, locale)} · {_difficulty(question, locale)} · "
                          + t(locale, "trivia.quick_footer"))
    embed.add_field(name=t(locale, "trivia.time"), value=t(locale, "trivia.full_points_until", when=ts(deadline)),
                    inline=False)
    return embed


def suggestion_embed(
    suggestion: SuggestionRecord, pending: int, reports: Sequence[ReportSummary], locale: str = "en"
) -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.suggestion_title", id=suggestion.id, count=pending),
                          description=suggestion.question, colour=COLOUR)
    embed.add_field(name=t(locale, "trivia.answer"), value=suggestion.answer, inline=False)
    if suggestion.aliases:
        embed.add_field(name=t(locale, "trivia.also_accepted"), value="\n".join(suggestion.aliases)[:1024],
                        inline=False)
    embed.add_field(name=t(locale, "trivia.wrong_choices"), value="\n".join(suggestion.wrong)[:1024], inline=False)
    embed.add_field(name=t(locale, "cards.season"),
                    value=str(suggestion.season) if suggestion.season else t(locale, "trivia.whole_show"))
    embed.add_field(name=t(locale, "trivia.from"), value=f"<@{suggestion.author_id}>")
    _add_reports(embed, reports, locale)
    return embed


def reports_embed(reports: Sequence[ReportSummary], locale: str = "en") -> discord.Embed:
    embed = discord.Embed(title=t(locale, "trivia.review_title"), description=t(locale, "trivia.review_empty"),
                          colour=COLOUR)
    _add_reports(embed, reports, locale)
    return embed


def _add_reports(embed: discord.Embed, reports: Sequence[ReportSummary], locale: str = "en") -> None:
    if not reports:
        embed.add_field(name=t(locale, "trivia.reported_questions"), value=t(locale, "trivia.none_open"), inline=False)
        return
    lines = [f"**{r.reports}×** `{r.question_id}`: {r.question[:80]}" for r in reports]
    embed.add_field(name=t(locale, "trivia.reported_questions"), value="\n".join(lines)[:1024], inline=False)
