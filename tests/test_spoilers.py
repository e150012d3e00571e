"""The spoiler rule on its own: which season a text is tied to, and what a member sees."""

from bot import spoilers
from bot.content.models import Character, Episode


def character(seasons: tuple[int, ...], description: str = "A friend.", note: str | None = None) -> Character:
    return Character("c", "C", (), None, seasons, description, note, (), ())


def test_levels() -> None:
    assert not spoilers.hides(None, 4)  # guard off
    assert spoilers.hides(0, 1) and not spoilers.hides(1, 1) and spoilers.hides(3, 4)
    assert not spoilers.hides(0, None) and not spoilers.hides(0, 0)  # the whole show is never a spoiler
    assert spoilers.shown("x", 1, 2) == "||x||" and spoilers.shown("x", 2, 2) == "x"
    assert spoilers.wrap("a|b") == "||a¦b||"


def test_a_text_is_tied_to_the_latest_season_it_belongs_to_or_names() -> None:
    assert spoilers.seasons_named("Wrote Seasons 1 to 3; Season 4 was the first without him") == {1, 3, 4}
    assert spoilers.seasons_named("turns 30 in the final season") == {4}
    assert spoilers.seasons_named("Kavya's 3 friends") == set()
    assert spoilers.text_season("Plays Kavya in all four seasons.", 1) == 1
    assert spoilers.text_season("Directed Season 2, and co-directed Season 4.", None) == 4
    assert spoilers.text_season("No season here.", None) is None


def test_characters_and_actors() -> None:
    assert spoilers.description_season(character((1, 2, 3, 4), "She turns 30 in the final season.")) == 4
    assert spoilers.description_season(character((3, 4), "Becomes his boss in Finland.")) == 3
    assert spoilers.roles_season([character((3, 4)), character((2,))]) == 2
    assert spoilers.roles_season([]) is None
    assert spoilers.split_seasons([4, 1, 2], 1) == ([1], [2, 4])
    assert spoilers.offered(3, 2) is False and spoilers.offered(3, None) and spoilers.offered(2, 2)


def test_titles_where_tags_cannot_show() -> None:
    episode = Episode(2, 7, "Baalti Aur Magga")
    assert spoilers.episode_choice_name(episode, 1) == "Episode 7"
    assert spoilers.episode_choice_name(episode, 2) == "Episode 7: Baalti Aur Magga"
    assert spoilers.public_episode_title("Baalti Aur Magga", 2) == "||Baalti Aur Magga||"
    assert spoilers.public_episode_title("FOMO", 1) == "FOMO"
    assert spoilers.party_title("Kerala trip", 4, 3) == "||Kerala trip||"
