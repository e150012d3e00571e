"""Every QOTD string the code asks for exists in the catalogues, and every `qotd.*` message is used."""

import re
import string
from pathlib import Path

from bot.i18n.catalog import catalogue
from cogs._qotd_text import say

TEXT = {key: message for key, message in catalogue("en").items() if key.startswith("qotd.")}

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("cogs/qotd.py", "cogs/_qotd_views.py", "cogs/_qotd_stats.py")
DYNAMIC = {"qotd.now.daily", "qotd.now.extra"}  # say(f"qotd.now.{kind}")


def used_keys() -> set[str]:
    text = "".join((ROOT / name).read_text() for name in SOURCES)
    said = set(re.findall(r"""say\(\s*["']([a-z_.]+)["']""", text))
    raised = set(re.findall(r"""key=["'](qotd\.[a-z_.]+)["']""", text))
    return said | raised | DYNAMIC


def test_every_key_the_code_uses_exists_and_none_is_dead() -> None:
    """A typo in a key fails here, not in front of a member; unused strings are not carried into translation."""
    assert used_keys() - set(TEXT) == set()
    assert set(TEXT) - used_keys() == set()


def test_keys_are_namespaced_and_placeholders_fill() -> None:
    """Keys are `qotd.*` (dotted, as the catalogues use) and every template formats with its own fields."""
    for key, template in TEXT.items():
        assert key.startswith("qotd.") and key == key.lower() and isinstance(template, str)
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert "{" not in say(key, **{name: "x" for name in fields})
