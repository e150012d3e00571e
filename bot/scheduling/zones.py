"""Time zones by IANA name, with the aliases fans actually type and typo-tolerant suggestions.

Zone data comes from the `tzdata` package through `zoneinfo`, so it works on machines without
system zone files. The catalogue is built once (about 50 ms) and cached; after that an
autocomplete answer is a prefix scan over ~450 names plus, when that finds little, one rapidfuzz
pass (well under a millisecond or two).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.scheduling.errors import UnknownZoneError

# Abbreviations and places people type instead of an IANA name. The community is mostly Indian,
# so IST means India (not Israel or Ireland).
ALIASES: dict[str, str] = {
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "pune": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata",
    "utc": "UTC",
    "bst": "Europe/London",
    "uk": "Europe/London",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "eet": "Europe/Athens",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "awst": "Australia/Perth",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "jst": "Asia/Tokyo",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "pkt": "Asia/Karachi",
    "npt": "Asia/Kathmandu",
    "nepal": "Asia/Kathmandu",
    "bangladesh": "Asia/Dhaka",
    "gst": "Asia/Dubai",
    "uae": "Asia/Dubai",
    "sast": "Africa/Johannesburg",
    "sl": "Asia/Colombo",
    "sri lanka": "Asia/Colombo",
}

# Shown for an empty autocomplete box: where most of the community lives.
POPULAR = (
    "Asia/Kolkata",
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Toronto",
    "Asia/Dubai",
    "Asia/Singapore",
    "Asia/Karachi",
    "Asia/Dhaka",
    "Asia/Kathmandu",
    "Asia/Colombo",
    "Australia/Sydney",
    "Europe/Berlin",
    "Pacific/Auckland",
)

# Old spellings kept by tzdata for compatibility; accepted when typed, never suggested.
_DEPRECATED = frozenset(
    [
        "Asia/Calcutta",
        "Asia/Katmandu",
        "Asia/Saigon",
        "Asia/Rangoon",
        "Asia/Dacca",
        "Asia/Thimbu",
        "Asia/Ujung_Pandang",
        "Asia/Ulan_Bator",
        "Asia/Chongqing",
        "Asia/Chungking",
        "Asia/Harbin",
        "Asia/Kashgar",
        "Asia/Tel_Aviv",
        "Asia/Istanbul",
        "Asia/Macao",
        "Europe/Kiev",
        "Europe/Belfast",
        "Europe/Tiraspol",
        "America/Godthab",
        "America/Indianapolis",
        "America/Fort_Wayne",
        "America/Knox_IN",
        "America/Louisville",
        "America/Ensenada",
        "America/Shiprock",
        "America/Virgin",
        "America/Rosario",
        "America/Catamarca",
        "America/Cordoba",
        "America/Jujuy",
        "America/Mendoza",
        "America/Porto_Acre",
        "America/Atka",
        "America/Buenos_Aires",
        "America/Coral_Harbour",
        "America/Santa_Isabel",
        "Pacific/Truk",
        "Pacific/Ponape",
        "Pacific/Yap",
        "Pacific/Samoa",
        "Pacific/Johnston",
        "Pacific/Enderbury",
        "Atlantic/Faeroe",
        "Atlantic/Jan_Mayen",
        "Africa/Asmera",
        "Africa/Timbuktu",
        "Antarctica/South_Pole",
        "Australia/ACT",
        "Australia/NSW",
        "Australia/North",
        "Australia/Queensland",
        "Australia/South",
        "Australia/Tasmania",
        "Australia/Victoria",
        "Australia/West",
        "Australia/Canberra",
        "Australia/LHI",
        "Australia/Yancowinna",
    ]
)
_LEGACY_AREAS = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().lower())


@dataclass(frozen=True, slots=True)
class _Catalogue:
    names: frozenset[str]  # everything zoneinfo can load
    by_lower: dict[str, str]  # lower-case name → name
    by_city: dict[str, str]  # "new york" → America/New_York (only unambiguous cities)
    suggestable: tuple[str, ...]  # modern region/city names, sorted
    labels: tuple[str, ...]  # what rapidfuzz compares against
    label_zone: tuple[str, ...]  # the zone each label stands for


@lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    names = frozenset(n for n in zoneinfo.available_timezones() if n not in {"Factory", "localtime", "posixrules"})
    modern = sorted(n for n in names if "/" in n and not n.startswith(_LEGACY_AREAS) and n not in _DEPRECATED)
    suggestable = (*modern, "UTC")
    cities: dict[str, list[str]] = {}
    for name in suggestable:
        cities.setdefault(_norm(name.rsplit("/", 1)[-1]), []).append(name)
    by_city = {city: zones[0] for city, zones in cities.items() if len(zones) == 1}
    labels: list[str] = []
    label_zone: list[str] = []
    for name in suggestable:
        labels += [_norm(name), _norm(name.rsplit("/", 1)[-1])]
        label_zone += [name, name]
    for alias, zone in ALIASES.items():
        labels.append(alias)
        label_zone.append(zone)
    return _Catalogue(
        names=names,
        by_lower={n.lower(): n for n in names},
        by_city=by_city,
        suggestable=suggestable,
        labels=tuple(labels),
        label_zone=tuple(label_zone),
    )


def _lookup(text: str) -> str | None:
    """The zone name `text` stands for, or None; aliases win over legacy names like `EST`."""
    cat = _catalogue()
    norm = _norm(text)
    if norm in ALIASES:
        return ALIASES[norm]
    if text.strip() in cat.names:
        return text.strip()
    by_lower = cat.by_lower.get(text.strip().lower()) or cat.by_lower.get(norm.replace(" ", "_"))
    if by_lower is not None:
        return by_lower
    return cat.by_city.get(norm)


def close_zones(text: str, limit: int = 5) -> list[str]:
    """Zone names close to `text` (typos, cities, aliases), best first."""
    cat = _catalogue()
    query = _norm(text)
    if not query:
        return list(POPULAR[:limit])
    found: list[str] = []
    matches = process.extract(query, cat.labels, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
    for _, _, index in matches:
        zone = cat.label_zone[index]
        if zone not in found:
            found.append(zone)
        if len(found) == limit:
            break
    return found


def resolve_zone(text: str) -> ZoneInfo:
    """`Asia/Kolkata`, `asia/kolkata`, `Kolkata`, `IST`, `new york` → a ZoneInfo, or UnknownZoneError."""
    name = _lookup(text) if text and text.strip() else None
    if name is None:
        suggestions = close_zones(text or "")
        if suggestions:
            raise UnknownZoneError("", suggestions, key="time.unknown_zone_close", zone=text.strip(),
                                   close=", ".join(suggestions))
        raise UnknownZoneError("", suggestions, key="time.unknown_zone", zone=(text or "").strip())
    return ZoneInfo(name)


def suggest_zones(prefix: str, limit: int = 25) -> list[str]:
    """Autocomplete: aliases, then names or cities starting with `prefix`, then close typos."""
    cat = _catalogue()
    query = _norm(prefix).replace(" ", "_")
    if not query:
        return list(POPULAR[:limit])
    found: dict[str, None] = {}
    alias = ALIASES.get(_norm(prefix))
    if alias is not None:
        found[alias] = None
    starts = [n for n in cat.suggestable if n.lower().startswith(query)]
    in_city = [n for n in cat.suggestable if any(part.lower().startswith(query) for part in n.split("/")[1:])]
    popular = set(POPULAR)
    for name in sorted(starts, key=lambda n: n not in popular) + sorted(in_city, key=lambda n: n not in popular):
        found[name] = None
    if len(found) < limit:
        for name in close_zones(prefix, limit):
            found[name] = None
    return list(found)[:limit]


def utc_offset_label(zone: ZoneInfo, at: datetime) -> str:
    """`UTC+05:30` at the given moment (offsets change with DST)."""
    offset = at.astimezone(zone).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def zone_label(name: str, at: datetime) -> str:
    """Autocomplete display: `Asia/Kolkata (UTC+05:30)`."""
    return f"{name} ({utc_offset_label(ZoneInfo(name), at)})"
