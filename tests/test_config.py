"""Config: read once from the environment and .env, validated with messages that name the fix."""

import logging
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_PATH, ConfigError, load_config

GOOD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_with_only_a_token() -> None:
    config = load_config({"DISCORD_TOKEN": GOOD_TOKEN}, env_file=None)
    assert config.token == GOOD_TOKEN
    assert config.database_path == DEFAULT_DATABASE_PATH
    assert config.dev_guild_id is None
    assert config.log_level == logging.INFO
    assert config.typed_trivia is False


@pytest.mark.parametrize("token", ["", "   ", "your-bot-token-here"])
def test_missing_token_names_env_example(token: str) -> None:
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN is not set.*\.env\.example.*python -m bot play"):
        load_config({"DISCORD_TOKEN": token}, env_file=None)


@pytest.mark.parametrize("token", ["abc", "Bot " + GOOD_TOKEN, GOOD_TOKEN.replace(".", ""), "a.b.c", "x" * 70 + " y"])
def test_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(ConfigError, match=r"does not look like a Discord bot token.*\.env\.example"):
        load_config({"DISCORD_TOKEN": token}, env_file=None)


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={GOOD_TOKEN}\nLOG_LEVEL=debug\nDEV_GUILD_ID=123456789012345678\n")
    config = load_config({"LOG_LEVEL": "WARNING"}, env_file=env_file)
    assert config.token == GOOD_TOKEN
    assert config.log_level == logging.WARNING
    assert config.dev_guild_id == 123456789012345678


def test_relative_paths_resolve_from_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config({"DISCORD_TOKEN": GOOD_TOKEN, "DATABASE_PATH": "db/x.sqlite3"}, env_file=None)
    assert config.database_path == tmp_path / "db" / "x.sqlite3"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID must be a Discord server id"),
        ("DEV_GUILD_ID", "12", "DEV_GUILD_ID must be a Discord server id"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of"),
        ("OWNER_IDS", "1,two", "OWNER_IDS must be comma-separated user ids"),
        ("TRIVIA_TYPED_MODE", "maybe", "TRIVIA_TYPED_MODE must be true or false"),
    ],
)
def test_bad_settings_name_the_setting(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_config({"DISCORD_TOKEN": GOOD_TOKEN, name: value}, env_file=None)
    assert ".env.example" in str(info.value)


def test_owner_ids_and_typed_mode() -> None:
    config = load_config(
        {"DISCORD_TOKEN": GOOD_TOKEN, "OWNER_IDS": "111, 222", "TRIVIA_TYPED_MODE": "yes"}, env_file=None
    )
    assert config.owner_ids == frozenset({111, 222})
    assert config.typed_trivia is True


def test_database_url_picks_the_backend(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": GOOD_TOKEN}
    assert load_config(env, env_file=None).database_url is None
    sqlite = load_config({**env, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}, env_file=None)
    assert (sqlite.database_url, sqlite.database_path) == (None, tmp_path / "x.sqlite3")
    url = "postgresql://bot:pw@db.example:5432/lt"
    pg = load_config({**env, "DATABASE_URL": url, "DATABASE_PATH": str(tmp_path / "c.sqlite3")}, env_file=None)
    assert (pg.database_url, pg.database_path) == (url, tmp_path / "c.sqlite3")
    with pytest.raises(ConfigError, match=r"DATABASE_URL must be sqlite:///.*postgresql://"):
        load_config({**env, "DATABASE_URL": "mysql://x"}, env_file=None)


def test_shards_from_the_environment() -> None:
    env = {"DISCORD_TOKEN": GOOD_TOKEN}
    assert (load_config(env, env_file=None).shard_ids, load_config(env, env_file=None).shard_count) == (None, None)
    config = load_config({**env, "SHARDS": "1, 0", "SHARD_COUNT": "4"}, env_file=None)
    assert (config.shard_ids, config.shard_count) == ((0, 1), 4)
    every = load_config({**env, "SHARD_COUNT": "2"}, env_file=None)
    assert (every.shard_ids, every.shard_count) == ((0, 1), 2)


@pytest.mark.parametrize(
    ("shards", "count", "message"),
    [("0,1", "", "SHARD_COUNT must be"), ("0,4", "4", "shards 0 to 3"), ("a", "2", "SHARDS must be"),
     ("0", "0", "SHARD_COUNT must be")],
)
def test_bad_shard_settings_name_the_setting(shards: str, count: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({"DISCORD_TOKEN": GOOD_TOKEN, "SHARDS": shards, "SHARD_COUNT": count}, env_file=None)


def test_the_outbound_request_budget_defaults_under_discords_limit() -> None:
    assert load_config({"DISCORD_TOKEN": GOOD_TOKEN}, env_file=None).requests_per_second == 45
    config = load_config({"DISCORD_TOKEN": GOOD_TOKEN, "DISCORD_REQUESTS_PER_SECOND": "30"}, env_file=None)
    assert config.requests_per_second == 30
    for bad in ("0", "51", "fast"):
        with pytest.raises(ConfigError, match=r"DISCORD_REQUESTS_PER_SECOND.*1 to 50.*env\.example"):
            load_config({"DISCORD_TOKEN": GOOD_TOKEN, "DISCORD_REQUESTS_PER_SECOND": bad}, env_file=None)
