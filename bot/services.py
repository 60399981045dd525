"""The resources the bot is built from: created by the entry point (or a test), passed in, closed by it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database
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

    @classmethod
    async def open(cls, settings: Settings, *, pool: RenderPool | None = None) -> Services:
        """Open the database (applying migrations), the LLM client and the render pool."""
        from bot.db.migrate import open_migrated

        db = await open_migrated(settings.database)
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
        )

    async def close(self) -> None:
        self.pool.shutdown()
        await self.downloads.close()
        await self.writer.close()
        await self.db.close()
