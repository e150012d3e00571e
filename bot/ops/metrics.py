"""What the bot counts for `GET /metrics`, in prometheus_client's own types.

Why one object per bot with its own registry: tests run many bots in one process, and each must
start from zero. Recording is cheap and synchronous (a dict insert, a counter increment under
prometheus_client's lock): nothing here awaits, so the hot path pays microseconds. Gauges that cost
a query (timers pending) are refreshed only when someone scrapes.

Imports nothing from discord: `bot.ops.instrument` feeds it from a running bot, and any other
part may call the small hooks (`observe_outbound_wait`, `set_outbound_depth_source`) directly.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LATENESS_BUCKETS = (0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0)
QUERY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.0)
RATE_LIMIT_WINDOW = 3600.0
MAX_UNANSWERED = 5_000  # interactions seen but not yet answered, kept for the latency histogram

OUTCOMES = ("answered", "user_error", "crash")


class BotMetrics:
    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)  # process_resident_memory_bytes and friends
        r = self.registry
        self.interactions = Counter(
            "littlethings_interactions", "Slash commands handled, by command and outcome "
            "(answered, user_error: told what was wrong, crash: a bug with an error id)",
            ["command", "outcome"], registry=r,
        )
        self.answer_latency = Histogram(
            "littlethings_answer_latency_seconds",
            "From the interaction reaching the bot to Discord accepting its first answer (or defer)",
            ["command"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.rest_requests = Counter(
            "littlethings_rest_requests", "HTTP requests the bot made to Discord, by route, method and status",
            ["route", "method", "status"], registry=r,
        )
        self.rest_rate_limited = Counter(
            "littlethings_rest_rate_limited", "HTTP 429 answers from Discord, by route", ["route"], registry=r
        )
        self.outbound_depth = Gauge(
            "littlethings_outbound_queue_depth", "Messages waiting in the outbound queue to be sent", registry=r
        )
        self.outbound_wait = Histogram(
            "littlethings_outbound_wait_seconds", "How long a message waited in the outbound queue",
            buckets=LATENCY_BUCKETS, registry=r,
        )
        self.timers_pending = Gauge("littlethings_timers_pending", "Durable timers waiting to fire", registry=r)
        self.timer_lateness = Histogram(
            "littlethings_timer_lateness_seconds", "How late timers fired after their due time",
            buckets=LATENESS_BUCKETS, registry=r,
        )
        self.trivia_games = Gauge("littlethings_trivia_games_running", "Trivia games running now", registry=r)
        self.store_query = Histogram(
            "littlethings_store_query_seconds", "Database time per read query and per write transaction",
            ["kind"], buckets=QUERY_BUCKETS, registry=r,
        )
        self.gateway_latency = Gauge(
            "littlethings_gateway_latency_seconds", "Heartbeat round trip to the Discord gateway", registry=r
        )
        self.gateway_connected = Gauge(
            "littlethings_gateway_connected", "1 while the gateway connection is open", registry=r
        )
        self.last_backup = Gauge(
            "littlethings_last_backup_timestamp_seconds", "When the last backup was made (0: never)", registry=r
        )
        # Label children looked up once: `labels()` costs about a microsecond, a dict hit far less.
        self._children: dict[tuple[object, ...], Any] = {}
        self._store_read = self.store_query.labels("read")
        self._store_write = self.store_query.labels("write")
        self._unanswered: dict[int, tuple[float, str]] = {}
        self._rate_limited_at: deque[float] = deque()
        self._outbound_depth_source: Callable[[], int] | None = None

    # -- interactions ----------------------------------------------------------------------------

    def interaction_received(self, interaction_id: int, label: str) -> None:
        if len(self._unanswered) >= MAX_UNANSWERED:  # never answered (the bot crashed on them): forget the oldest
            for key in list(self._unanswered)[: MAX_UNANSWERED // 10]:
                del self._unanswered[key]
        self._unanswered[interaction_id] = (time.perf_counter(), label)

    def interaction_answered(self, interaction_id: int) -> None:
        seen = self._unanswered.pop(interaction_id, None)
        if seen is not None:
            started, label = seen
            self._child(self.answer_latency, label).observe(time.perf_counter() - started)

    def command_outcome(self, command: str, outcome: str) -> None:
        self._child(self.interactions, command, outcome).inc()

    # -- REST ------------------------------------------------------------------------------------

    def rest_response(self, method: str, path: str, status: int) -> None:
        route = route_of(path)
        self._child(self.rest_requests, route, method, status).inc()
        if status == 429:
            self._child(self.rest_rate_limited, route).inc()
            self._rate_limited_at.append(self._monotonic())

    def rate_limited_recently(self, window: float = RATE_LIMIT_WINDOW) -> int:
        """429s in the last `window` seconds (for /admin status)."""
        horizon = self._monotonic() - window
        while self._rate_limited_at and self._rate_limited_at[0] < horizon:
            self._rate_limited_at.popleft()
        return len(self._rate_limited_at)

    # -- the outbound queue (fed by the outbound scheduler when there is one) ----------------------

    def set_outbound_depth_source(self, source: Callable[[], int] | None) -> None:
        """The scheduler hands over a cheap `len(queue)`; it is read at each scrape."""
        self._outbound_depth_source = source
        if source is None:
            self.outbound_depth.set(0)
        else:
            self.outbound_depth.set_function(lambda: float(source()))

    def outbound_depth_now(self) -> int | None:
        """None when nothing reports a queue (every send goes straight out)."""
        return None if self._outbound_depth_source is None else self._outbound_depth_source()

    def observe_outbound_wait(self, seconds: float) -> None:
        self.outbound_wait.observe(seconds)

    # -- timers and the store --------------------------------------------------------------------

    def timer_fired(self, lateness_seconds: float) -> None:
        self.timer_lateness.observe(max(lateness_seconds, 0.0))

    def store_queried(self, kind: str, seconds: float) -> None:
        (self._store_read if kind == "read" else self._store_write).observe(seconds)

    def _child(self, metric: Any, *labels: object) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*(str(label) for label in labels))
        return child

    def render(self) -> bytes:
        return generate_latest(self.registry)


_API_PREFIX = re.compile(r"^/api(/v\d+)?")
INTERACTION_CALLBACK_ROUTE = "/interactions/{id}/{token}/callback"


def route_of(path: str) -> str:
    """`/api/v10/channels/123/messages/456` → `/channels/{id}/messages/{id}`: few labels, no secrets.

    Interaction and webhook tokens and reaction emoji are replaced too, so a label never carries
    a token and the number of labels stays bounded.
    """
    path = path.split("?", 1)[0]
    if path.startswith("/api"):
        path = _API_PREFIX.sub("", path)
    if path.endswith("/callback") and path.startswith("/interactions/"):
        return INTERACTION_CALLBACK_ROUTE  # every interaction's first answer: the commonest request
    out: list[str] = []
    for part in path.split("/"):
        if not part:
            continue
        if part.isdigit():
            out.append("{id}")
        elif len(out) >= 2 and out[-1] == "{id}" and out[-2] in ("interactions", "webhooks"):
            out.append("{token}")
        elif out and out[-1] == "reactions":
            out.append("{emoji}")
        else:
            out.append(part)
    return "/" + "/".join(out)
