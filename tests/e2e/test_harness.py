"""Our bot against the local Discord: connecting, syncing, and surviving what Discord can throw at it."""

import re
import unicodedata
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.app import LittleThingsBot, intents_for
from bot.config import Config
from bot.localdiscord import LocalDiscord, PingBot, Reply, run_client

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
GUILD_COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"


async def still_alive(fake: LocalDiscord) -> Reply:
    """The bot answers a real command after whatever the test did to it."""
    reply = await fake.slash("admin sync", user="owner")
    assert reply.ephemeral and reply.content.startswith("Synced")
    fake.check_bot_alive()
    return reply


async def test_the_bot_connects_and_syncs_its_commands_to_the_dev_guild(
    fake: LocalDiscord, bot: LittleThingsBot, config: Config
) -> None:
    session = fake.gateway.current
    assert session is not None
    sent = [event for event in (_event_name(text) for _, text in session.sent) if event]
    assert sent[:2] == ["READY", "GUILD_CREATE"]
    assert fake.intents == intents_for(config).value

    syncs = fake.calls_to("PUT", GUILD_COMMANDS)
    assert [c.status for c in syncs] == [200]
    assert syncs[0].params["guild_id"] == str(fake.guild.id)
    assert {c["name"] for c in fake.commands[fake.guild.id]} == {
        c.name for c in bot.tree.get_commands(guild=discord.Object(fake.guild.id))
    }

    guild = bot.get_guild(fake.guild.id)  # discord.py parsed GUILD_CREATE
    assert guild is not None and guild.name == "Little Things Fans"
    assert {c.name for c in guild.text_channels} == {"general", "off-topic"}
    assert [c.name for c in guild.voice_channels] == ["Watch Party"]
    assert [r.name for r in guild.me.roles] == ["@everyone", "Little Things Bot"]
    assert guild.me.guild_permissions.manage_events and not guild.me.guild_permissions.administrator


def _event_name(frame: str) -> str | None:
    match = re.search(r'"t":"([A-Z_]+)"', frame)
    return match.group(1) if match else None


NAME = re.compile(r"^[-_\w]{1,32}$")


def _all_options(
    options: list[Mapping[str, Any]], where: str
) -> Iterator[tuple[str, Mapping[str, Any], list[Mapping[str, Any]]]]:
    yield where, {}, options
    for option in options:
        if option.get("type") in (1, 2):
            yield from _all_options(option.get("options") or [], f"{where} {option['name']}")


async def test_synced_commands_respect_discords_limits(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    """Checked independently of the stand-in's own rules, for whatever commands the bot has."""
    commands = fake.commands[fake.guild.id]
    assert commands, "the bot synced no commands"
    assert len(commands) <= 100
    for command in commands:
        label = "/" + command["name"]
        assert 1 <= len(command.get("description", "")) <= 100, label
        for where, _, options in _all_options(command.get("options") or [], label):
            assert len(options) <= 25, where
            required = [bool(o.get("required")) for o in options if o.get("type") not in (1, 2)]
            assert required == sorted(required, reverse=True), f"{where}: required options must come first"
            for option in options:
                name = option["name"]
                assert NAME.match(name) and name == name.lower(), f"{where} {name}"
                assert all(ch in "-_" or unicodedata.category(ch)[0] in "LN" for ch in name), f"{where} {name}"
                assert 1 <= len(option.get("description", "")) <= 100, f"{where} {name}"
                choices = option.get("choices") or []
                assert len(choices) <= 25, f"{where} {name}"
                assert all(1 <= len(c["name"]) <= 100 for c in choices), f"{where} {name}"
        name = command["name"]
        assert NAME.match(name) and name == name.lower(), label
        size = len(name) + len(command.get("description", ""))
        assert size <= 4000, label


async def test_odd_payloads_from_discord_do_not_kill_the_bot(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    """Things real Discord does send: unknown events, stale buttons and modals, unknown channels."""
    answer = await still_alive(fake)
    general = fake.channel("general")
    user = fake.user("alice")
    guild_id = str(fake.guild.id)
    stale_button = await fake.dispatch_interaction(
        3,
        user=user,
        channel=general,
        data={"custom_id": "gone:1", "component_type": 2},
        label="stale button",
        source_message=answer.message,
    )
    stale_modal = await fake.dispatch_interaction(
        5, user=user, channel=general, data={"custom_id": "gone:modal", "components": []}, label="stale modal"
    )
    await fake.dispatch("SOME_FUTURE_EVENT", {"guild_id": guild_id, "what": "new"})
    await fake.dispatch("CHANNEL_PINS_UPDATE", {"guild_id": guild_id, "channel_id": "1", "last_pin_timestamp": None})
    await fake.dispatch("MESSAGE_DELETE", {"id": "1", "channel_id": str(general.id), "guild_id": guild_id})
    await fake.dispatch(
        "GUILD_MEMBER_REMOVE",
        {"guild_id": guild_id, "user": {"id": "5", "username": "ghost", "discriminator": "0", "avatar": None}},
    )
    await still_alive(fake)
    assert not stale_button.acknowledged and not stale_modal.acknowledged  # Discord shows "interaction failed"


async def test_an_interaction_for_a_command_the_bot_no_longer_has_is_survived(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    """A command deleted from the code but still in Discord's cache."""
    ghost = {"id": "1", "name": "retired", "type": 1, "guild_id": str(fake.guild.id)}
    await fake.dispatch_interaction(
        2, user=fake.user("you"), channel=fake.channel("general"), data=ghost, label="/retired"
    )
    await still_alive(fake)
    fake.bot_errors.clear()  # whether the bot logs this is its own choice; staying up is the point


async def test_a_403_from_discord_is_survived_and_explained(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    fake.fail_next("POST", CALLBACK, status=403)
    reply = await fake.slash("admin sync", user="owner")
    assert reply.ephemeral and "permission" in reply.content.lower()
    assert [c.status for c in fake.calls_to("POST", CALLBACK)] == [403, 200]
    await still_alive(fake)


async def test_a_rate_limit_is_waited_out(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    fake.fail_next("POST", CALLBACK, status=429, retry_after=0.01)
    await still_alive(fake)
    assert [c.status for c in fake.calls_to("POST", CALLBACK)][:2] == [429, 200]


async def test_after_a_dropped_connection_the_bot_resumes_and_works(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    await fake.drop_connection()
    session = fake.gateway.current
    assert session is not None and session.resumes == 1
    assert session.connect_paths == ["/gateway", "/gateway/resume"]
    await still_alive(fake)


async def test_an_interaction_sent_while_disconnected_is_answered_after_resume(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    await fake.drop_connection(wait_for_resume=False)
    record = await fake.actor("owner").start_slash("admin sync")  # replayed on RESUME, as Discord does
    reply = await fake.await_answer(record)
    assert reply.content.startswith("Synced")
    assert fake.gateway.current is not None and fake.gateway.current.resumes == 1


async def test_an_unexpected_error_gets_an_ephemeral_apology_with_an_error_id(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    guild = discord.Object(fake.guild.id)

    @app_commands.command(name="boom", description="Fails on purpose")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    bot.tree.add_command(boom, guild=guild)
    await bot.tree.sync(guild=guild)

    reply = await fake.slash("boom", user="alice")

    assert reply.ephemeral and not reply.message.pings  # type: ignore[union-attr]
    match = re.search(r"Error id: `([0-9a-f]+)`", reply.content)
    assert match, reply.content
    assert any(match.group(1) in str(e) and "kaboom" in str(e) for e in fake.bot_errors)
    fake.bot_errors.clear()


class RefusedBodyBot(PingBot):
    """Sends an embed title Discord refuses and keeps what discord.py made of the 400."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(guild_id=guild_id)
        self.caught: list[discord.HTTPException] = []

        @self.tree.command(name="long", description="Too long a title")
        async def long(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_message(embed=discord.Embed(title="x" * 300))
            except discord.HTTPException as exc:
                self.caught.append(exc)
                await interaction.response.send_message("fallback", ephemeral=True)


@pytest.fixture
async def refused(fake: LocalDiscord) -> AsyncIterator[RefusedBodyBot]:
    async with run_client(fake, RefusedBodyBot(fake.guild.id)) as client:
        yield client


async def test_a_body_discord_refuses_is_caught_and_discord_py_reads_the_400(
    fake: LocalDiscord, refused: RefusedBodyBot
) -> None:
    reply = await fake.slash("long")
    assert reply.content == "fallback"
    assert [str(v) for v in fake.violations] == [f"POST {CALLBACK}: data/embeds/0/title: maxLength 256"]
    [error] = refused.caught
    assert error.status == 400 and error.code == 50035
    assert "In data.embeds.0.title: Must be 256 or fewer in length." in error.text
    fake.violations.clear()


async def test_about_answers_end_to_end(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("about", user="alice")
    assert reply.kind == "message" and not reply.ephemeral
    assert reply.message is not None and not reply.message.pings
    embed = reply.embed
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Little Things" in fields, fields
    assert "4 seasons, 29 episodes, 2016–2021" in fields["Little Things"]
    [pack_field] = [name for name in fields if name.startswith("Content pack ")]
    assert "trivia questions" in fields[pack_field]
    assert "`/about`" in fields["Commands"] and "`/admin sync`" in fields["Commands"]


async def test_about_can_answer_only_the_caller(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    reply = await fake.slash("about", ephemeral=True, user="bob")
    assert reply.ephemeral
