"""Embeds and texts for trivia. Discord-shaped but free of side effects, so handlers stay short."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.i18n import t
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


def leaderboard_embed(page: LeaderboardPage) -> discord.Embed:
    title = "Trivia leaderboard · all time" if page.period == "all" else f"Trivia leaderboard · {page.period}"
    embed = discord.Embed(title=title, colour=COLOUR)
    if not page.entries:
        embed.description = "No scores yet. Start a game with `/trivia start`."
    else:
        embed.description = "\n".join(
            f"{MEDALS.get(e.rank, f'{e.rank}.')} <@{e.user_id}>: **{e.points}** pts · {e.correct}/{e.answers} right"
            + (f" · {e.wins} win{'s' if e.wins != 1 else ''}" if e.wins else "")
            for e in page.entries
        )
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total_players} players")
    return embed


def stats_embed(name: str, stats: PlayerStats, quick: QuickStats) -> discord.Embed:
    embed = discord.Embed(title=f"Trivia stats: {name}", colour=COLOUR)
    if stats.answers == 0:
        embed.description = "No game answers yet."
    else:
        accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "–"
        embed.add_field(name="Points", value=str(stats.points))
        embed.add_field(name="Rank", value=f"#{stats.rank}" if stats.rank else "–")
        embed.add_field(name="Right", value=f"{stats.correct}/{stats.answers} ({accuracy})")
        embed.add_field(name="Games", value=str(stats.games))
        embed.add_field(name="Wins", value=str(stats.wins))
        embed.add_field(name="Best streak", value=str(stats.best_streak))
    if quick.asked:
        embed.add_field(name="Quick questions (scored separately)",
                        value=f"{quick.correct}/{quick.answers} right · {quick.points} pts", inline=False)
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


def suggestion_embed(suggestion: SuggestionRecord, pending: int, reports: Sequence[ReportSummary]) -> discord.Embed:
    embed = discord.Embed(title=f"Suggestion #{suggestion.id} (1 of {pending} pending)",
                          description=suggestion.question, colour=COLOUR)
    embed.add_field(name="Answer", value=suggestion.answer, inline=False)
    if suggestion.aliases:
        embed.add_field(name="Also accepted", value="\n".join(suggestion.aliases)[:1024], inline=False)
    embed.add_field(name="Wrong choices", value="\n".join(suggestion.wrong)[:1024], inline=False)
    embed.add_field(name="Season", value=str(suggestion.season or "whole show"))
    embed.add_field(name="From", value=f"<@{suggestion.author_id}>")
    _add_reports(embed, reports)
    return embed


def reports_embed(reports: Sequence[ReportSummary]) -> discord.Embed:
    embed = discord.Embed(title="Trivia review", description="No suggestions are waiting.", colour=COLOUR)
    _add_reports(embed, reports)
    return embed


def _add_reports(embed: discord.Embed, reports: Sequence[ReportSummary]) -> None:
    if not reports:
        embed.add_field(name="Reported questions", value="None open.", inline=False)
        return
    lines = [f"**{r.reports}×** `{r.question_id}`: {r.question[:80]}" for r in reports]
    embed.add_field(name="Reported questions", value="\n".join(lines)[:1024], inline=False)
