"""`--script FILE`: run a file of playground lines as if typed, printing the transcript.

Blank lines and `# comments` are skipped. `expect TEXT` checks that TEXT (case-insensitive)
appeared in what the previous line showed, so a script doubles as an end-to-end check. The run
stops at the first line that fails (bad input, no answer, or an error the bot logged) and the exit
status is 1 with that line's number; 0 when every line ran.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from bot.play.session import PlayError, PlaySession, QuitRequested


async def run_script(session: PlaySession, lines: Iterable[str], console: Console, *, name: str = "script") -> int:
    recent = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.split(" ", 1)[0].lower() == "expect":
            wanted = stripped[len("expect") :].strip().strip("\"'")
            if not wanted:
                return _fail(console, name, number, "expect what? e.g. expect Season 2")
            if wanted.lower() not in recent.lower():
                return _fail(console, name, number, f"expected {wanted!r} in the output of the previous line")
            continue
        console.print(Text(f"› {stripped}", style="bold green"), highlight=False, soft_wrap=True)
        session.take_recent_text()
        errors_before = len(session.discord.bot_errors)
        try:
            await session.run_line(line)
        except QuitRequested:
            return 0
        except PlayError as exc:
            console.print(Text(f"✗ {exc}", style="red"), highlight=False, soft_wrap=True)
            return _fail(console, name, number, str(exc))
        recent = session.take_recent_text()
        if len(session.discord.bot_errors) > errors_before:
            return _fail(console, name, number, "the bot logged an error (see above)")
    return 0


def _fail(console: Console, name: str, number: int, why: str) -> int:
    console.print(Text(f"{name}: line {number} failed: {why}", style="bold red"), highlight=False, soft_wrap=True)
    return 1
