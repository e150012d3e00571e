"""Question of the day: pure rules for when to post, what to ask and how streaks count.

Nothing here imports discord or touches the database: every function takes `now` (or a day) and
plain values, so the rules are tested without a bot.
"""

from bot.qotd.schedule import (
    PostTimeError,
    local_day,
    next_post_at,
    parse_post_time,
)
from bot.qotd.selection import COOLDOWN, choose_question, parse_seasons, shuffled_choices
from bot.qotd.spoilers import hidden_season
from bot.qotd.streaks import Streak, alive, apply_result, top_streaks

__all__ = [
    "COOLDOWN",
    "PostTimeError",
    "Streak",
    "alive",
    "apply_result",
    "choose_question",
    "hidden_season",
    "local_day",
    "next_post_at",
    "parse_post_time",
    "parse_seasons",
    "shuffled_choices",
    "top_streaks",
]
