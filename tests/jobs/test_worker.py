"""Scale-out mode: drafts and deadlines go through procrastinate on PostgreSQL and a worker answers them."""

from __future__ import annotations

import dataclasses
import time

import procrastinate
import pytest

from bot.app import SoundOffBot
from bot.database_target import PostgresUrl
from bot.db.soundoffs import ANNOUNCE_LEASE_SECONDS
from bot.jobs.queue import request_from
from bot.new_song import WebhookAnswer, post_draft
from bot.songwriting.render.chart import bar_chart_png
from bot.workshop.drafts import MusicOptions
from tests.cogs.conftest import shown, wait_for
from tests.db.scenes import open_soundoff
from tests.jobs.conftest import StartWorker, queued_jobs
from tests.standin import StandIn

HOW_TO = "where the song gets written"


def _footer(message: object) -> str:
    embeds = getattr(message, "embeds", [])
    return str(embeds[0]["footer"]["text"]) if embeds else ""


async def test_a_queued_draft_is_made_and_answered_by_a_worker(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """/cowrite song in scale-out mode: the bot queues it at once; a worker makes it, answers, opens the thread."""
    scene = standin.scene
    handle = await standin.slash(
        "cowrite song", {"theme": "ferry lights at dusk", "seed": 11}, member=scene.owner, channel=scene.cowriting
    )
    assert (await handle.response()).type == 5  # deferred by the bot at once
    await wait_for(lambda: handle.original is not None and "queued" in handle.original.content)
    assert queued_jobs(queue_database)() == [("soundoff.draft", "todo")]  # nothing runs it in the bot process

    await start_worker()
    draft = await shown(handle, lambda m: m.embeds, within=30)
    assert _footer(draft) == "AI draft · v1 · offline writer · seed 11"
    assert {".ogg", ".mid", ".png"} <= {name[name.rindex(".") :] for name in standin.files(draft)}
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    await wait_for(lambda: any(HOW_TO in m.content for m in standin.messages(thread)))
    song = await queued_bot.services.songs.by_thread(thread.id)
    assert song is not None
    assert song.owner_id == scene.owner.id
    made = await queued_bot.services.songs.by_request(handle.record.id)
    assert made is not None
    assert [v.number for v in await queued_bot.services.songs.versions(song.id)] == [1]
    assert made[1].message_id == draft.id
    await wait_for(lambda: queued_jobs(queue_database)() == [] or None)  # done jobs are deleted: they held the token


async def test_a_draft_job_run_again_stores_and_posts_nothing_twice(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """At-least-once delivery: the same request run three times is one version, one message, one thread."""
    scene = standin.scene
    handle = await standin.slash("cowrite lyrics", {"theme": "salt on the window", "seed": 3}, member=scene.owner)
    await wait_for(lambda: queued_jobs(queue_database)() == [("soundoff.draft", "todo")])
    worker = await start_worker(run=False)  # runs the job by hand, as a retry after a crash would
    request = request_from(await _queued_request(queue_database))
    for _ in range(3):
        await worker.draft(request)
    draft = await shown(handle, lambda m: m.embeds)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    song = await queued_bot.services.songs.by_thread(thread.id)
    assert song is not None
    assert len(await queued_bot.services.songs.versions(song.id)) == 1
    assert sum(HOW_TO in m.content for m in standin.messages(thread)) == 1
    drafts = [m for m in standin.messages(scene.general) if m.embeds]
    assert [m.id for m in drafts] == [draft.id]


async def test_a_worker_tells_the_member_when_the_draft_cannot_be_made(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """A member's error met in the worker (a key the composer refuses, as from an older bot) replaces "thinking…"."""
    scene = standin.scene
    handle = await standin.slash("cowrite song", {"theme": "late trains"}, member=scene.owner, channel=scene.cowriting)
    await wait_for(lambda: queued_jobs(queue_database)() == [("soundoff.draft", "todo")])
    request = request_from(await _queued_request(queue_database))
    worker = await start_worker(run=False)
    await worker.draft(dataclasses.replace(request, music=MusicOptions(key="H major")))
    message = await shown(handle, lambda m: m.content.startswith("That doesn't work"))
    assert not message.embeds
    assert await queued_bot.services.songs.by_request(request.request_id) is None


async def test_deadlines_close_once_through_the_queue(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """Sound-offs due in a second each close once with one results message, by the worker, never early."""
    scene = standin.scene
    jobs = queued_bot.services.jobs
    assert jobs is not None
    ids = []
    for _ in range(5):
        soundoff_id = await open_soundoff(
            queued_bot.services.db, lasting=1.5, guild_id=scene.guild.id, channel_id=scene.general.id
        )
        soundoff = await queued_bot.workshop.soundoffs.get(soundoff_id)
        assert await jobs.close_at(soundoff_id, soundoff.ends_at) is not None
        assert await jobs.close_at(soundoff_id, soundoff.ends_at) is None  # one job per deadline
        ids.append((soundoff_id, soundoff.ends_at))
    await start_worker()
    await start_worker()  # two workers: still each closes once

    def results() -> list[object]:
        return [m for m in standin.messages(scene.general) if "results" in m.content.lower() or m.attachments]

    await wait_for(lambda: len(results()) >= 5, within=20)
    await wait_for(lambda: queued_jobs(queue_database)() == [] or None)
    assert len(results()) == 5
    for soundoff_id, ends_at in ids:
        soundoff = await queued_bot.workshop.soundoffs.get(soundoff_id)
        assert not soundoff.is_open
        assert soundoff.results_message_id is not None
        assert soundoff.closed_at is not None
        assert soundoff.closed_at >= ends_at  # never early
    assert time.time() >= max(ends for _, ends in ids)


async def test_results_posted_just_before_a_crash_are_not_posted_again(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker
) -> None:
    """A worker posts a sound-off's results and dies before recording them; once its claim's lease runs out the
    next one posts again with the same nonce, and Discord hands back the first message: one results post."""
    scene = standin.scene
    worker = await start_worker(run=False)
    soundoffs, clock = worker.workshop.soundoffs, worker.workshop.clock
    soundoff_id = await open_soundoff(
        worker.services.db, lasting=0, guild_id=scene.guild.id, channel_id=scene.general.id
    )
    await soundoffs.close(soundoff_id, None)
    soundoff = await soundoffs.get(soundoff_id)
    assert await soundoffs.claim_announcement(soundoff)
    chart = bar_chart_png(["A", "B"], [0, 0], None, "Sound-off results")
    first = await clock.board.post_results(soundoff, await soundoffs.results(soundoff), chart)
    assert first is not None  # ... and here the worker dies: the message exists, its id is nowhere stored
    await worker.services.db.execute(
        "UPDATE soundoffs SET announcing_at = announcing_at - ? WHERE id = ?", (ANNOUNCE_LEASE_SECONDS, soundoff_id)
    )
    await clock.announce_pending()
    posted = [m for m in standin.messages(scene.general) if "results.png" in standin.files(m)]
    assert [m.id for m in posted] == [first.message_id]
    assert (await soundoffs.get(soundoff_id)).results_message_id == first.message_id


async def test_a_late_draft_posted_just_before_a_crash_is_not_posted_again(
    standin: StandIn, queued_bot: SoundOffBot, start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """Past the token's 15 minutes the draft goes to the channel; a run killed between posting it and recording it
    is retried with the same nonce: the channel keeps one draft message, and the version points at it."""
    scene = standin.scene
    handle = await standin.slash("cowrite lyrics", {"theme": "the last bus home", "seed": 4}, member=scene.owner)
    await wait_for(lambda: queued_jobs(queue_database)() == [("soundoff.draft", "todo")])
    handle.expire_token()
    request = request_from(await _queued_request(queue_database))
    request = dataclasses.replace(request, reply=dataclasses.replace(request.reply, issued_at=time.time() - 16 * 60))
    worker = await start_worker(run=False)
    delivery = await worker.workshop.drafts.fulfil(request)
    answer = WebhookAnswer(worker.client, request.reply, request.channel_id, in_thread=request.in_thread)
    first = await post_draft(worker.client, answer, delivery)  # ... and the worker dies before recording it
    await worker.draft(request)  # the retry
    drafts = [m for m in standin.messages(scene.general) if m.embeds]
    assert [m.id for m in drafts] == [first.id]
    made = await queued_bot.services.songs.by_request(request.request_id)
    assert made is not None
    assert made[1].message_id == first.id


async def test_the_quota_and_the_queued_draft_commit_together(
    standin: StandIn, queued_bot: SoundOffBot, queue_database: PostgresUrl
) -> None:
    """The generation is counted in the transaction that queues the draft: a deferral that fails (here the same
    request again, refused by its queueing lock) takes the count back with it, so the member's quota is intact."""
    scene = standin.scene
    await standin.slash("cowrite lyrics", {"theme": "rain on the quay", "seed": 2}, member=scene.owner)
    await wait_for(lambda: queued_jobs(queue_database)() == [("soundoff.draft", "todo")])
    usage, drafts = queued_bot.services.usage, queued_bot.workshop.drafts
    assert await usage.used_today(scene.guild.id) == 1
    request = request_from(await _queued_request(queue_database))
    with pytest.raises(procrastinate.exceptions.AlreadyEnqueued):
        await drafts.claim_and_queue(request)
    assert await usage.used_today(scene.guild.id) == 1
    assert queued_jobs(queue_database)() == [("soundoff.draft", "todo")]
    await drafts.claim_and_queue(dataclasses.replace(request, request_id=request.request_id + 1))
    assert await usage.used_today(scene.guild.id) == 2
    assert queued_jobs(queue_database)() == [("soundoff.draft", "todo")] * 2


async def test_stalled_jobs_go_back_once_and_a_copy_already_queued_is_dropped(
    start_worker: StartWorker, queue_database: PostgresUrl
) -> None:
    """The periodic retry puts a dead worker's jobs back in the queue; one whose work was queued again meanwhile
    (its queueing lock taken) is dropped rather than failing the retry of every job after it."""
    worker = await start_worker(run=False)
    jobs, manager = worker.services.jobs, worker.app.job_manager
    assert jobs is not None
    first, second = await jobs.close_at(101, time.time()), await jobs.close_at(102, time.time())
    dead = await manager.register_worker()
    await _execute(
        queue_database,
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' WHERE id = %s",
        dead,
    )
    await _execute(queue_database, "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s", dead)
    again = await jobs.close_at(102, time.time())  # the lock is free again: its holder is 'doing'
    assert again is not None
    await worker.app.tasks["soundoff.retry_stalled"](timestamp=0)
    left = await _execute(queue_database, "SELECT id, status FROM procrastinate_jobs WHERE queue_name = 'deadlines'")
    assert sorted(left) == [(first, "todo"), (again, "todo")]
    assert second not in {job_id for job_id, _ in left}


async def _execute(database: PostgresUrl, sql: str, *params: object) -> list[tuple[object, ...]]:
    import psycopg

    async with await psycopg.AsyncConnection.connect(database.conninfo, autocommit=True) as conn:
        cursor = await conn.execute(sql.encode(), params)
        return list(await cursor.fetchall()) if cursor.description else []


async def _queued_request(database: PostgresUrl) -> dict[str, object]:
    import psycopg

    async with await psycopg.AsyncConnection.connect(database.conninfo) as conn:
        cursor = await conn.execute("SELECT args FROM procrastinate_jobs WHERE task_name = 'soundoff.draft'")
        row = await cursor.fetchone()
    assert row is not None
    request: dict[str, object] = row[0]["request"]
    return request
