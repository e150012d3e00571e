"""Name matching for /cast and /character: typos, prefixes, aliases, ambiguity."""

from dataclasses import dataclass

from bot.presentation.names import ACCEPT_SCORE, closest, rank, resolve, score, suggest


@dataclass(frozen=True)
class Row:
    kind: str
    id: str
    name: str
    matched: str


ROWS = [
    Row("person", "mp", "Mithila Palkar", "Mithila Palkar"),
    Row("person", "ds", "Dhruv Sehgal", "Dhruv Sehgal"),
    Row("character", "kk", "Kavya Kulkarni", "Kavya Kulkarni"),
    Row("character", "kk", "Kavya Kulkarni", "Kavya"),
    Row("character", "dv", "Dhruv Vats", "Dhruv Vats"),
    Row("character", "dv", "Dhruv Vats", "Dhruv"),
    Row("character", "ik", "Ila Kulkarni", "Ila Kulkarni"),
]


def test_scores() -> None:
    assert score("kavya", "Kavya") == 100
    assert score("mith", "Mithila Palkar") == 96  # start of the name
    assert score("palk", "Mithila Palkar") == 95  # prefix of a later word
    assert ACCEPT_SCORE <= score("Mithla", "Mithila Palkar") < 95  # one-letter typo
    assert score("qqqq", "Mithila Palkar") < 50
    assert score("", "anything") == 0


def test_rank_keeps_one_row_per_entry_and_filters_kinds() -> None:
    ranked = rank("dhruv", ROWS)
    assert [(m.kind, m.id) for m in ranked[:2]] == [("character", "dv"), ("person", "ds")]
    assert ranked[0].label == "Dhruv" and ranked[0].value == "character:dv"
    assert all(m.kind == "character" for m in rank("dhruv", ROWS, kinds=("character",)))
    everyone = rank("", ROWS)
    assert [m.name for m in everyone] == sorted(m.name for m in everyone)
    assert len(everyone) == 5


def test_resolve_exact_alias_typo_and_value() -> None:
    assert resolve("Dhruv", ROWS)[0].id == "dv"  # type: ignore[union-attr]
    assert resolve("Mithla", ROWS)[0].id == "mp"  # type: ignore[union-attr]
    assert resolve("person:ds", ROWS)[0].id == "ds"  # type: ignore[union-attr]
    assert resolve("person:ds", ROWS, kinds=("character",))[0] is None


def test_ambiguous_or_unknown_names_offer_the_closest() -> None:
    match, close = resolve("Kulk", ROWS)
    assert match is None and {m.id for m in close[:2]} == {"kk", "ik"}
    match, close = resolve("zzqx", ROWS)
    assert match is None and close == []


FAMILY = [
    *ROWS,
    Row("character", "ik", "Ila Kulkarni", "Kavya's mom"),
    Row("character", "sk", "Satish Kulkarni", "Satish Kulkarni"),
    Row("character", "sk", "Satish Kulkarni", "Kavya's dad"),
    Row("person", "lm", "Loveleen Mishra", "Loveleen Mishra"),
    Row("character", "sa", "Sanket", "Sanket"),
]


def test_own_names_rank_before_aliases_and_relations() -> None:
    """`kav`: Kavya Kulkarni herself before "Kavya's mom → Ila Kulkarni"."""
    ranked = rank("kav", FAMILY)
    assert [m.id for m in ranked] == ["kk", "ik", "sk"]
    assert ranked[0].label == "Kavya Kulkarni" and ranked[1].label == "Kavya's mom"


def test_exact_names_first_then_prefixes_then_near_matches() -> None:
    assert [m.id for m in rank("dhruv", FAMILY)][:2] == ["dv", "ds"]  # "Dhruv" is exactly an alias of Dhruv Vats
    assert [m.id for m in rank("mithla", FAMILY)] == ["mp"]  # a typo still finds her


def test_entries_that_match_nothing_typed_are_never_offered() -> None:
    assert {m.id for m in rank("mi", FAMILY)} == {"mp", "lm"}  # never Ila Kulkarni
    assert rank("zorawar singh", FAMILY) == []


def test_a_lookup_that_finds_nothing_still_offers_the_closest_few() -> None:
    match, close = resolve("Sankett Singh", FAMILY, kinds=("character",))
    assert match is None and close and close[0].id == "sa" and len(close) <= 3
    assert closest("qqqqqqqq", FAMILY) == []


def test_suggest_plain_options() -> None:
    topics = ["music", "cast", "crew", "awards", "behind the scenes"]
    assert suggest("musik", topics) == ["music"]
    assert suggest("c", topics) == ["cast", "crew"]
    assert suggest("zzzz", topics) == []
