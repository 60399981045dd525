"""``soundoff worker``: runs queued drafts and sound-off deadlines for every bot process (scale-out mode).

A worker is a Discord adapter without a gateway: it answers interactions other processes received through their
webhooks and posts in channels over REST. Jobs are at-least-once, so each is idempotent: a draft is found again by
its request id and each posting step is recorded, a sound-off closes once and its results are claimed before
posting. A worker killed mid-job stops heartbeating; past the stall window (bot/jobs/maintenance.py) another
worker runs the job again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

import discord
import procrastinate
from procrastinate.job_context import JobContext

from bot.database_target import PostgresUrl
from bot.errors import StartupError
from bot.jobs import maintenance
from bot.jobs.maintenance import HEARTBEAT_SECONDS, STALLED_AFTER
from bot.jobs.queue import CLOSE_TASK, DEADLINES_QUEUE, DRAFT_TASK, DRAFTS_QUEUE, MAINTENANCE_QUEUE, request_from
from bot.new_song import WebhookAnswer, deliver_new_song
from bot.services import Services
from bot.settings import Settings
from bot.shutdown import Shutdown
from bot.songwriting.words.prosody import load_dictionary
from bot.tree import GENERIC_FAILURE, describe_error
from bot.workshop.requests import DraftRequest
from bot.workshop.workshop import Workshop
from cogs.soundoff import ChannelBoard

log = logging.getLogger(__name__)

DRAFT_ATTEMPTS = 3
LONG_WAIT = 60.0
"""A deadline job that runs early waits for its moment when it is this close; further off, it is queued again."""


class Worker:
    """What the jobs run on: the workshop, a REST-only Discord client, the sound-off board over that client."""

    def __init__(self, services: Services, client: discord.Client) -> None:
        assert services.jobs is not None
        self.services = services
        self.client = client
        self.workshop = Workshop(services)
        self.workshop.clock.attach(ChannelBoard(client))
        self.app = services.jobs.app
        self._shutdown = Shutdown()
        self._taking: asyncio.Task[None] | None = None
        self._register()

    def _register(self) -> None:
        retry = procrastinate.RetryStrategy(max_attempts=DRAFT_ATTEMPTS - 1, wait=2)

        @self.app.task(name=DRAFT_TASK, queue=DRAFTS_QUEUE, pass_context=True, retry=retry)
        async def draft(context: JobContext, request: dict[str, object]) -> None:
            assert context.job is not None
            await self.draft(request_from(request), last_attempt=context.job.attempts + 1 >= DRAFT_ATTEMPTS)

        @self.app.task(name=CLOSE_TASK, queue=DEADLINES_QUEUE, retry=procrastinate.RetryStrategy(wait=5))
        async def close_soundoff(soundoff_id: int) -> None:
            await self.close_soundoff(soundoff_id)

        maintenance.register(self.app, self.workshop.clock)

    async def draft(self, request: DraftRequest, *, last_attempt: bool = True) -> None:
        """Make the draft (once, whatever ran before) and answer the member; a member's error is shown, not retried."""
        answer = WebhookAnswer(self.client, request.reply, request.channel_id, in_thread=request.in_thread)
        try:
            delivery = await self.workshop.drafts.fulfil(request)
            await deliver_new_song(self.client, self.workshop, answer, delivery)
        except Exception as error:
            shown = describe_error(error)
            if shown is not None:
                await answer.fail(shown)
                return
            if last_attempt:
                await answer.fail(GENERIC_FAILURE)
            raise

    async def close_soundoff(self, soundoff_id: int) -> None:
        """A deadline job: close the sound-off and post its results, once, never before its time."""
        early = await self.workshop.clock.close_due(soundoff_id)
        if early is None:
            return
        if early > LONG_WAIT and self.services.jobs is not None:
            soundoff = await self.workshop.soundoffs.get(soundoff_id)
            await self.services.jobs.close_at(soundoff_id, soundoff.ends_at)
            return
        if await self._shutdown.sleep(early):
            await self.workshop.clock.close_due(soundoff_id)
        elif self.services.jobs is not None:  # stopping: hand the deadline back rather than hold the shutdown
            soundoff = await self.workshop.soundoffs.get(soundoff_id)
            await self.services.jobs.close_at(soundoff_id, soundoff.ends_at)

    def stop(self) -> None:
        """Take no new job and stop once the jobs in hand are done (a deadline still far off goes back to the queue)."""
        self._shutdown.set()
        if self._taking is not None:
            self._taking.cancel()  # procrastinate's worker then finishes the jobs it runs and stops

    async def run(self, *, concurrency: int, signals: bool = True) -> None:
        """Take jobs until SIGINT/SIGTERM (``signals``), ``stop`` or cancellation; the jobs in hand finish first."""
        self._taking = asyncio.create_task(
            self.app.run_worker_async(
                queues=[DRAFTS_QUEUE, DEADLINES_QUEUE, MAINTENANCE_QUEUE],
                name=f"soundoff-worker-{os.getpid()}",
                concurrency=concurrency,
                update_heartbeat_interval=HEARTBEAT_SECONDS,
                stalled_worker_timeout=STALLED_AFTER,
                install_signal_handlers=False,
            ),
            name="soundoff-worker-jobs",
        )
        loop = asyncio.get_running_loop()
        stop_signals = (signal.SIGINT, signal.SIGTERM) if signals else ()
        for sig in stop_signals:
            loop.add_signal_handler(sig, self.stop)
        try:
            await asyncio.shield(self._taking)
        except asyncio.CancelledError:
            if not self._taking.done():  # this task was cancelled, not the jobs: stop as on a signal, then go
                self.stop()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._taking
                raise
        finally:
            self._shutdown.set()
            for sig in stop_signals:
                loop.remove_signal_handler(sig)


def rest_client() -> discord.Client:
    """A client a worker logs in with and never connects: REST only, no gateway, no cache, no pings."""
    intents = discord.Intents.none()
    intents.guilds = True  # unused without a gateway; discord.py warns at start when it is off
    return discord.Client(intents=intents, allowed_mentions=discord.AllowedMentions.none())


def run(settings: Settings) -> int:
    """Run a worker until SIGINT/SIGTERM (a job in progress is finished first); return the exit code."""
    from bot.runner import prepare

    if not isinstance(settings.database, PostgresUrl):
        raise StartupError("soundoff worker needs a postgresql:// SOUNDOFF_DATABASE (the job queue lives there)")
    token = prepare(settings)
    try:
        asyncio.run(serve(settings.model_copy(update={"render_queue": True}), token))
    except discord.LoginFailure:
        log.error("Discord rejected the token (DISCORD_TOKEN). Check it in the developer portal.")
        return 1
    return 0


async def serve(settings: Settings, token: str) -> None:
    await asyncio.to_thread(load_dictionary)
    services = await Services.open(settings)
    services.pool.start()
    client = rest_client()
    try:
        await client.login(token)
        log.info("Worker %s ready (%d at once)", os.getpid(), settings.render_workers)
        await Worker(services, client).run(concurrency=settings.render_workers)
    finally:
        await client.close()
        await services.close()
        log.info("Worker stopped")
