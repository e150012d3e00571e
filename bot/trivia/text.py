"""Turning an answer or a guess into a tuple of comparable tokens.

Both sides of a comparison go through the same `normalise`, so every rule here is symmetric: it
can make two spellings of the same thing equal, never make a guess "more right" than the key.

Steps, in order (each exists because players type that way):
1. Accents go (Unicode decomposition, dropping combining marks that sit on Latin letters only:
   on Devanagari those marks are vowel signs and dropping them would change the word), then
   casefold. Digits from any script become ASCII (`२०१९` is `2019`).
2. Apostrophes and smart quotes vanish (`Kavya’s` is `kavyas`); `&` is `and`; thousands
   separators go (`1,000`); every other symbol, emoji or punctuation splits words.
3. Letters and digits glued together split (`4th` -> `4 th`, then the ordinal suffix is dropped).
4. Number words become digits: `four`, `fourth`, `twenty-four`, `one hundred and five`,
   `two thousand nineteen`, spoken years (`twenty nineteen`, `nineteen ninety nine`). Digits lose
   leading zeros.
5. Dates become one token: `5 October 2018`, `October 5th, 2018`, `5/10/2018` (day first, as in
   India) and `2018-10-05` all read `2018-10-05`; a day without a year reads `--10-05`, a month
   with a year `2018-10`.
6. One leading article (`the`, `a`, `an`) is dropped when something follows it.

A token holding any digit is *numeric*: matching never lets a typo change one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_NORMALISED_CHARS = 400
"""Inputs are cut to this before any work, so a pasted novel costs no more than a sentence."""

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼʹ′"), None)
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_LEADING_ARTICLES = frozenset({"the", "a", "an"})

def _words(text: str) -> list[str]:
    return text.split()


_UNITS = {w: i for i, w in enumerate(_words("zero one two three four five six seven eight nine"))}
_TEENS = {w: i + 10 for i, w in enumerate(
    _words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
)}
_TENS = {w: (i + 2) * 10 for i, w in enumerate(_words("twenty thirty forty fifty sixty seventy eighty ninety"))}
_UNIT_ORDINALS = {w: i + 1 for i, w in enumerate(
    _words("first second third fourth fifth sixth seventh eighth ninth")
)}
_TEEN_ORDINALS = {w: i + 10 for i, w in enumerate(
    _words("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth")
)}
_TENS_ORDINALS = {w: (i + 2) * 10 for i, w in enumerate(
    _words("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth")
)}
_UNIT_WORDS = _UNITS | _UNIT_ORDINALS
_WHOLE_WORDS = _TEENS | _TEEN_ORDINALS | _TENS_ORDINALS  # complete on their own, 10..90

_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        _words("january february march april may june july august september october november december")
    )
}
_MONTHS |= {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
            "oct": 10, "nov": 11, "dec": 12}


def normalise(text: str) -> tuple[str, ...]:
    """The comparable tokens of `text` (empty for blank, emoji-only or punctuation-only text)."""
    text = _fold(text[:MAX_NORMALISED_CHARS])
    text = text.translate(_APOSTROPHES).replace("&", " and ")
    text = _THOUSANDS.sub("", text)
    tokens = _merge_ordinal_suffixes(_split_words(text))
    tokens = _dates(_numbers(tokens))
    if len(tokens) > 1 and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    return tuple(tokens)


def is_numeric(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = ch < "\u0250"  # Basic Latin up to IPA Extensions
        kept.append(ch)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold().translate(_FOLD)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in folded)


def _split_words(text: str) -> list[str]:
    """Runs of letters (with their combining marks) or of digits; everything else separates."""
    tokens: list[str] = []
    current: list[str] = []
    kind = ""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Nd":
            new_kind = "digit"
        elif category[0] == "L" or (category[0] == "M" and kind == "alpha"):
            new_kind = "alpha"
        else:
            new_kind = ""
        if new_kind != kind and current:
            tokens.append("".join(current))
            current = []
        kind = new_kind
        if new_kind:
            current.append(ch)
    if current:
        tokens.append("".join(current))
    return tokens


def _merge_ordinal_suffixes(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if token in _ORDINAL_SUFFIXES and out and out[-1].isdigit():
            continue
        out.append(str(int(token)) if token.isdigit() else token)
    return out


def _numbers(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        value, used = _read_number(tokens, i)
        if used:
            out.append(str(value))
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _read_small(tokens: list[str], i: int) -> tuple[int, int]:
    """A number below 100 written in words at `tokens[i]`: (value, tokens used), used 0 if none."""
    if i >= len(tokens):
        return 0, 0
    word = tokens[i]
    if word in _TENS:
        if i + 1 < len(tokens) and tokens[i + 1] in _UNIT_WORDS and _UNIT_WORDS[tokens[i + 1]] > 0:
            return _TENS[word] + _UNIT_WORDS[tokens[i + 1]], 2
        return _TENS[word], 1
    if word in _WHOLE_WORDS:
        return _WHOLE_WORDS[word], 1
    if word in _UNIT_WORDS:
        return _UNIT_WORDS[word], 1
    return 0, 0


def _read_below_thousand(tokens: list[str], i: int) -> tuple[int, int]:
    value, used = _read_small(tokens, i)
    if used and 0 < value < 10 and i + used < len(tokens) and tokens[i + used] == "hundred":
        total, used = value * 100, used + 1
        rest, more = _read_small(tokens, i + used + _and_at(tokens, i + used))
        if more:
            return total + rest, used + _and_at(tokens, i + used) + more
        return total, used
    return value, used


def _read_number(tokens: list[str], i: int) -> tuple[int, int]:
    value, used = _read_below_thousand(tokens, i)
    if not used:
        return 0, 0
    nxt = i + used
    if 0 < value < 1000 and nxt < len(tokens) and tokens[nxt] == "thousand":
        total, used = value * 1000, used + 1
        skip = _and_at(tokens, i + used)
        rest, more = _read_below_thousand(tokens, i + used + skip)
        if more:
            return total + rest, used + skip + more
        return total, used
    if 10 <= value < 100 and nxt < len(tokens):
        # Spoken years: "twenty nineteen", "nineteen ninety nine", "nineteen oh five".
        if tokens[nxt] == "oh":
            unit, more = _read_small(tokens, nxt + 1)
            if more == 1 and 0 < unit < 10:
                return value * 100 + unit, used + 2
        second, more = _read_small(tokens, nxt)
        if more and second >= 10:
            return value * 100 + second, used + more
    return value, used


def _and_at(tokens: list[str], i: int) -> int:
    return 1 if i < len(tokens) and tokens[i] == "and" else 0


def _dates(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token, used = _read_date(tokens, i)
        if used:
            out.append(token)
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _int(tokens: list[str], i: int) -> int | None:
    return int(tokens[i]) if i < len(tokens) and tokens[i].isdigit() else None


def _month(tokens: list[str], i: int) -> int | None:
    return _MONTHS.get(tokens[i]) if i < len(tokens) else None


def _year(value: int | None) -> int | None:
    return value if value is not None and 1000 <= value <= 2999 else None


def _read_date(tokens: list[str], i: int) -> tuple[str, int]:
    first = _int(tokens, i)
    if first is not None:
        # Day [of] Month [Year]
        of = 1 if i + 1 < len(tokens) and tokens[i + 1] == "of" else 0
        month = _month(tokens, i + 1 + of)
        if month:
            year = _year(_int(tokens, i + 2 + of))
            return _date_token(year, month, first, 3 + of if year else 2 + of)
        # Numeric: Y M D or D M Y.
        second, third = _int(tokens, i + 1), _int(tokens, i + 2)
        if second is not None and third is not None:
            if _year(first) and len(tokens[i]) == 4:
                return _date_token(first, second, third, 3)
            if _year(third) and len(tokens[i + 2]) == 4:
                return _date_token(third, second, first, 3)
        return "", 0
    month = _month(tokens, i)
    if month:
        day = _int(tokens, i + 1)
        if day is not None and _year(day):
            return f"{day:04d}-{month:02d}", 2
        if day is not None:
            year = _year(_int(tokens, i + 2))
            return _date_token(year, month, day, 3 if year else 2)
    return "", 0


def _date_token(year: int | None, month: int, day: int, used: int) -> tuple[str, int]:
    try:
        date(year or 2000, month, day)
    except ValueError:
        return "", 0
    return (f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"), used
