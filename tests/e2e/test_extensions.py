"""Every cog loads, and no two commands share a name."""

from collections import Counter

from bot.app import LittleThingsBot, extension_names
from bot.localdiscord import LocalDiscord


async def test_every_extension_in_cogs_is_loaded(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    assert bot.failed_extensions == {}
    assert set(extension_names()) <= set(bot.extensions)
    assert "cogs.about" in bot.extensions and "cogs.errors" in bot.extensions


async def test_no_command_names_clash(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    synced = fake.commands[fake.guild.id]
    names = Counter(command["name"] for command in synced)
    assert [name for name, count in names.items() if count > 1] == []
    assert len(synced) == len(bot.tree.get_commands(guild=fake.guild))
