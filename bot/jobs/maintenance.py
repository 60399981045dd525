"""The queue's upkeep, as periodic jobs: procrastinate defers each tick once for all workers, and one worker runs it.

- ``retry_stalled`` puts back the jobs of workers that stopped heartbeating (killed, or their machine gone), as
  procrastinate's documentation advises: one periodic job under a lock, not every worker polling every second.
- ``sweep`` closes overdue sound-offs and posts unposted results: the backstop for a deadline job that went missing.
- ``remove_old_jobs`` deletes finished and failed jobs after an hour: their arguments hold interaction tokens.
"""

from __future__ import annotations

import logging

import procrastinate
from procrastinate import builtin_tasks
from procrastinate.job_context import JobContext

from bot.jobs.queue import MAINTENANCE_QUEUE
from bot.workshop.soundoff_clock import SoundoffClock

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
"""How often a worker tells the queue it is alive."""
STALLED_AFTER = 15.0
"""Seconds without a heartbeat after which a worker counts as dead and its running jobs are run elsewhere.

A worker that is only paused must not lose its jobs, or they run twice: a garbage collection pauses for well
under a second, a VM's live migration or a host under memory pressure for a few seconds, and the tests stop a
worker for 8 s (SIGSTOP); 15 s leaves that pause plus a heartbeat interval nearly twice over. The price is
recovery time: a killed worker's job starts again 15-20 s after its last heartbeat."""
RETRY_STALLED_CRON = "* * * * * */5"
"""Every 5 s (procrastinate's cron takes seconds as a sixth field)."""
SWEEP_CRON = "* * * * * */15"
REMOVE_OLD_CRON = "17 * * * *"
OLD_JOB_HOURS = 1


def register(app: procrastinate.App, clock: SoundoffClock) -> None:
    """Add the upkeep tasks to the worker's app (bot processes, which run no worker, never defer them)."""

    @app.periodic(cron=RETRY_STALLED_CRON, periodic_id="retry-stalled")
    @app.task(
        name="soundoff.retry_stalled", queue=MAINTENANCE_QUEUE, queueing_lock="retry-stalled", lock="retry-stalled"
    )
    async def retry_stalled(timestamp: int) -> None:
        manager = app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
            assert job.id is not None
            log.warning("Job %s (%s) was running on a worker that stopped; retrying it", job.id, job.task_name)
            try:
                await manager.retry_job(job)
            except procrastinate.exceptions.UniqueViolation:  # its queueing lock: the same work is queued again
                await manager.finish_job_by_id_async(job.id, procrastinate.jobs.Status.FAILED, delete_job=True)
            except Exception:  # the next stalled job is still retried, and this one again at the next tick
                log.exception("Retrying job %s failed", job.id)

    @app.periodic(cron=SWEEP_CRON, periodic_id="sweep")
    @app.task(name="soundoff.sweep", queue=MAINTENANCE_QUEUE, queueing_lock="sweep", lock="sweep")
    async def sweep(timestamp: int) -> None:
        await clock.announce_pending()
        await clock.sweep()

    @app.periodic(cron=REMOVE_OLD_CRON, periodic_id="remove-old-jobs")
    @app.task(
        name="soundoff.remove_old_jobs", queue=MAINTENANCE_QUEUE, queueing_lock="remove-old-jobs", pass_context=True
    )
    async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
        await builtin_tasks.remove_old_jobs(
            context, max_hours=OLD_JOB_HOURS, remove_failed=True, remove_cancelled=True, remove_aborted=True
        )
