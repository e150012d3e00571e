"""Refused posts in words, and remembered once per channel and kind."""

from datetime import UTC, datetime, timedelta

from bot.refusals import Refusal, RefusalBook, explain

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_each_refusal_names_what_is_missing_and_where() -> None:
    assert "**Send Messages** and **Embed Links**" in explain(403, 50013, "#general")
    assert "**View Channel**" in explain(403, 50001, "#general")
    assert "no longer exists" in explain(404, 10003, "#general")
    assert all("#general" in explain(s, c, "#general") for s, c in ((403, 50013), (403, 50001), (404, 0), (400, 1)))


def test_the_book_says_new_once_and_keeps_the_newest_first() -> None:
    book = RefusalBook(keep=2)
    first = Refusal(1, 10, "trivia question", 403, 50013, T0)
    assert book.record(first)
    assert not book.record(Refusal(1, 10, "trivia question", 403, 50013, T0 + timedelta(hours=1)))
    assert book.record(Refusal(1, 11, "release announcement", 404, 10003, T0))
    assert book.record(Refusal(1, 12, "watch-party reminder", 403, 50001, T0))
    assert [r.channel_id for r in book.recent(1)] == [12, 11]  # at most `keep`, newest first
    assert book.recent(2) == []
