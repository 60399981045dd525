"""Scale-out storage throughput: votes per second through the vote repository, one process or several (issue 14).

Each process opens the database as a bot process does (SQLite: one connection behind the writer lock;
PostgreSQL: a pool of 10) and casts its share of the votes with ``--in-flight`` votes awaiting at once, every one
the real atomic statement (``SoundoffRepository.cast_vote``). Processes start together on a cue; the rate is
votes over the time from the cue until the last process finishes. Then the stored votes are counted: every
member's vote once, nothing lost.

This measures storage alone, not the Discord path (bench_votes.py does that for one process: about 570 votes/s,
where the gateway, the interaction callbacks and the event loop cost more than SQLite). PostgreSQL rows need a
server: SOUNDOFF_TEST_POSTGRES_URL, else scripts/test-postgres is started for the run (and stopped after).

Run: python bench/bench_scale.py [--votes N] [--in-flight N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _postgres import fresh_database, postgres_server  # noqa: E402  # bench/ is on sys.path when run

from bot.database_target import DatabaseTarget, PostgresUrl  # noqa: E402
from bot.db.connection import Database  # noqa: E402
from bot.db.migrate import open_migrated  # noqa: E402
from bot.db.soundoffs import SoundoffRepository, VoteRejectedError  # noqa: E402
from tests.db.scenes import open_soundoff  # noqa: E402
from tests.processes import started_together  # noqa: E402


async def _worker(target: str, soundoff: int, first: int, count: int, in_flight: int) -> None:
    db = await Database.open(target)
    repository = SoundoffRepository(db)
    gate = asyncio.Semaphore(in_flight)

    async def one(member: int) -> None:
        async with gate:
            try:
                await repository.cast_vote(soundoff, member, "AB"[member % 2])
            except VoteRejectedError:
                raise SystemExit(f"vote of member {member} refused") from None

    print("ready", flush=True)
    sys.stdin.readline()
    await asyncio.gather(*(one(first + n) for n in range(count)))
    await db.close()
    print(json.dumps({"done": time.time()}), flush=True)


async def _soundoff(target: DatabaseTarget) -> int:
    db = await open_migrated(target)
    try:
        return await open_soundoff(db)
    finally:
        await db.close()


async def _stored(target: DatabaseTarget, soundoff: int) -> int:
    db = await Database.open(target)
    try:
        return await SoundoffRepository(db).vote_count(soundoff)
    finally:
        await db.close()


def _where(target: DatabaseTarget) -> str:
    return target.conninfo if isinstance(target, PostgresUrl) else str(target)


def measure(target: DatabaseTarget, processes: int, votes: int, in_flight: int) -> float:
    """Votes per second with ``processes`` processes sharing ``votes`` distinct members' votes."""
    soundoff = asyncio.run(_soundoff(target))
    share = votes // processes
    commands = [
        [sys.executable, __file__, "--worker", _where(target), str(soundoff), str(1000 + n * share), str(share),
         str(in_flight)]
        for n in range(processes)
    ]  # fmt: skip
    with started_together(commands) as workers:
        began = time.time()
        ends = []
        for worker in workers:
            out, _ = worker.communicate(timeout=600)
            if worker.returncode != 0:
                raise SystemExit(f"a worker failed: {out}")
            ends.append(json.loads(out.strip().splitlines()[-1])["done"])
    stored = asyncio.run(_stored(target, soundoff))
    if stored != share * processes:
        raise SystemExit(f"{stored} votes stored of {share * processes}: votes were lost")
    return stored / (max(ends) - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=4000)
    parser.add_argument("--in-flight", type=int, default=50)
    args = parser.parse_args()
    print(f"{args.votes} votes, {args.in_flight} in flight per process, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        rate = measure(Path(folder) / "bench.db", 1, args.votes, args.in_flight)
        print(f"SQLite, 1 process:      {rate:7.0f} votes/s")
        rate = measure(Path(folder) / "bench2.db", 2, args.votes, args.in_flight)
        print(f"SQLite, 2 processes:    {rate:7.0f} votes/s (writers take turns, across processes too)")
    with postgres_server() as server:
        if server is None:
            return
        for processes in (1, 2, 4):
            target = fresh_database(server, f"soundoff_bench_scale_{processes}")
            rate = measure(target, processes, args.votes, args.in_flight)
            print(f"PostgreSQL, {processes} process{'es' if processes > 1 else '  '}: {rate:7.0f} votes/s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        target, soundoff, first, count, in_flight = sys.argv[2:7]
        asyncio.run(_worker(target, int(soundoff), int(first), int(count), int(in_flight)))
    else:
        main()
