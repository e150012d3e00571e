"""Reply catalogues: one TOML file per language, looked up by dotted key.

Why TOML and not gettext `.po`/`.mo`: the content pack is already TOML, so moderators and translators
edit one format; a TOML catalogue needs no compile step (a `.mo` file would have to be rebuilt and
kept in step with its `.po` on every edit); and keys are stable names (`trivia.locked_in`) rather
than the English sentence, so fixing an English typo does not orphan the Hindi. What gettext would
otherwise give us, CLDR plural rules and Hindi number/date formats, comes from Babel directly
(`bot.i18n.formatting`), which is the part that needs locale data.

A message is a string with `{name}` placeholders (`str.format` syntax), or a plural table such as
`{ one = "{count} question", other = "{count} questions" }` whose form is chosen by the `count`
parameter through Babel's plural rules for the language (Hindi's "one" covers 0 and 1).
`tests/test_i18n_catalogues.py` fails when a key is missing from a language or the placeholders of
a key differ between languages.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT = "en"
LANGUAGES = ("en", "hi")
"""Languages with a full catalogue; anything else is answered in English."""
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})

Message = str | dict[str, str]


class MissingMessage(KeyError):
    """A key that the English catalogue does not have: a bug in the code that asked for it."""


def language_of(locale: object) -> str:
    """`hi` for any Hindi locale (`hi`, `hi-IN`, discord.Locale.hindi), else English."""
    value = getattr(locale, "value", locale)
    return _language_of_text(value) if isinstance(value, str) else DEFAULT


@lru_cache(maxsize=256)
def _language_of_text(text: str) -> str:
    """Cached: every message of every answer asks, with one of a few dozen locale names."""
    language = text.replace("_", "-").casefold().split("-", 1)[0]
    return language if language in LANGUAGES else DEFAULT


def is_plural(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= PLURAL_FORMS and "other" in value


def flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Message]]:
    """(dotted key, message) for every message in a parsed catalogue."""
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, str) or is_plural(value):
            yield dotted, value
        elif isinstance(value, dict):
            yield from flatten(value, dotted + ".")
        else:
            raise ValueError(f"{dotted}: a message must be a string or a plural table, not {type(value).__name__}")


def read_catalogue(path: Path) -> dict[str, Message]:
    with path.open("rb") as handle:
        return dict(flatten(tomllib.load(handle)))


@cache
def catalogue(language: str) -> dict[str, Message]:
    """The parsed catalogue of `language` (read once per process)."""
    return read_catalogue(LOCALES_DIR / f"{language}.toml")


def placeholders(message: Message) -> frozenset[str]:
    """Names of the `{…}` fields in a message (all plural forms together)."""
    texts = message.values() if isinstance(message, dict) else [message]
    return frozenset(
        field.split(".")[0].split("[")[0]
        for text in texts
        for _, field, _, _ in string.Formatter().parse(text)
        if field
    )


def plural_form(language: str, count: float) -> str:
    form: str = _locale(language).plural_form(count)
    return form


@cache
def _locale(language: str) -> Locale:
    """Parsed once: `Locale.parse` costs more than the plural rule it is asked for."""
    return Locale.parse(language)


def t(locale: object, key: str, /, **params: Any) -> str:
    """The message `key` in the member's language, with `params` filled in.

    A key that the language lacks falls back to the English message as a whole (never a mix); a key
    that English lacks raises `MissingMessage`, because the code asked for a message that does not exist.
    """
    language = language_of(locale)
    message = catalogue(language).get(key)
    if message is None:
        language = DEFAULT
        message = catalogue(DEFAULT).get(key)
        if message is None:
            raise MissingMessage(key)
    if isinstance(message, dict):
        count = params.get("count", 0)
        form = plural_form(language, count)
        message = message.get(form, message["other"])
    return message.format(**params) if params else message
