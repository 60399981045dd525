"""The job queue's own cost (issue 14): how many no-op jobs per second procrastinate moves on this PostgreSQL.

A draft job's work (lyrics, composing, rendering: bench_sketch.py, ~0.4 s warm) dwarfs the queue; this shows
what the queue adds per job: deferring one (an INSERT and a NOTIFY) and running it (fetch, mark done, delete).
Jobs are deferred in one burst, then 1 or 2 workers (each a procrastinate worker in its own process, 4 at once)
drain them; the rate is jobs over the longest time a worker took from opening the queue to finding it empty
(imports excluded; the workers start a few milliseconds apart, so they overlap).

Needs PostgreSQL: SOUNDOFF_TEST_POSTGRES_URL, else scripts/test-postgres is started for the run (and stopped).
Run: python bench/bench_queue.py [--jobs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from _postgres import fresh_database, postgres_server  # noqa: E402  # bench/ is on sys.path when run

from bot.database_target import PostgresUrl  # noqa: E402
from bot.jobs.queue import build_app, ensure_schema  # noqa: E402

NOOP = "bench.noop"


async def _defer(url: PostgresUrl, jobs: int) -> float:
    app = build_app(url)
    async with app.open_async():
        task = app.configure_task(NOOP, queue="bench", allow_unknown=True)
        began = time.perf_counter()
        for n in range(jobs):
            await task.defer_async(n=n)
        return time.perf_counter() - began


async def _work(url: PostgresUrl) -> None:
    app = build_app(url)

    @app.task(name=NOOP, queue="bench")
    async def noop(n: int) -> None:
        return None

    async with app.open_async():
        began = time.perf_counter()
        await app.run_worker_async(queues=["bench"], concurrency=4, wait=False, install_signal_handlers=False)
        print(time.perf_counter() - began, flush=True)  # from the open queue to caught up: no imports


def _left(url: PostgresUrl) -> int:
    with psycopg.connect(url.conninfo) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'").fetchone()
    return int(row[0]) if row else 0


def run(server: PostgresUrl, jobs: int, workers: int) -> tuple[float, float]:
    url = fresh_database(server, f"soundoff_bench_queue_{workers}")
    asyncio.run(ensure_schema(url))
    deferring = asyncio.run(_defer(url, jobs))
    command = [sys.executable, __file__, "--work", url.conninfo]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    took = max(float(process.communicate()[0].strip().splitlines()[-1]) for process in processes)
    assert _left(url) == 0, "jobs were left in the queue"
    return jobs / deferring, jobs / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        asyncio.run(_work(PostgresUrl(args.work)))
        return
    with postgres_server() as server:
        if server is None:
            raise SystemExit("no PostgreSQL server: set SOUNDOFF_TEST_POSTGRES_URL")
        rates = {workers: run(server, args.jobs, workers) for workers in (1, 2)}
    print(f"no-op jobs: {args.jobs}, each worker 4 at once, {os.cpu_count()} CPUs")
    for workers, (deferred, drained) in rates.items():
        print(f"  {workers} worker(s): deferred {deferred:,.0f} jobs/s (one by one), ran {drained:,.0f} jobs/s")
    one, two = rates[1][1], rates[2][1]
    print(f"  2 workers / 1 worker: {two / one:.2f}x; queue cost per job ~{1000 / one:.1f} ms of one worker")


if __name__ == "__main__":
    main()
