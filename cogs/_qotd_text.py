"""Every user-facing string of the question of the day, in one place.

Kept as one dict of `str.format` templates (keys namespaced `qotd.*`) so they can move into the
translation catalogues (#16, Hindi) unchanged: `say(key, **params)` then becomes `t(locale, key, **params)`.
"""

from __future__ import annotations

TEXT: dict[str, str] = {
    # /qotd setup
    "qotd.setup.announce": (
        "❓ **Question of the day** will be posted here every day at **{time}** ({zone}). "
        "Answer with the buttons; the answer and who got it right are revealed with the next day's question. "
        "First question: {first}."
    ),
    "qotd.setup.done": (
        "Question of the day is on: {channel} every day at **{time}** ({zone}), {filters}. "
        "First question {first}."
    ),
    "qotd.setup.replaced": " This replaces the previous setup ({channel} at {time}, {zone}).",
    "qotd.setup.filters": "{seasons}, {difficulty}",
    "qotd.setup.all_seasons": "all seasons",
    "qotd.setup.seasons": "seasons {seasons}",
    "qotd.setup.any_difficulty": "any difficulty",
    "qotd.setup.difficulty": "{difficulty} questions",
    "qotd.error.missing_perms": (
        "I can't post in {channel}: I'm missing {missing} there. Give my role that permission in the channel, "
        "or pick another channel. Nothing was saved."
    ),
    "qotd.error.refused": (
        "Discord refused my post in {channel} ({reason}), so nothing was saved. "
        "Check my role's permissions there."
    ),
    "qotd.error.no_questions": "No trivia question matches {filters}. Pick more seasons or any difficulty.",
    "qotd.error.not_set_up": (
        "Question of the day isn't set up in this server. "
        "A moderator can start it with `/qotd setup`."
    ),
    "qotd.error.closed": "This question is closed: the answer is on the message.",
    "qotd.error.unknown_post": "That question of the day no longer exists.",
    "qotd.error.none_left": (
        ""
        "Every question matching this server's settings was a question of the day in the last 60 days."
    ),
    # /qotd off, /qotd now
    "qotd.off.done": "Question of the day is off. Questions already posted are still revealed as usual.",
    "qotd.now.daily": "Today's question is up in {channel}.",
    "qotd.now.extra": (
        "Today's question was already posted,"
        " so this is an extra one in {channel} (streaks count a day once)."
    ),
    # posts
    "qotd.post.title": "❓ Question of the day · {day}",
    "qotd.post.choices": "Choices",
    "qotd.post.footer": "{season} · {difficulty} · one answer each; revealed with the next question",
    "qotd.post.spoiler_note": (
        "⚠️ Spoiler for Season {season}: some members haven't watched it yet, so the question is hidden. "
        "Click to show it."
    ),
    "qotd.post.whole_show": "Whole show",
    "qotd.post.season": "Season {season}",
    "qotd.post.none_left": "❓ No question of the day today: {reason}",
    "qotd.reveal.title": "❓ Question of the day · {day} · answered",
    "qotd.reveal.answer": "Answer",
    "qotd.reveal.footer": "{season} · {difficulty} · closed",
    "qotd.reveal.right": "Right ({right} of {answers})",
    "qotd.reveal.nobody": "Nobody this time.",
    "qotd.reveal.more": "…and {count} more",
    # answers
    "qotd.answer.locked": (
        ""
        "Locked in: **{choice}**. The answer and who got it right are revealed with the next question."
    ),
    "qotd.answer.already": "You already answered this one (**{choice}**): one answer each.",
    # streaks
    "qotd.streak.line": "🔥 **{name}**: {current}-day streak · best {best}",
    "qotd.streak.none": "**{name}** has no question of the day streak yet. Answer today's question to start one.",
    "qotd.stats.field": "Question of the day",
    "qotd.stats.value": "🔥 {current}-day streak · best {best}",
    "qotd.summary.title": "📊 Question of the day: the week's streaks",
    "qotd.summary.line": "{rank}. <@{user}>: {days}-day streak",
    "qotd.summary.empty": "No streaks running yet: answer today's question to start one.",
    "qotd.summary.best": "Longest ever: <@{user}>, a {days}-day streak.",
}


def say(key: str, /, **params: object) -> str:
    """The text for `key` with its placeholders filled in."""
    return TEXT[key].format(**params)
