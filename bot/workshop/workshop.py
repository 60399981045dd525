"""The workshop: every co-writing workflow, built once from the resources, the one door to storage.

Adapters (the cogs, the draft buttons, a web playground) hold one Workshop and call it with plain values; it
answers with domain values and stored records. Nothing here imports discord.
"""

from __future__ import annotations

from bot.db.guild_settings import GuildSettings
from bot.services import Services
from bot.settings import Settings
from bot.workshop.drafts import Drafts
from bot.workshop.library import Library
from bot.workshop.notes import Consent, Notes
from bot.workshop.revising import Revisions
from bot.workshop.songs import Songs
from bot.workshop.soundoff_clock import SoundoffClock
from bot.workshop.soundoffs import Soundoffs


class ServerSettings:
    """Per-server settings (Manage Server changes them) over the process-wide defaults."""

    def __init__(self, services: Services) -> None:
        self._s = services

    @property
    def defaults(self) -> Settings:
        return self._s.settings

    async def get(self, guild_id: int) -> GuildSettings:
        return await self._s.guild_settings.get(guild_id)

    async def update(self, guild_id: int, **changes: object) -> GuildSettings:
        return await self._s.guild_settings.update(guild_id, **changes)

    async def message_revision_guilds(self) -> list[int]:
        """Servers that turned thread replies into revisions: the bot then asks for the message-content intent."""
        return await self._s.guild_settings.message_revision_guilds()


class Workshop:
    def __init__(self, services: Services) -> None:
        self.songs = Songs(services.songs)
        self.consent = Consent(services)
        self.notes = Notes(services, self.consent)
        self.drafts = Drafts(services, self.consent)
        self.revisions = Revisions(services)
        self.library = Library(services, self.drafts)
        self.soundoffs = Soundoffs(services)
        self.clock = SoundoffClock(self.soundoffs, jobs=services.jobs)
        self.settings = ServerSettings(services)
