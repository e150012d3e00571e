"""What the metrics cost on the hot path, and what a scrape costs.

    .venv/bin/python bench/metrics.py [--n 200000]

Per interaction the bot records: the arrival (a dict insert), the first answer (a histogram
observation), the outcome (a counter) and one REST response (route label + counter). Figures are
the cost of that whole set per interaction, from BotMetrics alone (no Discord, no network), then
the time to render /metrics with 20 commands x 3 outcomes and 15 routes of labels.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.ops.metrics import BotMetrics

COMMANDS = [f"command{i}" for i in range(20)]
PATHS = [f"/api/v10/channels/{10**17 + i}/messages" for i in range(5)] + [
    f"/api/v10/interactions/{10**17 + i}/tokenabc{i}/callback" for i in range(10)
]


def per_interaction(metrics: BotMetrics, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        command = COMMANDS[i % len(COMMANDS)]
        metrics.interaction_received(i, command)
        metrics.rest_response("POST", PATHS[i % len(PATHS)], 200)
        metrics.interaction_answered(i)
        metrics.command_outcome(command, "answered")
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    args = parser.parse_args()
    metrics = BotMetrics()
    per_interaction(metrics, 5_000)  # warm up: labels created
    runs = [per_interaction(metrics, args.n // 5) for _ in range(5)]
    for command in COMMANDS:
        for outcome in ("user_error", "crash"):
            metrics.command_outcome(command, outcome)
    renders = []
    for _ in range(50):
        started = time.perf_counter()
        body = metrics.render()
        renders.append(time.perf_counter() - started)
    print(f"recording per interaction (arrival, REST response, answer, outcome), {args.n:,} interactions:")
    print(f"  median of 5 runs {statistics.median(runs) * 1e6:.2f} µs, worst run {max(runs) * 1e6:.2f} µs")
    lines = len(body.splitlines())
    print(f"rendering /metrics ({len(body):,} bytes, {lines:,} lines), 50 renders:")
    print(f"  median {statistics.median(renders) * 1e3:.2f} ms, max {max(renders) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
