"""Slash commands in Hindi: the synced JSON carries a `hi` name and description for everything."""

from collections.abc import Iterator, Mapping
from typing import Any

from bot.app import LittleThingsBot
from bot.localdiscord import LocalDiscord
from bot.localdiscord.limits import command_problems
from bot.localdiscord.spec import load_spec


def entries(commands: list[Mapping[str, Any]], path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(path, entry) for every command, subcommand, option and choice."""
    for command in commands:
        here = f"{path} {command['name']}".strip()
        yield here, command
        for choice in command.get("choices") or []:
            yield f"{here} choice {choice['name']}", choice
        yield from entries(command.get("options") or [], here)


async def test_every_command_option_and_choice_has_hindi(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    synced = fake.commands[fake.guild.id]
    assert len(synced) >= 10
    missing = []
    for path, entry in entries(synced):
        if "hi" not in (entry.get("name_localizations") or {}):
            missing.append(f"{path}: name")
        if "description" in entry and "hi" not in (entry.get("description_localizations") or {}):
            missing.append(f"{path}: description")
    assert missing == []
    recap = next(c for c in synced if c["name"] == "recap")
    assert recap["name_localizations"] == {"hi": "सारांश"}
    assert recap["description_localizations"]["hi"].startswith("शो के किसी सीज़न")
    trivia = next(c for c in synced if c["name"] == "trivia")
    start = next(o for o in trivia["options"] if o["name"] == "start")
    difficulty = next(o for o in start["options"] if o["name"] == "difficulty")
    assert {c["value"]: c["name_localizations"]["hi"] for c in difficulty["choices"]}["easy"] == "आसान"


async def test_hindi_names_follow_discords_rules(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    """The sync went through the stand-in's spec and registration checks (assert_clean); check again here."""
    synced = fake.commands[fake.guild.id]
    assert command_problems(synced) == []
    for path, entry in entries(synced):
        name = (entry.get("name_localizations") or {}).get("hi")
        if name is not None and "choice" not in path:
            assert 1 <= len(name) <= 32 and " " not in name and name == name.lower(), path
    assert load_spec()  # the same spec document every body was validated against


def test_the_registration_check_refuses_bad_hindi_names() -> None:
    """A space, an upper-case letter or 33 characters in a `hi` name would fail the sync."""
    def command(hi: str) -> dict[str, Any]:
        return {"name": "recap", "description": "x", "type": 1, "name_localizations": {"hi": hi}}

    assert command_problems([command("सारांश")]) == []
    assert command_problems([command("मेरा सारांश")])
    assert command_problems([command("Recap")])
    assert command_problems([command("क" * 33)])
    assert command_problems([{**command("सारांश"), "description_localizations": {"hi": ""}}])
