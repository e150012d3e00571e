"""Whether a daily question is hidden: the least-watched member and the seasons its text names."""

from bot.qotd import hidden_season


def test_a_later_season_question_is_hidden_from_the_least_watched() -> None:
    """Season 3 question, someone has watched up to 2: hidden as Season 3."""
    assert hidden_season("Where does Kavya move?", ["Nagpur", "Pune", "Delhi", "Goa"], 3, 2) == 3


def test_nobody_set_a_level_or_everyone_has_seen_it() -> None:
    """No spoiler settings, or every setting at or past the season: plain."""
    assert hidden_season("Where does Kavya move?", ["a", "b", "c", "d"], 3, None) is None
    assert hidden_season("Where does Kavya move?", ["a", "b", "c", "d"], 3, 3) is None


def test_a_whole_show_question_naming_a_later_season_is_hidden() -> None:
    """"In which year did the final season come out?" is a Season 4 question for a Season 1 watcher."""
    assert hidden_season("In which year did the final season come out?", ["2021", "2019", "2018", "2020"],
                         None, 1) == 4
    assert hidden_season("On which platform did Season 1 first come out?", ["a", "b", "c", "d"], None, 1) is None


def test_a_choice_can_name_a_season_too() -> None:
    """A choice that names Season 4 makes the post a Season 4 one."""
    assert hidden_season("Which season is set in Kerala?", ["Season 4", "Season 2", "Season 1", "Season 3"],
                         None, 2) == 4
