"""The validator on broken packs: each mistake gives one precise message, and all are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import Problem, load_pack, pack_fingerprint

SHOW = """\
[pack]
version = "test-1"

[show]
title = "Little Things"
studio = "Dice Media"
platforms = ["YouTube", "Netflix"]
created_by = "Dhruv Sehgal"
language = "Mainly English"
premise = "A couple share a flat in Mumbai."
description = "A web series."
sources = ["fact sheet §1"]
"""

SEASONS = """\
[[season]]
number = 1
year = 2016
platform = "YouTube"
release_date = 2016-10-25
episode_count = 2
runtime = "about 15 minutes"
tagline = "The honeymoon phase."
settings = ["Mumbai"]
directors = ["Ajay Bhuyan"]
writers = ["Dhruv Sehgal"]
recap = \"\"\"
First paragraph.

Second paragraph.
\"\"\"
sources = ["fact sheet §2"]

[[season.episode]]
number = 1

[[season.episode]]
number = 2
"""

CAST = """\
[[person]]
id = "mithila-palkar"
name = "Mithila Palkar"
roles = ["actor"]
sources = ["fact sheet §3"]

[[character]]
id = "kavya-kulkarni"
name = "Kavya Kulkarni"
aliases = ["Kavu"]
played_by = "mithila-palkar"
seasons = [1]
description = "One half of the couple."
sources = ["fact sheet §3"]

[[character.arc]]
season = 1
text = "Settles in."
"""

FACTS = """\
[[fact]]
id = "studio"
topic = "show"
text = "Made by Dice Media."
source = "fact sheet §1"
"""

RELEASES = """\
[[release]]
id = "s1-premiere"
season = 1
title = "Season 1 premieres"
date = 2016-10-25
platform = "YouTube"
source = "fact sheet §2"

[[release]]
id = "s4-premiere"
season = 4
title = "Season 4 premieres"
date = 2021-10-15T12:30:00+05:30
source = "fact sheet §2"
"""

TRIVIA = """\
[[question]]
id = "s1-director"
season = 1
difficulty = "medium"
question = "Who directed Season 1?"
answer = "Ajay Bhuyan"
aliases = ["Bhuyan"]
wrong = ["Ruchir Arun", "Pranjal Dua", "Anand Tiwari"]
source = "fact sheet §2"

[[question]]
id = "show-studio"
difficulty = "easy"
question = "Which studio produced Little Things?"
answer = "Dice Media"
wrong = ["TVF", "Arre", "Y-Films"]
source = "fact sheet §1"
"""

FILES = {
    "show.toml": SHOW,
    "seasons.toml": SEASONS,
    "cast.toml": CAST,
    "facts.toml": FACTS,
    "releases.toml": RELEASES,
    "trivia/season1.toml": TRIVIA,
}


class Pack:
    """A small valid pack written under tmp_path; tests break one thing and check the messages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name, text in FILES.items():
            self.write(name, text)

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def problems(self) -> list[str]:
        result = load_pack(self.root)
        assert (result.pack is None) == bool(result.problems)
        return [str(p) for p in result.problems]


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return Pack(tmp_path / "content")


def test_the_small_pack_is_valid(pack: Pack) -> None:
    result = load_pack(pack.root)
    assert result.problems == []
    assert result.pack is not None
    assert [q.id for q in result.pack.questions] == ["s1-director", "show-studio"]
    assert result.pack.questions[1].season == 0


def test_unknown_key_suggests_the_right_one(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'difficulty = "medium"', 'dificulty = "medium"')
    assert pack.problems() == [
        "trivia/season1.toml: s1-director: unknown key 'dificulty' (did you mean 'difficulty'?)",
        "trivia/season1.toml: s1-director: missing required field 'difficulty'",
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(pack: Pack) -> None:
    pack.edit("facts.toml", 'topic = "show"', 'topic = "show"\nzzz = 1')
    assert pack.problems() == [
        "facts.toml: studio: unknown key 'zzz' (allowed: id, topic, season, episode, text, source, text_hi)",
    ]


def test_duplicate_id_across_files(pack: Pack) -> None:
    pack.write("trivia/season2.toml", TRIVIA.split("[[question]]")[1].join(["[[question]]", ""]))
    assert pack.problems() == [
        "trivia/season2.toml: s1-director: duplicate id 's1-director' (already used in trivia/season1.toml)",
    ]


def test_duplicate_id_within_a_file(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'id = "show-studio"', 'id = "s1-director"')
    assert pack.problems() == [
        "trivia/season1.toml: s1-director: duplicate id 's1-director' (already used earlier in this file)",
    ]


def test_person_and_character_ids_share_one_namespace(pack: Pack) -> None:
    pack.edit("cast.toml", 'id = "kavya-kulkarni"', 'id = "mithila-palkar"')
    assert pack.problems() == [
        "cast.toml: mithila-palkar: duplicate id 'mithila-palkar' (already used earlier in this file)",
    ]


def test_missing_field(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'answer = "Ajay Bhuyan"\n', "")
    assert pack.problems() == ["trivia/season1.toml: s1-director: missing required field 'answer'"]


def test_missing_field_without_an_id_is_labelled_by_position(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'id = "show-studio"\n', "")
    assert pack.problems() == ["trivia/season1.toml: question #2: missing required field 'id'"]


def test_wrong_type(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", "season = 1", 'season = "1"')
    assert pack.problems() == ["trivia/season1.toml: s1-director: 'season' must be an integer, got string '1'"]


def test_boolean_is_not_an_integer(pack: Pack) -> None:
    pack.edit("seasons.toml", "episode_count = 2", "episode_count = true")
    assert pack.problems() == ["seasons.toml: season 1: 'episode_count' must be an integer, got boolean"]


def test_wrong_type_in_a_list(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'aliases = ["Bhuyan"]', 'aliases = ["Bhuyan", 7]')
    assert pack.problems() == ["trivia/season1.toml: s1-director: 'aliases' item 2 must be a string, got integer"]


def test_quoted_date_is_rejected(pack: Pack) -> None:
    pack.edit("seasons.toml", "release_date = 2016-10-25", 'release_date = "2016-10-25"')
    assert pack.problems() == [
        "seasons.toml: season 1: 'release_date' must be a TOML date like 2016-10-25 (without quotes), "
        "got string '2016-10-25'",
    ]


def test_year_must_match_release_date(pack: Pack) -> None:
    pack.edit("seasons.toml", "year = 2016", "year = 2017")
    assert pack.problems() == ["seasons.toml: season 1: 'year' 2017 does not match release_date 2016-10-25"]


def test_release_time_needs_an_offset(pack: Pack) -> None:
    pack.edit("releases.toml", "2021-10-15T12:30:00+05:30", "2021-10-15T12:30:00")
    assert pack.problems() == [
        "releases.toml: s4-premiere: 'date' has a time but no UTC offset; write it like 2021-10-15T12:30:00+05:30",
    ]


def test_impossible_calendar_date_is_reported_with_its_line(pack: Pack) -> None:
    pack.edit("seasons.toml", "release_date = 2016-10-25", "release_date = 2016-02-30")
    assert pack.problems() == ["seasons.toml: invalid TOML at line 5, column 16: Invalid date or datetime"]


def test_answer_among_wrong_choices_ignores_case_and_spacing(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", '"Pranjal Dua"', '" ajay   BHUYAN "')
    assert pack.problems() == [
        "trivia/season1.toml: s1-director: answer 'Ajay Bhuyan' is also among the wrong choices",
    ]


def test_alias_among_wrong_choices(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", '"Pranjal Dua"', '"bhuyan"')
    assert pack.problems() == ["trivia/season1.toml: s1-director: alias 'Bhuyan' is also among the wrong choices"]


def test_two_wrong_choices(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", ', "Anand Tiwari"]', "]")
    assert pack.problems() == ["trivia/season1.toml: s1-director: needs exactly 3 wrong choices, got 2"]


def test_repeated_wrong_choice(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", '"Anand Tiwari"', '"ruchir arun"')
    assert pack.problems() == ["trivia/season1.toml: s1-director: wrong choice 'ruchir arun' is listed twice"]


def test_unknown_difficulty(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "extreme"')
    assert pack.problems() == [
        "trivia/season1.toml: s1-director: difficulty 'extreme' is not one of easy, medium, hard",
    ]


def test_question_about_season_five(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", "season = 1", "season = 5")
    assert pack.problems() == [
        "trivia/season1.toml: s1-director: season 5 is out of range (0-4; 0 or no season = the whole show)",
    ]


def test_season_five(pack: Pack) -> None:
    pack.edit("seasons.toml", "number = 1\nyear", "number = 5\nyear")
    assert pack.problems() == ["seasons.toml: season 5: season 5 is out of range (1-4)"]


def test_episode_count_must_match_listed_episodes(pack: Pack) -> None:
    pack.edit("seasons.toml", "episode_count = 2", "episode_count = 3")
    assert pack.problems() == ["seasons.toml: season 1: lists 2 episodes but 'episode_count' is 3"]


def test_episode_number_out_of_range_and_repeated(pack: Pack) -> None:
    pack.edit("seasons.toml", "[[season.episode]]\nnumber = 2", "[[season.episode]]\nnumber = 9")
    pack.write("seasons.toml", (pack.root / "seasons.toml").read_text() + "\n[[season.episode]]\nnumber = 1\n")
    assert pack.problems() == [
        "seasons.toml: season 1: lists 3 episodes but 'episode_count' is 2",
        "seasons.toml: season 1 episode 9: episode 9 is out of range (1-2)",
        "seasons.toml: season 1 episode 1: episode 1 is listed twice",
    ]


def test_episode_title_needs_a_source(pack: Pack) -> None:
    pack.edit("seasons.toml", "[[season.episode]]\nnumber = 2", '[[season.episode]]\nnumber = 2\ntitle = "X"')
    assert pack.problems() == ["seasons.toml: season 1 episode 2: an episode with a title or summary needs a 'source'"]


def test_malformed_toml_reports_file_line_and_column(pack: Pack) -> None:
    pack.edit("facts.toml", 'topic = "show"', 'topic "show"')
    assert pack.problems() == [
        "facts.toml: invalid TOML at line 3, column 7: Expected '=' after a key in a key/value pair",
    ]


def test_dangling_played_by(pack: Pack) -> None:
    pack.edit("cast.toml", 'played_by = "mithila-palkar"', 'played_by = "mithila"')
    assert pack.problems() == [
        "cast.toml: kavya-kulkarni: played_by 'mithila' is not the id of a [[person]] in cast.toml",
    ]


def test_arc_season_must_be_one_of_the_characters_seasons(pack: Pack) -> None:
    pack.edit("cast.toml", "season = 1\ntext", "season = 3\ntext")
    assert pack.problems() == [
        "cast.toml: kavya-kulkarni arc #1: arc season 3 is not among the character's seasons (1)",
    ]


def test_overlong_question_answer_and_fact(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", "Who directed Season 1?", "Q" * 300)
    pack.edit("trivia/season1.toml", '"Dice Media"', '"' + "A" * 81 + '"')
    pack.edit("facts.toml", "Made by Dice Media.", "F" * 1001)
    assert pack.problems() == [
        "facts.toml: studio: 'text' is 1001 characters, longer than the limit of 1000",
        "trivia/season1.toml: s1-director: 'question' is 300 characters, longer than the limit of 256",
        "trivia/season1.toml: show-studio: 'answer' is 81 characters, longer than the limit of 80",
    ]


def test_overlong_wrong_choice_would_not_fit_a_button(pack: Pack) -> None:
    pack.edit("trivia/season1.toml", '"Arre"', '"' + "W" * 81 + '"')
    assert pack.problems() == [
        "trivia/season1.toml: show-studio: 'wrong' item 2 is 81 characters, longer than the limit of 80",
    ]


def test_empty_text_and_bad_id(pack: Pack) -> None:
    pack.edit("facts.toml", 'id = "studio"', 'id = "The Studio"')
    pack.edit("facts.toml", "Made by Dice Media.", "   ")
    assert pack.problems() == [
        "facts.toml: The Studio: 'text' must not be empty",
        "facts.toml: The Studio: id 'The Studio' must be lowercase letters, digits and single dashes "
        "(e.g. 's2-director')",
    ]


def test_unknown_topic_and_episode_without_season(pack: Pack) -> None:
    pack.edit("facts.toml", 'topic = "show"', 'topic = "gossip"\nepisode = 1')
    assert pack.problems() == [
        "facts.toml: studio: topic 'gossip' is not one of show, season, cast, crew, behind-the-scenes, music, "
        "awards, spin-offs",
        "facts.toml: studio: 'episode' needs a 'season'",
    ]


def test_array_of_tables_written_as_a_single_table(pack: Pack) -> None:
    pack.write("facts.toml", FACTS.replace("[[fact]]", "[fact]"))
    assert pack.problems() == ["facts.toml: 'fact' must be an array of tables ([[...]] sections), got table"]


def test_missing_and_unknown_files(pack: Pack) -> None:
    (pack.root / "releases.toml").unlink()
    pack.write("fact.toml", FACTS)
    assert pack.problems() == [
        "fact.toml: unknown file (expected one of show.toml, seasons.toml, cast.toml, facts.toml, releases.toml "
        "or trivia/*.toml)",
        "releases.toml: file is missing",
    ]


def test_no_trivia_files(pack: Pack) -> None:
    (pack.root / "trivia" / "season1.toml").unlink()
    assert pack.problems() == ["trivia/: no question files found (expected trivia/*.toml)"]


def test_missing_folder(tmp_path: Path) -> None:
    result = load_pack(tmp_path / "nowhere")
    assert result.pack is None
    assert [p.message for p in result.problems] == ["content folder not found"]


def test_all_problems_are_collected_across_files(pack: Pack) -> None:
    """One run lists every mistake, not just the first."""
    pack.edit("facts.toml", 'topic = "show"', 'topic "show"')
    pack.edit("trivia/season1.toml", 'difficulty = "medium"', 'difficulty = "extreme"')
    pack.edit("trivia/season1.toml", ', "Y-Films"]', "]")
    pack.edit("cast.toml", 'played_by = "mithila-palkar"', 'played_by = "nobody"')
    pack.edit("seasons.toml", "year = 2016", "year = 2017")
    problems = pack.problems()
    assert len(problems) == 5
    assert {p.split(":")[0] for p in problems} == {"facts.toml", "trivia/season1.toml", "cast.toml", "seasons.toml"}


def test_problem_renders_as_file_entry_message() -> None:
    assert str(Problem("trivia/s2.toml", "s2-director", "bad")) == "trivia/s2.toml: s2-director: bad"
    assert str(Problem("facts.toml", None, "bad")) == "facts.toml: bad"


def test_fingerprint_changes_with_any_pack_file_but_not_the_readme(pack: Pack) -> None:
    before = pack_fingerprint(pack.root)
    assert pack_fingerprint(pack.root) == before
    pack.write("README.md", "notes for moderators")
    assert pack_fingerprint(pack.root) == before
    pack.edit("trivia/season1.toml", "Who directed", "Who  directed")
    changed = pack_fingerprint(pack.root)
    assert changed != before
    pack.edit("trivia/season1.toml", "Who  directed", "Who directed")
    assert pack_fingerprint(pack.root) == before
