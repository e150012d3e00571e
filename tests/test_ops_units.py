"""Pure parts of operations: settings, JSON log lines, status warnings, metric labels and windows."""

import json
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.ops.logs import JsonFormatter, current_command, current_guild
from bot.ops.metrics import MAX_UNANSWERED, BotMetrics, route_of
from bot.ops.status import StatusFacts, describe_age, warnings_for
from cogs.backups import next_due

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
TOKEN = "MTExMzc5OTM1NjU3OTk3MTA3Mw.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def config(**env: str):
    return load_config({"DISCORD_TOKEN": TOKEN, **env}, env_file=None)


def test_operations_defaults_backups_daily_beside_the_database_and_no_metrics(tmp_path: Path) -> None:
    loaded = config(DATABASE_PATH=str(tmp_path / "db" / "bot.sqlite3"))
    assert loaded.backup_dir == tmp_path / "db" / "backups"
    assert (loaded.backup_every, loaded.backup_keep) == (timedelta(days=1), 7)
    assert (loaded.metrics_port, loaded.metrics_host, loaded.log_format) == (None, "127.0.0.1", "human")


@pytest.mark.parametrize(
    ("raw", "every"),
    [("daily", timedelta(days=1)), ("hourly", timedelta(hours=1)), ("weekly", timedelta(weeks=1)),
     ("12h", timedelta(hours=12)), ("2d", timedelta(days=2)), ("30m", timedelta(minutes=30)), ("off", None)],
)
def test_backup_every_understands_words_and_periods(raw: str, every: timedelta | None) -> None:
    assert config(BACKUP_EVERY=raw).backup_every == every


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"BACKUP_EVERY": "1m"}, "BACKUP_EVERY"),
        ({"BACKUP_EVERY": "sometimes"}, "BACKUP_EVERY"),
        ({"BACKUP_KEEP": "0"}, "BACKUP_KEEP"),
        ({"METRICS_PORT": "99999"}, "METRICS_PORT"),
        ({"METRICS_PORT": "http"}, "METRICS_PORT"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_bad_operations_settings_name_the_setting(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        config(**env)


def test_metrics_and_json_logs_on_request() -> None:
    loaded = config(METRICS_PORT="9108", METRICS_HOST="0.0.0.0", LOG_FORMAT="JSON", BACKUP_KEEP="30")
    assert (loaded.metrics_port, loaded.metrics_host, loaded.log_format, loaded.backup_keep) == (
        9108, "0.0.0.0", "json", 30,
    )


def record(message: str, level: int = logging.INFO, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("cogs.trivia", level, __file__, 1, message, (), None)
    rec.__dict__.update(extra)
    return rec


def test_json_lines_carry_the_interaction_context_and_error_id() -> None:
    formatter = JsonFormatter()
    guild_token, command_token = current_guild.set(123), current_command.set("trivia start")
    try:
        line = formatter.format(record("unexpected error [error id ab12]", logging.ERROR, error_id="ab12"))
    finally:
        current_guild.reset(guild_token)
        current_command.reset(command_token)
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "cogs.trivia"
    assert (entry["guild"], entry["command"], entry["error_id"]) == (123, "trivia start", "ab12")
    assert entry["time"].endswith("+00:00") and "\n" not in line

    outside = json.loads(formatter.format(record('a "quoted"\nmessage')))
    assert outside["message"] == 'a "quoted"\nmessage' and outside["guild"] is None and outside["command"] is None


def test_json_lines_keep_the_traceback_in_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(rec)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]


def facts(**changes: object) -> StatusFacts:
    base = dict(
        now=NOW, version="0.1.0", started_at=NOW - timedelta(hours=3), gateway_latency_ms=40.0, servers=1,
        games_running=0, timers_pending=0, next_timer_due=None, timers_late=0, outbound_queue=None,
        database_bytes=1, last_backup_at=NOW - timedelta(hours=20), last_backup_path=None, backups_enabled=True,
        content_version="1.0.0", rate_limited_last_hour=0,
    )
    base.update(changes)
    return StatusFacts(**base)  # type: ignore[arg-type]


def test_a_healthy_bot_has_no_warnings() -> None:
    assert warnings_for(facts()) == []


def test_warnings_for_old_backups_late_timers_and_rate_limits() -> None:
    assert warnings_for(facts(last_backup_at=NOW - timedelta(days=2, hours=1))) == ["No backup for 2 d 1 h."]
    assert warnings_for(facts(last_backup_at=NOW - timedelta(days=1, hours=23))) == []
    assert warnings_for(facts(last_backup_at=None, backups_enabled=False)) == [
        "No backup has been made yet. Automatic backups are off."
    ]
    assert warnings_for(facts(timers_late=3)) == ["3 timer(s) are running late (due more than a minute ago)."]
    assert warnings_for(facts(rate_limited_last_hour=2)) == ["Discord rate-limited the bot 2 time(s) in the last hour."]


def test_ages_read_naturally() -> None:
    ages = [describe_age(timedelta(seconds=s)) for s in (30, 3600 + 120, 86400 * 3 + 7200)]
    assert ages == ["0 min", "1 h 2 min", "3 d 2 h"]


def test_route_labels_hide_ids_tokens_and_emoji() -> None:
    assert route_of("/api/v10/channels/1113806654668931102/messages/42") == "/channels/{id}/messages/{id}"
    assert route_of("/api/v10/interactions/1/aW50ZXJhY3Rpb24.secret/callback?with_response=1") == (
        "/interactions/{id}/{token}/callback"
    )
    assert route_of("/api/v10/webhooks/9/tok/messages/@original") == "/webhooks/{id}/{token}/messages/@original"
    assert route_of("/api/v10/channels/1/messages/2/reactions/%F0%9F%9A%A9/@me") == (
        "/channels/{id}/messages/{id}/reactions/{emoji}/@me"
    )


def test_429s_are_counted_for_an_hour() -> None:
    now = [1000.0]
    metrics = BotMetrics(monotonic=lambda: now[0])
    metrics.rest_response("POST", "/api/v10/channels/1/messages", 429)
    metrics.rest_response("POST", "/api/v10/channels/1/messages", 200)
    now[0] += 1800
    metrics.rest_response("PATCH", "/api/v10/channels/1/messages/2", 429)
    assert metrics.rate_limited_recently() == 2
    now[0] += 1801
    assert metrics.rate_limited_recently() == 1
    text = metrics.render().decode()
    assert 'littlethings_rest_rate_limited_total{route="/channels/{id}/messages"} 1.0' in text


def test_unanswered_interactions_never_grow_without_bound() -> None:
    metrics = BotMetrics()
    for interaction_id in range(MAX_UNANSWERED + 10):
        metrics.interaction_received(interaction_id, "about")
    assert len(metrics._unanswered) <= MAX_UNANSWERED
    metrics.interaction_answered(MAX_UNANSWERED + 9)
    metrics.interaction_answered(MAX_UNANSWERED + 9)  # a second callback is not a second answer
    assert 'littlethings_answer_latency_seconds_count{command="about"} 1.0' in metrics.render().decode()


def test_the_next_backup_keeps_its_rhythm_and_never_lands_in_the_past() -> None:
    day = timedelta(days=1)
    assert next_due(NOW, day, NOW + timedelta(seconds=2)) == NOW + day
    assert next_due(NOW, day, NOW + timedelta(days=3)) == NOW + timedelta(days=4)
