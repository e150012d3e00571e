"""Answer matching: a table of tricky guesses, each with the verdict we decided on."""

import time

import pytest

from bot.trivia.matching import (
    MAX_GUESS_CHARS,
    AnswerKey,
    MatchKind,
    answer_budget,
    match_answer,
    same_answer,
    word_budget,
)
from bot.trivia.text import normalise

EXACT, FUZZY, NONE = MatchKind.EXACT, MatchKind.FUZZY, MatchKind.NONE

# (guess, answer, aliases, expected)
CASES = [
    # case, spacing, punctuation, smart quotes, "&", leading articles
    ("mumbai", "Mumbai", (), EXACT),
    ("  MUMBAI  ", "Mumbai", (), EXACT),
    ("Mumbai!!!", "Mumbai", (), EXACT),
    ("kavyas", "Kavya’s", (), EXACT),
    ("Kavya's", "Kavya’s", (), EXACT),
    ("dhruv and kavya", "Dhruv & Kavya", (), EXACT),
    ("Dhruv&Kavya", "Dhruv and Kavya", (), EXACT),
    ("the wine garden", "Wine Garden", (), EXACT),
    ("a wine garden", "The Wine Garden", (), EXACT),
    ("wine garden", "The Wine Garden", (), EXACT),
    ("mutton-cutlet gravy", "Mutton cutlet gravy", (), EXACT),
    ("Mutton   cutlet\tgravy", "Mutton cutlet gravy", (), EXACT),
    # diacritics and other scripts
    ("cafe", "Café", (), EXACT),
    ("Café", "cafe", (), EXACT),
    ("Kochi", "Kōchi", (), EXACT),
    ("Lodz", "Łódź", (), EXACT),
    ("naive", "naïve", (), EXACT),
    # Hindi: Devanagari and romanised answers where the question lists them, same strictness
    ("मुंबई", "Mumbai", ("Bombay", "मुंबई", "मुम्बई"), EXACT),
    ("मुम्बई", "Mumbai", ("Bombay", "मुंबई", "मुम्बई"), EXACT),
    ("मुंबई", "Mumbai", (), NONE),
    ("नवी मुंबई", "Mumbai", ("मुंबई",), NONE),
    ("मुंबई है", "Mumbai", ("मुंबई",), EXACT),
    ("मुझे लगता मुंबई", "Mumbai", ("मुंबई",), EXACT),
    ("मुंबई या दिल्ली", "Mumbai", ("मुंबई",), NONE),
    ("मुम्बइ", "Mumbai", ("मुम्बई",), NONE),
    ("चार", "4", ("four", "चार", "char", "chaar"), EXACT),
    ("char", "4", ("four", "चार", "char", "chaar"), EXACT),
    ("CHAAR", "4", ("four", "चार", "char", "chaar"), EXACT),
    ("चार", "4", ("four",), NONE),
    ("char", "4", ("four",), NONE),
    ("chaar", "4", ("four", "char"), NONE),
    ("पाँच", "4", ("four", "चार", "char"), NONE),
    ("४", "4", (), EXACT),
    ("५", "4", (), NONE),
    ("अजय भुयान", "Ajay Bhuyan", ("Bhuyan", "अजय भुयान", "भुयान"), EXACT),
    ("अजय भुयन", "Ajay Bhuyan", ("अजय भुयान",), NONE),
    ("मिथिला पालकार", "Mithila Palkar", ("मिथिला पालकर",), FUZZY),
    ("मिथिला", "Mithila Palkar", ("मिथिला पालकर",), NONE),
    # names: only what the author listed
    ("Mithila Palkar", "Mithila Palkar", (), EXACT),
    ("mithila", "Mithila Palkar", (), NONE),
    ("palkar", "Mithila Palkar", (), NONE),
    ("mithila", "Mithila Palkar", ("Mithila",), EXACT),
    ("Palkar", "Mithila Palkar", ("Mithila",), NONE),
    ("Mithila Palker", "Mithila Palkar", (), FUZZY),
    ("mithila palkr", "Mithila Palkar", (), FUZZY),
    ("Palkar Mithila", "Mithila Palkar", (), NONE),
    ("Dhruv Sehgal", "Dhruv Vats", (), NONE),
    ("Dhruv", "Dhruv Vats", (), NONE),
    ("Vatsa", "Dhruv Vats", ("Vats", "Vatsa"), EXACT),
    ("Momo", "Dhruv Vats", ("Momo",), EXACT),
    ("Ila Kulkarni", "Ila Kulkarni", (), EXACT),
    ("Ira Kulkarni", "Ila Kulkarni", (), NONE),
    ("Kavya Kulkarni", "Ila Kulkarni", (), NONE),
    ("Prateek Kuhaad", "Prateek Kuhad", (), FUZZY),
    ("Sanketh", "Sanket", ("Sanketh",), EXACT),
    # typos scaled by length
    ("Mumba", "Mumbai", (), FUZZY),
    ("Mumbia", "Mumbai", (), FUZZY),
    ("Mumbaii", "Mumbai", (), FUZZY),
    ("Mumbi", "Mumbai", (), FUZZY),
    ("Mumbaikar", "Mumbai", (), NONE),
    ("Bumbai", "Mumbai", (), NONE),
    ("Mmubia", "Mumbai", (), NONE),
    ("Nagpor", "Nagpur", (), FUZZY),
    ("Magpur", "Nagpur", (), NONE),
    ("Finlnd", "Finland", (), FUZZY),
    ("Fnland", "Finland", (), FUZZY),
    ("Fnlnd", "Finland", (), NONE),
    ("Bengaluru", "Bengaluru", ("Bangalore",), EXACT),
    ("Bangalor", "Bengaluru", ("Bangalore",), FUZZY),
    ("Bengaluro", "Bengaluru", (), FUZZY),
    ("Alapuzha", "Alappuzha", ("Alleppey",), FUZZY),
    ("Aleppey", "Alappuzha", ("Alleppey",), FUZZY),
    ("Alepey", "Alappuzha", ("Alleppey",), NONE),
    ("Alappuzhaaa", "Alappuzha", (), NONE),
    ("Indian Statistical Institue", "Indian Statistical Institute", (), FUZZY),
    # short answers: no typo allowed
    ("Deli", "Delhi", (), NONE),
    ("Delhi", "Delhi", (), EXACT),
    ("Dehli", "Delhi", (), NONE),
    ("Pine", "Pune", (), NONE),
    ("Kavy", "Kavya", (), NONE),
    ("Kavay", "Kavya", (), NONE),
    ("Kaju", "Kaju", (), EXACT),
    ("Kaj", "Kaju", (), NONE),
    ("Go", "Goa", (), NONE),
    # multi-word: every word keeps its own budget and first letter
    ("Milk Bake", "Milk Cake", (), NONE),
    ("Mlk Cake", "Milk Cake", (), FUZZY),
    ("Mlk Cak", "Milk Cake", (), NONE),
    ("milk cakee", "Milk Cake", (), FUZZY),
    ("milkcake", "Milk Cake", (), FUZZY),
    ("Balti aur Maga", "Baalti Aur Magga", (), FUZZY),
    ("Baalti aur Magga", "Baalti Aur Magga", (), EXACT),
    ("Bucket and mug", "Baalti Aur Magga", ("bucket and mug",), EXACT),
    ("Mumbai Darshan", "Mumbai Darshan", (), EXACT),
    ("Mumbai Darshn", "Mumbai Darshan", (), FUZZY),
    ("Mumbai", "Mumbai Darshan", (), NONE),
    # whole words only, never substrings
    ("air", "chair", (), NONE),
    ("chair", "air", (), NONE),
    ("hair", "chair", (), NONE),
    ("Navi Mumbai", "Mumbai", (), NONE),
    ("New Delhi", "Delhi", (), NONE),
    ("Delhi", "New Delhi", (), NONE),
    ("Kulkarni", "Kavya Kulkarni", (), NONE),
    # a few filler words around the answer
    ("it's Mumbai", "Mumbai", (), EXACT),
    ("its mumbai", "Mumbai", (), EXACT),
    ("I think it's Mumbai", "Mumbai", (), EXACT),
    ("Mumbai I think", "Mumbai", (), EXACT),
    ("maybe Mumbai?", "Mumbai", (), EXACT),
    ("in Mumbai", "Mumbai", (), EXACT),
    ("the answer is Mumbai", "Mumbai", (), EXACT),
    ("Mumbai hai", "Mumbai", (), EXACT),
    ("it's Mumbaai", "Mumbai", (), FUZZY),
    ("is it Deli", "Delhi", (), NONE),
    ("not Mumbai", "Mumbai", (), NONE),
    ("Mumbai or Delhi", "Mumbai", (), NONE),
    ("Delhi or Mumbai", "Mumbai", (), NONE),
    ("Mumbai city", "Mumbai", (), NONE),
    ("Mumbai Delhi", "Mumbai", (), NONE),
    ("i think i guess maybe probably perhaps Mumbai", "Mumbai", (), NONE),
    ("it", "It", (), EXACT),
    # numbers: exact, digits or words
    ("4", "4", (), EXACT),
    ("four", "4", (), EXACT),
    ("4", "four", (), EXACT),
    ("Four", "4", (), EXACT),
    ("5", "4", (), NONE),
    ("fourteen", "4", (), NONE),
    ("forty", "4", (), NONE),
    ("season four", "Season 4", (), EXACT),
    ("fourth season", "4th season", (), EXACT),
    ("season 3", "Season 4", (), NONE),
    ("seasn 4", "Season 4", (), FUZZY),
    ("seasn 3", "Season 4", (), NONE),
    ("twenty-nine", "29", (), EXACT),
    ("twenty nine episodes", "29 episodes", (), EXACT),
    ("ninety nine", "99", (), EXACT),
    ("ninety-eight", "99", (), NONE),
    ("one hundred and five", "105", (), EXACT),
    ("14 months", "fourteen months", (), EXACT),
    ("12 months", "fourteen months", (), NONE),
    ("6", "six", (), EXACT),
    ("1,000", "1000", (), EXACT),
    ("100", "1000", (), NONE),
    ("2.5", "25", (), NONE),
    ("३०", "30", (), EXACT),
    ("30th", "30", (), EXACT),
    ("thirtieth", "30", (), EXACT),
    # years
    ("2019", "2019", (), EXACT),
    ("2018", "2019", (), NONE),
    ("2091", "2019", (), NONE),
    ("twenty nineteen", "2019", (), EXACT),
    ("two thousand and nineteen", "2019", (), EXACT),
    ("two thousand nineteen", "2019", (), EXACT),
    ("twenty eighteen", "2019", (), NONE),
    ("2O19", "2019", (), NONE),
    ("in 2016", "2016", (), EXACT),
    ("October 2016", "October 2016", (), EXACT),
    ("Oct 2016", "October 2016", (), EXACT),
    ("October 2018", "October 2016", (), NONE),
    ("Octobr 2016", "October 2016", (), NONE),
    # dates (day first when written with digits only, as in India)
    ("5 October 2018", "5 October 2018", (), EXACT),
    ("October 5, 2018", "5 October 2018", (), EXACT),
    ("Oct 5th 2018", "5 October 2018", (), EXACT),
    ("5th of October 2018", "5 October 2018", (), EXACT),
    ("fifth october 2018", "5 October 2018", (), EXACT),
    ("05/10/2018", "5 October 2018", (), EXACT),
    ("5-10-2018", "5 October 2018", (), EXACT),
    ("2018-10-05", "5 October 2018", (), EXACT),
    ("6 October 2018", "5 October 2018", (), NONE),
    ("5 October 2019", "5 October 2018", (), NONE),
    ("10/5/2018", "5 October 2018", (), NONE),
    ("5 October", "5 October 2018", (), NONE),
    ("15 October", "October 15", (), EXACT),
    ("25 Oct 2016", "25 October 2016", (), EXACT),
    ("9 November 2019", "9 November 2019", (), EXACT),
    ("November 9", "9 November 2019", (), NONE),
    # Hindi words, in Latin letters and in Devanagari
    ("magga", "Magga", (), EXACT),
    ("मुंबई", "Mumbai", ("मुंबई",), EXACT),
    ("मुंबई।", "मुंबई", (), EXACT),
    ("मुबई", "मुंबई", (), NONE),
    ("मुंबई", "Mumbai", (), NONE),
    ("बाल्टी", "बाल्टी", (), EXACT),
    ("बल्टी", "बाल्टी", (), NONE),
    ("Mumbai hai", "मुंबई", ("Mumbai",), EXACT),
    ("shayad Nagpur", "Nagpur", (), EXACT),
    # empty, whitespace, emoji, junk
    ("", "Mumbai", (), NONE),
    ("   ", "Mumbai", (), NONE),
    ("\n\t", "Mumbai", (), NONE),
    ("🎉", "Mumbai", (), NONE),
    ("🎉 Mumbai 🎉", "Mumbai", (), EXACT),
    ("?!", "Mumbai", (), NONE),
    ("the", "Mumbai", (), NONE),
    ("Mumbai\u200b", "Mumbai", (), EXACT),
]


@pytest.mark.parametrize(("guess", "answer", "aliases", "expected"), CASES)
def test_match_table(guess: str, answer: str, aliases: tuple[str, ...], expected: MatchKind) -> None:
    """Each guess gets the verdict the table says."""
    assert match_answer(guess, answer, aliases).kind is expected


def test_table_is_big_and_balanced() -> None:
    """The table exercises all three verdicts, with plenty of must-fail cases."""
    kinds = [case[3] for case in CASES]
    assert len(CASES) >= 150
    assert kinds.count(NONE) >= 50 and kinds.count(FUZZY) >= 20 and kinds.count(EXACT) >= 50


def test_result_names_the_form_matched() -> None:
    """The result says which accepted form matched, so the reveal can show the official answer."""
    result = match_answer("vatsa", "Dhruv Vats", ["Vatsa"])
    assert result.kind is EXACT and result.matched == "Vatsa" and result.correct
    fuzzy = match_answer("Mumbia", "Mumbai")
    assert fuzzy.kind is FUZZY and fuzzy.matched == "Mumbai" and fuzzy.distance == 1 and fuzzy.correct
    assert not match_answer("Pune", "Mumbai").correct


def test_a_typo_as_close_to_a_wrong_choice_fails() -> None:
    """When a typo is as near a wrong choice as the answer, the guess is wrong."""
    key = AnswerKey("Kulkarni", distractors=["Kulkarna", "Deshpande", "Sehgal"])
    assert key.match("Kulkarn").kind is NONE
    assert key.match("Kulkarni").kind is EXACT
    assert key.match("Kulkarnii").kind is FUZZY  # nearer the answer than the wrong choice


def test_a_guess_equal_to_a_wrong_choice_fails_even_with_fillers() -> None:
    """Naming a wrong choice is wrong, with or without filler words."""
    key = AnswerKey("Nagpur", distractors=["Nashik", "Pune", "Mumbai"])
    assert key.match("I think Nashik").kind is NONE
    assert key.match("Nagpur").kind is EXACT


@pytest.mark.parametrize(
    ("guess", "expected"),
    [("5 episodes", EXACT), ("five episodes", EXACT), ("season 1 has 5", NONE), ("5 episodes season 1", NONE),
     ("6 episodes", NONE), ("5 minutes", NONE), ("5", EXACT), ("episodes", NONE)],
)
def test_numeric_answers_may_carry_words_from_the_question(guess: str, expected: MatchKind) -> None:
    """"5 episodes" answers "How many episodes…?"; the number itself must still be exact."""
    key = AnswerKey("5", context="How many episodes does season 1 have?")
    assert key.match(guess).kind is expected


def test_question_words_are_not_fillers_for_word_answers() -> None:
    """For a word answer, a question word around the guess is still an extra word (it may change the answer)."""
    key = AnswerKey("Bangalore", context="Which city did Dhruv move to from Mumbai?")
    assert key.match("Mumbai Bangalore").kind is NONE
    assert key.match("Bangalore").kind is EXACT


def test_an_alias_can_be_the_only_match() -> None:
    """Every accepted alias counts on its own."""
    key = AnswerKey("Bengaluru", ["Bangalore", "Bengalooru"])
    assert key.match("bangalore").matched == "Bangalore"
    assert key.match("Bengalooru").matched == "Bengalooru"


def test_overlong_guesses_are_wrong_without_work() -> None:
    """A guess past the cap is wrong even if it starts with the answer, and costs almost nothing."""
    key = AnswerKey("Mumbai")
    huge = "Mumbai " + "x" * 100_000
    started = time.perf_counter()
    assert key.match(huge).kind is NONE
    assert time.perf_counter() - started < 0.05
    assert key.match("Mumbai" + " " * (MAX_GUESS_CHARS - 6)).kind is EXACT


def test_matching_stays_fast() -> None:
    """A thousand typical guesses take well under a second (each is tens of microseconds)."""
    key = AnswerKey("Baalti Aur Magga", ["bucket and mug"], ["Milk Cake", "Mumbai Darshan", "Pause"])
    guesses = ["i think its balti aur maga", "milk cake", "🎉" * 50, "mumbai " * 28, "2019"] * 200
    started = time.perf_counter()
    for guess in guesses:
        key.match(guess)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("letters", "budget"), [(1, 0), (4, 0), (5, 0), (6, 1), (9, 1), (10, 2), (40, 2)]
)
def test_answer_budget_edges(letters: int, budget: int) -> None:
    """Typo budget by answer length: none to 5 letters, 1 for 6-9, 2 from 10."""
    assert answer_budget(letters) == budget


@pytest.mark.parametrize(("letters", "budget"), [(3, 0), (4, 1), (7, 1), (8, 2)])
def test_word_budget_edges(letters: int, budget: int) -> None:
    """Inside a multi-word answer each word gets its own smaller budget."""
    assert word_budget(letters) == budget


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Kavya’s Café", ("kavyas", "cafe")),
        ("nineteen ninety nine", ("1999",)),
        ("nineteen oh five", ("1905",)),
        ("twenty twenty one", ("2021",)),
        ("the fifth of October", ("--10-05",)),
        ("31 February 2020", ("31", "2020-02")),
        ("S01E02", ("s", "1", "e", "2")),
        ("२०१९", ("2019",)),
        ("🎉🎉", ()),
        ("The", ("the",)),
    ],
)
def test_normalise_examples(text: str, tokens: tuple[str, ...]) -> None:
    """Normalisation turns spellings of one thing into one token sequence (and leaves non-dates alone)."""
    assert normalise(text) == tokens


def test_same_answer_is_symmetric_and_ignores_blank() -> None:
    """`same_answer` compares normalised forms; two blanks are not the same answer."""
    assert same_answer("The Mumbai!", "mumbai") and same_answer("mumbai", "The Mumbai!")
    assert not same_answer("", "  ")
    assert not same_answer("Mumbai", "Mumba")
