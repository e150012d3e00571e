"""Fitting text into Discord's embed limits without losing any of it.

Pack texts are validated against single-field limits, but a spoiler wrapper (`||…||`) adds four
characters and several fields together can pass the 6,000 total, so everything shown goes through
`fit_embed`: long text is cut at paragraph, line, sentence or word boundaries (never mid-word unless
a single word is longer than the limit) and continues in further fields or embeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
TOTAL = 6000
"""Characters across title, description, field names and values and footer, of all a message's embeds."""
EMBEDS_PER_MESSAGE = 10

ELLIPSIS = "…"
SPOILER = "||"
_SEPARATORS = ("\n\n", "\n", ". ", " ")


@dataclass(frozen=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False
    spoiler: bool = False
    """Wrap the value in spoiler tags (room for them is reserved when it is split)."""


@dataclass(frozen=True)
class EmbedDraft:
    title: str = ""
    description: str = ""
    fields: tuple[EmbedField, ...] = ()
    footer: str = ""
    spoiler_description: bool = False

    def length(self) -> int:
        """What Discord counts towards the 6,000 total."""
        return (
            len(self.title)
            + len(self.description)
            + sum(len(f.name) + len(f.value) for f in self.fields)
            + len(self.footer)
        )


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def spoiler(text: str) -> str:
    """Discord spoiler tags around `text`; a `|` inside becomes `¦` so it cannot close them early."""
    return f"{SPOILER}{text.replace('|', '¦')}{SPOILER}"


def split_text(text: str, limit: int, *, hide: bool = False) -> list[str]:
    """Chunks of at most `limit` characters that together hold all of `text` (spoiler-wrapped if `hide`)."""
    if limit < (2 * len(SPOILER) + 1 if hide else 1):
        raise ValueError(f"limit {limit} is too small")
    budget = limit - 2 * len(SPOILER) if hide else limit
    chunks = [c for c in (chunk.strip() for chunk in _split(text.strip(), budget, 0)) if c]
    return [spoiler(c) for c in chunks] if hide else chunks


def _split(text: str, budget: int, level: int) -> list[str]:
    if len(text) <= budget:
        return [text]
    if level == len(_SEPARATORS):
        return [text[i : i + budget] for i in range(0, len(text), budget)]
    separator = _SEPARATORS[level]
    parts = text.split(separator)
    sentence = separator == ". "
    joiner = " " if sentence else separator
    chunks: list[str] = []
    current = ""
    for index, part in enumerate(parts):
        piece = part + ("." if sentence and index < len(parts) - 1 else "")
        candidate = piece if not current else current + joiner + piece
        if len(candidate) <= budget:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(piece) <= budget:
            current = piece
        else:
            pieces = _split(piece, budget, level + 1)
            chunks.extend(pieces[:-1])
            current = pieces[-1]
    if current:
        chunks.append(current)
    return chunks


def fit_embed(draft: EmbedDraft) -> list[EmbedDraft]:
    """One or more embeds, each within every Discord limit, holding all of `draft`'s text in order.

    The first embed keeps the title; further description chunks and fields that do not fit go on in
    untitled embeds (Discord shows them as one card); the footer goes on the last one.
    """
    title = truncate(draft.title, TITLE)
    footer = truncate(draft.footer, FOOTER)
    descriptions = split_text(draft.description, DESCRIPTION, hide=draft.spoiler_description)
    fields: list[EmbedField] = []
    for field in draft.fields:
        name = truncate(field.name, FIELD_NAME) or "\u200b"
        values = split_text(field.value, FIELD_VALUE, hide=field.spoiler) or ["—"]
        for index, value in enumerate(values):
            label = name if index == 0 else truncate(f"{field.name} (cont.)", FIELD_NAME)
            fields.append(EmbedField(label, value, field.inline and len(values) == 1))

    embeds = [EmbedDraft(title=title, description=descriptions[0] if descriptions else "")]
    for chunk in descriptions[1:]:
        embeds.append(EmbedDraft(description=chunk))
    reserve = len(footer)
    for field in fields:
        last = embeds[-1]
        size = len(field.name) + len(field.value)
        if len(last.fields) >= FIELDS or last.length() + size + reserve > TOTAL:
            embeds.append(EmbedDraft(fields=(field,)))
        else:
            embeds[-1] = replace(last, fields=(*last.fields, field))
    if footer:
        last = embeds[-1]
        if last.length() + len(footer) > TOTAL:
            embeds.append(EmbedDraft(footer=footer, description="\u200b"))
        else:
            embeds[-1] = replace(last, footer=footer)
    return embeds


def group_for_messages(embeds: Sequence[EmbedDraft]) -> list[list[EmbedDraft]]:
    """Consecutive embeds grouped so each message has at most 10 of them and 6,000 characters in all."""
    groups: list[list[EmbedDraft]] = []
    total = 0
    for embed in embeds:
        size = embed.length()
        if not groups or len(groups[-1]) >= EMBEDS_PER_MESSAGE or total + size > TOTAL:
            groups.append([])
            total = 0
        groups[-1].append(embed)
        total += size
    return groups
