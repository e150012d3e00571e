"""Seeing every answer Discord gives the bot's HTTP requests, at the cost of one function call.

The metrics (REST requests by route and status, when an interaction's first answer was accepted)
and the outbound scheduler's rate-limit feedback need each response's method, path, status and
headers. aiohttp's request tracing gave them, but a trace fires seven events per request, each
building a parameter object (and a URL with its query) whether anyone listens or not: measured in
bench/readspeed.py, it added a tenth to the bot's CPU per interaction (1.34× the bare bot's
CPU against 1.24× without it). An aiohttp client middleware (aiohttp 3.12+) wraps each request in
one call instead.

discord.py builds its `ClientSession` itself (in `HTTPClient.static_login`, with no way to pass
middlewares), and interaction answers use that same session, so the middleware is added to it once
it exists, before anything is sent (from `setup_hook`). That reaches into two private attributes:
if a discord.py or aiohttp release renames them, `watch_responses` raises at start rather than
letting 429s go unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import aiohttp
import discord

ResponseObserver = Callable[[str, str, int, Mapping[str, str]], None]
"""(method, path, status, headers) of one answered request; runs on the event loop, must not block."""


class WatchUnavailableError(RuntimeError):
    """discord.py's HTTP session is not where this module expects it (a changed internal)."""


def watch_responses(http: discord.http.HTTPClient, observers: Sequence[ResponseObserver]) -> bool:
    """Call every observer with each response discord.py's session receives from now on.

    False when there is no session to watch: the client has not logged in (a test that runs
    `setup_hook` by itself).
    """
    session = getattr(http, "_HTTPClient__session", None)
    if session is discord.utils.MISSING:
        return False
    current = getattr(session, "_middlewares", None)
    if not isinstance(session, aiohttp.ClientSession) or not isinstance(current, tuple):
        raise WatchUnavailableError(
            "cannot watch Discord's answers: discord.py's HTTP session has changed shape "
            f"(discord.py {discord.__version__}, aiohttp {aiohttp.__version__})"
        )
    watchers = tuple(observers)

    async def observe(request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType) -> aiohttp.ClientResponse:
        response = await handler(request)
        method, path, status, headers = request.method, request.url.path, response.status, response.headers
        for watcher in watchers:
            watcher(method, path, status, headers)
        return response

    session._middlewares = (*current, observe)
    return True
