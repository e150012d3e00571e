"""`python -m bot`: run the bot, manage the content pack, or try it in a local playground.

Operator mistakes (no token, a bad setting, an unusable database) end with exit status 2 and one
line that says what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot.config import Config, ConfigError, load_config, parse_shards
from bot.heap import tune_collector
from bot.store import StoreError

log = logging.getLogger(__name__)

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Little Things fan bot: trivia, recaps, cast facts, watch parties and release reminders.",
        epilog="Settings come from the environment and .env (see .env.example). "
        "Try the bot without a Discord account: python -m bot play",
    )
    parser.add_argument(
        "--sync",
        action="store_true",
        help="sync slash commands globally at start (Discord rate-limits this; use it after adding commands)",
    )
    parser.add_argument("--shards", metavar="IDS", help="run these shards in this process, e.g. 0,1 (or SHARDS)")
    parser.add_argument(
        "--shard-count", metavar="N", help="shards the bot has in all, the same in every process (or SHARD_COUNT)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser(
        "play",
        add_help=False,
        help="try the bot without a Discord account: a local server in your terminal (python -m bot play --help)",
    )

    move = sub.add_parser(
        "migrate-to-postgres",
        help="copy the SQLite database's community state into an empty PostgreSQL database (one-way)",
    )
    move.add_argument("--db", type=Path, help="the SQLite file to copy (default: DATABASE_PATH)")
    move.add_argument("--to", metavar="URL", help="postgresql://user:pw@host:port/db (default: DATABASE_URL)")

    content = sub.add_parser("content", help="validate, import or count the content pack")
    content_sub = content.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (
        ("validate", "check the pack; print every problem as 'file: entry id: what is wrong'; exit 1 if any"),
        ("import", "load the pack into the store in one transaction (a failure changes nothing)"),
        ("stats", "print the number of rows per content table"),
    ):
        p = content_sub.add_parser(action, help=text, description=text)
        p.add_argument("--content", type=Path, help="content pack folder (default: CONTENT_DIR or data/content)")
        if action != "validate":
            p.add_argument("--db", type=Path, help="database file (default: DATABASE_PATH)")
    backup = sub.add_parser(
        "backup",
        help="write a checked copy of the database (safe while the bot runs)",
        description="Copy the live database with SQLite's online backup API (with DATABASE_URL: pg_dump "
        "--format=custom of PostgreSQL), then read the copy back and check it (integrity, schema version, "
        "row counts) before saying it is done.",
    )
    backup.add_argument(
        "file", nargs="?", type=Path,
        help="where to write it (default: BACKUP_DIR/littlethings-<UTC time>.sqlite3, or .pgdump with DATABASE_URL)",
    )
    restore = sub.add_parser(
        "restore",
        help="put a backup in place of the database (the bot must be stopped)",
        description="Check FILE, then replace the database with it; the replaced one is kept beside it "
        "(with DATABASE_URL: dumped to BACKUP_DIR/replaced-<UTC time>.pgdump first).",
    )
    restore.add_argument("file", type=Path, help="the backup to restore")
    health = sub.add_parser("healthcheck", help="exit 0 if the running bot's /healthz answers healthy (for watchdogs)")
    health.add_argument("--attempts", type=int, default=1, help="ask up to this many times before failing (default 1)")
    health.add_argument("--wait", type=float, default=5.0, help="seconds between attempts (default 5)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["play"]:
        from bot.play import main as play_main

        return play_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "content":
            return _content_command(args)
        if args.command == "migrate-to-postgres":
            return _migrate_command(args)
        if args.command in ("backup", "restore", "healthcheck"):
            return _ops_command(args)
        config = load_config()
        if args.shards is not None or args.shard_count is not None:
            shard_ids, shard_count = parse_shards(
                args.shards if args.shards is not None else ",".join(map(str, config.shard_ids or ())),
                args.shard_count if args.shard_count is not None else str(config.shard_count or ""),
            )
            config = config.with_overrides(shard_ids=shard_ids, shard_count=shard_count)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from bot.ops.logs import setup_logging

    setup_logging(config.log_level, config.log_format)
    tune_collector()
    return asyncio.run(_run_bot(config, sync_globally=args.sync))


async def _run_bot(config: Config, *, sync_globally: bool) -> int:
    from bot.app import create_bot

    bot = create_bot(config, sync_globally=sync_globally)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.shutdown()))
    try:
        async with bot:
            await bot.start(config.token)
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; check it in .env (see .env.example).", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"error: {exc}; check DATABASE_PATH (see .env.example).", file=sys.stderr)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        print(
            "error: typed trivia needs the Message Content intent: enable it for the bot in the Discord "
            "developer portal, or set TRIVIA_TYPED_MODE=false (see .env.example).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    log.info("shut down cleanly")
    return 0


def _ops_command(args: argparse.Namespace) -> int:
    from bot.ops import cli as ops_cli

    config = load_config(require_token=False)
    if args.command == "backup":
        return ops_cli.backup(config, args.file)
    if args.command == "restore":
        return ops_cli.restore(config, args.file)
    return ops_cli.healthcheck(config, attempts=max(args.attempts, 1), wait=max(args.wait, 0.0))


def _content_command(args: argparse.Namespace) -> int:
    from bot import content_cli

    config = load_config(require_token=False)
    content_dir = args.content or config.content_dir
    if args.action == "validate":
        return content_cli.validate(content_dir)
    database = getattr(args, "db", None) or config.database_path
    return asyncio.run(content_cli.run(args.action, content_dir, database))


def _migrate_command(args: argparse.Namespace) -> int:
    from bot.store.migrate_pg import migrate_to_postgres
    from bot.store.postgres import is_postgres_url

    config = load_config(require_token=False)
    url = str(args.to or config.database_url or "")
    if not is_postgres_url(url):
        print("error: say where to: --to postgresql://user:password@host:port/database (or DATABASE_URL).",
              file=sys.stderr)
        return EXIT_USAGE
    source = args.db or config.database_path
    try:
        report = asyncio.run(migrate_to_postgres(source, url))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{report.summary()}. Set DATABASE_URL to this database and start the bot.")
    return 0
