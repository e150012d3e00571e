"""discord.py's `app_commands.Translator` for our command catalogue (`bot.i18n.commands`).

discord.py wraps every plain-str name and description in a `locale_str` once a translator is set,
and asks for each of Discord's locales while building the sync payload; we answer for Hindi only
and return None elsewhere, so other locales see the English. Autocomplete choices are built per
member and are localised by the cogs themselves.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n.commands import command_texts

_KIND = {
    app_commands.TranslationContextLocation.command_name: "names",
    app_commands.TranslationContextLocation.group_name: "names",
    app_commands.TranslationContextLocation.parameter_name: "names",
    app_commands.TranslationContextLocation.command_description: "descriptions",
    app_commands.TranslationContextLocation.group_description: "descriptions",
    app_commands.TranslationContextLocation.parameter_description: "descriptions",
    app_commands.TranslationContextLocation.choice_name: "choices",
}
LOCALES = {discord.Locale.hindi: "hi"}


class CommandTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        language = LOCALES.get(locale)
        kind = _KIND.get(context.location)
        if language is None or kind is None:
            return None
        texts = command_texts(language)
        return texts.lookup(kind, string.message) if texts is not None else None
