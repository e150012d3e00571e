"""The reply catalogues: every key in every language, the same placeholders, plural rules, formats."""

import datetime as dt
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, MissingMessage, duration, language_of, long_date, number, t
from bot.i18n.catalog import catalogue, is_plural, placeholders, read_catalogue


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_key_is_in_every_language(language: str) -> None:
    """A key missing from either side fails, naming it."""
    english, other = set(catalogue("en")), set(catalogue(language))
    assert sorted(english - other) == [], f"missing from {language}.toml"
    assert sorted(other - english) == [], f"in {language}.toml but not en.toml"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_placeholders_match_between_languages(language: str) -> None:
    english, other = catalogue("en"), catalogue(language)
    differ = {key: (sorted(placeholders(english[key])), sorted(placeholders(other[key])))
              for key in english if key in other and placeholders(english[key]) != placeholders(other[key])}
    assert differ == {}


def test_plural_messages_stay_plural_in_every_language() -> None:
    for language in LANGUAGES:
        for key, message in catalogue(language).items():
            assert is_plural(message) == is_plural(catalogue("en")[key]), (language, key)


def test_the_checks_catch_a_broken_catalogue(tmp_path: Path) -> None:
    """The two checks above really fail on a missing key and a renamed placeholder."""
    (tmp_path / "en.toml").write_text('a = "Hi {name}"\nb = "x"\n', encoding="utf-8")
    (tmp_path / "hi.toml").write_text('a = "नमस्ते {naam}"\n', encoding="utf-8")
    en, hi = read_catalogue(tmp_path / "en.toml"), read_catalogue(tmp_path / "hi.toml")
    assert set(en) - set(hi) == {"b"}
    assert placeholders(en["a"]) != placeholders(hi["a"])


def test_locale_names_map_to_a_catalogue() -> None:
    assert language_of("hi") == "hi"
    assert language_of("hi-IN") == "hi"
    assert language_of("en-US") == "en"
    assert language_of("ta") == "en"  # no Tamil catalogue: English
    assert language_of(None) == "en"


def test_hindi_plural_rule_one_covers_zero_and_one() -> None:
    assert t("en", "common.seasons_count", count=1) == "1 season"
    assert t("en", "common.seasons_count", count=0) == "0 seasons"
    assert t("hi", "common.seasons_count", count=0) == "0 सीज़न"


def test_unknown_key_is_a_bug() -> None:
    with pytest.raises(MissingMessage):
        t("hi", "no.such.key")


def test_hindi_numbers_dates_and_durations() -> None:
    assert number("hi", 1234567) == "12,34,567"
    assert number("en", 1234567) == "1,234,567"
    assert long_date("hi", dt.date(2018, 10, 5)) == "5 अक्टूबर 2018"
    assert long_date("en", dt.date(2018, 10, 5)) == "October 5, 2018"
    assert duration("hi", dt.timedelta(hours=2), direction=True) == "2 घंटे बाद"
    assert duration("en", dt.timedelta(minutes=10)) == "10 minutes"
    assert duration("hi", dt.timedelta(days=1, hours=3, minutes=5)) == "1 दिन 3 घंटे"
    assert duration("en", dt.timedelta(hours=1, minutes=30)) == "1 hour 30 minutes"


def test_a_refused_post_is_explained_in_the_members_language() -> None:
    from bot.refusals import MISSING_PERMISSIONS, explain

    english = explain(403, MISSING_PERMISSIONS, "<#1>")
    assert english.startswith("I'm not allowed to post in <#1>")
    assert explain(403, MISSING_PERMISSIONS, "<#1>", "hi").startswith("मुझे <#1> में पोस्ट करने की इजाज़त नहीं है")
