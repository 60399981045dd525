"""The resources the bot is built from: created by the entry point (or a test), passed in, closed by it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.db.connection import Database, Dialect
from bot.db.guild_settings import GuildSettingsRepository
from bot.db.members import MemberPreferencesRepository
from bot.db.songs import SongRepository
from bot.db.soundoffs import SoundoffRepository
from bot.db.usage import UsageRepository
from bot.downloads import Downloader
from bot.render_pool import RenderPool
from bot.settings import Settings
from bot.songwriting.writers.lyric_writer import LyricWriter
from bot.writer_factory import lyric_writer

if TYPE_CHECKING:  # psycopg and procrastinate are imported only in scale-out mode
    from bot.db.identify import IdentifyGate
    from bot.jobs.queue import JobQueue


@dataclass
class Services:
    settings: Settings
    db: Database
    songs: SongRepository
    soundoffs: SoundoffRepository
    guild_settings: GuildSettingsRepository
    usage: UsageRepository
    members: MemberPreferencesRepository
    writer: LyricWriter
    pool: RenderPool
    downloads: Downloader
    identify_gate: IdentifyGate | None = None
    """Spaces IDENTIFYs across the bot's processes (PostgreSQL); None on SQLite, where one process runs."""
    jobs: JobQueue | None = None
    """The job queue drafts and deadlines go to in scale-out mode (``SOUNDOFF_RENDER_QUEUE``); None: this process."""
    owns_pool: bool = True
    """Whether ``close`` stops the render pool: not one the caller passed in (tests share one across a session)."""

    @classmethod
    async def open(cls, settings: Settings, *, pool: RenderPool | None = None) -> Services:
        """Open the database (applying migrations), the LLM client and the render pool (or use ``pool``)."""
        from bot.db.migrate import open_migrated

        db = await open_migrated(settings.database, pool_size=settings.database_pool_size)
        return cls(
            settings=settings,
            db=db,
            songs=SongRepository(db),
            soundoffs=SoundoffRepository(db),
            guild_settings=GuildSettingsRepository(db),
            usage=UsageRepository(db),
            members=MemberPreferencesRepository(db),
            writer=lyric_writer(settings),
            pool=pool or RenderPool(settings.render_workers),
            downloads=Downloader(),
            identify_gate=_identify_gate(db, settings),
            jobs=await _job_queue(settings),
            owns_pool=pool is None,
        )

    async def close(self) -> None:
        if self.jobs is not None:
            await self.jobs.close()
        if self.identify_gate is not None:
            await self.identify_gate.close()
        if self.owns_pool:
            self.pool.shutdown()
        await self.downloads.close()
        await self.writer.close()
        await self.db.close()


def _identify_gate(db: Database, settings: Settings) -> IdentifyGate | None:
    """The cross-process IDENTIFY gate on PostgreSQL (scale-out); SQLite keeps discord.py's own spacing."""
    if db.dialect is not Dialect.POSTGRESQL:
        return None
    from bot.db.identify import IdentifyGate
    from bot.db.postgres import PostgresDatabase

    assert isinstance(db, PostgresDatabase)
    return IdentifyGate(db, interval=settings.identify_interval)


async def _job_queue(settings: Settings) -> JobQueue | None:
    """The job queue on the bot's PostgreSQL database, when scale-out mode asks for it."""
    if not settings.render_queue:
        return None
    from bot.database_target import PostgresUrl
    from bot.jobs.queue import JobQueue

    assert isinstance(settings.database, PostgresUrl)  # the settings refuse a queue on SQLite
    return await JobQueue.open(settings.database)
