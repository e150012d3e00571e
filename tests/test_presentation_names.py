"""Name matching for /cast and /character: typos, prefixes, aliases, ambiguity."""

from dataclasses import dataclass

from bot.presentation.names import ACCEPT_SCORE, rank, resolve, score


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
    assert score("mith", "Mithila Palkar") == 95
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
