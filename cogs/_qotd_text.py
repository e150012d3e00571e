"""Every user-facing string of the question of the day: the `qotd.*` keys of the reply catalogues.

The texts live in `bot/i18n/locales/en.toml` and `hi.toml` like every other reply (#16); `say` is
`bot.i18n.t` with English as the default, so replies pass the member's language and channel posts
the server's.
"""

from __future__ import annotations

from bot.i18n import t


def say(key: str, /, *, locale: object = "en", **params: object) -> str:
    """The text for `key` in `locale` with its placeholders filled in."""
    return t(locale, key, **params)
