"""Pure scheduling logic for watch parties and release reminders: reading times, zones, repeats, offsets.

Nothing here touches Discord or the database clock: every function takes `now`.
"""

from bot.scheduling.errors import (
    AmbiguousTimeError,
    NonExistentTimeError,
    OffsetParseError,
    PastTimeError,
    TimeParseError,
    TooFarAheadError,
    UnknownZoneError,
)
from bot.scheduling.recurrence import RepeatRule, next_occurrence, weekly_occurrence
from bot.scheduling.reminders import (
    DEFAULT_OFFSETS,
    PARTY_KIND,
    RELEASE_KIND,
    format_offset,
    parse_offsets,
    party_group,
    party_timer_specs,
    release_group,
    release_timer_specs,
    reminder_times,
)
from bot.scheduling.when import ParsedWhen, format_duration, parse_duration, parse_when
from bot.scheduling.zones import close_zones, resolve_zone, suggest_zones, utc_offset_label, zone_label

__all__ = [
    "DEFAULT_OFFSETS",
    "PARTY_KIND",
    "RELEASE_KIND",
    "AmbiguousTimeError",
    "NonExistentTimeError",
    "OffsetParseError",
    "ParsedWhen",
    "PastTimeError",
    "RepeatRule",
    "TimeParseError",
    "TooFarAheadError",
    "UnknownZoneError",
    "close_zones",
    "format_duration",
    "format_offset",
    "next_occurrence",
    "parse_duration",
    "parse_offsets",
    "parse_when",
    "party_group",
    "party_timer_specs",
    "release_group",
    "release_timer_specs",
    "reminder_times",
    "resolve_zone",
    "suggest_zones",
    "utc_offset_label",
    "weekly_occurrence",
    "zone_label",
]
