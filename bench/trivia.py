"""Trivia under load: many concurrent games in one process, pure logic + a real SQLite store.

    .venv/bin/python -m bench.trivia [--games 1000] [--rounds 10] [--players 4]

Every game is an asyncio task doing what the cog does: create the game row, then per question
`start_round` + `store.open_round`, one answer per player, `close_round` + `store.close_round`
(one transaction), and `finish_game`. Answers arrive as tasks (like gateway events) and are
acknowledged by the game logic; their latency is measured from the moment the "click" task is
created to its acknowledgement, so it includes waiting for the event loop while 1,000 games hit
the store. Store writes happen at question close (that is the durability design: a crash loses
at most the question in flight), so the close transaction is timed separately.

Button mode and typed mode run one after the other (typed: two wrong guesses per player, then a
right one, all matched by `AnswerKey`), first as a *burst* (every answer of every game at once:
the ceiling), then *paced* (answers at random moments of a `--pace`-second window, default 5 s,
four times the real 20 s window's load). Game times come from the wall clock; only the paced
runs sleep, to spread arrivals.

The questions are written through the content import (a synthetic pack built on the shipped one),
so the bench uses no SQL of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.loader import load_pack
from bot.content.models import Question as PackQuestion
from bot.store import Store
from bot.store.content import import_pack
from bot.store.trivia import Scope, TriviaStore
from bot.trivia.game import AnswerStatus, Game, GameSettings, GameState
from bot.trivia.models import GameMode
from bot.trivia.selection import QuestionFilter, select_questions

BANK_SIZE = 2_000


def now() -> datetime:
    return datetime.now(UTC)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def synthetic_bank() -> list[PackQuestion]:
    return [
        PackQuestion(
            id=f"bench-{i:05d}", season=i % 5, difficulty=("easy", "medium", "hard")[i % 3],
            question=f"Bench question {i}?", answer=f"Nagpur Kulkarni {i}", aliases=(f"nagpur {i}",),
            wrong=(f"Pune {i}", f"Nashik {i}", f"Mumbai {i}"), source="bench",
        )
        for i in range(BANK_SIZE)
    ]


class Recorder:
    def __init__(self) -> None:
        self.ack: list[float] = []
        self.ack_steady: list[float] = []
        """Acks from question 3 on, once every game has started (game starts load the bank)."""
        self.close: list[float] = []
        self.answers = 0

    def record_ack(self, seconds: float, round_number: int) -> None:
        self.ack.append(seconds)
        if round_number >= 3:
            self.ack_steady.append(seconds)


async def play(
    trivia: TriviaStore, index: int, mode: GameMode, rounds: int, players: int, rec: Recorder, seed: int,
    pace: float,
) -> None:
    rng = random.Random(seed * 100_000 + index)
    loop = asyncio.get_running_loop()
    if pace:
        await asyncio.sleep(rng.uniform(0, pace))  # games start spread over one window
    guild = 1 + index % 50
    channel = 10_000_000 + seed * 100_000 + index
    candidates = await trivia.question_candidates(guild)
    ids = select_questions(candidates, rounds, QuestionFilter(need_choices=mode is GameMode.BUTTONS), rng)
    settings = GameSettings(rounds=rounds, mode=mode)
    game_id = await trivia.create_game(guild_id=guild, channel_id=channel, starter_id=index,
                                       settings=settings, question_ids=ids, now=now())
    game = Game(game_id=game_id, guild_id=guild, channel_id=channel, starter_id=index, settings=settings,
                questions=await trivia.get_questions(ids), rng=rng)
    users = [index * 10 + p for p in range(players)]

    def arrival() -> float:
        """When the answer 'arrives': now (burst) or at a random moment in the window (paced)."""
        return loop.time() + (rng.uniform(0, pace * 0.8) if pace else 0.0)

    async def click(user: int, number: int, choice: int, arrives: float) -> None:
        await asyncio.sleep(arrives - loop.time())
        outcome = game.answer_choice(user, number, choice, now())
        rec.record_ack(loop.time() - arrives, number)
        assert outcome.status is AnswerStatus.ACCEPTED
        rec.answers += 1

    async def message(user: int, text: str, arrives: float) -> None:
        await asyncio.sleep(arrives - loop.time())
        game.answer_text(user, text, now())
        rec.record_ack(loop.time() - arrives, game.round_number)
        rec.answers += 1

    while game.state is GameState.RUNNING:
        start = game.start_round(now())
        round_id = await trivia.open_round(game_id=game_id, round_no=start.number,
                                           question_id=start.question.id, posted_at=start.posted_at)
        tasks = []
        if mode is GameMode.BUTTONS:
            for user in users:
                choice = rng.randrange(len(start.choices))
                tasks.append(asyncio.create_task(click(user, start.number, choice, arrival())))
        else:
            answer = start.question.answer
            last = arrival()
            for user in users:
                for text in ("no idea", answer[:-3] + "xyz"):
                    tasks.append(asyncio.create_task(message(user, text, min(arrival(), last))))
            tasks.append(asyncio.create_task(message(rng.choice(users), answer.lower(), last)))
        await asyncio.gather(*tasks)
        result = game.close_round(now())
        began = time.perf_counter()
        assert await trivia.close_round(round_id, result.answers, result.closed_at)
        rec.close.append(time.perf_counter() - began)
    assert game.game_over is not None
    await trivia.finish_game(game_id, game.game_over)


async def run_mode(
    trivia: TriviaStore, mode: GameMode, games: int, rounds: int, players: int, seed: int, pace: float
) -> None:
    rec = Recorder()
    began = time.perf_counter()
    await asyncio.gather(*(play(trivia, i, mode, rounds, players, rec, seed, pace) for i in range(games)))
    wall = time.perf_counter() - began
    how = f"paced, answers over {pace:g} s windows" if pace else "burst, every answer at once"
    print(
        f"{mode.value:>7} ({how}): {games} concurrent games x {rounds} questions x {players} players: "
        f"{rec.answers:,} answers in {wall:.1f} s = {rec.answers / wall:,.0f} answers/s end to end "
        f"(incl. {len(rec.close):,} round-close transactions)"
    )
    print(
        f"         answer->ack latency p50 {pct(rec.ack, 0.5):.2f} ms, p99 {pct(rec.ack, 0.99):.2f} ms "
        f"(from question 3: p99 {pct(rec.ack_steady, 0.99):.2f} ms), "
        f"max {max(rec.ack) * 1000:.1f} ms | close_round p50 {pct(rec.close, 0.5):.2f} ms, "
        f"p99 {pct(rec.close, 0.99):.2f} ms, mean {statistics.fmean(rec.close) * 1000:.2f} ms"
    )


async def main(games: int, rounds: int, players: int, pace: float) -> None:
    loaded = load_pack(DEFAULT_CONTENT_DIR)
    if loaded.pack is None:
        raise SystemExit(f"the content pack does not load: {loaded.problems[:3]}")
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.sqlite3")
        try:
            await import_pack(store, dataclasses.replace(loaded.pack, questions=tuple(synthetic_bank())), "bench")
            trivia = TriviaStore(store)
            print(f"store: {store.path} (WAL, synchronous=NORMAL), {BANK_SIZE:,} questions")
            runs = [(GameMode.BUTTONS, 0.0), (GameMode.TYPED, 0.0)]
            if pace:
                runs += [(GameMode.BUTTONS, pace), (GameMode.TYPED, pace)]
            for seed, (mode, window) in enumerate(runs):
                await run_mode(trivia, mode, games, rounds, players, seed, window)
            began = time.perf_counter()
            for guild in range(1, 51):
                await trivia.leaderboard(guild, scope=Scope.ALL_TIME, now=now(), page=2)
                await trivia.player_stats(guild, 10)
            print(f"leaderboard page + stats: {(time.perf_counter() - began) / 50 * 1000:.2f} ms per guild")
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--players", type=int, default=4)
    parser.add_argument("--pace", type=float, default=5.0,
                        help="answer window in seconds for the paced runs (0 = burst runs only)")
    args = parser.parse_args()
    asyncio.run(main(args.games, args.rounds, args.players, args.pace))
