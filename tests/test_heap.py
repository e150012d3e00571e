"""`tune_collector`: the young generation grows, the other thresholds stay, a larger setting is kept."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.heap import YOUNG_GENERATION_THRESHOLD, tune_collector


@pytest.fixture(autouse=True)
def thresholds_restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_the_young_generation_grows_and_the_others_stay() -> None:
    gc.set_threshold(700, 10, 10)
    assert tune_collector() == (YOUNG_GENERATION_THRESHOLD, 10, 10) == gc.get_threshold()


def test_a_larger_setting_is_never_lowered() -> None:
    gc.set_threshold(50_000, 20, 5)
    assert tune_collector() == (50_000, 20, 5)
