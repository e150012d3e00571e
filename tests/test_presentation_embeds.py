"""Embed fitting at and around Discord's limits: nothing lost, nothing over."""

import re

import pytest

from bot.presentation.embeds import (
    DESCRIPTION,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME,
    FIELD_VALUE,
    FIELDS,
    FOOTER,
    TITLE,
    TOTAL,
    EmbedDraft,
    EmbedField,
    fit_embed,
    group_for_messages,
    split_text,
    spoiler,
    truncate,
)


def words(text: str) -> list[str]:
    return text.replace("||", " ").split()


def assert_within_limits(embed: EmbedDraft) -> None:
    assert len(embed.title) <= TITLE
    assert len(embed.description) <= DESCRIPTION
    assert len(embed.fields) <= FIELDS
    assert all(len(f.name) <= FIELD_NAME and 0 < len(f.value) <= FIELD_VALUE for f in embed.fields)
    assert len(embed.footer) <= FOOTER
    assert embed.length() <= TOTAL


def prose(n: int) -> str:
    """Sentences of varied words, `n` characters or a little more."""
    sentence = "Kavya and Dhruv argue about the dishes again. "
    return (sentence * (n // len(sentence) + 1))[:n].rstrip()


@pytest.mark.parametrize("limit", [DESCRIPTION, FIELD_VALUE])
def test_text_exactly_at_the_limit_stays_whole(limit: int) -> None:
    text = "x" * (limit - 1) + "."
    assert split_text(text, limit) == [text]


@pytest.mark.parametrize("limit", [DESCRIPTION, FIELD_VALUE])
def test_one_over_the_limit_splits_and_loses_nothing(limit: int) -> None:
    text = prose(limit + 1)
    chunks = split_text(text, limit)
    assert len(chunks) == 2 and all(len(c) <= limit for c in chunks)
    assert words(" ".join(chunks)) == words(text)


def test_cuts_prefer_paragraphs_then_sentences_then_words() -> None:
    first, second = "a" * 60 + ".", "b" * 30 + "."
    assert split_text(f"{first}\n\n{second}", 70) == [first, second]
    assert split_text("One two. Three four five.", 15) == ["One two.", "Three four", "five."]
    assert split_text("y" * 25, 10) == ["y" * 10, "y" * 10, "y" * 5]  # one huge word: hard cuts
    assert split_text("   ", 10) == []


def test_spoiler_chunks_reserve_room_for_the_tags() -> None:
    text = "z" * DESCRIPTION  # the largest recap the pack allows
    chunks = split_text(text, DESCRIPTION, hide=True)
    assert all(len(c) <= DESCRIPTION and c.startswith("||") and c.endswith("||") for c in chunks)
    assert "".join(c[2:-2] for c in chunks) == text
    assert spoiler("a || b") == "||a ¦¦ b||"


def test_truncate() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcd", 3) == "ab…"
    assert len(truncate("t" * 1000, TITLE)) == TITLE


def test_a_huge_draft_fits_every_limit_and_keeps_all_text_in_order() -> None:
    draft = EmbedDraft(
        title="T" * 300,
        description=prose(DESCRIPTION * 2 + 100),
        fields=tuple(EmbedField(f"Field {i}", prose(FIELD_VALUE + 50), spoiler=i % 2 == 0) for i in range(30)),
        footer="f" * 3000,
        spoiler_description=True,
    )
    embeds = fit_embed(draft)
    for embed in embeds:
        assert_within_limits(embed)
    assert embeds[0].title == truncate(draft.title, TITLE)
    assert all(not e.title for e in embeds[1:])
    assert embeds[-1].footer == truncate(draft.footer, FOOTER)
    described = " ".join(e.description for e in embeds if e.description != "\u200b")
    assert words(described) == words(draft.description)
    values = [f for e in embeds for f in e.fields]
    assert [f.name for f in values[:3]] == ["Field 0", "Field 0 (cont.)", "Field 1"]
    assert values[0].value.startswith("||") and not values[2].value.startswith("||")
    for group in group_for_messages(embeds):
        assert len(group) <= EMBEDS_PER_MESSAGE
        assert sum(e.length() for e in group) <= TOTAL


def test_twenty_six_short_fields_make_two_embeds() -> None:
    draft = EmbedDraft(title="t", fields=tuple(EmbedField(str(i), "v") for i in range(FIELDS + 1)))
    embeds = fit_embed(draft)
    assert [len(e.fields) for e in embeds] == [FIELDS, 1]
    assert len(group_for_messages(embeds)) == 1


def test_a_small_draft_is_unchanged() -> None:
    draft = EmbedDraft(title="Season 1", description="Short.", fields=(EmbedField("Year", "2016", inline=True),),
                       footer="Season 1 of 4")
    assert fit_embed(draft) == [draft]


def test_empty_field_values_get_a_placeholder() -> None:
    (embed,) = fit_embed(EmbedDraft(title="t", fields=(EmbedField("Empty", "  "),)))
    assert embed.fields[0].value == "—"


def test_messages_are_grouped_under_the_total() -> None:
    embeds = [EmbedDraft(description="d" * 4000) for _ in range(3)]
    groups = group_for_messages(embeds)
    assert [len(g) for g in groups] == [1, 1, 1]
    assert re.fullmatch(r"d+", groups[0][0].description)
