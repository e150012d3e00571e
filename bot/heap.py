"""A larger young generation for the garbage collector in the bot's process.

In a burst (a thousand trivia clicks at once) every interaction in flight holds a few hundred
objects: the payload, discord.py's Interaction and Message, a View with its items, aiohttp's
request and response. With CPython's default threshold (a young collection every 700 allocations)
those are promoted to the old generation while still in flight, and the old generation is then
walked in full, twice in such a burst, about 75 ms each time (bench/readspeed.py, measured with
`gc.callbacks`). With 7,000 they mostly die young: no full collection in the burst, and the CPU
per click fell from 0.60–0.64 ms to 0.48–0.52 ms (three runs each).

Tried and dropped: `gc.freeze()` once the bot is ready. It takes the start-up objects out of the
collector's walks, but a full pass runs when the objects promoted since the last one exceed a
quarter of the old generation, and with that generation frozen to nearly nothing, full passes came
more often: 0.70–0.73 ms per click.

Only `python -m bot` sets this (a process-wide setting), not a test process that hosts many bots.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION_THRESHOLD = 7_000


def tune_collector() -> tuple[int, int, int]:
    """Raise the young generation's threshold (never lower it); returns the thresholds now in force."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_GENERATION_THRESHOLD), middle, old)
    return gc.get_threshold()
