"""Drafts through the job queue (issue 14): /cowrite song from the stand-in to the posted draft, 1 and 2 workers.

A bot in scale-out mode (this process, real discord.py against the Discord stand-in) acknowledges and queues
each draft; `soundoff worker` processes (one render process each) write, compose, render and post it through
the interaction's webhook. All drafts are sent at once, so the figures are a burst's: drafts per second, and
the p50/p95 time from the command to the draft shown. On a machine with few cores a second worker adds little
(the renders share the cores with the bot, PostgreSQL and each other): read the ratio, not the rate.

Needs PostgreSQL: SOUNDOFF_TEST_POSTGRES_URL, else scripts/test-postgres is started for the run (and stopped).
Run: python bench/bench_workers.py [--drafts N]
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
from _harness import percentile  # noqa: E402  # bench/ is on sys.path when run
from _postgres import fresh_database, postgres_server  # noqa: E402  # bench/ is on sys.path when run

from bot.app import SoundOffBot  # noqa: E402
from bot.database_target import PostgresUrl  # noqa: E402
from bot.db.migrate import open_migrated  # noqa: E402
from bot.discord_endpoints import apply_endpoints  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.standin import StandIn  # noqa: E402


def _workers_up(url: PostgresUrl) -> int:
    with psycopg.connect(url.conninfo) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
    return int(row[0]) if row else 0


async def measure(server: PostgresUrl, workers: int, drafts: int) -> tuple[float, float, float]:
    url = fresh_database(server, f"soundoff_bench_workers_{workers}")
    await (await open_migrated(url)).close()
    standin = await StandIn().start()
    apply_endpoints(standin.api_base_url, standin.gateway_url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DISCORD_TOKEN=standin.token,
        SOUNDOFF_DATABASE=url.conninfo,
        SOUNDOFF_RENDER_QUEUE=True,
        SOUNDOFF_COOLDOWN_SECONDS=0,
        SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
        SOUNDOFF_DEV_GUILD_ID=standin.scene.guild.id,
        SOUNDOFF_RENDER_WORKERS=1,
    )
    services = await Services.open(settings)
    bot = SoundOffBot(services)
    runner = asyncio.create_task(bot.start(standin.token))
    env = {
        **os.environ,
        "DISCORD_TOKEN": standin.token,
        "DISCORD_API_BASE_URL": standin.api_base_url,
        "SOUNDOFF_DATABASE": url.conninfo,
        "SOUNDOFF_RENDER_WORKERS": "1",
        "SOUNDOFF_LOG_LEVEL": "WARNING",
    }
    worker = [sys.executable, "-m", "bot", "worker"]
    processes = [subprocess.Popen(worker, cwd=ROOT, env=env) for _ in range(workers)]  # noqa: ASYNC220  # starts at once
    try:
        while not bot.is_ready() or _workers_up(url) < workers:  # noqa: ASYNC110  # polls another process
            await asyncio.sleep(0.1)
        await asyncio.sleep(8)  # the workers' render processes warm up (imports, dictionary, fonts)
        scene = standin.scene
        members = [standin.world.add_member(scene.guild, f"writer{n}") for n in range(drafts)]  # one draft each
        began = time.perf_counter()
        handles = [
            await standin.slash(
                "cowrite song", {"theme": f"harbour lights {n}", "seed": n}, member=members[n], channel=scene.cowriting
            )
            for n in range(drafts)
        ]  # fmt: skip
        sent = {handle.record.id: time.perf_counter() for handle in handles}
        shown: dict[int, float] = {}
        while len(shown) < drafts:
            if time.perf_counter() - began > 120:
                left = [[m.content for m in h.followups] for h in handles if h.record.id not in shown]
                raise SystemExit(f"{len(left)} drafts not shown after 120 s: {left[:3]}")
            for handle in handles:
                original = handle.original
                if handle.record.id not in shown and original is not None and original.embeds:
                    shown[handle.record.id] = time.perf_counter()
            await asyncio.sleep(0.02)
        took = time.perf_counter() - began
        latencies = [shown[i] - sent[i] for i in sent]
        return drafts / took, percentile(latencies, 0.5), percentile(latencies, 0.95)
    finally:
        for process in processes:
            process.kill()
            process.wait()
        await bot.close()
        runner.cancel()
        await services.close()
        await standin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=16)
    args = parser.parse_args()
    with postgres_server() as server:
        if server is None:
            raise SystemExit("no PostgreSQL server: set SOUNDOFF_TEST_POSTGRES_URL")
        results = {n: asyncio.run(measure(server, n, args.drafts)) for n in (1, 2)}
    print(f"/cowrite song ×{args.drafts} at once through the queue, {os.cpu_count()} CPUs")
    for workers, (rate, p50, p95) in results.items():
        print(f"  {workers} worker(s): {rate:.2f} drafts/s, command → draft shown p50 {p50:.1f} s, p95 {p95:.1f} s")
    print(f"  2 workers / 1 worker: {results[2][0] / results[1][0]:.2f}x drafts/s")


if __name__ == "__main__":
    main()
