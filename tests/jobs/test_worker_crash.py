"""Workers as real processes: one SIGKILLed mid-draft has its job finished by another, once, within seconds."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from bot.app import SoundOffBot
from bot.database_target import PostgresUrl
from bot.jobs.maintenance import STALLED_AFTER
from bot.jobs.queue import MAINTENANCE_QUEUE
from tests.cogs.conftest import shown, wait_for
from tests.db.scenes import open_soundoff
from tests.jobs.conftest import queued_jobs
from tests.openai_server import OpenAIServer, Reply
from tests.standin import StandIn

ROOT = Path(__file__).resolve().parents[2]


class Spawn(Protocol):
    def __call__(self, name: str, command: str, **env: str) -> subprocess.Popen[bytes]: ...


@pytest.fixture
def spawn(standin: StandIn, queue_database: PostgresUrl, tmp_path: Path) -> Iterator[Spawn]:
    """``spawn(name, "worker" | "run", **env)``: `python -m bot COMMAND` as its own process, in scale-out mode on the
    test's database and stand-in, logging to ``tmp_path/NAME.log``; killed at the end if still running."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, command: str, **extra: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DISCORD_TOKEN": standin.token,
            "DISCORD_API_BASE_URL": standin.api_base_url,
            "DISCORD_GATEWAY_URL": standin.gateway_url,
            "SOUNDOFF_DATABASE": queue_database.conninfo,
            "SOUNDOFF_RENDER_QUEUE": "true",
            "SOUNDOFF_RENDER_WORKERS": "1",
            **extra,
        }
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", command], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _slow_llm(server: OpenAIServer) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "test",
        "SOUNDOFF_LLM_TIMEOUT": "30",
        "SOUNDOFF_LLM_DEADLINE": "30",
    }


def _query(database: PostgresUrl, sql: str) -> list[int]:
    import psycopg

    with psycopg.connect(database.conninfo) as conn:
        return [int(row[0]) for row in conn.execute(sql.encode())]


def _running_on(database: PostgresUrl) -> list[int]:
    """The queue's ids of the workers running a job (but the periodic upkeep, which any worker takes now and then)."""
    return _query(
        database,
        f"SELECT worker_id FROM procrastinate_jobs WHERE status = 'doing' AND queue_name <> '{MAINTENANCE_QUEUE}'",
    )


def _workers(database: PostgresUrl) -> list[int]:
    return _query(database, "SELECT id FROM procrastinate_workers ORDER BY id")


async def test_a_worker_killed_mid_draft_has_it_finished_by_another(
    standin: StandIn,
    queued_bot: SoundOffBot,
    queue_database: PostgresUrl,
    openai_server: OpenAIServer,
    spawn: Spawn,
    tmp_path: Path,
) -> None:
    """Worker A takes the draft and hangs on the LLM; SIGKILL it: worker B finishes it, one version, once A's
    heartbeat is older than the stall window (plus one tick of the periodic retry and the draft itself)."""
    openai_server.script(Reply.slow(120))  # A's request never returns; B's get 500s and fall back to offline
    first = spawn("worker-a", "worker", **_slow_llm(openai_server))
    handle = await standin.slash("cowrite lyrics", {"theme": "night ferry", "seed": 5}, member=standin.scene.owner)
    await wait_for(lambda: _running_on(queue_database) or None, within=30)
    [worker_a] = _workers(queue_database)
    await wait_for(lambda: len(openai_server.requests) >= 1)  # A is inside the draft
    second = spawn("worker-b", "worker", **_slow_llm(openai_server))
    await wait_for(lambda: len(_workers(queue_database)) == 2, within=30)  # B is up and idle: the job is A's
    assert _running_on(queue_database) == [worker_a]

    first.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    draft = await shown(handle, lambda m: m.embeds, within=60)
    finished = time.monotonic() - killed
    # the stall window, a tick of the 5 s periodic retry, then the draft itself (B's LLM calls fail, then offline)
    assert finished < STALLED_AFTER + 5 + 15, f"the killed job took {finished:.1f} s to finish elsewhere"
    print(f"killed worker's draft answered by another after {finished:.1f} s")
    assert second.poll() is None
    made = await queued_bot.services.songs.by_request(handle.record.id)
    assert made is not None
    song, version = made
    assert [v.number for v in await queued_bot.services.songs.versions(song.id)] == [1]
    assert version.message_id == draft.id
    assert "offline writer" in str(draft.embeds[0]["footer"]["text"])
    await wait_for(lambda: queued_jobs(queue_database)() == [] or None)
    logs = "".join(path.read_text() for path in sorted(tmp_path.glob("worker-*.log")))  # noqa: ASYNC240  # small files
    assert "ended with status: Success" in logs  # the job's own log line (arguments and all) ...
    assert handle.record.token not in logs  # ... never shows the interaction's token


async def test_a_worker_paused_8_s_keeps_its_job(
    standin: StandIn,
    queued_bot: SoundOffBot,
    queue_database: PostgresUrl,
    openai_server: OpenAIServer,
    spawn: Spawn,
    tmp_path: Path,
) -> None:
    """Worker A is stopped (SIGSTOP) for 8 s mid-draft, as a VM pause would: B does not take the job, A finishes it
    on resume, and A's event loop comes back without an unretrieved task exception."""
    openai_server.script(Reply.slow(10))  # A's answer comes 10 s on (junk: the offline writer then takes over)
    first = spawn("worker-a", "worker", **_slow_llm(openai_server))
    handle = await standin.slash("cowrite lyrics", {"theme": "a held breath", "seed": 8}, member=standin.scene.owner)
    await wait_for(lambda: len(openai_server.requests) >= 1, within=30)  # A is inside the draft
    spawn("worker-b", "worker", **_slow_llm(openai_server))
    await wait_for(lambda: len(_workers(queue_database)) == 2, within=30)

    first.send_signal(signal.SIGSTOP)
    await asyncio.sleep(8)
    first.send_signal(signal.SIGCONT)
    draft = await shown(handle, lambda m: m.embeds, within=30)
    await wait_for(lambda: queued_jobs(queue_database)() == [] or None)
    made = await queued_bot.services.songs.by_request(handle.record.id)
    assert made is not None
    assert made[1].message_id == draft.id
    logs = {path.stem: path.read_text() for path in tmp_path.glob("worker-*.log")}  # noqa: ASYNC240  # small files
    assert logs["worker-a"].count("Starting job soundoff.draft") == 1
    assert "Starting job soundoff.draft" not in logs["worker-b"]  # the job ran once, on A
    assert "retrying it" not in logs["worker-b"]
    assert "never retrieved" not in logs["worker-a"]
    assert first.poll() is None


async def test_fifty_deadlines_close_once_while_a_worker_is_killed(
    standin: StandIn,
    queued_bot: SoundOffBot,
    queue_database: PostgresUrl,
    spawn: Spawn,
) -> None:
    """50 sound-offs due within seconds, two workers, one SIGKILLed part-way: each closes once, one results post."""
    scene, jobs = standin.scene, queued_bot.services.jobs
    assert jobs is not None
    deadlines = {}
    for n in range(50):
        soundoff_id = await open_soundoff(
            queued_bot.services.db, lasting=3 + n / 10, guild_id=scene.guild.id, channel_id=scene.general.id
        )
        soundoff = await queued_bot.workshop.soundoffs.get(soundoff_id)
        await jobs.close_at(soundoff_id, soundoff.ends_at)
        deadlines[soundoff_id] = soundoff.ends_at
    doomed = spawn("worker-a", "worker")
    spawn("worker-b", "worker")

    def posted() -> list[object]:
        return [m for m in standin.messages(scene.general) if "results.png" in standin.files(m)]

    await wait_for(lambda: len(posted()) >= 10 or None, within=60)
    doomed.send_signal(signal.SIGKILL)
    await wait_for(lambda: len(posted()) >= 50 or None, within=90)  # a claim the killed worker held lasts 30 s

    closed = [await queued_bot.workshop.soundoffs.get(soundoff_id) for soundoff_id in deadlines]
    assert all(not s.is_open and s.closed_at is not None and s.closed_at >= deadlines[s.id] for s in closed)
    assert len({s.results_message_id for s in closed}) == 50
    assert len(posted()) == 50  # one results message each, none doubled
    await wait_for(lambda: queued_jobs(queue_database)() == [] or None, within=30)


def _synced(standin: StandIn, name: str) -> bool | None:
    try:
        standin.core.commands.find(name, 1, standin.scene.guild.id)
    except LookupError:
        return None
    return True


async def test_a_bot_process_killed_after_acknowledging_loses_no_draft(
    standin: StandIn, queue_database: PostgresUrl, spawn: Spawn
) -> None:
    """The bot defers and queues /cowrite, then is SIGKILLed: a worker started afterwards still answers the member."""
    bot = spawn(
        "bot",
        "run",
        SOUNDOFF_DEV_GUILD_ID=str(standin.scene.guild.id),
        SOUNDOFF_GUILD_READY_TIMEOUT="0.05",
        SOUNDOFF_COOLDOWN_SECONDS="0",
    )
    await wait_for(lambda: bool(standin.gateway.sessions) and _synced(standin, "cowrite"), within=60)
    handle = await standin.slash("cowrite lyrics", {"theme": "a ferry at night", "seed": 9}, member=standin.scene.owner)
    assert (await handle.response(within=5)).type == 5  # acknowledged by that process
    await wait_for(lambda: queued_jobs(queue_database)() == [("soundoff.draft", "todo")] or None, within=10)
    bot.send_signal(signal.SIGKILL)
    assert bot.wait(10) == -signal.SIGKILL

    spawn("worker", "worker")  # no bot process is left: the queue alone carries the draft
    draft = await shown(handle, lambda m: m.embeds, within=60)
    assert "AI draft · v1" in str(draft.embeds[0]["footer"]["text"])
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
