"""Is a typed guess right? Lenient with spelling, strict with meaning.

A guess is compared, after `text.normalise`, with the official answer and with every accepted
alias. The rules, and why:

- **Exact** when the token sequences are equal. Names are not split: "Mithila" is not "Mithila
  Palkar" unless the question lists "Mithila" as an alias (only the author knows whether a first
  name is enough, e.g. when two characters share a surname).
- **Numbers never bend.** Digits, number words, years and dates must be equal, token for token, or
  the guess is wrong, whatever else matches: "2019" never passes for "2018", "four" is "4".
- **Typos** (optimal string alignment distance: insert, delete, substitute, swap neighbours) are
  allowed by the length of the answer's letters: none up to 5 letters, 1 for 6-9, 2 from 10 on.
  Five letters and fewer get none because one edit there usually makes another real word
  ("Delhi"/"Deli", "Pune"/"Dune", "Kavya"/"Kavy"…); from six letters on a slip is far more often
  a typo ("Mumba", "Nagpor"). A typo never touches the first letter of a word, and in a
  multi-word answer each word keeps its own smaller budget (none up to 3 letters, 1 for 4-7, 2 from
  8), so "Milk Bake" is not "Milk Cake" and "Ira Kulkarni" is not "Ila Kulkarni".
- **Whole words only.** Guesses are compared whole, never searched as substrings, so "air" is not
  "chair" and "Navi Mumbai" is not "Mumbai".
- **A few filler words** around the answer are forgiven ("it's Mumbai", "I think Mumbai",
  "Mumbai I guess", "in Mumbai", "Mumbai hai", "मुंबई है"): at most `MAX_FILLER_WORDS`, only from a fixed list
  of hedges and prepositions, only at the start or the end. Any other extra word fails ("Mumbai
  or Delhi", "not Mumbai", "Mumbai city"), because an arbitrary extra word can change the answer.
- **Numeric answers may carry a word from the question**: "5 episodes" for "How many episodes
  does season 1 have?" (answer "5"). Only for answers that are all numbers, where the number
  still has to be exact, so the extra word cannot turn a wrong answer right.
- **Hindi answers only where the pack lists them.** Devanagari (मुंबई) and romanised Hindi ("char")
  are compared like any alias; Hindi number words are never read as numbers, so चार/"char" count
  for 4 only where the question lists them (questions that say numbers may be written out).
  Devanagari digits are digits: ४ is 4.
- **Distractors win ties.** When a typo-tolerant match is as close to one of the question's wrong
  choices as to the answer, the guess is wrong: the typo could have been aiming at either.

A `MatchResult` says whether the match was exact or fuzzy so the reveal can show the official
spelling. Guesses longer than `MAX_GUESS_CHARS` are wrong without being read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import OSA

from bot.trivia.text import is_numeric, normalise

MAX_GUESS_CHARS = 200
MAX_FILLER_WORDS = 4


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LEADING_FILLERS = _words(
    "i im think thinks guess believe its it is was maybe probably perhaps surely definitely "
    "the a an answer my final hmm hm um umm uh ok okay so well oh in at to from "
    "mujhe lagta shayad mera jawab "
    "मुझे लगता शायद मेरा जवाब"
)
_TRAILING_FILLERS = _words(
    "i think guess maybe probably perhaps surely right is it hai tha na yaar please lol obviously "
    "है था ना यार"
)


class MatchKind(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"


@dataclass(frozen=True)
class MatchResult:
    kind: MatchKind
    matched: str | None = None
    """The accepted form (answer or alias, as written in the question) that the guess matched."""
    distance: int = 0

    @property
    def correct(self) -> bool:
        return self.kind is not MatchKind.NONE


NO_MATCH = MatchResult(MatchKind.NONE)


@dataclass(frozen=True)
class _Form:
    original: str
    tokens: tuple[str, ...]
    numbers: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def of(cls, original: str) -> _Form:
        tokens = normalise(original)
        return cls(
            original,
            tokens,
            tuple(t for t in tokens if is_numeric(t)),
            tuple(t for t in tokens if not is_numeric(t)),
        )


class AnswerKey:
    """A question's accepted answers, normalised once so each guess costs microseconds."""

    def __init__(
        self, answer: str, aliases: Iterable[str] = (), distractors: Iterable[str] = (), context: str = ""
    ) -> None:
        forms = [_Form.of(answer), *(_Form.of(alias) for alias in aliases)]
        self.answer = answer
        self._forms = [form for form in forms if form.tokens]
        self._distractors = [form for form in map(_Form.of, distractors) if form.tokens]
        self._context = frozenset(t for t in normalise(context) if not is_numeric(t))

    def match(self, guess: str) -> MatchResult:
        if len(guess) > MAX_GUESS_CHARS:
            return NO_MATCH
        tokens = normalise(guess)
        if not tokens:
            return NO_MATCH
        candidates = [tokens]
        core = _strip_fillers(tokens)
        if core != tokens:
            candidates.append(core)

        for form in self._forms:
            if any(candidate == form.tokens for candidate in candidates):
                return MatchResult(MatchKind.EXACT, form.original)
        if self._context and any(not form.words for form in self._forms):
            with_units = _strip_fillers(tokens, self._context)
            for form in self._forms:
                if not form.words and with_units == form.tokens:
                    return MatchResult(MatchKind.EXACT, form.original)
        if any(candidate == form.tokens for candidate in candidates for form in self._distractors):
            return NO_MATCH

        best: tuple[int, _Form] | None = None
        for candidate in candidates:
            for form in self._forms:
                distance = _typo_distance(candidate, form)
                if distance is not None and (best is None or distance < best[0]):
                    best = (distance, form)
        if best is None:
            return NO_MATCH
        distance, form = best
        for candidate in candidates:
            for wrong in self._distractors:
                near = _typo_distance(candidate, wrong, ignore_budget=True)
                if near is not None and near <= distance:
                    return NO_MATCH
        return MatchResult(MatchKind.FUZZY, form.original, distance)


def match_answer(
    guess: str, answer: str, aliases: Sequence[str] = (), distractors: Sequence[str] = (), context: str = ""
) -> MatchResult:
    """One-off convenience; build an `AnswerKey` when the same question is matched repeatedly."""
    return AnswerKey(answer, aliases, distractors, context).match(guess)


def same_answer(a: str, b: str) -> bool:
    """Whether two texts normalise to the same answer (suggestion checks use this)."""
    tokens = normalise(a)
    return bool(tokens) and tokens == normalise(b)


def _strip_fillers(tokens: tuple[str, ...], extra: frozenset[str] = frozenset()) -> tuple[str, ...]:
    start, end = 0, len(tokens)
    while start < end - 1 and (tokens[start] in _LEADING_FILLERS or tokens[start] in extra):
        start += 1
    while end - 1 > start and (tokens[end - 1] in _TRAILING_FILLERS or tokens[end - 1] in extra):
        end -= 1
    if start + (len(tokens) - end) > MAX_FILLER_WORDS:
        return tokens
    return tokens[start:end]


def answer_budget(letters: int) -> int:
    """Typos allowed for an answer with this many letters (digits excluded)."""
    if letters <= 5:
        return 0
    return 1 if letters <= 9 else 2


def word_budget(letters: int) -> int:
    """Typos allowed inside one word of a multi-word answer."""
    if letters <= 3:
        return 0
    return 1 if letters <= 7 else 2


def _letters(word: str) -> int:
    """Letters as a reader counts them: Devanagari vowel signs and viramas are not extra letters."""
    return sum(1 for ch in word if not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "M")


def _typo_distance(guess: tuple[str, ...], form: _Form, *, ignore_budget: bool = False) -> int | None:
    """The typo distance from `guess` to `form`, or None when it is not a tolerable typo."""
    numbers = tuple(t for t in guess if is_numeric(t))
    if numbers != form.numbers:
        return None
    words = tuple(t for t in guess if not is_numeric(t))
    target = "".join(form.words)
    typed = "".join(words)
    if not target or not typed:
        return None
    if typed == target:
        return 0  # only the spacing differs: "milkcake"
    budget = 2 * len(target) if ignore_budget else answer_budget(_letters(target))
    if budget == 0 or typed[0] != target[0]:
        return None
    distance = OSA.distance(typed, target, score_cutoff=budget)
    if distance > budget:
        return None
    if len(words) == len(form.words) > 1:
        for typed_word, target_word in zip(words, form.words, strict=True):
            if typed_word == target_word:
                continue
            allowed = 2 * len(target_word) if ignore_budget else word_budget(_letters(target_word))
            if typed_word[0] != target_word[0] or OSA.distance(typed_word, target_word) > allowed:
                return None
    return distance
