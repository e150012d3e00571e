"""The interactive prompt: prompt_toolkit with Tab completion from the bot's own command JSON.

Completion is asynchronous and runs in the same event loop as the bot, so value suggestions for
an option with autocomplete are the bot's real autocomplete answers. Messages that arrive while
the prompt waits (a timer firing, a trivia round ending) are printed above the prompt.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Iterable

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout
from rich.console import Console
from rich.text import Text

from bot.play.session import PlayError, PlaySession, QuitRequested


class PlayCompleter(Completer):
    """Commands, subcommands, option names and values, asked of the running session."""

    def __init__(self, session: PlaySession) -> None:
        self.session = session

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        return []  # only the async path is used: completion needs the bot's event loop

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        for item in await self.session.complete(document.text_before_cursor):
            yield Completion(
                item.text, start_position=-item.replace, display=item.display or item.text, display_meta=item.meta
            )


async def run_repl(session: PlaySession, console: Console) -> int:
    prompt: PromptSession[str] = PromptSession(
        completer=PlayCompleter(session), history=InMemoryHistory(), complete_while_typing=False
    )
    watcher = asyncio.create_task(_show_background(session))
    try:
        with patch_stdout(raw=True):
            while True:
                try:
                    line = await prompt.prompt_async(session.prompt)
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    break
                try:
                    await session.run_line(line)
                except QuitRequested:
                    break
                except PlayError as exc:
                    console.print(Text(f"✗ {exc}", style="red"), highlight=False, soft_wrap=True)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    console.print(Text("bye: the bot has been shut down", style="grey50"), highlight=False)
    return 0


async def _show_background(session: PlaySession) -> None:
    """Print what happens between commands (timers fire on the real-time-following clock)."""
    while True:
        await asyncio.sleep(0.15)
        if not session.busy:
            session.flush()
