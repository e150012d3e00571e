"""Question of the day end to end: a week moved by the clock (streaks, reveals, a restart, a DST change),
spoiler-hidden questions, and every refusal answered ephemerally with nothing saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import LittleThingsBot
from bot.clock import VirtualClock
from bot.config import Config
from bot.localdiscord import LocalDiscord, Message, Perm, run_bot
from bot.store import qotd as qotd_store
from bot.store.qotd import QotdPost
from bot.timers import nonce_for

# Monday 23 March 2026, 10:00 GMT. London moves to BST (UTC+1) on Sunday 29 March.
WEEK_START = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)
MESSAGES = "/channels/{channel_id}/messages"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(WEEK_START)


async def move_to(clock: VirtualClock, bot: LittleThingsBot, target: datetime) -> None:
    """Advance to `target`, stopping at each deadline on the way so every timer runs in order."""
    await bot.timers.wait_idle()
    while True:
        due = [d for d in clock.pending_deadlines() if d <= target]
        if not due:
            break
        await clock.advance(max(due[0] - clock.now(), timedelta(0)))
        await bot.timers.wait_idle()
    if target > clock.now():
        await clock.advance(target - clock.now())
    await bot.timers.wait_idle()


async def setup(fake: LocalDiscord, channel: str = "general", user: str = "you", **options: str):
    return await fake.slash("qotd setup", user=user, options={"channel": channel}, **options)


def questions(fake: LocalDiscord, channel: str = "general") -> list[Message]:
    return [m for m in fake.sent_messages(channel) if m.embeds and "Question of the day ·" in m.embeds[0]["title"]]


def post_id(message: Message) -> int:
    return int(message.buttons[0]["custom_id"].split(":")[2])


async def post_of(bot: LittleThingsBot, message: Message) -> QotdPost:
    post = await qotd_store.get_post(bot.store, post_id(message))
    assert post is not None
    return post


async def answer(fake: LocalDiscord, bot: LittleThingsBot, message: Message, user: str, *, right: bool) -> str:
    post = await post_of(bot, message)
    index = post.correct_index if right else (post.correct_index + 1) % len(post.choices)
    reply = await fake.click(message, f"qotd:answer:{post.id}:{index}", user=user)
    assert reply.ephemeral, reply.content
    return reply.content


async def stale_click(fake: LocalDiscord, message: Message, custom_id: str, user: str) -> str:
    """A click Discord delivers for a button since disabled (a client that had not refreshed yet)."""
    record = await fake.dispatch_interaction(
        3, user=fake.user(user), channel=fake.channel(message.channel_id),
        data={"custom_id": custom_id, "component_type": 2}, label=f"late {custom_id}", source_message=message,
    )
    reply = await fake.await_answer(record)
    assert reply.ephemeral
    return reply.content


def field(embed: dict, prefix: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"].startswith(prefix))


async def test_a_week_of_questions_with_streaks_reveals_a_restart_and_dst(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    alice, bob = fake.user("alice").id, fake.user("bob").id
    async with run_bot(fake, config, clock=clock) as bot:
        reply = await setup(fake, time="09:00", timezone="Europe/London")
        assert reply.ephemeral and "every day at **09:00** (Europe/London)" in reply.content, reply.content
        [announce] = [m for m in fake.sent_messages("general") if not m.ephemeral]
        assert "<t:1774342800:F>" in announce.content and not announce.pings  # Tue 24 Mar 09:00 UTC

        # Tue 24: alice and bob right, the moderator wrong; a second click is refused.
        await move_to(clock, bot, datetime(2026, 3, 24, 8, 59, tzinfo=UTC))
        assert not questions(fake)
        await move_to(clock, bot, datetime(2026, 3, 24, 9, 0, tzinfo=UTC))
        [q1] = questions(fake)
        assert q1.embeds[0]["title"] == "❓ Question of the day · 2026-03-24" and len(q1.buttons) == 4
        assert "Locked in" in await answer(fake, bot, q1, "alice", right=True)
        assert "already answered" in await answer(fake, bot, q1, "alice", right=False)
        await answer(fake, bot, q1, "bob", right=True)
        await answer(fake, bot, q1, "you", right=False)
        assert "no question of the day streak" in (await fake.slash("qotd streak", user="alice")).content

        # 23 hours later (Wed 08:00) q1 is revealed in place: the answer and who got it right.
        await move_to(clock, bot, datetime(2026, 3, 25, 8, 0, tzinfo=UTC))
        shown = fake.message(q1.id).embeds[0]
        post1 = await post_of(bot, q1)
        assert shown["title"].endswith("answered") and post1.choices[post1.correct_index] in field(shown, "Answer")
        assert field(shown, "Right (2 of 3)") == f"<@{alice}> <@{bob}>" and not fake.message(q1.id).pings.users
        assert all(b.get("disabled") for b in fake.message(q1.id).buttons)
        assert "closed" in await stale_click(fake, q1, f"qotd:answer:{post1.id}:0", "owner")

        # Wed 25: only alice answers (bob misses the day).
        await move_to(clock, bot, datetime(2026, 3, 25, 9, 0, tzinfo=UTC))
        q2 = questions(fake)[-1]
        assert q2.embeds[0]["title"].endswith("2026-03-25")
        await answer(fake, bot, q2, "alice", right=True)

        # Thu 26: both answer; then the bot goes down before Friday's post.
        await move_to(clock, bot, datetime(2026, 3, 26, 9, 0, tzinfo=UTC))
        q3 = questions(fake)[-1]
        await answer(fake, bot, q3, "alice", right=True)
        await answer(fake, bot, q3, "bob", right=True)
        await move_to(clock, bot, datetime(2026, 3, 26, 12, 0, tzinfo=UTC))

    # Offline from Thu 12:00 to Fri 09:10: q3's reveal (Fri 08:00) and Friday's post are missed.
    await clock.advance(datetime(2026, 3, 27, 9, 10, tzinfo=UTC) - clock.now())
    async with run_bot(fake, config, clock=clock) as bot:
        await bot.timers.wait_idle()
        q4 = questions(fake)[-1]
        assert q4.embeds[0]["title"].endswith("2026-03-27") and len(questions(fake)) == 4  # posted once, late
        assert field(fake.message(q3.id).embeds[0], "Right (2 of 2)") == f"<@{alice}> <@{bob}>"
        assert "closed" in await stale_click(fake, q3, f"qotd:answer:{post_id(q3)}:1", "bob")  # routed after restart
        await answer(fake, bot, q4, "alice", right=True)  # buttons posted before and after the restart work
        await answer(fake, bot, q4, "bob", right=True)
        streak = await fake.slash("qotd streak", user="bob", options={"member": "alice"})
        assert "**Alice**: 3-day streak · best 3" in streak.content and not streak.ephemeral

        # Sat 28 09:00 GMT; Sun 29 at 09:00 BST is 08:00 UTC (clocks went forward at 01:00 UTC).
        await move_to(clock, bot, datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
        q5 = questions(fake)[-1]
        await answer(fake, bot, q5, "alice", right=True)
        await answer(fake, bot, q5, "bob", right=False)
        await move_to(clock, bot, datetime(2026, 3, 29, 7, 59, tzinfo=UTC))
        assert questions(fake)[-1].id == q5.id
        await move_to(clock, bot, datetime(2026, 3, 29, 8, 0, tzinfo=UTC))
        q6 = questions(fake)[-1]
        assert q6.embeds[0]["title"].endswith("2026-03-29") and q6.created_at == datetime(2026, 3, 29, 8, tzinfo=UTC)
        await answer(fake, bot, q6, "alice", right=True)
        await answer(fake, bot, q6, "bob", right=True)

        # Mon 30 08:00 UTC: q6 revealed, the week's streaks, then Monday's question.
        mark = fake.mark()
        await move_to(clock, bot, datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
        fresh = [m for m in fake.sent_messages("general") if m.id > mark and not m.ephemeral]
        assert [m.embeds[0]["title"] for m in fresh] == [
            "📊 Question of the day: the week's streaks", "❓ Question of the day · 2026-03-30"]
        summary = fresh[0].embeds[0]["description"]
        assert summary.startswith(f"1. <@{alice}>: 6-day streak\n2. <@{bob}>: 1-day streak")
        assert summary.endswith(f"Longest ever: <@{alice}>, a 6-day streak.")
        assert not fresh[0].pings.users
        q7 = fresh[1]
        assert "1-day streak · best 2" in (await fake.slash("qotd streak", user="bob")).content
        stats = await fake.slash("trivia stats", user="alice")
        assert field(stats.embed, "Question of the day") == "🔥 6-day streak · best 6"

        # A moderator's /qotd now on a day that had its question: an extra one that does not count twice.
        refused = await fake.slash("qotd now", user="alice")
        assert refused.ephemeral and "Manage Messages" in refused.content
        await answer(fake, bot, q7, "alice", right=True)
        extra_reply = await fake.slash("qotd now")
        assert extra_reply.ephemeral and "extra one" in extra_reply.content
        extra = questions(fake)[-1]
        assert extra.id != q7.id and extra.embeds[0]["title"].endswith("2026-03-30")
        await answer(fake, bot, extra, "alice", right=True)
        await move_to(clock, bot, datetime(2026, 3, 31, 8, 0, tzinfo=UTC))
        assert "**Alice**: 7-day streak · best 7" in (await fake.slash("qotd streak", user="alice")).content
        assert "Right (1 of 1)" in fake.message(extra.id).embeds[0]["fields"][-1]["name"]

    days = [m.embeds[0]["title"].split(" · ")[1] for m in questions(fake)]
    assert days == [f"2026-03-{d}" for d in (24, 25, 26, 27, 28, 29, 30, 30, 31)]  # one a day, plus the extra
    assert len({post_id(m) for m in questions(fake)}) == len(days)
    posts = [p for m in questions(fake) if (p := await _post(config, post_id(m))) is not None]
    assert len({p.question_id for p in posts}) == len(posts)  # never the same question twice


async def _post(config: Config, pid: int) -> QotdPost | None:
    from bot.store import Store

    store = await Store.open(config.database_path)
    try:
        return await qotd_store.get_post(store, pid)
    finally:
        await store.close()


async def test_a_later_season_question_hides_behind_spoiler_tags(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await fake.slash("spoilers", season=1, user="alice")
    reply = await setup(fake, time="10:30", timezone="UTC", seasons="4", difficulty="any")
    assert "seasons 4" in reply.content
    await move_to(clock, bot, datetime(2026, 3, 23, 10, 30, tzinfo=UTC))
    [question] = questions(fake)
    embed = question.embeds[0]
    assert embed["description"].startswith("⚠️ Spoiler for Season 4") and "||" in embed["description"]
    assert [b["label"] for b in question.buttons] == ["A", "B", "C", "D"]
    assert all("||" in line for line in field(embed, "Choices").splitlines())
    locked = await answer(fake, bot, question, "alice", right=True)
    assert "||" in locked
    await move_to(clock, bot, datetime(2026, 3, 24, 9, 30, tzinfo=UTC))
    assert "||" in field(fake.message(question.id).embeds[0], "Answer")


async def test_a_season_everyone_has_watched_is_posted_plainly(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await fake.slash("spoilers", season=4, user="alice")
    await setup(fake, time="10:30", timezone="UTC", seasons="1,2", difficulty="easy")
    await move_to(clock, bot, datetime(2026, 3, 23, 10, 30, tzinfo=UTC))
    [question] = questions(fake)
    assert "||" not in question.embeds[0]["description"] and question.buttons[0]["label"] not in "ABCD"
    assert "easy" in question.embeds[0]["footer"]["text"]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"time": "25:00"}, "hours go from 00 to 23"),
        ({"time": "9:00", "timezone": "Mars/Olympus_Mons"}, "don't know the time zone"),
        ({"time": "20:00", "seasons": "7"}, "no season 7"),
    ],
)
async def test_bad_input_is_refused_ephemerally_and_nothing_is_saved(
    fake: LocalDiscord, bot: LittleThingsBot, options: dict[str, str], words: str
) -> None:
    reply = await setup(fake, **options)
    assert reply.ephemeral and words in reply.content, reply.content
    assert await qotd_store.get_config(bot.store, fake.guild.id) is None
    assert not [m for m in fake.sent_messages("general") if not m.ephemeral]
    assert not await bot.timers.list_group(f"qotd:{fake.guild.id}:post:r1:2026-03-24")


async def test_a_channel_the_bot_cannot_post_in_is_refused_before_saving(
    fake: LocalDiscord, bot: LittleThingsBot
) -> None:
    everyone = fake.guild.everyone
    await fake.set_role_permissions(everyone, everyone.permissions & ~Perm.SEND_MESSAGES)
    await fake.revoke_bot_permissions(Perm.SEND_MESSAGES)
    reply = await setup(fake, time="20:00")
    assert reply.ephemeral and "missing Send Messages" in reply.content and "Nothing was saved" in reply.content
    assert not fake.calls_to("POST", MESSAGES)
    assert await qotd_store.get_config(bot.store, fake.guild.id) is None


async def test_a_refused_first_post_saves_nothing(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    fake.fail_next("POST", MESSAGES, status=403, code=50001)
    reply = await setup(fake, time="20:00")
    assert reply.ephemeral and "Discord refused my post" in reply.content and "nothing was saved" in reply.content
    assert await qotd_store.get_config(bot.store, fake.guild.id) is None
    assert "isn't set up" in (await fake.slash("qotd now")).content


async def test_only_manage_server_may_set_up_or_switch_off(fake: LocalDiscord, bot: LittleThingsBot) -> None:
    for reply in (await setup(fake, user="alice", time="20:00"), await fake.slash("qotd off", user="alice")):
        assert reply.ephemeral and "Manage Server" in reply.content
    assert await qotd_store.get_config(bot.store, fake.guild.id) is None


async def test_a_second_setup_replaces_the_first_and_says_so(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await setup(fake, time="20:00", timezone="UTC")
    reply = await setup(fake, "off-topic", time="9pm", timezone="UTC")
    general = fake.channel("general").mention
    assert reply.ephemeral and f"This replaces the previous setup ({general} at 20:00, UTC)" in reply.content
    await move_to(clock, bot, datetime(2026, 3, 23, 21, 0, tzinfo=UTC))
    assert not questions(fake, "general") and len(questions(fake, "off-topic")) == 1
    off = await fake.slash("qotd off")
    assert off.ephemeral and "off" in off.content
    await move_to(clock, bot, datetime(2026, 3, 25, 22, 0, tzinfo=UTC))
    assert len(questions(fake, "off-topic")) == 1
    assert "isn't set up" in (await fake.slash("qotd off")).content


async def test_now_posts_todays_question_early_and_the_schedule_skips_that_day(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await setup(fake, time="20:00", timezone="Asia/Kolkata")  # 14:30 UTC
    reply = await fake.slash("qotd now")
    assert reply.ephemeral and "Today's question is up" in reply.content
    [early] = questions(fake)
    assert early.embeds[0]["title"].endswith("2026-03-23")
    await move_to(clock, bot, datetime(2026, 3, 24, 14, 30, tzinfo=UTC))
    days = [m.embeds[0]["title"].split(" · ")[1] for m in questions(fake)]
    assert days == ["2026-03-23", "2026-03-24"]
    assert fake.message(early.id).embeds[0]["title"].endswith("answered")


async def test_a_restart_after_the_post_keeps_one_post_and_tomorrows_timer(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, config, clock=clock) as bot:
        await setup(fake, time="11:00", timezone="UTC")
        await move_to(clock, bot, datetime(2026, 3, 23, 11, 0, tzinfo=UTC))
    async with run_bot(fake, config, clock=clock) as bot:
        await move_to(clock, bot, datetime(2026, 3, 23, 11, 20, tzinfo=UTC))
        [question] = questions(fake)
        assert "Locked in" in await answer(fake, bot, question, "alice", right=True)  # a button from before
        pending = [t for t in await bot.timers.list_group(f"qotd:{fake.guild.id}:post:r1:2026-03-24")]
        assert [t.state for t in pending] == ["pending"]
        assert await qotd_store.daily_post(bot.store, fake.guild.id, date(2026, 3, 23)) is not None
    # The post carried the timer's nonce with enforce_nonce, so a resend after a crash is deduplicated.
    # (23 March is a Monday, but with nothing answered yet there is no weekly summary.)
    [sent] = [c.json for c in fake.calls_to("POST", MESSAGES) if c.json and c.json.get("embeds")]
    assert sent["nonce"] == nonce_for(f"qotd:{fake.guild.id}:post:r1:2026-03-23") and sent["enforce_nonce"] is True
    assert sent["allowed_mentions"]["parse"] == []


async def test_a_post_missed_by_a_long_outage_goes_out_late_the_same_day(
    fake: LocalDiscord, config: Config, clock: VirtualClock
) -> None:
    async with run_bot(fake, config, clock=clock) as bot:
        await setup(fake, time="11:00", timezone="UTC")
    await clock.advance(datetime(2026, 3, 23, 12, 10, tzinfo=UTC) - clock.now())  # 70 min past, beyond the grace
    async with run_bot(fake, config, clock=clock) as bot:
        await bot.timers.wait_idle()
        [late] = questions(fake)
        assert late.embeds[0]["title"].endswith("2026-03-23") and late.created_at == clock.now().replace(microsecond=0)
        await move_to(clock, bot, datetime(2026, 3, 24, 11, 0, tzinfo=UTC))
        assert [m.embeds[0]["title"].split(" · ")[1] for m in questions(fake)] == ["2026-03-23", "2026-03-24"]


async def test_a_refused_daily_post_keeps_tomorrows(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock
) -> None:
    await setup(fake, time="11:00", timezone="UTC")
    fake.fail_next("POST", MESSAGES, status=403, code=50013)
    await move_to(clock, bot, datetime(2026, 3, 23, 11, 0, tzinfo=UTC))
    assert not questions(fake)
    assert await qotd_store.daily_post(bot.store, fake.guild.id, date(2026, 3, 23)) is None  # the day stays open
    await move_to(clock, bot, datetime(2026, 3, 24, 11, 0, tzinfo=UTC))
    [question] = questions(fake)
    assert question.embeds[0]["title"].endswith("2026-03-24")


async def test_a_deleted_channel_switches_qotd_off(
    fake: LocalDiscord, bot: LittleThingsBot, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(fake, time="11:00", timezone="UTC")
    fake.fail_next("POST", MESSAGES, status=404, code=10003)
    await move_to(clock, bot, datetime(2026, 3, 23, 11, 0, tzinfo=UTC))
    assert any("is gone" in r.getMessage() for r in caplog.records)
    config = await qotd_store.get_config(bot.store, fake.guild.id)
    assert config is not None and not config.enabled
    await move_to(clock, bot, datetime(2026, 3, 25, 11, 0, tzinfo=UTC))
    assert not questions(fake)
