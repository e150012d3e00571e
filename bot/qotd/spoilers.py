"""Whether a daily question goes out behind spoiler tags.

A channel post is read by everyone, so the least-watched member who set `/spoilers` decides. The
question's season is its own, or a later one its text or choices name ("the final season"), by
the one rule in `bot.spoilers`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.spoilers import hides, text_season


def hidden_season(text: str, choices: Sequence[str], season: int | None, least_watched: int | None) -> int | None:
    """The season to warn about when the post must hide its question, else None."""
    tied = text_season(" ".join([text, *choices]), season)
    return tied if hides(least_watched, tied) else None
