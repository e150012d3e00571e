"""A host's disaster drill, end to end: what the community made through Discord (settings, a watch
party with RSVPs and its reminder timer, trivia scores) is backed up with the operator's command
while the bot runs, restored on a "new machine" (a new folder; with PostgreSQL, a new database too),
and the bot started there serves it all; the reminder that fell due meanwhile fires once."""

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, Message, run_bot
from bot.store import settings as settings_store
from bot.store.postgres import redact
from bot.store.trivia import TriviaStore
from tests.e2e.test_trivia_games import ANSWER_WINDOW, answer_ids, current_question, wait_question

ROOT = Path(__file__).resolve().parents[2]


async def operator(command: str, *args: str, database: Path, url: str | None = None) -> tuple[int, str, str]:
    """`python -m bot COMMAND ...` in its own process, as a host types it (the bot's loop keeps running)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BACKUP_", "DISCORD_"))}
    env["DATABASE_PATH"] = str(database)
    if url is not None:
        env["DATABASE_URL"] = url
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", command, *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def reminders(fake: LocalDiscord, after: int) -> list[Message]:
    return [m for m in fake.sent_messages("general") if m.id > after and "Season 2 rewatch" in m.content]


async def test_backup_new_machine_restore_start_and_due_reminders_fire_once(
    fake: LocalDiscord, config: Config, clock: VirtualClock, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    general = fake.channel("general")
    alice, bob = fake.user("alice").id, fake.user("bob").id
    url = config.database_url
    backup = tmp_path / "offsite" / ("littlethings.pgdump" if url else "littlethings.sqlite3")
    async with run_bot(fake, config, clock=clock) as bot:
        await fake.slash("settings timezone", zone="Asia/Kolkata", user="you")
        await fake.slash("timezone set", zone="Europe/London", user="alice")
        mark = fake.mark()
        reply = await fake.slash("watchparty create", title="Season 2 rewatch", when="in 3 hours", reminders="1h")
        assert reply.ephemeral, reply.content
        announcement = await fake.wait_for_message("general", after=mark, predicate=lambda m: bool(m.embeds))
        await fake.click(announcement, label="Going", user="alice")
        await fake.click(announcement, label="Maybe", user="bob")

        await fake.slash("trivia start", rounds=1, user="bob")
        question = await wait_question(fake, 1)
        right, _ = answer_ids(question, (await current_question(bot, general.id)).answer)
        await fake.click(question, right, user="alice")
        await clock.advance(ANSWER_WINDOW)
        await fake.wait_until(lambda: bot.get_cog("Trivia").sessions == {}, what="the game to end")  # type: ignore[union-attr]

        code, out, err = await operator("backup", str(backup), database=config.database_path, url=url)
        assert code == 0, err
        assert out.startswith("backup written and checked: ") and "integrity ok" in out

        before = await TriviaStore(bot.store).player_stats(fake.guild.id, alice)
        await settings_store.set_member_timezone(bot.store, fake.guild.id, alice, "Asia/Tokyo", now=clock.now())
        code, _, err = await operator("restore", str(backup), database=config.database_path, url=url)
        refused = "a bot is running against this database" if url else f"a bot process is using {config.database_path}"
        assert code == 1 and err == f"error: {refused}; stop it first (nothing was changed)\n", err
        assert await TriviaStore(bot.store).player_stats(fake.guild.id, alice) == before
        assert await settings_store.member_timezone(bot.store, fake.guild.id, alice) == "Asia/Tokyo"  # untouched
        await settings_store.set_member_timezone(bot.store, fake.guild.id, alice, "Europe/London", now=clock.now())

    # The old machine is gone. Time passes: the 1-hour reminder (due 20:00) falls due meanwhile.
    reminder_due = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    await clock.advance(reminder_due + timedelta(minutes=10) - clock.now())
    fresh = tmp_path / "new-machine" / "data" / "littlethings.sqlite3"
    fresh_url = request.getfixturevalue("pg_cluster").create_database("new_machine") if url else None
    code, out, err = await operator("restore", str(backup), database=fresh, url=fresh_url)
    assert code == 0, err
    assert f"to {redact(fresh_url) if fresh_url else fresh}" in out

    mark = fake.mark()
    async with run_bot(fake, config.with_overrides(database_path=fresh, database_url=fresh_url), clock=clock) as bot:
        await bot.timers.wait_idle()
        [reminder] = reminders(fake, mark)
        assert "starts in" in reminder.content
        assert set(reminder.pings.users) == {alice}  # only those Going are pinged

        stats = await TriviaStore(bot.store).player_stats(fake.guild.id, alice)
        assert stats.correct == 1 and stats.points > 0
        assert await settings_store.guild_timezone(bot.store, fake.guild.id) == "Asia/Kolkata"
        assert await settings_store.member_timezone(bot.store, fake.guild.id, alice) == "Europe/London"
        listing = await fake.slash("watchparty list", user="bob")
        assert "Season 2 rewatch" in (listing.content + str(listing.embeds))
        embed = fake.message(announcement.id).embeds[0]
        going = next(f["value"] for f in embed["fields"] if f["name"] == "Going")
        assert going == "1" and bob not in reminder.pings.users

        await clock.advance(timedelta(hours=2))  # past the start: the 1-hour reminder never comes again
        await bot.timers.wait_idle()
        assert [m.id for m in reminders(fake, mark) if "starts in" in m.content] == [reminder.id]
