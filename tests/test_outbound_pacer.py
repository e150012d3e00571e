"""The outbound scheduler's decisions: budgets, lanes, priorities, coalescing, obeying a 429."""

from __future__ import annotations

import pytest

from bot.outbound import LaneRule, Pacer, Priority
from bot.outbound.pacer import Job

RULES = {"messages": LaneRule(4, 5.0), "edits": LaneRule(4, 5.0), "dm-open": LaneRule(4, 5.0)}


def job(channel: int, priority: Priority = Priority.REMINDER, *, kind: str = "messages", **extra: object) -> Job:
    fields: dict[str, object] = {"payload": f"{kind}:{channel}", "due_at": 0.0, **extra}
    return Job(lanes=((kind, channel),), priority=priority, **fields)  # type: ignore[arg-type]


def drain(pacer: Pacer, now: float) -> list[Job]:
    """Start every job that may go at `now`, as the runner does."""
    started = []
    while (ready := pacer.next_job(now)) is not None:
        pacer.started(ready, now)
        started.append(ready)
    return started


def test_the_global_budget_holds_a_slot_until_a_second_after_the_answer() -> None:
    pacer = Pacer(45, RULES)
    for channel in range(50):
        pacer.submit(job(channel))
    first = drain(pacer, 0.0)
    assert len(first) == 45 and pacer.depth == 5
    assert pacer.next_change(0.0) is None  # only answers can free a slot
    for sent in first:
        pacer.finished(sent, 0.2)
    assert pacer.next_job(1.1) is None  # answered at 0.2: the slot is held until 1.2
    assert pacer.next_change(1.1) == pytest.approx(1.2)
    assert len(drain(pacer, 1.2)) == 5


def test_a_channel_gets_four_messages_per_five_seconds_and_other_channels_are_not_held_up() -> None:
    pacer = Pacer(45, RULES)
    busy = [pacer.submit(job(1)) for _ in range(6)]
    other = pacer.submit(job(2))
    started = drain(pacer, 0.0)
    assert started == [*busy[:4], other]
    for sent in started:
        pacer.finished(sent, 0.5)
    assert pacer.next_change(0.5) == pytest.approx(5.5)
    assert drain(pacer, 5.4) == []
    assert drain(pacer, 5.5) == busy[4:]


def test_priorities_decide_who_gets_a_scarce_global_slot() -> None:
    pacer = Pacer(2, RULES)
    dm = pacer.submit(job(1, Priority.RELEASE_DM, kind="dm-open"))
    reminder = pacer.submit(job(2, Priority.REMINDER))
    question = pacer.submit(job(3, Priority.GAME))
    assert drain(pacer, 0.0) == [question, reminder]
    assert [j for j in pacer.pending()] == [dm]


def test_first_come_first_served_within_a_priority() -> None:
    pacer = Pacer(45, RULES)
    jobs = [pacer.submit(job(7)) for _ in range(3)]
    assert drain(pacer, 0.0) == jobs


def test_a_newer_edit_replaces_a_waiting_one_in_its_place() -> None:
    pacer = Pacer(45, RULES)
    for _ in range(4):
        pacer.submit(job(1, kind="edits"))
    drain(pacer, 0.0)  # the channel's edit lane is now full
    first = pacer.submit(job(1, kind="edits", coalesce=("edit", 99), payload="old"))
    behind = pacer.submit(job(1, kind="edits", coalesce=("edit", 100)))
    newer = pacer.submit(job(1, Priority.GAME, kind="edits", coalesce=("edit", 99), payload="new"))
    assert newer is first and first.payload == "new" and first.merged == 1 and pacer.coalesced == 1
    assert first.priority is Priority.GAME
    assert pacer.depth == 2 and list(pacer.pending()) == [first, behind]


def test_an_edit_already_sent_is_not_coalesced_with() -> None:
    pacer = Pacer(45, RULES)
    sent = pacer.submit(job(1, kind="edits", coalesce=("edit", 5)))
    assert drain(pacer, 0.0) == [sent]
    again = pacer.submit(job(1, kind="edits", coalesce=("edit", 5)))
    assert again is not sent and pacer.depth == 1


def test_a_429_pauses_its_lane_or_everything() -> None:
    pacer = Pacer(45, RULES)
    pacer.pause(("messages", 1), 3.0)
    held = pacer.submit(job(1))
    free = pacer.submit(job(2))
    assert drain(pacer, 0.0) == [free]
    assert pacer.next_change(0.0) == pytest.approx(3.0)
    assert drain(pacer, 3.0) == [held]
    pacer.pause(None, 10.0)
    pacer.submit(job(3))
    assert drain(pacer, 9.9) == [] and pacer.next_change(9.9) == pytest.approx(10.0)


def test_a_job_with_several_requests_takes_that_many_global_slots() -> None:
    pacer = Pacer(3, RULES)
    two = pacer.submit(job(0, kind="dm-open", requests=2))
    pacer.submit(job(1, kind="messages", requests=2))
    assert drain(pacer, 0.0) == [two]


def test_a_lane_with_no_rule_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no lane rule"):
        Pacer(45, RULES).submit(job(1, kind="reactions"))
    with pytest.raises(ValueError, match="positive"):
        Pacer(0, RULES)
