"""The playground's line parser: what a typed line means, and where the cursor is for Tab."""

from datetime import timedelta

import pytest

from bot.play.parser import (
    CompletionContext,
    ParseError,
    PlayCommand,
    Slash,
    completion_context,
    parse_assignments,
    parse_duration,
    parse_line,
    parse_slash,
)


def test_blank_and_comment_lines_are_nothing() -> None:
    assert parse_line("") is None
    assert parse_line("   ") is None
    assert parse_line("# a comment") is None


def test_slash_path_and_options() -> None:
    assert parse_slash("/trivia start rounds:3") == Slash(("trivia", "start"), {"rounds": "3"})
    assert parse_slash("/about") == Slash(("about",), {})
    assert parse_slash("/Recap season:2 episode:4") == Slash(("recap",), {"season": "2", "episode": "4"})


def test_unquoted_value_runs_to_the_next_option() -> None:
    parsed = parse_slash("/cast name:mithila palkar ephemeral:true")
    assert parsed.options == {"name": "mithila palkar", "ephemeral": "true"}


def test_quoted_values_keep_colons_spaces_and_escaped_quotes() -> None:
    parsed = parse_slash('/watchparty create title:"S2: the \\"big\\" rewatch" when:\'in 2 hours\'')
    assert parsed.path == ("watchparty", "create")
    assert parsed.options == {"title": 'S2: the "big" rewatch', "when": "in 2 hours"}


def test_empty_value_is_kept_for_the_bot_to_judge() -> None:
    assert parse_slash('/cast name:""').options == {"name": ""}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/", "command name"),
        ("/ about", "command name"),
        ('/cast name:"mithila', "missing closing"),
        ("/recap season:1 season:2", "given twice"),
    ],
)
def test_bad_slash_lines_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_slash(line)


def test_playground_commands_and_aliases() -> None:
    assert parse_line("press 2") == PlayCommand("press", "2")
    assert parse_line("AS bob") == PlayCommand("as", "bob")
    assert parse_line("say hello there  ") == PlayCommand("say", "hello there")
    assert parse_line("exit") == PlayCommand("quit", "")
    assert parse_line("?") == PlayCommand("help", "")


def test_unknown_word_points_at_help() -> None:
    with pytest.raises(ParseError, match=r"unknown command 'jump'.*help"):
        parse_line("jump 3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10m", timedelta(minutes=10)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("45s", timedelta(seconds=45)),
        ("2.5h", timedelta(hours=2, minutes=30)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("15", timedelta(minutes=15)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "10x", "m10", "0m", "-5m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)


def test_modal_assignments() -> None:
    values = parse_assignments('question="Who is Kavya?" answer=Mithila Palkar wrong="a\\nb"')
    assert values == {"question": "Who is Kavya?", "answer": "Mithila Palkar", "wrong": "a\\nb"}
    with pytest.raises(ParseError, match="FIELD=VALUE"):
        parse_assignments("just words")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/", CompletionContext("command", (), {}, "")),
        ("/tri", CompletionContext("command", (), {}, "tri")),
        ("/trivia ", CompletionContext("command", ("trivia",), {}, "")),
        ("/trivia st", CompletionContext("command", ("trivia",), {}, "st")),
        ("/cast name:mi", CompletionContext("value", ("cast",), {}, "mi", "name")),
        ('/cast name:"mithila p', CompletionContext("value", ("cast",), {}, "mithila p", "name")),
        (
            "/recap season:2 epi",
            CompletionContext("option", ("recap",), {"season": "2"}, "epi", option="season", value="2 epi"),
        ),
        ('/cast name:"a b" ', CompletionContext("option", ("cast",), {"name": "a b"}, "")),
        (
            "/trivia start rounds:3 season:",
            CompletionContext("value", ("trivia", "start"), {"rounds": "3"}, "", "season"),
        ),
    ],
)
def test_completion_context(text: str, expected: CompletionContext) -> None:
    assert completion_context(text) == expected


def test_no_completion_context_outside_slash_commands() -> None:
    assert completion_context("press 1") is None
    assert completion_context('/cast name:"closed"') is None
