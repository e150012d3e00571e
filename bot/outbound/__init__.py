"""One outbound scheduler for everything the bot sends that does not answer an interaction.

`pacer` decides (pure), `runner` sends on the bot's clock, `meter` counts what came back, and
`discord_side` is the thin layer the cogs call (`bot.sender.post(...)`, `.edit`, `.dm`, ...).
"""

from bot.outbound.meter import MeterStats, RateLimitHit, RequestMeter
from bot.outbound.pacer import Job, Lane, LaneRule, Pacer, Priority
from bot.outbound.runner import Outbound, OutboundStats

# What the bot assumes about Discord's per-route buckets, one spare request kept in each window:
# for a request made outside the scheduler (a command's own post), and so discord.py never sees an
# empty bucket and stalls a request pre-emptively. Discord: messages and edits 5 per 5 s per
# channel (published); DM opening about 5 per 5 s and event creation about 5 per 10 s per server
# (observed, unpublished: see bot/localdiscord/ratelimits.py for the stand-in's copy).
LANE_RULES: dict[str, LaneRule] = {
    "messages": LaneRule(4, 5.0),
    "edits": LaneRule(4, 5.0),
    "dm-open": LaneRule(4, 5.0),
    "events": LaneRule(4, 10.0),
}
DEFAULT_BUDGET = 45.0  # requests per second, under Discord's 50 so commands' own calls fit beside it

__all__ = [
    "DEFAULT_BUDGET",
    "LANE_RULES",
    "Job",
    "Lane",
    "LaneRule",
    "MeterStats",
    "Outbound",
    "OutboundStats",
    "Pacer",
    "Priority",
    "RateLimitHit",
    "RequestMeter",
]
