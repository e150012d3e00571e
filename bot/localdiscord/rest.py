"""The REST half of the stand-in: every request is recorded, validated, maybe failed on purpose, then served.

One aiohttp handler takes every `/api/v10/...` request and runs the same pipeline, so no route can
forget a step: match the path to Discord's own route template, parse the body (JSON, or multipart
with `payload_json` and files), check authorisation, validate against the spec and the practical
limits, apply an injected failure if one is queued, and finally call the route's handler. Handler
errors are raised as `ApiError` and leave as Discord's JSON error bodies. Unknown routes get a 404
JSON body (a 5xx would make discord.py retry for seconds).
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from bot.localdiscord.events import BotRequestFailed
from bot.localdiscord.interactions import CHANNEL_MESSAGE, UPDATE_MESSAGE
from bot.localdiscord.limits import command_problems, message_problems
from bot.localdiscord.recording import RestCall, UploadedFile, Violation, bucket_hash
from bot.localdiscord.routes import (
    CALLBACK,
    NO_CONTENT,
    ORIGINAL,
    WEBHOOK,
    WEBHOOK_MESSAGE,
    ApiError,
    Request,
    RouteTable,
    all_routes,
)
from bot.localdiscord.spec import Problem, discord_error_body

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

log = logging.getLogger(__name__)

JSON_HEADERS = {"Content-Type": "application/json"}  # exactly this: discord.py reads "; charset=..." as text


class RestApi:
    def __init__(self, fake: LocalDiscord) -> None:
        self.fake = fake
        self.routes: RouteTable = all_routes(fake)

    # --- the pipeline ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        fake = self.fake
        loop_time = fake.loop_time()
        path = "/" + request.match_info.get("tail", "")
        method = request.method.upper()
        match = fake.spec.router.match(path)
        route, params = match if match is not None else (None, {})
        call = RestCall(
            seq=len(fake.calls) + 1,
            method=method,
            route=route,
            path=path,
            params=params,
            query=dict(request.query),
            json=None,
            files=(),
            started=loop_time,
        )
        fake.calls.append(call)
        limited = fake.ratelimits.check(method, route, params) if fake.ratelimits is not None else None
        try:
            if limited is not None and not limited.allowed:
                call.json, call.files = await self._read_body(request)
                status, body, headers = 429, limited.body, dict(limited.headers)
            else:
                status, body, headers = await self._serve(request, call)
        except ApiError as error:
            status, body, headers = error.status, error.body(), {}
        except Exception:
            log.exception("localdiscord: handler for %s %s crashed", method, path)
            status, body, headers = 500, {"message": "500: Internal Server Error", "code": 0}, {}
        call.status = status
        call.response = None if body is NO_CONTENT else body
        if status >= 400:
            error_body = body if isinstance(body, dict) else {}
            fake.feed.publish(
                BotRequestFailed(method, route, status, error_body.get("code"), str(error_body.get("message", "")))
            )
        else:
            fake.feed.notify()
        headers = {**(limited.headers if limited is not None else self._ratelimit_headers(route)), **headers}
        if fake.ratelimits is not None:
            fake.ratelimits.observe(status, headers, injected=call.injected)
        if body is NO_CONTENT:
            return web.Response(status=status, headers=headers)
        return web.Response(status=status, body=json.dumps(body).encode(), headers={**headers, **JSON_HEADERS})

    async def _serve(self, request: web.Request, call: RestCall) -> tuple[int, Any, dict[str, str]]:
        fake = self.fake
        call.json, call.files = await self._read_body(request)
        if not self._authorised(request, call.route):
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        problems = self._problems(call)
        if problems:
            violation = Violation(call.method, call.route or call.path, call.path, tuple(problems), call.json)
            call.violation = violation
            fake.violations.append(violation)
            log.warning("localdiscord: Discord would refuse %s", violation)
        failure = fake.take_failure(call.method, call.route)
        if failure is not None:
            call.injected = True
            return failure.status, failure.body(), failure.headers(bucket_hash(call.route))
        if problems:
            if any(p.code == "50006" for p in problems):
                return 400, {"message": "Cannot send an empty message", "code": 50006}, {}
            return 400, discord_error_body(problems), {}
        if call.route is None:
            log.warning("localdiscord: %s %s is not a Discord route", call.method, call.path)
            return 404, {"message": "404: Not Found", "code": 0}, {}
        handler = self.routes.get((call.method, call.route))
        if handler is None:
            fake.unhandled.append(call)
            log.warning("localdiscord: %s %s is a Discord route the stand-in does not serve", call.method, call.route)
            if call.route in {r for _, r in self.routes}:
                return 405, {"message": "405: Method Not Allowed", "code": 0}, {}
            return 404, {"message": "404: Not Found", "code": 0}, {}
        ctx = Request(call.method, call.route, call.params, call.query, call.json, call.files, call)
        result = await handler(ctx)
        if result is NO_CONTENT:
            return 204, NO_CONTENT, {}
        return 200, result, {}

    async def _read_body(self, request: web.Request) -> tuple[Any, tuple[UploadedFile, ...]]:
        if not request.can_read_body:
            return None, ()
        content_type = request.content_type
        if content_type.startswith("multipart/"):
            payload: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue  # nested multipart: Discord does not use it
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    data = await part.read(decode=False)
                    files.append(
                        UploadedFile(
                            field=str(part.name),
                            filename=str(part.filename or part.name),
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(data),
                        )
                    )
            return payload, tuple(files)
        raw = await request.read()
        if not raw:
            return None, ()
        try:
            return json.loads(raw), ()
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    def _authorised(self, request: web.Request, route: str | None) -> bool:
        if route is not None and (
            route.startswith("/interactions/") or route.startswith("/webhooks/{webhook_id}/{webhook_token}")
        ):
            return True  # the token in the path is the credential
        return request.headers.get("Authorization") == f"Bot {self.fake.token}"

    def _problems(self, call: RestCall) -> list[Problem]:
        if not self.fake.validate_bodies:
            return []
        call.checked = True
        return self.problems_of(call)

    def problems_of(self, call: RestCall) -> list[Problem]:
        """What Discord would refuse in this call's body: the spec, then the limits it does not state."""
        if call.route is None or call.json is None:
            return []
        problems = self.fake.spec.validate(call.method, call.route, call.json)
        body = call.json
        files = len(call.files)
        key = (call.method, call.route)
        if key in _MESSAGE_CREATE_ROUTES:
            problems += message_problems(body, creating=True, file_count=files)
        elif key in _MESSAGE_EDIT_ROUTES:
            problems += message_problems(body, creating=False, file_count=files)
        elif key == ("POST", CALLBACK) and isinstance(body, dict):
            kind = body.get("type")
            data = body.get("data")
            if kind == CHANNEL_MESSAGE:
                problems += message_problems(
                    data if isinstance(data, dict) else {}, ("data",), creating=True, file_count=files
                )
            elif kind == UPDATE_MESSAGE and isinstance(data, dict):
                problems += message_problems(data, ("data",), creating=False, file_count=files)
        elif key in _COMMAND_SYNC_ROUTES and isinstance(body, list):
            problems += command_problems(body)
        return problems

    def _ratelimit_headers(self, route: str | None) -> dict[str, str]:
        # A generous bucket that never runs dry: discord.py's limiter code runs but never waits.
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",  # real time: discord.py compares it with its own clock
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket_hash(route),
        }


_MESSAGE_CREATE_ROUTES = {("POST", "/channels/{channel_id}/messages"), ("POST", WEBHOOK)}
_MESSAGE_EDIT_ROUTES = {
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("PATCH", ORIGINAL),
    ("PATCH", WEBHOOK_MESSAGE),
}
_COMMAND_SYNC_ROUTES = {
    ("PUT", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
}
