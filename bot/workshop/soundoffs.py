"""Sound-offs: start a (blind) vote between versions, take votes, close once and tally."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from bot.db.songs import Song, Version
from bot.db.soundoffs import Option as StoredOption
from bot.db.soundoffs import Soundoff, VoteRejectedError
from bot.errors import NotFoundError, UserFacingError
from bot.services import Services
from bot.songwriting.music.resetting import reset_melody
from bot.songwriting.render.ballot import ballot_preview
from bot.songwriting.versions.soundoff import (
    Option,
    Results,
    ServerStats,
    assign_labels,
    default_versions,
    options_for,
    parse_version_list,
    stats,
    tally,
    validate_duration,
    validate_versions,
)
from bot.workshop.actors import Actor
from bot.workshop.drafts import frame_version
from bot.workshop.library import message_link
from bot.workshop.songs import ensure_owner_or_moderator, option_id, version_nodes

NO_RESULTS_MESSAGE = 0
"""Stored as the results message when the channel is gone: nothing to post into, and nothing left to retry."""


@dataclass(frozen=True, slots=True)
class Started:
    soundoff: Soundoff
    options: list[Option]
    versions: dict[int, Version]


@dataclass(frozen=True, slots=True)
class BallotOption:
    """One option as members see it: a lyric excerpt, a link (open mode) and its audio preview."""

    option: Option
    lyrics: str | None
    link: str | None
    preview: bytes | None


@dataclass(frozen=True, slots=True)
class Ballot:
    """What a new sound-off's message shows."""

    soundoff: Soundoff
    title: str
    options: tuple[BallotOption, ...]


class Soundoffs:
    def __init__(self, services: Services) -> None:
        self._s = services

    async def start(
        self,
        song: Song,
        actor: Actor,
        *,
        channel_id: int,
        versions: str | None,
        hours: int | None,
        blind: bool | None,
    ) -> Started:
        """Open a sound-off on a song (owner or moderator), with the server's defaults for what is not given."""
        ensure_owner_or_moderator(song, actor, "start a sound-off on this song")
        current = await self._s.soundoffs.for_song(song.id)
        if current is not None and current.is_open:
            raise UserFacingError("This song already has an open sound-off: end it before starting another.")
        stored = await self._s.songs.versions(song.id)
        nodes = version_nodes(stored)
        configured = await self._s.guild_settings.get(actor.guild_id)
        chosen = validate_versions(parse_version_list(versions), nodes) if versions else default_versions(nodes)
        duration = validate_duration(hours if hours is not None else configured.poll_hours)
        labelled = assign_labels(chosen, random.SystemRandom().randrange(1 << 30))
        soundoff = await self._s.soundoffs.create(
            song_id=song.id,
            guild_id=song.guild_id,
            channel_id=channel_id,
            started_by=actor.user_id,
            blind=configured.blind_default if blind is None else blind,
            ends_at=time.time() + duration.total_seconds(),
            options=[StoredOption(label, number) for label, number in labelled],
        )
        by_number = {v.number: v for v in stored}
        return Started(soundoff, options_for(labelled, nodes), {n: by_number[n] for _, n in labelled})

    async def vote(self, soundoff_id: int, actor: Actor, label: str) -> tuple[Soundoff, str | None]:
        """Record a member's vote (changeable until close); return the sound-off and their previous choice."""
        soundoff = await self.get(soundoff_id)
        if soundoff.guild_id != actor.guild_id or actor.is_bot:
            raise UserFacingError("Only members of the server that holds this sound-off can vote.")
        if not soundoff.is_open or soundoff.ends_at <= time.time():
            raise UserFacingError("This sound-off has closed.")
        try:
            previous = await self._s.soundoffs.cast_vote(soundoff_id, actor.user_id, label)
        except VoteRejectedError:
            raise UserFacingError("This sound-off has closed.") from None
        return soundoff, previous

    async def ballot(self, started: Started) -> Ballot:
        """The options with their excerpts and previews (rendered off the event loop), for the vote message.

        Blind or not, every option is presented alike: its words as the excerpt, and a preview played by the same
        band (``ballot_preview``) — a version without a melody is heard with the song's tune carried to its words.
        """
        song = await self._s.songs.get(started.soundoff.song_id)
        assert song is not None
        versions = await self._s.songs.versions(song.id)
        options = []
        for option in started.options:
            version = started.versions[option.version]
            options.append(
                BallotOption(
                    option,
                    version.lyrics.to_body() if version.lyrics else None,
                    message_link(song.guild_id, version),
                    await self._preview(song, versions, version),
                )
            )
        return Ballot(started.soundoff, song.title, tuple(options))

    async def option_preview(self, soundoff: Soundoff, label: str) -> bytes | None:
        """One option's ballot preview again (a page that did not see the ballot posted asks for it)."""
        option = next((o for o in soundoff.options if o.label == label), None)
        song = await self._s.songs.get(soundoff.song_id)
        if option is None or song is None:
            raise NotFoundError("That option isn't in this sound-off.")
        versions = await self._s.songs.versions(song.id)
        version = next(v for v in versions if v.number == option.version_number)
        return await self._preview(song, versions, version)

    async def _preview(self, song: Song, versions: list[Version], version: Version) -> bytes | None:
        band = next((v.melody for v in versions if v.melody is not None), None)  # the song's first melody
        if band is None:
            return None  # a song without music: no option has a preview
        melody, source = version.melody, frame_version(versions, version)
        if melody is None and source is not None and source.melody is not None and version.lyrics is not None:
            melody = (await self._s.pool.run(reset_melody, source.melody, source.lyrics, version.lyrics)).melody
        if melody is None:
            return None
        return await self._s.pool.run(ballot_preview, melody, band, song.title)

    async def record_message(self, soundoff: Soundoff, message_id: int) -> None:
        """Remember the vote message (its count is kept up to date, and it is closed at the end)."""
        await self._s.soundoffs.set_message(soundoff.id, message_id)

    async def claim_announcement(self, soundoff: Soundoff) -> bool:
        """Take on posting the results; False when another process (each runs a clock) has, or they are posted."""
        return await self._s.soundoffs.claim_announcement(soundoff.id)

    async def release_announcement(self, soundoff: Soundoff) -> None:
        """Posting failed: let the next attempt, from any process, take it on at once."""
        await self._s.soundoffs.release_announcement(soundoff.id)

    async def record_results(self, soundoff: Soundoff, message_id: int | None) -> None:
        """Remember the results message; None when the channel is gone, so the results are not retried."""
        await self._s.soundoffs.set_results_message(soundoff.id, message_id or NO_RESULTS_MESSAGE)

    async def unannounced(self) -> list[Soundoff]:
        """Closed sound-offs whose results were never posted (the bot stopped in between)."""
        return await self._s.soundoffs.unannounced()

    async def vote_count(self, soundoff: Soundoff) -> int:
        """How many members voted: all that is shown while a sound-off is open."""
        return await self._s.soundoffs.vote_count(soundoff.id)

    async def title(self, soundoff: Soundoff) -> str:
        song = await self._s.songs.get(soundoff.song_id)
        return song.title if song else ""

    async def choices(self, guild_id: int, typed: str) -> list[tuple[str, int]]:
        """Autocomplete: the server's sound-offs as ``(name, id)``, open ones first."""
        found = []
        for soundoff in await self._s.soundoffs.in_guild(guild_id):
            title = await self.title(soundoff) or "?"
            name = f"#{soundoff.id} · {title} · {'open' if soundoff.is_open else 'closed'}"
            if typed.lower() in name.lower():
                found.append((name, soundoff.id))
        return found

    async def get(self, soundoff_id: int) -> Soundoff:
        soundoff = await self._s.soundoffs.get(soundoff_id)
        if soundoff is None:
            raise NotFoundError("That sound-off doesn't exist.")
        return soundoff

    async def resolve(self, actor: Actor, channel_id: int, poll: str | None) -> Soundoff:
        """The sound-off named by ``poll`` (an id); else the thread's song's, this channel's, or the member's song's."""
        found: Soundoff | None = None
        if poll:
            found = await self._s.soundoffs.get(poll_id) if (poll_id := option_id(poll)) is not None else None
        elif song := await self._s.songs.by_thread(channel_id):
            found = await self._s.soundoffs.for_song(song.id)
        else:
            found = await self._s.soundoffs.in_channel(actor.guild_id, channel_id)
            if found is None and (song := await self._s.songs.latest_for_member(actor.guild_id, actor.user_id)):
                found = await self._s.soundoffs.for_song(song.id)
        if found is None or found.guild_id != actor.guild_id:
            raise NotFoundError("I can't find that sound-off here. Start one with `/soundoff start`.")
        return found

    async def end(self, soundoff: Soundoff, actor: Actor) -> None:
        """Check that the member may end it early (owner or moderator)."""
        song = await self._s.songs.get(soundoff.song_id)
        assert song is not None
        ensure_owner_or_moderator(song, actor, "end this sound-off")
        if not soundoff.is_open:
            raise UserFacingError("That sound-off has already closed.")

    async def close(self, soundoff_id: int, closed_by: int | None) -> bool:
        """Close once; False when it was already closed."""
        return await self._s.soundoffs.close(soundoff_id, closed_by)

    async def results(self, soundoff: Soundoff) -> Results:
        nodes = version_nodes(await self._s.songs.versions(soundoff.song_id))
        options = options_for([(o.label, o.version_number) for o in soundoff.options], nodes)
        return tally(options, await self._s.soundoffs.votes(soundoff.id))

    async def server_stats(self, guild_id: int) -> ServerStats:
        closed = await self._s.soundoffs.closed_in_guild(guild_id)
        return stats([await self.results(s) for s in closed])

    async def due(self, now: float | None = None) -> tuple[list[Soundoff], float | None]:
        """Open sound-offs past their deadline, and the next deadline after those."""
        now = time.time() if now is None else now
        open_ = await self._s.soundoffs.open_soundoffs()
        due = [s for s in open_ if s.ends_at <= now]
        later = [s.ends_at for s in open_ if s.ends_at > now]
        return due, min(later) if later else None
