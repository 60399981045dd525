"""The job queue bot processes hand work to and workers take it from: procrastinate on the bot's PostgreSQL.

A job is at-least-once: a worker killed mid-job has it retried by another, so every job's effect is idempotent
(a draft is found by its request id, a sound-off closes once). Deferring needs only the task's name, so bot
processes never import the worker's Discord-side code.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from pydantic import TypeAdapter

from bot.database_target import PostgresUrl
from bot.workshop.requests import DraftRequest

log = logging.getLogger(__name__)

DRAFT_TASK = "soundoff.draft"
CLOSE_TASK = "soundoff.close_soundoff"
DRAFTS_QUEUE = "drafts"
DEADLINES_QUEUE = "deadlines"
SCHEMA_LOCK = 0x536F4A6F6273  # "SoJobs": the advisory lock key under which the queue's schema is created once
_REQUEST = TypeAdapter(DraftRequest)


def build_app(url: PostgresUrl) -> procrastinate.App:
    """A procrastinate app on the bot's database; jobs are deleted once done (a draft's job holds its token)."""
    connector = procrastinate.PsycopgConnector(conninfo=url.conninfo, min_size=1, max_size=4)
    return procrastinate.App(connector=connector, worker_defaults={"delete_jobs": "successful"})


async def ensure_schema(url: PostgresUrl) -> None:
    """Create procrastinate's tables the first time, once however many processes start together."""
    async with await psycopg.AsyncConnection.connect(url.conninfo, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            cursor = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            row = await cursor.fetchone()
            if row is None or not row[0]:
                await conn.execute(SchemaManager.get_schema().encode())
                log.info("Created the job queue's tables (procrastinate %s)", procrastinate.__version__)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def request_args(request: DraftRequest) -> dict[str, Any]:
    return {"request": _REQUEST.dump_python(request, mode="json")}


def request_from(args: dict[str, Any]) -> DraftRequest:
    return _REQUEST.validate_python(args)


class JobQueue:
    """What a bot process defers; opened with the database in scale-out mode (``SOUNDOFF_RENDER_QUEUE``)."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    @classmethod
    async def open(cls, url: PostgresUrl) -> JobQueue:
        await ensure_schema(url)
        app = build_app(url)
        await app.open_async()
        return cls(app)

    async def close(self) -> None:
        await self.app.close_async()

    async def draft(self, request: DraftRequest) -> int:
        """Queue a draft; a second deferral of the same request while the first waits is refused by its lock."""
        task = self.app.configure_task(
            DRAFT_TASK, queue=DRAFTS_QUEUE, queueing_lock=f"draft-{request.request_id}", allow_unknown=True
        )
        return await task.defer_async(**request_args(request))

    async def close_at(self, soundoff_id: int, ends_at: float) -> int | None:
        """Queue a sound-off's closing at its deadline (once: a second deferral finds the lock taken)."""
        task = self.app.configure_task(
            CLOSE_TASK,
            queue=DEADLINES_QUEUE,
            queueing_lock=f"close-{soundoff_id}",
            schedule_at=datetime.datetime.fromtimestamp(ends_at, datetime.UTC),
            allow_unknown=True,
        )
        try:
            return await task.defer_async(soundoff_id=soundoff_id)
        except procrastinate.exceptions.AlreadyEnqueued:
            return None
