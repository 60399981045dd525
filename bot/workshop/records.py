"""The stored records the workshop hands to adapters: a song, a version, a sound-off, a server's settings.

They are defined with the repositories that store them; adapters import them from here, so that nothing
outside the workshop reaches into ``bot.db``.
"""

from bot.db.guild_settings import GuildSettings
from bot.db.songs import Song, Version
from bot.db.soundoffs import Soundoff

__all__ = ["GuildSettings", "Song", "Soundoff", "Version"]
