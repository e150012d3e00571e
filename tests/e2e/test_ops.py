"""Operations end to end: /healthz and /metrics over real HTTP, a busy metrics port, /admin status,
and automatic backups on the timer engine across restarts."""

import asyncio
import json
import logging
import socket
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from discord.ext import commands

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import InteractionError, LocalDiscord, run_bot
from bot.ops import cli as ops_cli
from bot.ops.backup import backend_for
from bot.ops.dblock import DatabaseLock
from bot.ops.instrument import check_health
from bot.ops.logs import JsonFormatter
from bot.store import StoreError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample whose labels include `labels`."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{", 1)[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            return float(value)
    raise AssertionError(f"no sample {name} {labels} in:\n{text}")


async def test_healthz_and_metrics_count_what_the_bot_does(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    port = free_port()
    async with run_bot(fake, config.with_overrides(metrics_port=port), clock=clock) as bot:
        status, body = await get(port, "/healthz")
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok" and health["guilds"] == 1

        await fake.slash("about", user="alice")
        await fake.slash("about", user="bob")
        refused = await fake.slash("recap", season=1, episode=99, user="alice")
        assert refused.ephemeral

        status, text = await get(port, "/metrics")
        assert status == 200
        assert sample(text, "littlethings_interactions_total", command="about", outcome="answered") == 2
        assert sample(text, "littlethings_interactions_total", command="recap", outcome="user_error") == 1
        assert sample(text, "littlethings_answer_latency_seconds_count", command="about") == 2
        assert sample(text, "littlethings_answer_latency_seconds_bucket", command="about", le="+Inf") == 2
        callback = "/interactions/{id}/{token}/callback"
        assert sample(text, "littlethings_rest_requests_total", route=callback, method="POST", status="200") == 3
        sync = "/applications/{id}/guilds/{id}/commands"  # not an interaction: a plain REST call at start
        assert sample(text, "littlethings_rest_requests_total", route=sync, method="PUT", status="200") == 1
        assert sample(text, "littlethings_store_query_seconds_count", kind="read") > 0
        assert sample(text, "littlethings_gateway_connected") == 1
        assert sample(text, "littlethings_timers_pending") == 0
        assert sample(text, "littlethings_trivia_games_running") == 0
        assert sample(text, "littlethings_outbound_queue_depth") == 0
        assert sample(text, "process_resident_memory_bytes") > 10_000_000
        assert "token" not in text.replace("{token}", "")  # no interaction token ever becomes a label

        # The outbound scheduler's hook: it hands over its queue length and reports waits.
        bot.metrics.set_outbound_depth_source(lambda: 3)
        bot.metrics.observe_outbound_wait(0.2)
        _, text = await get(port, "/metrics")
        assert sample(text, "littlethings_outbound_queue_depth") == 3
        assert sample(text, "littlethings_outbound_wait_seconds_count") == 1

        await bot.store.close()  # the database stops answering (SQLite file or PostgreSQL pool)
        status, body = await get(port, "/healthz")
        assert status == 503 and "database does not answer" in json.loads(body)["reason"]
        fake.bot_errors.clear()
    # closed: the port is free again
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


async def test_healthz_says_503_when_the_gateway_is_not_connected(config: Config) -> None:
    bot = LittleThingsBot(config)  # built, never connected
    healthy, body = await check_health(bot)
    assert not healthy and body == {"status": "unhealthy", "reason": "not connected to the Discord gateway"}


async def test_the_bot_will_not_start_while_a_restore_holds_the_database(config: Config) -> None:
    restore = DatabaseLock(config.database_path)
    restore.acquire_exclusive()
    bot = LittleThingsBot(config)
    try:
        with pytest.raises(StoreError, match=r"a restore is replacing the database at .*; start the bot when"):
            await bot.setup_hook()
    finally:
        restore.release()
    assert not config.database_path.exists()  # nothing was opened or created


class SlowToFinish(commands.Cog):
    """Something still sending at shutdown that never finishes (a hung request)."""

    def __init__(self) -> None:
        self.cancelled = False

    async def drain(self) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


async def test_shutdown_gives_up_after_its_timeout_and_says_so(
    fake: LocalDiscord, config: Config, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with run_bot(fake, config.with_overrides(shutdown_timeout=0.2), clock=clock) as bot:
        slow = SlowToFinish()
        await bot.add_cog(slow)
        with caplog.at_level(logging.INFO, logger="bot.app"):
            await asyncio.wait_for(bot._drain(), timeout=5)
        assert slow.cancelled
        [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warning.startswith("shutdown: gave up after 0.2 s (SHUTDOWN_TIMEOUT) with drain:SlowToFinish")
        assert warning.endswith(" still sending")


async def test_timer_lateness_is_observed(fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock) -> None:
    await fake.slash("watchparty create", title="Rewatch", when="in 2 hours", timezone="UTC", reminders="1h")
    await clock.advance(timedelta(hours=1))
    await bot.timers.wait_idle()
    text = bot.metrics.render().decode()
    assert sample(text, "littlethings_timer_lateness_seconds_count") >= 1
    assert sample(text, "littlethings_timer_lateness_seconds_bucket", le="0.01") >= 1  # on time, to the second


async def test_a_metrics_port_in_use_is_a_clear_error_and_the_bot_runs_on(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        async with run_bot(fake, config.with_overrides(metrics_port=port), clock=clock) as bot:
            reply = await fake.slash("about", user="alice")
            assert "Little Things" in {f["name"] for f in reply.embed["fields"]}
            assert bot.ops_server is None
        [error] = fake.bot_errors
        assert f"metrics off: cannot listen on 127.0.0.1:{port}" in str(error) and "METRICS_PORT" in str(error)
        fake.bot_errors.clear()


def field(embed: dict, name: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


def suffix_of(config: Config) -> str:
    """Backups of the SQLite file are `.sqlite3`; pg_dump archives of a PostgreSQL store are `.pgdump`."""
    return ".pgdump" if config.database_url else ".sqlite3"


async def test_admin_status_for_the_owner_only(fake: LocalDiscord, bot: LittleThingsBot, config: Config) -> None:
    with pytest.raises(InteractionError, match="hidden from alice"):  # Discord hides it (Administrator)
        await fake.slash("admin status", user="alice")

    reply = await fake.slash("admin status", user="owner")
    assert reply.ephemeral
    embed = reply.embed
    assert "No backup has been made yet." in embed["description"]
    assert field(embed, "Servers") == "1"
    assert field(embed, "Games running") == "0"
    assert field(embed, "Timers pending").startswith("0 (next none)")
    assert field(embed, "Outbound queue") == "0"
    assert field(embed, "Last backup") == "never"
    assert field(embed, "Content pack") not in ("", "not imported")
    assert field(embed, "Database size").endswith("KiB") or field(embed, "Database size").endswith("MiB")
    assert field(embed, "Version") == "0.1.0"

    await fake.slash("watchparty create", title="Rewatch", when="in 2 hours", timezone="UTC", reminders="1h")
    manual = config.database_path.parent / f"manual{suffix_of(config)}"
    assert await asyncio.to_thread(ops_cli.backup, config, manual) == 0
    embed = (await fake.slash("admin status", user="owner")).embed
    assert embed["description"] == "No warnings."
    assert field(embed, "Timers pending").startswith("1 (next <t:")
    assert field(embed, "Last backup") == f"0 min ago (`{manual.name}`)"


def backups_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_automatic_backups_neither_skip_nor_double_across_restarts(
    fake: LocalDiscord, config: Config, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    auto = config.with_overrides(backup_dir=folder, backup_every=timedelta(days=1), backup_keep=2)
    kind = suffix_of(config)
    async with run_bot(fake, auto, clock=clock) as bot:
        await bot.timers.wait_idle()
        assert backups_in(folder) == [f"littlethings-20260302-180000{kind}"]  # the first one at once
        for _ in range(2):
            await clock.advance(timedelta(days=1))
            await bot.timers.wait_idle()
        assert backups_in(folder) == [f"littlethings-20260303-180000{kind}", f"littlethings-20260304-180000{kind}"]

    await clock.advance(timedelta(hours=5))  # down for a while, not past the next due time
    async with run_bot(fake, auto, clock=clock) as bot:
        await bot.timers.wait_idle()
        assert len(backups_in(folder)) == 2 and backups_in(folder)[-1].startswith("littlethings-20260304")

    await clock.advance(timedelta(days=3))  # down past one (three) due times: made once at start
    async with run_bot(fake, auto, clock=clock) as bot:
        await bot.timers.wait_idle()
        assert backups_in(folder)[-1] == f"littlethings-20260307-230000{kind}"
        [pending] = [t for t in await bot.timers.list_group("backup") if t.state == "pending"]
        assert pending.due_at == clock.now() + timedelta(days=1)
        made = [row[0] for row in await bot.store.fetch_all("SELECT timer_key FROM backups ORDER BY made_at")]
    assert len(made) == len(set(made)) == 4
    last = backend_for(auto).check(folder / f"littlethings-20260307-230000{kind}")  # whole, and of this version
    assert last.rows["backups"] == 3  # made from the snapshot before the fourth was noted


async def test_a_429_shows_in_metrics_and_as_a_status_warning(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    port = free_port()
    async with run_bot(fake, config.with_overrides(metrics_port=port), clock=clock) as bot:
        fake.fail_next("POST", "/channels/{channel_id}/messages", status=429, retry_after=0.05)
        mark = fake.mark()
        reply = await fake.slash("watchparty create", title="Rewatch", when="in 2 hours", timezone="UTC")
        assert reply.ephemeral, reply.content
        await fake.wait_until(lambda: bot.metrics.rate_limited_recently() == 1, what="the 429 to be counted")
        await clock.advance(timedelta(seconds=1))  # the paused channel opens again
        await fake.wait_for_message("general", after=mark, predicate=lambda m: bool(m.embeds))  # sent after all

        _, text = await get(port, "/metrics")
        messages = "/channels/{id}/messages"
        assert sample(text, "littlethings_rest_rate_limited_total", route=messages) == 1
        assert sample(text, "littlethings_rest_requests_total", route=messages, method="POST", status="429") == 1
        embed = (await fake.slash("admin status", user="owner")).embed
        assert "Discord rate-limited the bot 1 time(s) in the last hour." in embed["description"]
        assert field(embed, "429s in the last hour") == "1"


async def test_json_log_lines_name_the_guild_and_command_being_handled(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.WARNING)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        fake.fail_next("POST", "/guilds/{guild_id}/scheduled-events", status=400, code=50035)
        reply = await fake.slash("watchparty create", title="Rewatch", when="in 2 hours", timezone="UTC")
        assert "no Discord event" in reply.content
    finally:
        logging.getLogger().removeHandler(handler)
    [entry] = [json.loads(line) for line in lines if "scheduled event" in line]
    assert entry["level"] == "WARNING" and entry["logger"] == "cogs.watchparty"
    assert (entry["guild"], entry["command"]) == (fake.guild.id, "watchparty create")
