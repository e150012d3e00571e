"""English and Hindi: message catalogues (`t`), and Babel-backed number and date formatting.

Pure: imports nothing from discord. Cogs pass `interaction.locale` (or the server's language for
posts no one asked for) and get text back; see `bot.i18n.catalog` for why the catalogues are TOML.
"""

from bot.i18n.catalog import DEFAULT, LANGUAGES, MissingMessage, language_of, t
from bot.i18n.formatting import duration, local_datetime, long_date, number, rough_duration

__all__ = [
    "DEFAULT", "LANGUAGES", "MissingMessage", "duration", "language_of", "local_datetime", "long_date", "number",
    "rough_duration", "t",
]
