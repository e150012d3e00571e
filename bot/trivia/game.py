"""One trivia game as a state machine, driven by the cog with times read from the injected clock.

Nothing here sleeps or knows about Discord. The cog's loop is:

    start = game.start_round(now)                     # post the question (buttons from start.choices)
    while not game.reveal_due(now):                   # sleep_until(game.next_deadline()) in between
        hint = game.take_hint(now)                     # typed mode: post it when not None
    result = game.close_round(now)                    # store.close_round(...), then show the reveal
    if result.game_over: ...                          # store.finish_game(...), final standings

while clicks and messages call `answer_choice` / `answer_text` at any time; their outcome says
whether to reveal at once (everyone active has answered, or a typed answer won).

Rules kept here:
- Button mode: one answer per player per question; a second click is ALREADY_ANSWERED. The round
  may end early once everyone *active* has answered, where active means answered one of the
  previous `ACTIVE_ROUNDS` questions (so the first question always runs its full time, and a
  player who left stops holding the game up after a few questions).
- Typed mode: any number of guesses; the first correct one wins the question and ends it. Hints
  are due at 1/3 and 2/3 of the window (for two hints) and lower the winner's points.
- Streaks: consecutive questions answered correctly; a wrong or missing answer resets to 0.
- `idle_rounds` questions in a row with no answer at all end the game by itself.
- A win is the highest score at the natural end (all questions asked, or ended for idleness) with
  at least two players; everyone tied at the top wins. A stopped game records no win, and the
  question in flight when it is stopped is not scored.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.trivia.hints import hint_text
from bot.trivia.matching import AnswerKey, MatchKind, MatchResult
from bot.trivia.models import GameMode, Question
from bot.trivia.scoring import DEFAULT_RULES, ScoringRules, points_for

ACTIVE_ROUNDS = 3
MAX_ROUNDS = 50
MAX_TEXT_KEPT = 200


class GameState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    ABANDONED = "abandoned"


class EndReason(StrEnum):
    COMPLETED = "completed"
    IDLE = "idle"
    STOPPED = "stopped"
    RESTARTED = "restarted"


class AnswerStatus(StrEnum):
    ACCEPTED = "accepted"
    """Button mode: the answer is locked in (correctness is shown at the reveal)."""
    ALREADY_ANSWERED = "already_answered"
    WRONG = "wrong"
    """Typed mode: not right; guessing again is allowed."""
    WON = "won"
    """Typed mode: the first correct answer; the question is over."""
    CLOSED = "closed"
    """No question is taking answers: time is up, it was an older question's button, or the game ended."""
    WRONG_MODE = "wrong_mode"


class GameError(Exception):
    """The cog drove the game out of order (a bug, not a user mistake)."""


@dataclass(frozen=True)
class GameSettings:
    rounds: int = 10
    mode: GameMode = GameMode.BUTTONS
    answer_seconds: int = 20
    typed_seconds: int = 30
    hints: int = 2
    idle_rounds: int = 3
    seasons: tuple[int, ...] | None = None
    max_season: int | None = None
    difficulty: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.rounds <= MAX_ROUNDS:
            raise ValueError(f"rounds must be 1-{MAX_ROUNDS}")
        if not 5 <= self.answer_seconds <= 120 or not 5 <= self.typed_seconds <= 180:
            raise ValueError("answer time out of range")
        if not 0 <= self.hints <= 2 or self.idle_rounds < 1:
            raise ValueError("hints must be 0-2 and idle_rounds at least 1")

    @property
    def window(self) -> timedelta:
        seconds = self.typed_seconds if self.mode == GameMode.TYPED else self.answer_seconds
        return timedelta(seconds=seconds)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["mode"] = str(self.mode)
        data["seasons"] = list(self.seasons) if self.seasons is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GameSettings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["mode"] = GameMode(known.get("mode", GameMode.BUTTONS))
        if known.get("seasons") is not None:
            known["seasons"] = tuple(known["seasons"])
        return cls(**known)


@dataclass(frozen=True)
class RoundStart:
    number: int
    total: int
    question: Question
    choices: tuple[str, ...]
    """Button labels in display order (empty in typed mode)."""
    posted_at: datetime
    deadline: datetime
    hint_times: tuple[datetime, ...]
    hint: str | None
    """Typed mode: the answer's shape (level-0 hint) to show with the question."""


@dataclass(frozen=True)
class AnswerOutcome:
    status: AnswerStatus
    reveal_now: bool = False
    match: MatchResult | None = None


@dataclass(frozen=True)
class ScoredAnswer:
    """One player's answer to one question, as written to the store when the question closes."""

    user_id: int
    choice: int | None
    text: str | None
    correct: bool
    points: int
    streak: int
    answered_at: datetime
    match_kind: MatchKind | None = None


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    points: int
    correct: int
    answered: int
    best_streak: int


@dataclass(frozen=True)
class GameOver:
    state: GameState
    reason: EndReason
    standings: tuple[Standing, ...]
    winners: tuple[int, ...]
    ended_at: datetime


@dataclass(frozen=True)
class RoundResult:
    number: int
    question: Question
    correct_choice: int | None
    """Index of the right button (button mode)."""
    answers: tuple[ScoredAnswer, ...]
    standings: tuple[Standing, ...]
    closed_at: datetime
    game_over: GameOver | None

    @property
    def correct_users(self) -> tuple[int, ...]:
        return tuple(a.user_id for a in self.answers if a.correct)

    @property
    def fuzzy_match(self) -> bool:
        """A typed winner matched with a typo: the reveal should show the official spelling."""
        return any(a.match_kind is MatchKind.FUZZY for a in self.answers if a.correct)


@dataclass
class _Player:
    points: int = 0
    correct: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0
    last_round: int = 0


@dataclass
class _Answer:
    choice: int | None
    text: str | None
    correct: bool
    answered_at: datetime
    hints_used: int = 0
    match_kind: MatchKind | None = None


@dataclass
class _Round:
    number: int
    question: Question
    choices: tuple[str, ...]
    correct_choice: int | None
    key: AnswerKey | None
    posted_at: datetime
    deadline: datetime
    hint_times: tuple[datetime, ...]
    active: frozenset[int]
    hints_shown: int = 0
    answers: dict[int, _Answer] = field(default_factory=dict)
    winner: int | None = None


class Game:
    def __init__(
        self,
        *,
        game_id: int,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        settings: GameSettings,
        questions: Sequence[Question],
        rng: random.Random,
        rules: ScoringRules = DEFAULT_RULES,
    ) -> None:
        if not questions:
            raise ValueError("a game needs at least one question")
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise ValueError("a question may appear only once in a game")
        self.game_id = game_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.starter_id = starter_id
        self.settings = settings
        self.questions = tuple(questions[: settings.rounds])
        self.rules = rules
        self._rng = rng
        self._players: dict[int, _Player] = {}
        self._round: _Round | None = None
        self._closed_rounds = 0
        self._idle = 0
        self.state = GameState.RUNNING
        self.game_over: GameOver | None = None

    # -- reading ---------------------------------------------------------------------------------

    @property
    def total_rounds(self) -> int:
        return len(self.questions)

    @property
    def round_number(self) -> int:
        """The question currently open, or the last one closed."""
        return self._round.number if self._round else self._closed_rounds

    @property
    def round_open(self) -> bool:
        return self._round is not None

    @property
    def players(self) -> frozenset[int]:
        return frozenset(u for u, p in self._players.items() if p.answered)

    def can_stop(self, user_id: int, *, can_manage_messages: bool) -> bool:
        return can_manage_messages or user_id == self.starter_id

    def standings(self) -> tuple[Standing, ...]:
        ordered = sorted(
            ((uid, p) for uid, p in self._players.items() if p.answered),
            key=lambda item: (-item[1].points, -item[1].correct, item[0]),
        )
        result: list[Standing] = []
        for position, (uid, p) in enumerate(ordered, start=1):
            rank = result[-1].rank if result and result[-1].points == p.points else position
            result.append(Standing(rank, uid, p.points, p.correct, p.answered, p.best_streak))
        return tuple(result)

    def next_deadline(self) -> datetime | None:
        """When the cog should look again: the next hint or the end of the question."""
        r = self._round
        if r is None:
            return None
        if r.hints_shown < len(r.hint_times):
            return min(r.hint_times[r.hints_shown], r.deadline)
        return r.deadline

    def reveal_due(self, now: datetime) -> bool:
        r = self._round
        if r is None:
            return False
        if now >= r.deadline or r.winner is not None:
            return True
        return self._everyone_active_answered(r)

    # -- driving ---------------------------------------------------------------------------------

    def start_round(self, now: datetime) -> RoundStart:
        if self.state is not GameState.RUNNING:
            raise GameError("the game is over")
        if self._round is not None:
            raise GameError("close the open question first")
        if self._closed_rounds >= self.total_rounds:
            raise GameError("no questions left")
        number = self._closed_rounds + 1
        question = self.questions[number - 1]
        window = self.settings.window
        deadline = now + window
        choices: tuple[str, ...] = ()
        correct_choice: int | None = None
        key: AnswerKey | None = None
        hint_times: tuple[datetime, ...] = ()
        if self.settings.mode == GameMode.BUTTONS:
            wrong = list(question.wrong)
            picked = self._rng.sample(wrong, min(3, len(wrong)))
            labels = [question.answer, *picked]
            self._rng.shuffle(labels)
            choices = tuple(labels)
            correct_choice = labels.index(question.answer)
        else:
            key = AnswerKey(question.answer, question.aliases, question.wrong, context=question.text)
            steps = self.settings.hints + 1
            hint_times = tuple(now + window * k / steps for k in range(1, steps))
        active = frozenset(u for u, p in self._players.items() if p.last_round >= number - ACTIVE_ROUNDS)
        self._round = _Round(number, question, choices, correct_choice, key, now, deadline, hint_times, active)
        hint = hint_text(question.answer, 0) if key is not None else None
        return RoundStart(number, self.total_rounds, question, choices, now, deadline, hint_times, hint)

    def mark_posted(self, now: datetime) -> datetime | None:
        """Restart the open question's clock at `now`, when its message actually appeared, so the
        time spent posting is not taken from the players. Only before the first answer; returns
        the (possibly moved) deadline."""
        r = self._round
        if r is None:
            return None
        if r.answers or now <= r.posted_at:
            return r.deadline
        shift = now - r.posted_at
        r.posted_at = now
        r.deadline += shift
        r.hint_times = tuple(t + shift for t in r.hint_times)
        return r.deadline

    def answer_choice(self, user_id: int, round_number: int, choice: int, now: datetime) -> AnswerOutcome:
        if self.settings.mode != GameMode.BUTTONS:
            return AnswerOutcome(AnswerStatus.WRONG_MODE)
        r = self._round
        if r is None or r.number != round_number or now > r.deadline or not 0 <= choice < len(r.choices):
            return AnswerOutcome(AnswerStatus.CLOSED)
        if user_id in r.answers:
            return AnswerOutcome(AnswerStatus.ALREADY_ANSWERED)
        correct = choice == r.correct_choice
        r.answers[user_id] = _Answer(choice, r.choices[choice], correct, now)
        return AnswerOutcome(AnswerStatus.ACCEPTED, reveal_now=self._everyone_active_answered(r))

    def answer_text(self, user_id: int, text: str, now: datetime) -> AnswerOutcome:
        if self.settings.mode != GameMode.TYPED:
            return AnswerOutcome(AnswerStatus.WRONG_MODE)
        r = self._round
        if r is None or r.key is None or r.winner is not None or now > r.deadline:
            return AnswerOutcome(AnswerStatus.CLOSED)
        match = r.key.match(text)
        kept = text[:MAX_TEXT_KEPT]
        r.answers[user_id] = _Answer(None, kept, match.correct, now, r.hints_shown, match.kind)
        if match.correct:
            r.winner = user_id
            return AnswerOutcome(AnswerStatus.WON, reveal_now=True, match=match)
        return AnswerOutcome(AnswerStatus.WRONG, match=match)

    def take_hint(self, now: datetime) -> str | None:
        """The next hint if one has fallen due (typed mode), else None."""
        r = self._round
        if r is None or r.winner is not None or r.hints_shown >= len(r.hint_times):
            return None
        if now < r.hint_times[r.hints_shown] or now >= r.deadline:
            return None
        r.hints_shown += 1
        return hint_text(r.question.answer, r.hints_shown)

    def close_round(self, now: datetime) -> RoundResult:
        r = self._round
        if r is None:
            raise GameError("no question is open")
        window = self.settings.window
        scored: list[ScoredAnswer] = []
        for user_id, answer in r.answers.items():
            player = self._players.setdefault(user_id, _Player())
            player.answered += 1
            player.last_round = r.number
            points = 0
            if answer.correct:
                player.streak += 1
                player.correct += 1
                player.best_streak = max(player.best_streak, player.streak)
                points = points_for(
                    elapsed=answer.answered_at - r.posted_at,
                    window=window,
                    streak=player.streak,
                    hints_used=answer.hints_used,
                    rules=self.rules,
                )
                player.points += points
            else:
                player.streak = 0
            scored.append(
                ScoredAnswer(user_id, answer.choice, answer.text, answer.correct, points, player.streak,
                             answer.answered_at, answer.match_kind)
            )
        for user_id, player in self._players.items():
            if user_id not in r.answers:
                player.streak = 0
        self._round = None
        self._closed_rounds = r.number
        self._idle = 0 if r.answers else self._idle + 1
        game_over = None
        if self._idle >= self.settings.idle_rounds:
            game_over = self._end(GameState.FINISHED, EndReason.IDLE, now)
        elif self._closed_rounds >= self.total_rounds:
            game_over = self._end(GameState.FINISHED, EndReason.COMPLETED, now)
        scored.sort(key=lambda a: a.answered_at)
        return RoundResult(r.number, r.question, r.correct_choice, tuple(scored), self.standings(), now, game_over)

    def stop(self, now: datetime) -> GameOver:
        """End at once; the open question (if any) is dropped unscored and nobody wins."""
        if self.game_over is not None:
            return self.game_over
        self._round = None
        return self._end(GameState.STOPPED, EndReason.STOPPED, now)

    # -- internals -------------------------------------------------------------------------------

    def _everyone_active_answered(self, r: _Round) -> bool:
        return bool(r.active) and r.active <= r.answers.keys()

    def _end(self, state: GameState, reason: EndReason, now: datetime) -> GameOver:
        standings = self.standings()
        winners: tuple[int, ...] = ()
        if state is GameState.FINISHED and len(standings) >= 2 and standings[0].points > 0:
            winners = tuple(s.user_id for s in standings if s.points == standings[0].points)
        self.state = state
        self.game_over = GameOver(state, reason, standings, winners, now)
        return self.game_over
