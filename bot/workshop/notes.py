"""Notes on a version, and the consent rule for members' words reaching an LLM.

The AI is the tool, people are the artists: notes point at lines (syllable outliers, stock or forced rhymes,
clichés, from the prosody check; with consent, the model's own notes from prompts/critique.md) and never
write one. A member's words go to the LLM only where the server allows it (``llm_member_text`` in /settings)
and never when any member who wrote lines of that version opted out (/settings me); otherwise the offline
path serves and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.songs import Song, Version
from bot.errors import UserFacingError
from bot.services import Services
from bot.workshop.actors import Actor

SERVER_WITHHOLDS = "This server keeps members' words away from the LLM"
MEMBER_WITHHOLDS = "A writer of these lyrics keeps their words away from the LLM"


@dataclass(frozen=True, slots=True)
class VersionNotes:
    """Line notes on one version, and where they came from."""

    song: Song
    version: Version
    notes: tuple[str, ...]


class Consent:
    """Whether the words of a version may be sent to the LLM."""

    def __init__(self, services: Services) -> None:
        self._s = services

    async def withheld(self, song: Song, version: Version) -> str | None:
        """Why the version's words may not go to the LLM, or None when they may (or no LLM is configured)."""
        if not self._s.settings.llm_configured:
            return None
        writers = await self.writers(song, version)
        if not writers:
            return None  # only the AI wrote these lines
        if not (await self._s.guild_settings.get(song.guild_id)).llm_member_text:
            return SERVER_WITHHOLDS
        if await self._s.members.opted_out(writers):
            return MEMBER_WITHHOLDS
        return None

    async def writers(self, song: Song, version: Version) -> set[int]:
        """The members who wrote any version on the way to this one: their lines may still be in it."""
        by_number = {v.number: v for v in await self._s.songs.versions(song.id)}
        found: set[int] = set()
        current: Version | None = version
        while current is not None:
            if current.author_id is not None:
                found.add(current.author_id)
            current = by_number.get(current.parent) if current.parent is not None else None
        return found

    async def opt_out(self, user_id: int, opted_out: bool) -> None:
        """Record a member's choice; it holds on every server."""
        await self._s.members.set_opt_out(user_id, opted_out)

    async def opted_out(self, user_id: int) -> bool:
        return user_id in await self._s.members.opted_out([user_id])


class Notes:
    """Line notes for a version: the prosody check's, and the model's where consent allows."""

    def __init__(self, services: Services, consent: Consent) -> None:
        self._s = services
        self._consent = consent

    async def for_version(self, actor: Actor, song: Song, version: Version) -> VersionNotes:
        """Notes on one version's lyrics; none of them is a rewritten line."""
        if version.lyrics is None or version.lyrics.is_empty():
            raise UserFacingError(f"{version.label} has no lyrics to give notes on.")
        withheld = await self._consent.withheld(song, version)
        model = (await self._s.guild_settings.get(actor.guild_id)).llm_model
        syllables = song.brief.syllables if song.brief else None
        notes = await self._s.writer.critique(version.lyrics, syllables=syllables, model=model, withheld=withheld)
        return VersionNotes(song, version, notes or ("No notes: every line sits in its section's pattern.",))
