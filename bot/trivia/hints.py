"""Typed-mode hints: the answer with most letters hidden.

Level 0 hides every letter and digit (players see the shape: word count and lengths), level 1
shows the first letter of each word, level 2 also shows every third letter after that, and no
level ever shows half of the answer's letters or more (a one-character answer stays hidden). Positions
are fixed, not random, so a hint reads the same after a restart and in tests. Spaces and
punctuation always show. Characters are separated by spaces so Discord keeps them apart; the cog
puts the result in inline code so underscores are not read as Markdown.
"""

from __future__ import annotations

MASK = "_"


def hint_text(answer: str, level: int) -> str:
    words = answer.split()
    total = sum(ch.isalnum() for ch in answer)
    budget = (total - 1) // 2  # a hint never shows half the answer or more ("8" shows nothing)
    shown: list[str] = []
    for word in words:
        chars = []
        position = 0  # index among letters/digits of this word
        for ch in word:
            if not ch.isalnum():
                chars.append(ch)
                continue
            reveal = (level >= 1 and position == 0) or (level >= 2 and position % 3 == 2 and len(word) > 3)
            reveal = reveal and budget > 0
            budget -= reveal
            chars.append(ch if reveal else MASK)
            position += 1
        shown.append(" ".join(chars))
    return "   ".join(shown)
