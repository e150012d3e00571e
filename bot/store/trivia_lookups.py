"""Small reads the trivia cog needs beyond `TriviaStore`: the guild's answer time and one quick
question. Kept apart from `bot/store/trivia.py`, which another helper owns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.core import Store
from bot.store.trivia import from_ms

DEFAULT_ANSWER_SECONDS = 20


@dataclass(frozen=True)
class QuickQuestionRecord:
    id: int
    guild_id: int
    user_id: int
    question_id: str
    asked_at: datetime
    answered: bool


async def answer_seconds(store: Store, guild_id: int) -> int:
    """The guild's button-mode answer time (`guild_settings.trivia_answer_seconds`, default 20)."""
    value = await store.fetch_value(
        "SELECT trivia_answer_seconds FROM guild_settings WHERE guild_id = ?", (guild_id,)
    )
    return int(value) if value is not None else DEFAULT_ANSWER_SECONDS


async def quick_question(store: Store, quick_id: int) -> QuickQuestionRecord | None:
    row = await store.fetch_one(
        "SELECT id, guild_id, user_id, question_id, asked_at, correct FROM trivia_quick_questions WHERE id = ?",
        (quick_id,),
    )
    if row is None:
        return None
    asked = from_ms(row["asked_at"])
    assert asked is not None
    return QuickQuestionRecord(row["id"], row["guild_id"], row["user_id"], row["question_id"], asked,
                               row["correct"] is not None)
