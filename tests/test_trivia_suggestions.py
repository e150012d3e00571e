"""Validation of community-suggested questions."""

import pytest

from bot.errors import UserError
from bot.trivia.suggestions import (
    ANSWER_MAX,
    QUESTION_MAX,
    VARIANTS_TOTAL_MAX,
    SuggestionError,
    has_mention,
    parse_season,
    parse_suggestion,
)

GOOD = dict(
    question="In which city does Kavya's family live?",
    answer="Nagpur",
    variants="Nagpur city; nagpur\nNagpur, Maharashtra",
    wrong="Pune\nNashik\nMumbai",
    season="3",
)


def parse(**changes):
    return parse_suggestion(**(GOOD | changes))


def problems(**changes) -> tuple[str, ...]:
    with pytest.raises(SuggestionError) as caught:
        parse(**changes)
    return caught.value.problems


def test_a_good_suggestion_parses() -> None:
    """Fields are cleaned, variants split on lines and semicolons (commas kept), duplicates dropped."""
    draft = parse()
    assert draft.question == GOOD["question"] and draft.answer == "Nagpur"
    assert draft.aliases == ("Nagpur city", "Nagpur, Maharashtra")
    assert draft.wrong == ("Pune", "Nashik", "Mumbai") and draft.season == 3


def test_wrong_choices_may_come_as_a_list() -> None:
    """The cog may pass three separate fields."""
    assert parse(wrong=["Pune", " Nashik ", "Mumbai"]).wrong == ("Pune", "Nashik", "Mumbai")


def test_whitespace_and_invisible_characters_are_cleaned() -> None:
    """Runs of whitespace collapse; zero-width and control characters go."""
    draft = parse(question="  Which   city\n\nis  Kavya\u200b from?\x07 ", answer=" Nagpur ")
    assert draft.question == "Which city is Kavya from?" and draft.answer == "Nagpur"


def test_it_is_a_user_error() -> None:
    """The error is shown to the member as it is, listing every problem."""
    with pytest.raises(UserError) as caught:
        parse(question="short", answer="", wrong="Pune")
    text = str(caught.value)
    assert text.count("•") == 3 and "question" in text and "answer" in text and "wrong" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "x" * (QUESTION_MAX + 1)),
        ("question", "Too short"),
        ("answer", "y" * (ANSWER_MAX + 1)),
        ("answer", "   "),
        ("answer", "🎉"),
        ("variants", "\n".join(["v" * 60] * 6)),
        ("variants", "z" * (ANSWER_MAX + 1)),
        ("wrong", "Pune\nNashik"),
        ("wrong", "Pune\nNashik\nMumbai\nDelhi"),
        ("wrong", "Pune\nNashik\n" + "w" * 81),
        ("wrong", "Pune\nNashik\n🎉"),
    ],
)
def test_length_and_count_limits(field: str, value: str) -> None:
    """Each limit is enforced with its own message."""
    assert len(problems(**{field: value})) == 1


def test_limits_are_inclusive() -> None:
    """Exactly at each limit is fine."""
    variants = [letter * 60 for letter in "bcde"] + ["f" * 56]
    assert len("\n".join(variants)) == VARIANTS_TOTAL_MAX
    draft = parse(
        question="q" * QUESTION_MAX, answer="a" * ANSWER_MAX, variants="\n".join(variants),
        wrong="Pune\nNashik\n" + "w" * 80,
    )
    assert len(draft.question) == QUESTION_MAX and len(draft.answer) == ANSWER_MAX
    assert len(draft.aliases) == 5 and len(draft.wrong[2]) == 80
    assert problems(variants="\n".join([*variants, "g"]))


@pytest.mark.parametrize(
    "wrong",
    ["Nagpur\nPune\nNashik", "The Nagpur!\nPune\nNashik", "NAGPUR\nPune\nNashik", "Nagpur city\nPune\nNashik"],
)
def test_the_answer_is_not_a_wrong_choice(wrong: str) -> None:
    """The answer (or a variant), in any spelling the matcher treats as equal, cannot be a wrong choice."""
    assert any("same as the answer" in p for p in problems(wrong=wrong))


def test_wrong_choices_are_distinct() -> None:
    """Three different wrong choices, compared after normalisation."""
    assert any("different" in p for p in problems(wrong="Pune\npune!\nNashik"))


@pytest.mark.parametrize(
    "text",
    [
        "Who is @everyone's favourite?",
        "Ask @here now",
        "Is it <@123456789012345678>?",
        "Is it <@!123456789012345678>?",
        "Role <@&123456789012345678>",
        "@\u200beveryone hidden by a zero-width space",
        "＠everyone in full width",
        "@EVERYONE shouting",
    ],
)
def test_mentions_are_rejected_in_every_field(text: str) -> None:
    """Anything that could ping is refused, in the question, answer, variants and wrong choices."""
    assert has_mention(text)
    for field in ("question", "answer", "variants"):
        value = text if field != "question" else text + " padding"
        assert any("Mentions" in p for p in problems(**{field: value}))
    assert any("Mentions" in p for p in problems(wrong=f"{text}\nPune\nNashik"))


@pytest.mark.parametrize("text", ["email me at kavya@example.com", "<#123456789> is a channel", "@ home", "everyone"])
def test_harmless_at_signs_are_allowed(text: str) -> None:
    """Emails, channel links and a bare @ do not ping and are kept."""
    assert not has_mention(text)


@pytest.mark.parametrize(
    ("value", "season"),
    [("1", 1), ("4", 4), ("S2", 2), ("season 3", 3), (" Season 4 ", 4), ("", None), ("none", None),
     ("all", None), ("0", None), (None, None), (2, 2), (0, None)],
)
def test_season_values(value, season) -> None:
    """Seasons 1-4, or nothing for the whole show."""
    assert parse_season(value) == season


@pytest.mark.parametrize("value", ["5", "-1", "two", "season five", 7, "1.5"])
def test_bad_seasons(value) -> None:
    """Anything else is refused with a clear message."""
    with pytest.raises(SuggestionError, match="Season must be 1-4"):
        parse_season(value)
    assert any("Season" in p for p in problems(season=value))


def test_all_problems_are_reported_together() -> None:
    """A modal cannot be reopened with its text, so every problem comes back at once."""
    found = problems(question="?", answer="@here", wrong="@here\n@here", season="9")
    assert len(found) >= 5
