"""The content pack's Hindi fields (table `content_translations`, migration 0005) and the models in a language.

Import replaces the whole table in the pack's transaction. Readers take an English model from
`bot.store.content` or `bot.store.trivia` and get it back in the member's language: each field is
swapped whole when the pack has it and left in English when it does not, so a card never mixes
languages inside one sentence. A trivia question is swapped only as a whole (question, answer and
wrong choices), since a Hindi question with English choices would read half and half.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import aiosqlite

from bot.content.models import Arc, Character, Fact, Season, Translation
from bot.i18n import DEFAULT, language_of
from bot.store.core import Store, on_content_store
from bot.trivia.models import Question

LIST_FIELDS = frozenset({"aliases", "wrong"})


async def replace_translations(conn: aiosqlite.Connection, translations: Iterable[Translation]) -> None:
    """Inside the import transaction: the table becomes exactly the pack's translations."""
    await conn.execute("DELETE FROM content_translations")
    await conn.executemany(
        "INSERT INTO content_translations (kind, ref, field, locale, value) VALUES (?, ?, ?, ?, ?)",
        [(tr.kind, tr.ref, tr.field, tr.locale, json.dumps(list(tr.value), ensure_ascii=False)
          if isinstance(tr.value, tuple) else tr.value) for tr in translations],
    )


@on_content_store
async def translated(store: Store, kind: str, refs: Sequence[str], language: str) -> dict[tuple[str, str], Any]:
    """(ref, field) → value for the given entries in `language` (lists decoded)."""
    if not refs or language == DEFAULT:
        return {}
    marks = ", ".join("?" for _ in refs)
    rows = await store.fetch_page(  # by key, on the loop: a trivia start's hot path
        "SELECT ref, field, value FROM content_translations "  # noqa: S608 - only placeholders are interpolated
        f"WHERE kind = ? AND locale = ? AND ref IN ({marks})",
        (kind, language, *refs),
    )
    return {
        (row["ref"], row["field"]): tuple(json.loads(row["value"])) if row["field"] in LIST_FIELDS else row["value"]
        for row in rows
    }


async def localize_season(store: Store, season: Season, locale: object) -> Season:
    found = await translated(store, "season", [str(season.number)], language_of(locale))
    if not found:
        return season  # English, or not translated: the snapshot's own object
    ref = str(season.number)
    return replace(
        season,
        recap=found.get((ref, "recap"), season.recap),
        tagline=found.get((ref, "tagline"), season.tagline),
    )


async def localize_fact(store: Store, fact: Fact, locale: object) -> Fact:
    found = await translated(store, "fact", [fact.id], language_of(locale))
    if not found:
        return fact
    return replace(fact, text=found.get((fact.id, "text"), fact.text))


async def localize_character(store: Store, character: Character, locale: object) -> Character:
    language = language_of(locale)
    found = await translated(store, "character", [character.id], language)
    arcs = await translated(store, "arc", [f"{character.id}:{a.season}" for a in character.arcs], language)
    return replace(
        character,
        description=found.get((character.id, "description"), character.description),
        arcs=tuple(Arc(a.season, arcs.get((f"{character.id}:{a.season}", "text"), a.text)) for a in character.arcs),
    )


async def localize_questions(store: Store, questions: Sequence[Question], locale: object) -> list[Question]:
    """The questions as a game in `locale` shows them, each accepting its Hindi answers in typed mode.

    Every question (whatever the language) also accepts the Hindi spellings the pack lists
    (`answer_hi`, `aliases_hi`). A Hindi game shows the Hindi question, answer and choices where the
    pack has all three, and still accepts the English answer and its aliases.
    """
    found = await translated(store, "question", [q.id for q in questions], "hi")
    language = language_of(locale)
    out = []
    for q in questions:
        hindi_answer = found.get((q.id, "answer"))
        hindi_aliases: tuple[str, ...] = (*((hindi_answer,) if hindi_answer else ()), *found.get((q.id, "aliases"), ()))
        text, wrong = found.get((q.id, "question")), found.get((q.id, "wrong"))
        if language == "hi" and text and hindi_answer and wrong:
            rest = tuple(a for a in hindi_aliases if a != hindi_answer)
            out.append(replace(q, text=text, answer=hindi_answer, aliases=(q.answer, *q.aliases, *rest), wrong=wrong))
        else:
            out.append(replace(q, aliases=(*q.aliases, *(a for a in hindi_aliases if a not in q.aliases))))
    return out
