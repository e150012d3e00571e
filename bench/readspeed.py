"""Read commands against a bare discord.py bot, both as separate processes on the local Discord.

Our bot runs as `python -m bot` configured only by its environment (as tests/e2e/test_process.py
does); the floor is `bench/bare_bot.py`, a bare discord.py bot answering `/ping` (and four buttons),
also its own process. Each bot has its own stand-in in this process (the stand-in serves one
application); both bots run side by side and are measured in alternating blocks of 20, so a change
in the (shared) machine's load weighs on both alike. Every body the bots send is held against
Discord's spec after each run rather than while it is timed (the count is printed). Printed, the
median over `--runs` runs of:

- latency, dispatch -> callback POST, of /recap, /cast, /fact, /search, /about pooled (vs /ping):
  median and p99, and the bot process's CPU time per interaction (from /proc/<pid>/stat);
- 200 /recap (vs 200 /ping) dispatched at once: answers completed per second;
- /watchparty list, /trivia leaderboard and /trivia review with 0, 200 and 10,000 rows stored;
- trivia answer clicks, four players in each of 250 games, dispatched at once (vs the bare bot's
  buttons): clicks answered per second;
- the memory the content snapshot takes, with every recap, cast and fact card rendered;
- search: the store's FTS5 through aiosqlite vs the snapshot's in-memory FTS5 vs a pure-Python
  inverted index (ranking only, no snippets), per query.

    .venv/bin/python bench/readspeed.py [--runs 3] [--count 200] [--rate 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import math
import os
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import CALLBACK, callback_latencies, percentile
from bench.recaps import measure
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import load_pack, pack_fingerprint
from bot.content.snapshot import SearchIndex
from bot.content_sync import load_snapshot
from bot.localdiscord import (
    Channel,
    ChannelType,
    InteractionRecord,
    LocalDiscord,
    Message,
    bot_environment,
    default_world,
)
from bot.localdiscord.model import fixed_id
from bot.store import Store
from bot.store import content as content_store

ROOT = Path(__file__).resolve().parent.parent
READS: list[tuple[str, dict[str, Any]]] = [
    ("recap", {"season": 2}),
    ("cast", {"name": "Mithla"}),
    ("fact", {}),
    ("search", {"query": "Nagpur"}),
    ("about", {}),
]
LISTS: list[tuple[str, str]] = [("watchparty list", "you"), ("trivia leaderboard", "alice"), ("trivia review", "you")]
ROW_COUNTS = (0, 200, 10_000)
GAMES = 250
PLAYERS = 4
BURST = 200
SEARCHES = ["Nagpur", "mumbai wedding", "kavya", "Kav", "netflix", "dhruv kavya bangalore", "season", "qwzxv"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the two bot processes ------------------------------------------------------------------------


@dataclass
class BotProcess:
    name: str
    fake: LocalDiscord
    process: asyncio.subprocess.Process
    db_path: Path | None = None
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def world_with_channels(count: int) -> Any:
    world = default_world()
    for n in range(count):
        channel = Channel(fixed_id(1_000 + n), f"game-{n}", ChannelType.GUILD_TEXT, guild_id=world.guild.id,
                          position=10 + n)
        world.guild.channels[channel.id] = channel
    return world


@contextlib.asynccontextmanager
async def bot_process(name: str, argv: Sequence[str], workdir: Path, db_path: Path | None) -> AsyncIterator[BotProcess]:
    # Bodies are held against Discord's spec after the run, not while it is timed (`check_unchecked`):
    # the check runs in this process, whose CPU the two bots share on a small machine, and it costs
    # more for a bot whose answers vary (it remembers bodies already found valid, like "pong").
    async with LocalDiscord.running(ack_deadline=None, world=world_with_channels(GAMES), validate_bodies=False) as fake:
        for n in range(PLAYERS):
            await fake.add_member(f"player{n}")
        env = bot_environment(
            fake,
            LOG_LEVEL="INFO",  # as an operator runs it
            BACKUP_EVERY="off",  # the first start makes a backup at once, inside the measured window
            PYTHONPATH=str(ROOT),
        )
        if db_path is not None:
            env["DATABASE_PATH"] = str(db_path)
        log_file = (workdir / f"{name}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv, cwd=workdir, env=env, stdout=log_file, stderr=asyncio.subprocess.STDOUT
        )
        try:
            await fake.wait_until_ready(timeout=60)
            yield BotProcess(name, fake, process, db_path)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), timeout=15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            log_file.close()


# -- measurements ---------------------------------------------------------------------------------


@contextlib.contextmanager
def harness_gc_held() -> Iterator[None]:
    """No garbage collection in this process (both stand-ins) while a section is timed.

    This process records every request and interaction of the run, so its full collections grow
    with the run and take tens of milliseconds; one landed at random in one bot's timed window or
    the other's (seen: the bare bot's click rate ranged 860-2,000/s between runs). Collected before
    and after instead, outside the timing.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


BLOCK = 20
"""Interactions per block: the two bots are measured in alternating blocks, so a change in the
machine's load (it is shared) weighs on both alike."""


async def paired_latency(
    bare: BotProcess, ours: BotProcess, cases: Sequence[tuple[str, dict[str, Any]]], count: int, rate: float
) -> tuple[list[float], list[float], float, float]:
    """`count` of each case on our bot and as many /ping on the bare one, in alternating blocks:
    (bare ms, ours ms, bare CPU ms per interaction, ours CPU ms per interaction)."""
    for command, options in cases:  # warm-up
        await measure(ours.fake, command, options, BLOCK, rate)
    await measure(bare.fake, "ping", {}, BLOCK, rate)
    bare_ms: list[float] = []
    ours_ms: list[float] = []
    cpu = {"bare": 0.0, "ours": 0.0}
    for _ in range(max(1, count // BLOCK)):
        for command, options in cases:
            for bot, fake_command, fake_options, out in (
                (bare, "ping", {}, bare_ms), (ours, command, options, ours_ms)
            ):
                began = bot.cpu_seconds()
                out += await measure(bot.fake, fake_command, fake_options, BLOCK, rate)
                cpu[bot.name] += bot.cpu_seconds() - began
    return bare_ms, ours_ms, cpu["bare"] * 1000 / len(bare_ms), cpu["ours"] * 1000 / len(ours_ms)


async def answered_per_second(fake: LocalDiscord, records: Sequence[InteractionRecord], what: str) -> float:
    latencies = await callback_latencies(fake, records, what=what, timeout=120)
    first = min(r.dispatched_at for r in records)
    last = max(r.dispatched_at + ms / 1000 for r, ms in zip(records, latencies, strict=True))
    return len(records) / (last - first)


async def burst(bot: BotProcess, command: str, options: Mapping[str, Any], count: int) -> float:
    users = ["you", "alice", "bob"]
    records = [await bot.fake.actor(users[n % 3]).start_slash(command, options=options) for n in range(count)]
    return await answered_per_second(bot.fake, records, f"a burst of /{command}")


async def open_questions(bot: BotProcess, command: str, options: Mapping[str, Any]) -> list[Message]:
    """`command` in each game channel; the message with buttons it leads to, per channel."""
    fake = bot.fake
    channels = [c for c in fake.guild.channels.values() if c.name.startswith("game-")]
    found: list[Message] = []
    for channel in channels:
        await fake.actor("bob", channel).start_slash(command, options=options)

    def ready() -> bool:
        found[:] = [m for c in channels for m in fake.sent_messages(c)[-1:] if m.buttons and not m.deleted]
        return len(found) == len(channels)

    await fake.wait_until(ready, timeout=120, what=f"{len(channels)} messages with buttons")
    return found


async def click_burst(bot: BotProcess, questions: Sequence[Message]) -> tuple[float, float]:
    """(clicks answered per second, CPU ms of the bot per click)."""
    fake = bot.fake
    began = bot.cpu_seconds()
    records = []
    for player in range(PLAYERS):
        for message in questions:
            button = message.buttons[player % len(message.buttons)]
            records.append(await fake.dispatch_interaction(
                3, user=fake.user(f"player{player}"), channel=fake.channel_by_id(message.channel_id),  # type: ignore[arg-type]
                data={"custom_id": button["custom_id"], "component_type": 2}, label="bench click",
                source_message=message,
            ))
    rate = await answered_per_second(fake, records, "clicks")
    return rate, (bot.cpu_seconds() - began) * 1000 / len(records)


# -- rows for the list commands (written by "another process", like an operator's tool) ------------


def fill_rows(db_path: Path, guild_id: int, channel_id: int, creator_id: int, target: int, have: int) -> None:
    """Bring each listed table from `have` rows to `target` rows."""
    if target <= have:
        return
    now = int(time.time())
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        question_ids = [r[0] for r in conn.execute("SELECT id FROM trivia_questions WHERE retired = 0 LIMIT 20")]
        conn.execute("BEGIN IMMEDIATE")
        span = range(have, target)
        conn.executemany(
            "INSERT INTO watch_parties (guild_id, channel_id, creator_id, title, starts_at, anchor_at, timezone, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'Asia/Kolkata', ?, ?)",
            [(guild_id, channel_id, creator_id, f"Rewatch night {i}", now + 86_400 + 60 * i, now + 86_400 + 60 * i,
              now, now) for i in span],
        )
        conn.executemany(
            "INSERT INTO party_rsvps (party_id, user_id, status, updated_at) "
            "SELECT id, ?, 'going', ? FROM watch_parties WHERE title = ?",
            [(10**15 + i, now, f"Rewatch night {i}") for i in span],
        )
        conn.executemany(
            "INSERT INTO trivia_scores (guild_id, period, user_id, points, answers, correct, games, wins, best_streak) "
            "VALUES (?, 'all', ?, ?, 10, 5, 1, 0, 2)",
            [(guild_id, 10**15 + i, (i * 7919) % 5_000) for i in span],
        )
        conn.executemany(
            "INSERT INTO trivia_suggestions (guild_id, author_id, question, answer, wrong, status, created_at) "
            "VALUES (?, ?, ?, 'Nagpur', '[\"Pune\", \"Delhi\", \"Mumbai\"]', 'pending', ?)",
            [(guild_id, 10**15 + i, f"Where is Dhruv from? (suggestion {i})", now + i) for i in span],
        )
        conn.executemany(
            "INSERT INTO trivia_reports (question_id, user_id, guild_id, reason, created_at) VALUES (?, ?, ?, '', ?)",
            [(question_ids[i % len(question_ids)], 10**15 + i, guild_id, now + i) for i in span],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def list_costs(bare: BotProcess, ours: BotProcess, count: int, rate: float
                     ) -> dict[tuple[str, int], tuple[float, float, float, float]]:
    """(bare /ping median ms, list median ms, bare CPU ms, list CPU ms per interaction) per list
    command and rows stored, in alternating blocks."""
    assert ours.db_path is not None
    fake = ours.fake
    general = fake.channel("general").id
    have = 0
    out: dict[tuple[str, int], tuple[float, float, float, float]] = {}
    for rows in ROW_COUNTS:
        await asyncio.to_thread(fill_rows, ours.db_path, fake.guild.id, general, fake.user("alice").id, rows, have)
        have = rows
        for command, user in LISTS:
            await timed_as(fake, command, user, BLOCK, rate)  # warm-up
            floor: list[float] = []
            listed: list[float] = []
            cpu = {"bare": 0.0, "ours": 0.0}
            with harness_gc_held():
                for _ in range(max(1, count // BLOCK)):
                    for bot, name, as_user, samples in ((bare, "ping", "alice", floor), (ours, command, user, listed)):
                        began = bot.cpu_seconds()
                        samples += await timed_as(bot.fake, name, as_user, BLOCK, rate)
                        cpu[bot.name] += bot.cpu_seconds() - began
            out[(command, rows)] = (statistics.median(floor), statistics.median(listed),
                                    cpu["bare"] * 1000 / len(floor), cpu["ours"] * 1000 / len(listed))
    return out


async def timed_as(fake: LocalDiscord, command: str, user: str, count: int, rate: float) -> list[float]:
    loop = asyncio.get_running_loop()
    records = []
    start = loop.time()
    for n in range(count):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        records.append(await fake.actor(user).start_slash(command))
    return await callback_latencies(fake, records, what=f"/{command}")


def set_answer_seconds(db_path: Path, guild_id: int, seconds: int) -> None:
    """Long enough that every question is still open when the click burst comes."""
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        conn.execute(
            "INSERT INTO guild_settings (guild_id, trivia_answer_seconds, updated_at) VALUES (?, ?, 0) "
            "ON CONFLICT (guild_id) DO UPDATE SET trivia_answer_seconds = excluded.trivia_answer_seconds",
            (guild_id, seconds),
        )
    finally:
        conn.close()


# -- in this process: memory and search -----------------------------------------------------------


async def snapshot_memory(store: Store) -> tuple[float, float]:
    """(MiB the snapshot holds, MiB with every recap/cast/fact/character card rendered for each level)."""
    from bot.presentation import cards
    from cogs.recaps import rendered

    gc.collect()
    tracemalloc.start()
    base = tracemalloc.take_snapshot()
    snap = await load_snapshot(store)
    gc.collect()
    built = _traced_since(base)
    show = snap.show
    assert show is not None
    for watched in (None, 0, 1, 2, 3, 4):
        for season in snap.seasons:
            rendered(snap, ("season", season.number, watched),
                     lambda s=season, w=watched: cards.season_card(show.show.title, s, show.season_count, w))
            for episode in season.episodes:
                rendered(snap, ("episode", season.number, episode.number, watched),
                         lambda s=season, e=episode, w=watched: cards.episode_card(show.show.title, s, e, w))
        for fact in snap.facts:
            rendered(snap, ("fact", fact.id, watched), lambda f=fact, w=watched: cards.fact_card(f, w))
        for character in snap.characters:
            actor = snap.person(character.played_by) if character.played_by else None
            rendered(snap, ("character", character.id, watched),
                     lambda c=character, a=actor, w=watched: cards.character_card(c, a, w))
    for person in snap.people:
        played = snap.characters_played_by(person.id)
        rendered(snap, ("person", person.id), lambda p=person, c=played: cards.person_card(p, c))
    gc.collect()
    with_cards = _traced_since(base)
    tracemalloc.stop()
    del snap
    return built, with_cards


def _traced_since(base: tracemalloc.Snapshot) -> float:
    diff = tracemalloc.take_snapshot().compare_to(base, "filename")
    return sum(d.size_diff for d in diff) / 2**20


_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


class PythonIndex:
    """The alternative measured: an inverted index in Python dicts, bm25 ranking, prefix on the last
    word; no snippets (those would only add to its time)."""

    def __init__(self, rows: Sequence[tuple[int, str, str, int, str, str]]) -> None:
        self.docs = {row[0]: row for row in rows}
        self.postings: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)  # term -> doc -> (title tf, body tf)
        self.lengths: dict[int, tuple[int, int]] = {}
        for rowid, _, _, _, title, body in rows:
            t_words, b_words = _WORD.findall(_fold(title)), _WORD.findall(_fold(body))
            self.lengths[rowid] = (len(t_words), len(b_words))
            for term, tf in Counter(t_words).items():
                self.postings[term][rowid] = (tf, 0)
            for term, tf in Counter(b_words).items():
                self.postings[term][rowid] = (self.postings[term].get(rowid, (0, 0))[0], tf)
        self.terms = sorted(self.postings)
        n = max(len(rows), 1)
        self.avg = (sum(t for t, _ in self.lengths.values()) / n, sum(b for _, b in self.lengths.values()) / n)

    def _matching(self, term: str, prefix: bool) -> dict[int, tuple[int, int]]:
        if not prefix:
            return self.postings.get(term, {})
        import bisect

        out: dict[int, tuple[int, int]] = {}
        i = bisect.bisect_left(self.terms, term)
        while i < len(self.terms) and self.terms[i].startswith(term):
            for doc, (t, b) in self.postings[self.terms[i]].items():
                ot, ob = out.get(doc, (0, 0))
                out[doc] = (ot + t, ob + b)
            i += 1
        return out

    def search(self, query: str, limit: int) -> list[tuple[float, int]]:
        terms = _WORD.findall(_fold(query))[:8]
        if not terms:
            return []
        matches = [self._matching(t, i == len(terms) - 1) for i, t in enumerate(terms)]
        docs = set(matches[0]).intersection(*matches[1:])
        n = len(self.docs)
        scores = []
        for doc in docs:
            score = 0.0
            for postings in matches:
                idf = math.log((n - len(postings) + 0.5) / (len(postings) + 0.5) + 1)
                for weight, tf, length, avg in ((4.0, postings[doc][0], self.lengths[doc][0], self.avg[0]),
                                                (1.0, postings[doc][1], self.lengths[doc][1], self.avg[1])):
                    if tf:
                        score -= weight * idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / max(avg, 1)))
            scores.append((score, doc))
        scores.sort()
        return scores[:limit]


async def search_costs(store: Store) -> list[tuple[str, float]]:
    rows = await content_store.search_rows(store)
    memory, python = SearchIndex(rows), PythonIndex(rows)

    async def per_query_us(run: Callable[[str], Any], rounds: int = 200) -> float:
        began = time.perf_counter()
        for _ in range(rounds):
            for query in SEARCHES:
                result = run(query)
                if asyncio.iscoroutine(result):
                    await result
        return (time.perf_counter() - began) * 1e6 / (rounds * len(SEARCHES))

    return [
        ("store FTS5 via aiosqlite (before)", await per_query_us(lambda q: content_store.search(store, q, 8), 50)),
        ("in-memory FTS5, ranked + snippets (kept)", await per_query_us(lambda q: memory.search(q, 8))),
        ("Python inverted index, ranking only", await per_query_us(lambda q: python.search(q, 8))),
        (f"({len(rows)} documents)", 0.0),
    ]


# -- the run --------------------------------------------------------------------------------------


@dataclass
class Run:
    bare_latency: list[float]
    ours_latency: list[float]
    bare_cpu: float
    ours_cpu: float
    bare_burst: float
    ours_burst: float
    lists: dict[tuple[str, int], tuple[float, float, float, float]]
    bare_clicks: tuple[float, float]
    ours_clicks: tuple[float, float]
    bare_rss: float
    ours_rss: float
    samples: tuple[Any, Any]
    """An INTERACTION_CREATE frame and our callback body, for the json figures."""


async def one_run(count: int, rate: float, workdir: Path, n: int) -> Run:
    db_path = workdir / f"run{n}.sqlite3"
    async with (
        bot_process("bare", [str(ROOT / "bench" / "bare_bot.py")], workdir, None) as bare,
        bot_process("ours", ["-m", "bot"], workdir, db_path) as ours,
    ):
        await ours.fake.slash("spoilers", season=2, user="alice")  # one reader in three has the guard on
        with harness_gc_held():
            bare_lat, ours_lat, bare_cpu, ours_cpu = await paired_latency(bare, ours, READS, count, rate)
        bursts: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(3):
            with harness_gc_held():
                bursts["bare"].append(await burst(bare, "ping", {}, BURST))
            with harness_gc_held():
                bursts["ours"].append(await burst(ours, "recap", {"season": 2}, BURST))
        bare_burst, ours_burst = statistics.median(bursts["bare"]), statistics.median(bursts["ours"])
        lists = await list_costs(bare, ours, min(count, 100), rate)
        set_answer_seconds(db_path, ours.fake.guild.id, 120)
        bare_questions = await open_questions(bare, "buttons", {})
        ours_questions = await open_questions(ours, "trivia start", {"rounds": 1})
        with harness_gc_held():
            bare_clicks = await click_burst(bare, bare_questions)
        with harness_gc_held():
            ours_clicks = await click_burst(ours, ours_questions)
        rss = (bare.rss_mib(), ours.rss_mib())
        record = next(r for r in ours.fake.interactions.values() if r.label == "/recap")
        body = next(c.json for c in ours.fake.calls_to("POST", CALLBACK)
                    if c.params.get("interaction_id") == str(record.id))
        samples = ({"op": 0, "s": 1, "t": "INTERACTION_CREATE", "d": record.payload}, body)
        problems = bare.fake.check_unchecked() + ours.fake.check_unchecked()
        checked = len(bare.fake.calls) + len(ours.fake.calls)
        print(f"  {checked:,} request bodies held against Discord's spec after the run: "
              + (f"{len(problems)} Discord would refuse, e.g. {problems[0]}" if problems else "all valid"))
    return Run(bare_lat, ours_lat, bare_cpu, ours_cpu, bare_burst, ours_burst, lists,
               bare_clicks, ours_clicks, *rss, samples)


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def print_table(runs: Sequence[Run]) -> None:
    def row(what: str, bare: float, ours: float, unit: str, goal: str, *, higher_better: bool = False) -> None:
        ratio = ours / bare if bare else float("nan")
        print(f"| {what} | {bare:,.2f} {unit} | {ours:,.2f} {unit} | {ratio:.2f}× | {goal} |")

    print(f"\nRead speed, median of {len(runs)} run(s); both bots are separate processes on the local Discord\n")
    print("| what | bare bot | this bot | ratio | goal |")
    print("|---|---|---|---|---|")
    row("`/recap`, `/cast`, `/fact`, `/search`, `/about`, pooled median (bare: `/ping`)",
        med([med(r.bare_latency) for r in runs]), med([med(r.ours_latency) for r in runs]), "ms", "≤ 1.2×")
    row("the same, p99", med([percentile(r.bare_latency, 0.99) for r in runs]),
        med([percentile(r.ours_latency, 0.99) for r in runs]), "ms", "≤ 1.5×")
    row("CPU per interaction (bot process)", med([r.bare_cpu for r in runs]), med([r.ours_cpu for r in runs]), "ms",
        "≤ 1.3×")
    row(f"{BURST} `/recap` (bare: `/ping`) written at once, completed per second", med([r.bare_burst for r in runs]),
        med([r.ours_burst for r in runs]), "/s", "≥ 0.6×")
    for command, _ in LISTS:
        for rows in ROW_COUNTS:
            row(f"`/{command}` with {rows:,} rows stored, median (bare: `/ping`)",
                med([r.lists[(command, rows)][0] for r in runs]), med([r.lists[(command, rows)][1] for r in runs]),
                "ms", "≤ 1.5×")
    row(f"trivia answer clicks, {PLAYERS} players × {GAMES} games at once, per second (bare: buttons)",
        med([r.bare_clicks[0] for r in runs]), med([r.ours_clicks[0] for r in runs]), "/s", "≥ 0.9×")
    row("CPU per trivia answer click in that burst", med([r.bare_clicks[1] for r in runs]),
        med([r.ours_clicks[1] for r in runs]), "ms", "")
    for command, _ in LISTS:
        for rows in ROW_COUNTS:
            row(f"CPU per `/{command}` with {rows:,} rows stored (bare: `/ping`)",
                med([r.lists[(command, rows)][2] for r in runs]), med([r.lists[(command, rows)][3] for r in runs]),
                "ms", "")
    row("resident memory after the run", med([r.bare_rss for r in runs]), med([r.ours_rss for r in runs]), "MiB", "")


def json_costs(samples: tuple[Any, Any]) -> list[tuple[str, float]]:
    """µs per interaction to parse its gateway frame and write our answer, stdlib json vs orjson."""
    import json

    import orjson

    frame, body = samples
    frame_text, rounds = json.dumps(frame), 2_000

    def per(run: Callable[[], Any]) -> float:
        began = time.perf_counter()
        for _ in range(rounds):
            run()
        return (time.perf_counter() - began) * 1e6 / rounds

    return [
        ("stdlib json", per(lambda: (json.loads(frame_text), json.dumps(body, separators=(",", ":"))))),
        ("orjson (discord.py uses it when installed)", per(lambda: (orjson.loads(frame_text), orjson.dumps(body)))),
    ]


async def in_process_figures(workdir: Path, samples: tuple[Any, Any]) -> None:
    result = load_pack(DEFAULT_CONTENT_DIR)
    assert result.pack is not None
    store = await Store.open(workdir / "inproc.sqlite3")
    try:
        await content_store.import_pack(store, result.pack, pack_fingerprint(DEFAULT_CONTENT_DIR))
        built, with_cards = await snapshot_memory(store)
        print(f"\nContent snapshot memory: {built:.2f} MiB built, {with_cards:.2f} MiB with every recap, cast, "
              "fact and character card rendered for each of the 6 spoiler levels (tracemalloc)")
        print("\nJSON per /recap interaction (parse its gateway frame, write the answer):")
        for label, us in json_costs(samples):
            print(f"  {label:<44} {us:>8.1f} µs")
        print("\nSearch, per query (8 queries, limit 8):")
        for label, us in await search_costs(store):
            print(f"  {label:<44} {us:>8.1f} µs" if us else f"  {label}")
    finally:
        await store.close()


async def run(runs: int, count: int, rate: float) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results = []
        for n in range(runs):
            began = time.perf_counter()
            results.append(await one_run(count, rate, workdir, n))
            print(f"run {n + 1}/{runs}: {time.perf_counter() - began:.0f} s", flush=True)
        print_table(results)
        await in_process_figures(workdir, results[-1].samples)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; the table shows the median (default 3)")
    parser.add_argument("--count", type=int, default=200, help="interactions per read command (default 200)")
    parser.add_argument("--rate", type=float, default=100.0, help="interactions per second (default 100)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.runs, args.count, args.rate))


if __name__ == "__main__":
    raise SystemExit(main())
