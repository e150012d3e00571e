"""The spoiler rule reads Hindi text too, so a translated fact or description hides what its English would."""

from bot.content.models import Fact
from bot.presentation.cards import fact_card
from bot.spoilers import seasons_named


def test_hindi_season_names_are_read() -> None:
    assert seasons_named("सीज़न 4 में काव्या") == {4}
    assert seasons_named("सीज़न 3 और 4") == {3, 4}
    assert seasons_named("सीजन 2") == {2}  # without the nukta
    assert seasons_named("आख़िरी सीज़न") == {4}
    assert seasons_named("पूरा शो") == set()


def test_a_hindi_fact_naming_a_later_season_is_hidden() -> None:
    fact = Fact("f", "show", "सीरीज़ सीज़न 4 में ध्रुव और काव्या की सगाई के साथ ख़त्म होती है।", "fact sheet")
    card = fact_card(fact, watched=2, locale="hi")
    assert card.spoiler_description
    assert card.footer.startswith("स्पॉइलर गार्ड: आपने सीज़न 2 तक देखा है")
    assert not fact_card(fact, watched=4, locale="hi").spoiler_description
