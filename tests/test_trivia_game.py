"""The game state machine, driven with explicit times (no sleeping, no asyncio)."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.trivia.game import (
    AnswerStatus,
    EndReason,
    Game,
    GameError,
    GameSettings,
    GameState,
)
from bot.trivia.hints import hint_text
from bot.trivia.matching import MatchKind
from bot.trivia.models import GameMode, Question
from bot.trivia.scoring import points_for

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ALICE, BOB, CARA = 101, 102, 103


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def questions(n: int = 5) -> list[Question]:
    return [
        Question(f"q{i}", f"Question {i}?", f"Answer {i}", (f"alias {i}",),
                 (f"Wrong {i}a", f"Wrong {i}b", f"Wrong {i}c"))
        for i in range(n)
    ]


def make(n: int = 5, seed: int = 1, **settings) -> Game:
    return Game(
        game_id=1, guild_id=10, channel_id=20, starter_id=ALICE,
        settings=GameSettings(rounds=settings.pop("rounds", n), **settings),
        questions=questions(n), rng=random.Random(seed),
    )


def right(game: Game, start) -> int:
    return start.choices.index(start.question.answer)


def wrong(game: Game, start) -> int:
    return next(i for i, c in enumerate(start.choices) if c != start.question.answer)


# -- button mode -----------------------------------------------------------------------------------


def test_round_offers_four_choices_with_the_answer() -> None:
    """A button question shows the answer and three wrong choices, deadline = window."""
    game = make()
    start = game.start_round(T0)
    assert start.number == 1 and start.total == 5
    assert sorted(start.choices) == sorted(["Answer 0", "Wrong 0a", "Wrong 0b", "Wrong 0c"])
    assert start.deadline == s(20) and start.hint is None and start.hint_times == ()


def test_choice_order_is_random_but_seeded() -> None:
    """Choices are shuffled by the injected Random: same seed same order, seeds vary the answer's slot."""
    assert make(seed=3).start_round(T0).choices == make(seed=3).start_round(T0).choices
    slots = {make(seed=seed).start_round(T0).choices.index("Answer 0") for seed in range(30)}
    assert len(slots) >= 3


def test_more_than_three_wrong_choices_are_sampled() -> None:
    """With a longer wrong list, exactly three are shown."""
    q = Question("q", "Q?", "A", (), ("w1", "w2", "w3", "w4", "w5"))
    game = Game(game_id=1, guild_id=1, channel_id=1, starter_id=1, settings=GameSettings(rounds=1),
                questions=[q], rng=random.Random(0))
    assert len(game.start_round(T0).choices) == 4


def test_second_answer_is_rejected() -> None:
    """One answer per player per question: the second click is 'already answered' and changes nothing."""
    game = make()
    start = game.start_round(T0)
    assert game.answer_choice(ALICE, 1, wrong(game, start), s(1)).status is AnswerStatus.ACCEPTED
    assert game.answer_choice(ALICE, 1, right(game, start), s(2)).status is AnswerStatus.ALREADY_ANSWERED
    result = game.close_round(s(20))
    assert [(a.user_id, a.correct) for a in result.answers] == [(ALICE, False)]


def test_answers_after_the_deadline_are_closed() -> None:
    """A click after time is up does not count, even before the cog closes the round."""
    game = make()
    start = game.start_round(T0)
    assert game.answer_choice(ALICE, 1, right(game, start), s(20)).status is AnswerStatus.ACCEPTED
    assert game.answer_choice(BOB, 1, right(game, start), s(20.001)).status is AnswerStatus.CLOSED


def test_old_buttons_and_bad_indexes_are_closed() -> None:
    """A button from an earlier question, an index out of range, or no open question: closed."""
    game = make()
    start = game.start_round(T0)
    game.close_round(s(20))
    assert game.answer_choice(ALICE, 1, 0, s(21)).status is AnswerStatus.CLOSED
    game.start_round(s(22))
    assert game.answer_choice(ALICE, 1, right(game, start), s(23)).status is AnswerStatus.CLOSED
    assert game.answer_choice(ALICE, 2, 4, s(23)).status is AnswerStatus.CLOSED
    assert game.answer_choice(ALICE, 2, -1, s(23)).status is AnswerStatus.CLOSED


def test_typed_answers_in_button_mode_are_refused() -> None:
    """Each mode only takes its own kind of answer."""
    game = make()
    game.start_round(T0)
    assert game.answer_text(ALICE, "Answer 0", s(1)).status is AnswerStatus.WRONG_MODE


def test_first_question_always_runs_its_full_time() -> None:
    """Nobody is active yet, so the first answer does not end the question early."""
    game = make()
    start = game.start_round(T0)
    outcome = game.answer_choice(ALICE, 1, right(game, start), s(1))
    assert not outcome.reveal_now and not game.reveal_due(s(19.9)) and game.reveal_due(s(20))


def test_reveal_early_when_every_active_player_answered() -> None:
    """Once everyone who played recently has answered, the question can close at once."""
    game = make()
    start = game.start_round(T0)
    game.answer_choice(ALICE, 1, right(game, start), s(1))
    game.answer_choice(BOB, 1, wrong(game, start), s(2))
    game.close_round(s(20))
    start = game.start_round(s(21))
    assert not game.answer_choice(ALICE, 2, right(game, start), s(22)).reveal_now
    assert not game.reveal_due(s(22))
    assert game.answer_choice(BOB, 2, right(game, start), s(23)).reveal_now
    assert game.reveal_due(s(23))


def test_a_player_who_left_stops_holding_the_game_up() -> None:
    """Active means answered one of the last three questions."""
    game = make(6)
    start = game.start_round(T0)
    game.answer_choice(ALICE, 1, right(game, start), s(1))
    game.answer_choice(BOB, 1, right(game, start), s(1))
    game.close_round(s(20))
    t = 20
    for number in range(2, 6):  # Bob stops answering after question 1
        start = game.start_round(s(t))
        outcome = game.answer_choice(ALICE, number, right(game, start), s(t + 1))
        assert outcome.reveal_now is (number == 5)  # questions 2-4 still wait for Bob
        game.close_round(s(t + 20))
        t += 30


def test_scoring_streaks_and_standings() -> None:
    """Points follow the scoring formula, streaks grow and reset, standings sort by points."""
    game = make()
    start = game.start_round(T0)
    game.answer_choice(ALICE, 1, right(game, start), s(0))
    game.answer_choice(BOB, 1, right(game, start), s(10))
    result = game.close_round(s(20))
    by_user = {a.user_id: a for a in result.answers}
    assert by_user[ALICE].points == 100 and by_user[BOB].points == 75
    assert result.correct_users == (ALICE, BOB)

    start = game.start_round(s(30))
    game.answer_choice(ALICE, 2, right(game, start), s(30))
    game.answer_choice(BOB, 2, wrong(game, start), s(31))
    result = game.close_round(s(50))
    by_user = {a.user_id: a for a in result.answers}
    expected = points_for(elapsed=timedelta(0), window=timedelta(seconds=20), streak=2)
    assert by_user[ALICE].points == expected == 110 and by_user[ALICE].streak == 2
    assert by_user[BOB].points == 0 and by_user[BOB].streak == 0 and not by_user[BOB].correct
    assert [(st.user_id, st.points, st.rank) for st in result.standings] == [(ALICE, 210, 1), (BOB, 75, 2)]


def test_missing_a_question_breaks_the_streak() -> None:
    """A streak counts consecutive questions: skipping one resets it."""
    game = make()
    for number in (1, 2):
        start = game.start_round(s(number * 100))
        game.answer_choice(ALICE, number, right(game, start), s(number * 100))
        game.close_round(s(number * 100 + 20))
    game.start_round(s(300))
    game.close_round(s(320))
    start = game.start_round(s(400))
    game.answer_choice(ALICE, 4, right(game, start), s(400))
    result = game.close_round(s(420))
    assert result.answers[0].streak == 1 and result.answers[0].points == 100
    assert result.standings[0].best_streak == 2


def test_ties_share_a_rank() -> None:
    """Equal points share a rank; the next rank skips (1, 1, 3)."""
    game = make()
    start = game.start_round(T0)
    for user in (ALICE, BOB):
        game.answer_choice(user, 1, right(game, start), s(5))
    game.answer_choice(CARA, 1, wrong(game, start), s(5))
    result = game.close_round(s(20))
    assert [st.rank for st in result.standings] == [1, 1, 3]


def play_all(game: Game, plan: dict[int, bool]) -> None:
    """Every question: each user in `plan` answers right (True) or wrong (False) at 1 s."""
    t = 0
    while game.state is GameState.RUNNING:
        start = game.start_round(s(t))
        for user, ok in plan.items():
            game.answer_choice(user, start.number, right(game, start) if ok else wrong(game, start), s(t + 1))
        game.close_round(s(t + 20))
        t += 30


def test_natural_end_with_two_players_has_a_winner() -> None:
    """All questions asked: finished, the top scorer wins."""
    game = make(3)
    play_all(game, {ALICE: True, BOB: False})
    over = game.game_over
    assert over is not None and over.state is GameState.FINISHED and over.reason is EndReason.COMPLETED
    assert over.winners == (ALICE,) and game.state is GameState.FINISHED


def test_one_player_never_wins() -> None:
    """A win needs at least two players."""
    game = make(3)
    play_all(game, {ALICE: True})
    assert game.game_over is not None and game.game_over.winners == ()


def test_a_tie_at_the_top_is_shared() -> None:
    """Everyone tied for first gets the win."""
    game = make(2)
    play_all(game, {ALICE: True, BOB: True, CARA: False})
    assert game.game_over is not None and set(game.game_over.winners) == {ALICE, BOB}


def test_nobody_scored_nobody_wins() -> None:
    """A top score of zero is not a win."""
    game = make(2)
    play_all(game, {ALICE: False, BOB: False})
    assert game.game_over is not None and game.game_over.winners == ()


def test_three_unanswered_questions_end_the_game() -> None:
    """Three questions in a row without any answer end the game by itself."""
    game = make(10)
    start = game.start_round(T0)
    game.answer_choice(ALICE, 1, right(game, start), s(1))
    game.answer_choice(BOB, 1, wrong(game, start), s(1))
    game.close_round(s(20))
    results = []
    for i in range(3):
        game.start_round(s(100 * (i + 1)))
        results.append(game.close_round(s(100 * (i + 1) + 20)))
    assert [r.game_over is None for r in results] == [True, True, False]
    over = results[-1].game_over
    assert over is not None and over.reason is EndReason.IDLE and over.state is GameState.FINISHED
    assert over.winners == (ALICE,)
    with pytest.raises(GameError):
        game.start_round(s(1000))


def test_an_answer_resets_the_idle_count() -> None:
    """Two quiet questions, one answered, two quiet: still running."""
    game = make(10)
    for i, answered in enumerate([False, False, True, False, False]):
        start = game.start_round(s(100 * i))
        if answered:
            game.answer_choice(ALICE, start.number, wrong(game, start), s(100 * i + 1))
        assert game.close_round(s(100 * i + 20)).game_over is None
    assert game.state is GameState.RUNNING


def test_stop_records_no_win_and_drops_the_open_question() -> None:
    """Stopping ends the game at once; the question in flight is not scored; nobody wins."""
    game = make(5)
    play_first = game.start_round(T0)
    game.answer_choice(ALICE, 1, right(game, play_first), s(1))
    game.answer_choice(BOB, 1, wrong(game, play_first), s(1))
    game.close_round(s(20))
    start = game.start_round(s(30))
    game.answer_choice(BOB, 2, right(game, start), s(31))
    over = game.stop(s(32))
    assert over.state is GameState.STOPPED and over.reason is EndReason.STOPPED and over.winners == ()
    assert [(st.user_id, st.points) for st in over.standings] == [(ALICE, 98), (BOB, 0)]
    assert game.stop(s(40)) is over
    assert game.answer_choice(CARA, 2, 0, s(33)).status is AnswerStatus.CLOSED
    with pytest.raises(GameError):
        game.start_round(s(50))


def test_only_the_starter_or_a_moderator_can_stop() -> None:
    """Stop needs the starter, or Manage Messages."""
    game = make()
    assert game.can_stop(ALICE, can_manage_messages=False)
    assert not game.can_stop(BOB, can_manage_messages=False)
    assert game.can_stop(BOB, can_manage_messages=True)


def test_out_of_order_driving_is_an_error() -> None:
    """Opening twice, or closing with nothing open, is a cog bug and raises."""
    game = make()
    with pytest.raises(GameError):
        game.close_round(T0)
    game.start_round(T0)
    with pytest.raises(GameError):
        game.start_round(s(1))


def test_questions_must_be_distinct_and_present() -> None:
    """A question never repeats within a game; a game needs at least one."""
    q = questions(1)[0]
    with pytest.raises(ValueError):
        Game(game_id=1, guild_id=1, channel_id=1, starter_id=1, settings=GameSettings(rounds=2),
             questions=[q, q], rng=random.Random(0))
    with pytest.raises(ValueError):
        Game(game_id=1, guild_id=1, channel_id=1, starter_id=1, settings=GameSettings(),
             questions=[], rng=random.Random(0))


def test_rounds_are_capped_by_settings_and_questions() -> None:
    """Fewer questions than rounds: the game is as long as the questions; more: cut to rounds."""
    assert make(3, rounds=10).total_rounds == 3
    assert make(5, rounds=2).total_rounds == 2


@pytest.mark.parametrize(
    "bad", [dict(rounds=0), dict(rounds=51), dict(answer_seconds=4), dict(answer_seconds=121), dict(hints=3)]
)
def test_settings_are_validated(bad: dict) -> None:
    """Out-of-range settings are refused."""
    with pytest.raises(ValueError):
        GameSettings(**bad)


def test_settings_round_trip_through_json() -> None:
    """Settings saved with the game read back equal."""
    settings = GameSettings(rounds=7, mode=GameMode.TYPED, seasons=(1, 2), max_season=3, difficulty="hard")
    assert GameSettings.from_json(settings.to_json()) == settings
    assert GameSettings.from_json({"mode": "buttons", "unknown": 1}) == GameSettings()


# -- typed mode ------------------------------------------------------------------------------------


def typed(n: int = 3, **kw) -> Game:
    return make(n, mode=GameMode.TYPED, typed_seconds=30, **kw)


def test_typed_round_shows_the_answer_shape_and_hint_times() -> None:
    """Typed questions have no buttons, a level-0 hint, and hints at 1/3 and 2/3 of the window."""
    game = typed()
    start = game.start_round(T0)
    assert start.choices == () and start.hint == hint_text("Answer 0", 0)
    assert start.hint_times == (s(10), s(20)) and start.deadline == s(30)


def test_typed_first_correct_answer_wins() -> None:
    """Wrong guesses may be retried; the first right one ends the question for everyone."""
    game = typed()
    game.start_round(T0)
    assert game.answer_text(BOB, "Answer 9", s(1)).status is AnswerStatus.WRONG
    assert game.answer_text(BOB, "Wrong 0a", s(2)).status is AnswerStatus.WRONG
    won = game.answer_text(ALICE, "answer 0", s(3))
    assert won.status is AnswerStatus.WON and won.reveal_now and won.match and won.match.kind is MatchKind.EXACT
    assert game.answer_text(BOB, "Answer 0", s(4)).status is AnswerStatus.CLOSED
    assert game.reveal_due(s(4))
    result = game.close_round(s(4))
    assert result.correct_users == (ALICE,)
    by_user = {a.user_id: a for a in result.answers}
    assert by_user[BOB].text == "Wrong 0a" and by_user[BOB].points == 0
    assert by_user[ALICE].points == points_for(elapsed=timedelta(seconds=3), window=timedelta(seconds=30), streak=1)


def test_typed_alias_and_typo_count_and_are_flagged() -> None:
    """Aliases count; a typo wins but the result says it was fuzzy, so the reveal shows the real spelling."""
    game = typed()
    game.start_round(T0)
    assert game.answer_text(ALICE, "alias 0", s(1)).status is AnswerStatus.WON
    assert not game.close_round(s(1)).fuzzy_match
    game.start_round(s(10))
    assert game.answer_text(ALICE, "Answr 1", s(11)).status is AnswerStatus.WON
    assert game.close_round(s(11)).fuzzy_match


def test_hints_fall_due_in_order_and_lower_points() -> None:
    """Hints come at their times, not before, at most two; a hinted answer scores less."""
    game = typed()
    game.start_round(T0)
    assert game.next_deadline() == s(10)
    assert game.take_hint(s(9.9)) is None
    assert game.take_hint(s(10)) == hint_text("Answer 0", 1)
    assert game.take_hint(s(10.5)) is None
    assert game.next_deadline() == s(20)
    assert game.take_hint(s(20)) == hint_text("Answer 0", 2)
    assert game.take_hint(s(25)) is None and game.next_deadline() == s(30)
    game.answer_text(ALICE, "Answer 0", s(21))
    result = game.close_round(s(21))
    after_two = points_for(elapsed=timedelta(seconds=21), window=timedelta(seconds=30), streak=1, hints_used=2)
    assert result.answers[0].points == after_two < points_for(
        elapsed=timedelta(seconds=21), window=timedelta(seconds=30), streak=1
    )


def test_typed_nobody_right_by_the_deadline() -> None:
    """With no right answer the question ends at its deadline and wrong guessers lose their streak."""
    game = typed()
    game.start_round(T0)
    game.answer_text(BOB, "no idea", s(5))
    assert not game.reveal_due(s(29)) and game.reveal_due(s(30))
    assert game.answer_text(ALICE, "Answer 0", s(30.5)).status is AnswerStatus.CLOSED
    result = game.close_round(s(30))
    assert result.correct_users == () and result.answers[0].user_id == BOB


def test_typed_guesses_are_kept_short() -> None:
    """A huge typed guess is stored cut to a sane length."""
    game = typed()
    game.start_round(T0)
    game.answer_text(BOB, "x" * 5000, s(1))
    result = game.close_round(s(30))
    assert result.answers[0].text is not None and len(result.answers[0].text) == 200


def test_button_answers_in_typed_mode_are_refused() -> None:
    """Buttons do nothing in a typed game."""
    game = typed()
    game.start_round(T0)
    assert game.answer_choice(ALICE, 1, 0, s(1)).status is AnswerStatus.WRONG_MODE


@pytest.mark.parametrize(
    ("level", "text"),
    [(0, "_ _ _ _ _   _ _ _ _ _ _ _ _"), (1, "K _ _ _ _   K _ _ _ _ _ _ _"), (2, "K _ v _ _   K _ l _ _ r _ _")],
)
def test_hint_levels(level: int, text: str) -> None:
    """Hints reveal first letters, then every third letter; spaces show."""
    assert hint_text("Kavya Kulkarni", level) == text


def test_hints_keep_punctuation_and_short_words() -> None:
    """Punctuation shows, and short words never reveal more than their first letter."""
    assert hint_text("Kavya's dog", 2) == "K _ v _ _ ' s   d _ _"


def test_typed_numeric_answer_may_name_the_unit_from_the_question() -> None:
    """In a typed game, '5 episodes' wins 'How many episodes…? 5'; '6 episodes' does not."""
    q = Question("n", "How many episodes does season 1 have?", "5", (), ("4", "6", "8"), 1)
    game = Game(game_id=1, guild_id=1, channel_id=1, starter_id=1, settings=GameSettings(rounds=1, mode=GameMode.TYPED),
                questions=[q], rng=random.Random(0))
    game.start_round(T0)
    assert game.answer_text(BOB, "6 episodes", s(1)).status is AnswerStatus.WRONG
    assert game.answer_text(ALICE, "five episodes", s(2)).status is AnswerStatus.WON


@pytest.mark.parametrize("answer", ["8", "29", "Kaju", "2019"])
@pytest.mark.parametrize("level", [0, 1, 2])
def test_a_hint_never_shows_half_of_a_short_answer(answer: str, level: int) -> None:
    hint = hint_text(answer, level)
    shown = sum(ch.isalnum() for ch in hint)
    assert shown * 2 < len(answer) or shown == 0, hint
