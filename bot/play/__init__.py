"""`python -m bot play`: try the real bot in a terminal, against a local Discord, with no token.

A local server (#general, #off-topic, a "Watch Party" voice channel, a Moderator role; members
`you` (Moderator), `alice`, `bob`, `owner`) runs in this process; our real `LittleThingsBot`
connects to it through discord.py's own gateway and HTTP code. Type slash commands as in Discord,
press buttons by number, fill in forms, switch member with `as bob`, move the bot's clock with
`wait 1d`. `--script FILE` runs a file of such lines and prints the transcript (see
examples/demo.play).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot.config import DEFAULT_CONTENT_DIR

__all__ = ["build_parser", "main"]

EPILOG = """\
Inside, type 'help'. Slash commands work as in Discord (/about, /trivia start rounds:3,
/cast name:"mithila palkar"); Tab completes commands, options and values.

Script files (--script, or lines piped to stdin): one line per command, as typed.
  # comment / blank line   skipped
  expect TEXT              fail unless TEXT showed up in the previous line's output
  complete /cast name:mi   print what Tab would offer
A form (modal) opened by a command takes the next lines, one per field in order (an empty
line skips an optional field; write \\n for a line break), or all at once:
  submit question="Who is Kavya?" answer=Mithila
The run stops at the first failing line: exit 1 and 'FILE: line N failed: why'.
"""


def build_parser(prog: str = "python -m bot play") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Try the bot in a local playground: a Discord stand-in with you, alice and bob. "
        "No token or network needed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="run the lines of FILE as if typed, print the transcript; exit 1 at the first failing line",
    )
    parser.add_argument(
        "--content",
        type=Path,
        metavar="DIR",
        help=f"content pack folder to preview (validated first; default {DEFAULT_CONTENT_DIR})",
    )
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="database file to keep between runs (default: a fresh temporary file)"
    )
    parser.add_argument(
        "--log",
        type=Path,
        metavar="FILE",
        help="write the bot's log here (default: a temporary file, kept only after a failure)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m bot play [--script FILE] [--content DIR] [--db PATH]`."""
    started = time.perf_counter()
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    content = args.content or DEFAULT_CONTENT_DIR
    if args.content is not None and _content_problems(content):
        return 1
    if args.script is not None and not args.script.is_file():
        print(f"error: no script file {args.script}", file=sys.stderr)
        return 2
    log_path = args.log or Path(tempfile.gettempdir()) / f"littlethings-play-{os.getpid()}.log"
    _log_to_file(log_path)
    interactive = args.script is None
    terminal = sys.stdout.isatty()
    console = Console(
        force_terminal=terminal,
        no_color=not terminal,
        highlight=False,
        emoji=False,
        width=None if terminal else 100,
        soft_wrap=False,
    )
    if interactive and not sys.stdin.isatty():
        # Piped input: treat it as a script read from stdin.
        lines = sys.stdin.read().splitlines()
        return _finish(asyncio.run(_run(console, args, content, started, log_path, lines=lines)), args, log_path)
    return _finish(asyncio.run(_run(console, args, content, started, log_path, lines=None)), args, log_path)


def _finish(status: int, args: argparse.Namespace, log_path: Path) -> int:
    """Keep the log only when asked for or when something failed (it holds the error ids' tracebacks)."""
    logging.shutdown()
    if args.log is None and status == 0:
        log_path.unlink(missing_ok=True)
    elif args.log is None:
        print(f"the bot's log is in {log_path}", file=sys.stderr)
    return status


def _log_to_file(path: Path) -> None:
    """Bot logs go to a file so they do not garble the terminal; errors are also shown inline."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _content_problems(content: Path) -> bool:
    """List the pack's problems exactly as `content validate` does; True if there are any."""
    from bot.content import load_pack

    if not content.is_dir():
        print(f"{content}: no such folder", file=sys.stderr)
        return True
    result = load_pack(content)
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {content}", file=sys.stderr)
        return True
    return False


async def _run(
    console: Console,
    args: argparse.Namespace,
    content: Path,
    started: float,
    log_path: Path,
    *,
    lines: list[str] | None,
) -> int:
    from bot.play.repl import run_repl
    from bot.play.script import run_script
    from bot.play.session import PlaySession

    session = PlaySession(console, content_dir=content, db_path=args.db)
    try:
        await session.start()
    except Exception as exc:  # the bot could not start: say why in one line, details in the log
        print(f"error: the bot did not start: {exc} (log: {log_path})", file=sys.stderr)
        await session.close()
        return 1
    try:
        ready = time.perf_counter() - started
        fake = session.discord
        commands = ", ".join("/" + name for name, _ in session.command_list())
        if args.script is None and lines is None:
            console.print(
                Text(
                    f"Little Things playground: server '{fake.guild.name}' with you (Moderator), alice, bob. "
                    f"Bot ready in {ready:.1f} s. Commands: {commands}. Type 'help'; Tab completes; Ctrl-D quits.",
                    style="grey50",
                ),
                highlight=False,
            )
            return await run_repl(session, console)
        if args.script is not None:
            text = args.script.read_text(encoding="utf-8").splitlines()
            name = str(args.script)
        else:
            text, name = lines or [], "stdin"
        return await run_script(session, text, console, name=name)
    finally:
        await session.close()
