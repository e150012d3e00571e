"""The small HTTP server for `/healthz` and `/metrics` (aiohttp, already used by the stand-in).

It is optional equipment: when its port cannot be bound the bot logs one clear error and runs on
without it, because a busy port must never keep a community's bot offline.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]
MetricsRender = Callable[[], Awaitable[bytes]]


class OpsServer:
    def __init__(self, host: str, port: int, *, health: HealthCheck, metrics: MetricsRender) -> None:
        self.host = host
        self.port = port
        self._health = health
        self._metrics = metrics
        self._runner: web.AppRunner | None = None

    async def start(self) -> bool:
        """Listen; False (after logging why) when the port cannot be bound."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._render_metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            log.error(
                "metrics off: cannot listen on %s:%s (%s); is METRICS_PORT in use by another program? "
                "The bot runs on without /healthz and /metrics.",
                self.host, self.port, exc.strerror or exc,
            )
            return False
        self._runner = runner
        log.info("serving /healthz and /metrics on http://%s:%s", self.host, self.port)
        return True

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, body = await self._health()
        return web.json_response(body, status=200 if healthy else 503)

    async def _render_metrics(self, request: web.Request) -> web.Response:
        body = await self._metrics()
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
