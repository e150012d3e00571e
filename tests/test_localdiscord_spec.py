"""The stand-in's referee: Discord's OpenAPI spec plus the limits Discord enforces beyond it."""

from typing import Any

import discord
import pytest
from discord.webhook.async_ import interaction_message_response_params

from bot.localdiscord import SpecValidator, command_problems, discord_error_body, message_problems
from bot.localdiscord.spec import SPEC_PATH, Problem

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
CHANNEL_MESSAGES = "/channels/{channel_id}/messages"


@pytest.fixture(scope="module")
def spec() -> SpecValidator:
    return SpecValidator()


def callback_body(**kwargs: Any) -> Any:
    """A callback body exactly as discord.py 2.7 builds it."""
    return interaction_message_response_params(type=4, **kwargs).payload


def test_the_spec_and_its_licence_ship_inside_the_package() -> None:
    assert SPEC_PATH.is_file()
    assert (SPEC_PATH.parent / "LICENSE-openapi").read_text().startswith("MIT License")


def test_a_body_discord_py_builds_passes(spec: SpecValidator) -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Join", custom_id="party:join"))
    body = callback_body(
        content="hello",
        embed=discord.Embed(title="Season 2", description="recap"),
        view=view,
        flags=discord.MessageFlags(ephemeral=True),
        allowed_mentions=discord.AllowedMentions(users=[discord.Object(1234)]),  # ids as JSON integers
    )
    assert spec.validate("POST", CALLBACK, body) == []


def test_a_too_long_embed_title_is_reported_with_its_path_and_rule(spec: SpecValidator) -> None:
    body = callback_body(embed=discord.Embed(title="x" * 257))
    problems = spec.validate("POST", CALLBACK, body)
    assert [str(p) for p in problems] == ["data/embeds/0/title: maxLength 256"]


def test_union_errors_name_the_branch_the_body_meant(spec: SpecValidator) -> None:
    """A modal (type 9) without components is reported as such, not as 'matches no branch'."""
    problems = spec.validate("POST", CALLBACK, {"type": 9, "data": {"title": "Suggest", "custom_id": "suggest"}})
    assert [str(p) for p in problems] == ["data/components: required"]


def test_an_unknown_callback_type_lists_the_accepted_ones(spec: SpecValidator) -> None:
    problems = spec.validate("POST", CALLBACK, {"type": 99})
    assert len(problems) == 1
    assert "type 4|5" in problems[0].rule and "type 9" in problems[0].rule


def test_snowflakes_may_be_integers_but_not_words(spec: SpecValidator) -> None:
    ok = {"content": "hi", "allowed_mentions": {"users": [123, "456"]}}
    assert spec.validate("POST", CHANNEL_MESSAGES, ok) == []
    bad = {"content": "hi", "allowed_mentions": {"users": ["alice"]}}
    assert [str(p) for p in spec.validate("POST", CHANNEL_MESSAGES, bad)] == [
        "allowed_mentions/users/0: pattern ^(0|[1-9][0-9]*)$"
    ]


def test_wrong_kinds_say_what_was_expected(spec: SpecValidator) -> None:
    problems = spec.validate("POST", CHANNEL_MESSAGES, {"content": 5})
    assert [str(p) for p in problems] == ["content: type string|null (got integer)"]


def test_routes_match_literal_segments_before_parameters(spec: SpecValidator) -> None:
    assert spec.router.match("/webhooks/1/tok/messages/@original") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        {"webhook_id": "1", "webhook_token": "tok"},
    )
    assert spec.router.match("/webhooks/1/tok/messages/99") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
        {"webhook_id": "1", "webhook_token": "tok", "message_id": "99"},
    )
    assert spec.router.match("/users/@me")[0] == "/users/@me"  # type: ignore[index]
    assert spec.router.match("/no/such/route") is None


def test_the_400_body_is_discord_shaped_with_an_errors_object() -> None:
    body = discord_error_body(
        [
            Problem(
                ("data", "embeds", 0, "title"),
                "maxLength 256",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 256 or fewer in length.",
            )
        ]
    )
    assert body == {
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {
            "data": {
                "embeds": {
                    "0": {
                        "title": {
                            "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]
                        }
                    }
                }
            }
        },
    }


# --- limits beyond the spec ----------------------------------------------------------------------


def rules(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": custom_id, "custom_id": custom_id}


def test_bot_content_is_limited_to_2000_characters() -> None:
    assert message_problems({"content": "x" * 2000}, creating=True) == []
    assert rules(message_problems({"content": "x" * 2001}, ("data",), creating=True)) == [
        "data/content: maxLength 2000 (a bot's message content; got 2001)"
    ]


def test_embeds_of_one_message_total_at_most_6000_characters() -> None:
    embeds = [{"title": "t", "description": "d" * 4000}, {"description": "d" * 1998, "footer": {"text": "f"}}]
    assert message_problems({"embeds": embeds}, creating=True) == []
    embeds[1]["footer"] = {"text": "ff"}
    assert rules(message_problems({"embeds": embeds}, creating=True)) == ["embeds: embeds total 6001 characters > 6000"]


def test_at_most_five_rows_of_five_buttons_and_a_select_fills_a_row() -> None:
    rows = [{"type": 1, "components": [button(f"b{r}{i}") for i in range(5)]} for r in range(5)]
    assert message_problems({"components": rows}, creating=True) == []
    six_rows = [*rows, {"type": 1, "components": [button("extra")]}]
    assert rules(message_problems({"components": six_rows}, creating=True)) == [
        "components: maxItems 5 (action rows; got 6)"
    ]
    crowded = [{"type": 1, "components": [button(f"c{i}") for i in range(6)]}]
    assert rules(message_problems({"components": crowded}, creating=True)) == [
        "components/0/components: row width 6 > 5 (5 buttons, or one select alone)"
    ]
    select = {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]}
    mixed = [{"type": 1, "components": [select, button("ok")]}]
    assert len(message_problems({"components": mixed}, creating=True)) == 1


def test_custom_ids_are_unique_within_a_message() -> None:
    rows = [{"type": 1, "components": [button("same"), button("same")]}]
    assert rules(message_problems({"components": rows}, creating=True)) == ["components: duplicate custom_id 'same'"]


def test_an_empty_new_message_is_refused_but_files_count_as_content() -> None:
    assert [p.code for p in message_problems({"content": ""}, creating=True)] == ["50006"]
    assert message_problems({"content": ""}, creating=True, file_count=1) == []
    assert message_problems({"content": ""}, creating=False) == []


def command(**overrides: Any) -> dict[str, Any]:
    return {"name": "recap", "description": "Recap an episode", "type": 1, **overrides}


def test_well_formed_commands_pass() -> None:
    options = [
        {
            "type": 4,
            "name": "season",
            "description": "Season",
            "required": True,
            "choices": [{"name": "One", "value": 1}],
        },
        {"type": 3, "name": "episode", "description": "Episode", "autocomplete": True},
    ]
    group = {
        "name": "trivia",
        "description": "Trivia",
        "options": [
            {
                "type": 1,
                "name": "start",
                "description": "Start",
                "options": [{"type": 4, "name": "rounds", "description": "Rounds", "min_value": 1, "max_value": 20}],
            }
        ],
    }
    assert command_problems([command(options=options), group]) == []


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (command(name="Recap"), "0/name: must be lowercase"),
        (command(name="re cap"), r"0/name: pattern ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$"),
        (command(description=""), "0/description: length 1-100 (got 0)"),
        (command(description="d" * 101), "0/description: length 1-100 (got 101)"),
        (
            command(
                options=[
                    {"type": 3, "name": "a", "description": "a"},
                    {"type": 3, "name": "b", "description": "b", "required": True},
                ]
            ),
            "0/options/1/required: required options must come before optional ones",
        ),
        (
            command(
                options=[
                    {
                        "type": 3,
                        "name": "a",
                        "description": "a",
                        "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
                    }
                ]
            ),
            "0/options/0/choices: maxItems 25 (got 26)",
        ),
        (
            command(
                options=[{"type": 3, "name": "a", "description": "a", "choices": [{"name": "n" * 101, "value": "v"}]}]
            ),
            "0/options/0/choices/0/name: length 1-100",
        ),
        (
            command(options=[{"type": 3, "name": f"o{i}", "description": "o"} for i in range(26)]),
            "0/options: maxItems 25 (got 26)",
        ),
    ],
)
def test_commands_breaking_discords_rules_are_named(bad: dict[str, Any], expected: str) -> None:
    assert expected in rules(command_problems([bad]))


def test_duplicate_command_names_are_refused() -> None:
    assert rules(command_problems([command(), command()])) == ["1/name: duplicate command name 'recap'"]


def test_remembering_valid_parts_never_hides_or_moves_an_error(spec: SpecValidator) -> None:
    """Rows already seen valid are skipped; anything different is validated afresh, with its own path."""
    row = {"type": 1, "components": [button("party:join")]}
    assert spec.validate("POST", CHANNEL_MESSAGES, {"content": "a", "components": [row]}) == []
    assert spec.validate("POST", CHANNEL_MESSAGES, {"content": "b", "components": [row, row]}) == []
    bad_row = {"type": 1, "components": [{**button("party:join"), "label": "x" * 81}]}
    body = {"content": "c", "components": [row, bad_row]}
    for _ in range(2):
        assert rules(spec.validate("POST", CHANNEL_MESSAGES, body)) == ["components/1/components/0/label: maxLength 80"]
