"""Fixtures for end-to-end tests: a local Discord (`fake`) and our real bot running against it (`bot`).

Every test gets its own stand-in on a free port, its own database (a SQLite file under `tmp_path`, or
a database on the session's PostgreSQL with the content pack in that SQLite file), and one
`VirtualClock` shared by the bot and the stand-in (move it with `await clock.advance(...)`). When a
test ends, the stand-in must be clean: no body Discord would have refused, no route it does not
serve, no ERROR logged by the bot. A test that provokes one of those on purpose clears the list
(`fake.violations.clear()`, `fake.bot_errors.clear()`) after asserting on it.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import DEFAULT_CONTENT_DIR, Config
from bot.localdiscord import LocalDiscord, bot_config, run_bot
from tests.conftest import BACKENDS, new_target

# A fixed Monday evening (IST 23:30), so date-dependent features behave the same on every run.
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
async def fake(clock: VirtualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord.running(clock=clock) as fake:
        yield fake
        assert_clean(fake)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """End-to-end tests that use `config` run on SQLite, and those of `POSTGRES_MODULES` on PostgreSQL too."""
    return str(request.param)


# The PostgreSQL half of the end-to-end suite: the modules whose commands write community state
# (the store is what differs between the backends). Content-only and text-table modules (recaps,
# cast, search, wording tables, the harness itself) read the local SQLite content file either way,
# so running them twice would double the suite's time and test nothing new.
POSTGRES_MODULES = {
    "test_backup_restore",
    "test_hindi_member", "test_ops", "test_postgres_restart", "test_qotd", "test_qotd_fall_back", "test_refused_posts",
    "test_releases", "test_replays", "test_shards", "test_shards_processes", "test_spoilers",
    "test_spoilers_store", "test_trivia_community", "test_trivia_games", "test_watchparty",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgres"
        module = item.path.stem
        (drop if on_postgres and "/e2e/" in str(item.path) and module not in POSTGRES_MODULES else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def config(fake: LocalDiscord, tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Config:
    """Our bot's settings aimed at the stand-in, with its own database and the shipped content pack."""
    target = new_target(backend, request, tmp_path)
    base = Config(
        token=fake.token, database_path=target.path, database_url=target.url, content_dir=DEFAULT_CONTENT_DIR
    )
    return bot_config(fake, base)


@pytest.fixture
async def bot(fake: LocalDiscord, config: Config, clock: VirtualClock) -> AsyncIterator[LittleThingsBot]:
    """`LittleThingsBot` connected to `fake`, commands synced to its server; closed after the test."""
    async with run_bot(fake, config, clock=clock) as running:
        yield running


def assert_clean(fake: LocalDiscord) -> None:
    """Fail the test if Discord would have refused something or the bot logged an error."""
    problems: list[str] = []
    if fake.violations:
        problems.append("Bodies real Discord would refuse (HTTP 400):")
        problems.extend(f"  {v}" for v in fake.violations)
    if fake.unhandled:
        problems.append("Discord routes the stand-in does not serve (add them to bot/localdiscord/rest.py):")
        problems.extend(f"  {c.method} {c.route}" for c in fake.unhandled)
    if fake.bot_errors:
        problems.append("Errors the bot logged:")
        problems.extend(f"  {e}" for e in fake.bot_errors)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


async def advance_past_pause(
    fake: LocalDiscord, clock: VirtualClock, *, games: int = 1, pause: timedelta = timedelta(seconds=5)
) -> None:
    """Move past the pause after a trivia reveal, once `games` games are sleeping in it.

    The reveal reaches the stand-in a moment before the bot hears Discord's answer and starts its
    pause; moving the clock in between would leave the pause waiting on a time that has passed.
    """
    end = clock.now() + pause
    await fake.wait_until(
        lambda: clock.pending_deadlines().count(end) >= games, what=f"{games} game(s) to pause after the reveal"
    )
    await clock.advance(pause)


async def wait_for_countdown(fake: LocalDiscord, clock: VirtualClock, bot: LittleThingsBot,
                             channel: str = "general") -> None:
    """Until the trivia game in `channel` sleeps until its next deadline (question close or hint).

    The question reaches the stand-in a moment before the bot hears Discord's answer and starts
    counting down; moving the clock in between would start the countdown after the move.
    """
    cog: Any = bot.get_cog("Trivia")
    channel_id = fake.channel(channel).id

    def counting() -> bool:
        session = cog.sessions.get(channel_id)
        return session is not None and session.game.next_deadline() in clock.pending_deadlines()

    await fake.wait_until(counting, what="the game's countdown")
