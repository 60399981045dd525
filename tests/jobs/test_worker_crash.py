"""Workers as real processes: one SIGKILLed mid-draft has its job finished by another, once, within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import SoundOffBot
from bot.database_target import PostgresUrl
from tests.cogs.conftest import shown, wait_for
from tests.db.scenes import open_soundoff
from tests.jobs.conftest import queued_jobs
from tests.openai_server import OpenAIServer, Reply
from tests.standin import StandIn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def spawn_worker(standin: StandIn, queue_database: PostgresUrl, tmp_path: Path) -> Iterator[object]:
    """``spawn(name, llm=url)``: `python -m bot worker` as its own process, on the test's database and stand-in."""
    started: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *, llm: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DISCORD_TOKEN": standin.token,
            "DISCORD_API_BASE_URL": standin.api_base_url,
            "SOUNDOFF_DATABASE": queue_database.conninfo,
            "SOUNDOFF_RENDER_WORKERS": "1",
            "OPENAI_BASE_URL": llm,
            "OPENAI_API_KEY": "test",
            "SOUNDOFF_LLM_TIMEOUT": "30",
            "SOUNDOFF_LLM_DEADLINE": "30",
        }
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _query(database: PostgresUrl, sql: str) -> list[int]:
    import psycopg

    with psycopg.connect(database.conninfo) as conn:
        return [int(row[0]) for row in conn.execute(sql.encode())]


def _running_on(database: PostgresUrl) -> list[int]:
    """The queue's ids of the workers running a job."""
    return _query(database, "SELECT worker_id FROM procrastinate_jobs WHERE status = 'doing'")


def _workers(database: PostgresUrl) -> list[int]:
    return _query(database, "SELECT id FROM procrastinate_workers ORDER BY id")


async def test_a_worker_killed_mid_draft_has_it_finished_by_another(
    standin: StandIn,
    queued_bot: SoundOffBot,
    queue_database: PostgresUrl,
    openai_server: OpenAIServer,
    spawn_worker: object,
    tmp_path: Path,
) -> None:
    """Worker A takes the draft and hangs on the LLM; SIGKILL it: worker B finishes it, one version, in < 10 s."""
    openai_server.script(Reply.slow(120))  # A's request never returns; B's get 500s and fall back to offline
    spawn = spawn_worker
    first = spawn("worker-a", llm=openai_server.base_url)  # type: ignore[operator]
    handle = await standin.slash("cowrite lyrics", {"theme": "night ferry", "seed": 5}, member=standin.scene.owner)
    await wait_for(lambda: _running_on(queue_database) or None, within=30)
    [worker_a] = _workers(queue_database)
    await wait_for(lambda: len(openai_server.requests) >= 1)  # A is inside the draft
    second = spawn("worker-b", llm=openai_server.base_url)  # type: ignore[operator]
    await wait_for(lambda: len(_workers(queue_database)) == 2, within=30)  # B is up and idle: the job is A's
    assert _running_on(queue_database) == [worker_a]

    first.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    draft = await shown(handle, lambda m: m.embeds, within=30)
    finished = time.monotonic() - killed
    assert finished < 10, f"the killed job took {finished:.1f} s to finish elsewhere"
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


async def test_fifty_deadlines_close_once_while_a_worker_is_killed(
    standin: StandIn,
    queued_bot: SoundOffBot,
    queue_database: PostgresUrl,
    openai_server: OpenAIServer,
    spawn_worker: object,
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
    spawn = spawn_worker
    doomed = spawn("worker-a", llm=openai_server.base_url)  # type: ignore[operator]
    spawn("worker-b", llm=openai_server.base_url)  # type: ignore[operator]

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
