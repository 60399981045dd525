"""AI drafts: lyrics, melodies and whole songs, stored as versions and rendered off the event loop."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.db.connection import IntegrityError
from bot.db.songs import NewVersion, Song, Version
from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.resetting import reset_melody
from bot.songwriting.music.settings import MusicSettings, SettingsError
from bot.songwriting.render.sketch import SketchFiles, compose_and_render, render_sketch
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure, version_disclosure
from bot.songwriting.versions.kinds import VersionKind
from bot.songwriting.versions.revisions import is_identical, unreadable_melody
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import has_words_to_sing
from bot.songwriting.writers.lyric_writer import Draft
from bot.workshop.actors import Actor
from bot.workshop.delivery import Delivery
from bot.workshop.notes import Consent
from bot.workshop.quota import claim_generation
from bot.workshop.songs import version_nodes

if TYPE_CHECKING:
    from bot.workshop.requests import DraftRequest  # it holds MusicOptions, from here

INSTRUMENTAL_TITLE = "Untitled instrumental"


@dataclass(frozen=True, slots=True)
class MusicOptions:
    """A member's musical choices in a command; None lets the composer decide (from the genre and mood).

    The genre and mood are the song's (its brief's), so they join these in ``settings`` when a melody is made.
    """

    key: str | None = None
    tempo: int | None = None
    meter: str | None = None
    seed: int | None = None
    voice: str | None = None
    """The singer's range (soprano, alto, tenor, baritone): the register, and the key when none is given."""

    def settings(
        self, *, mood: str | None = None, genre: str | None = None, frame: Melody | None = None
    ) -> MusicSettings:
        """The composer's settings: these choices over the song's frame (the key, mode, tempo, metre and genre its
        melody is in, when it has one), then its genre and mood; a bad choice is a clear error."""
        key, mode, tempo, meter = self.key, None, self.tempo, self.meter
        if frame is not None:
            if key is None:
                key, mode = frame.tonic, frame.mode
            tempo = tempo if tempo is not None else frame.tempo
            meter = meter or frame.meter
            genre = genre or (frame.genre.value if frame.genre is not None else None)
        try:
            return MusicSettings(key=key, mode=mode, tempo=tempo, meter=meter, mood=mood, genre=genre, voice=self.voice)
        except SettingsError as exc:
            if frame is not None and (self.key, self.tempo, self.meter) == (None, None, None):
                return self.settings(mood=mood, genre=genre)  # a member's file in a frame the composer can't write
            raise UserFacingError(f"That doesn't work: {exc}.") from None

    def validated(self) -> MusicOptions:
        """Check the choices before anything is generated."""
        self.settings()
        return self


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


class Drafts:
    def __init__(self, services: Services, consent: Consent | None = None) -> None:
        self._s = services
        self._consent = consent or Consent(services)

    async def claim(self, actor: Actor) -> None:
        """Check and count the member's cooldown and the server's quota before any generation."""
        await claim_generation(self._s.settings, self._s.guild_settings, self._s.usage, actor)

    async def ensure_song_channel(self, actor: Actor, channel_id: int) -> None:
        """New songs start in the server's co-writing channel, when it has chosen one."""
        chosen = (await self._s.guild_settings.get(actor.guild_id)).cowrite_channel_id
        if chosen is not None and chosen != channel_id:
            raise UserFacingError(f"New songs start in <#{chosen}> on this server.")

    async def lyrics(
        self,
        actor: Actor,
        channel_id: int,
        brief: Brief,
        music: MusicOptions | None = None,
        *,
        request_id: int | None = None,
    ) -> Delivery:
        """Write an AI lyric draft (and, with ``music``, its melody) as v1 of a new song."""
        draft = await self._s.writer.draft(brief, model=await self._model(actor.guild_id))
        melody, files = None, None
        disclosure = Disclosure(Authorship.by_ai(draft.writer), Authorship.by_ai(MELODY_WRITER) if music else None)
        if music is not None:
            settings = music.settings(mood=brief.mood, genre=brief.genre)
            seed = music.seed if music.seed is not None else brief.seed
            melody, files = await self._compose(draft.lyrics, draft.lyrics.title, settings, seed, disclosure)
        song, version = await self._s.songs.create(
            guild_id=actor.guild_id,
            channel_id=channel_id,
            owner_id=actor.user_id,
            title=draft.lyrics.title or brief.theme[:80],
            theme=brief.theme,
            brief=brief,
            first=NewVersion.by_ai(
                VersionKind.AI_DRAFT,
                lyrics=draft.lyrics,
                melody=melody,
                writer=draft.writer,
                seed=brief.seed,
                request_id=request_id,
            ),
        )
        notes = draft.notes + (files.notes if files else ())
        return Delivery(song, version, melody, files, notes, disclosure=disclosure)

    async def instrumental(
        self, actor: Actor, channel_id: int, music: MusicOptions, *, request_id: int | None = None
    ) -> Delivery:
        """Start a song with an instrumental melody sketch (no lyrics)."""
        seed = music.seed if music.seed is not None else new_seed()
        disclosure = Disclosure(None, Authorship.by_ai(MELODY_WRITER))
        melody, files = await self._compose(None, INSTRUMENTAL_TITLE, music.settings(), seed, disclosure)
        song, version = await self._s.songs.create(
            guild_id=actor.guild_id,
            channel_id=channel_id,
            owner_id=actor.user_id,
            title=INSTRUMENTAL_TITLE,
            theme="",
            brief=None,
            first=NewVersion.by_ai(
                VersionKind.AI_DRAFT, lyrics=None, melody=melody, writer=MELODY_WRITER, seed=seed, request_id=request_id
            ),
        )
        return Delivery(song, version, melody, files, files.notes, disclosure=disclosure)

    async def fulfil(self, request: DraftRequest) -> Delivery:
        """Make a queued draft, once: a run after a killed one finds the version it stored and renders it again."""
        made = await self._s.songs.by_request(request.request_id)
        if made is None:
            try:
                if request.brief is None:
                    music = request.music or MusicOptions()
                    return await self.instrumental(
                        request.actor, request.channel_id, music, request_id=request.request_id
                    )
                return await self.lyrics(
                    request.actor, request.channel_id, request.brief, request.music, request_id=request.request_id
                )
            except IntegrityError:
                made = await self._s.songs.by_request(request.request_id)  # a run beside this one stored it first
                if made is None:
                    raise
        return await self.render(*made)

    async def queue(self, request: DraftRequest) -> None:
        """Hand a draft to the job queue (scale-out mode): a worker in any process makes it and answers."""
        if self._s.jobs is None:
            raise RuntimeError("no job queue: SOUNDOFF_RENDER_QUEUE is off")
        await self._s.jobs.draft(request)

    @property
    def queued(self) -> bool:
        """Whether drafts go to the job queue rather than this process's render pool."""
        return self._s.jobs is not None

    async def melody_base(self, song: Song, parent: Version | None = None) -> Version:
        """The version Add melody sets (the latest by default), refused unless it has words to sing: checked
        before the generation is claimed, so a refusal costs the member nothing."""
        base = parent or await self._s.songs.latest_version(song.id)
        if base is None or base.lyrics is None or base.lyrics.is_empty():
            raise UserFacingError("This song has no lyrics to set yet: revise it with some words first.")
        if not has_words_to_sing(base.lyrics.lines):
            raise UserFacingError(
                f"{base.label} has no words to sing (no line has a syllable), so there is nothing to set a melody "
                "to: revise it with some words first."
            )
        return base

    async def add_melody(self, song: Song, music: MusicOptions, parent: Version | None = None) -> Delivery:
        """Set a new AI melody to a version's lyrics (the latest by default), as a new AI version: **Add melody**
        on a version without one, **New melody** on one with one; in the song's frame unless ``music`` changes it."""
        base = await self.melody_base(song, parent)
        seed = music.seed if music.seed is not None else new_seed()
        versions = await self._s.songs.versions(song.id)
        words = version_disclosure(version_nodes(versions), base.number).lyrics
        disclosure = Disclosure(words, Authorship.by_ai(MELODY_WRITER))  # the base's words, the AI's new melody
        if base.melody is not None and seed == base.melody.seed:
            seed += 1  # a new melody: never the same tune again
        brief = song.brief
        settings = music.settings(
            mood=brief.mood if brief else None,
            genre=brief.genre if brief else None,
            frame=_melody_of(frame_version(versions, base)),
        )
        melody, files = await self._compose(base.lyrics, song.title, settings, seed, disclosure)
        version = await self._s.songs.add_version(
            song.id,
            NewVersion.by_ai(
                VersionKind.AI_VARIATION,
                lyrics=base.lyrics,
                melody=melody,
                parent=base.number,
                writer=MELODY_WRITER,
                seed=seed,
            ),
        )
        return Delivery(song, version, melody, files, files.notes, disclosure=disclosure)

    async def regenerate(self, song: Song, of: Version) -> Delivery:
        """A fresh AI draft from the song's brief, stored as a sibling of ``of``: words, and music in the song's
        frame when ``of`` has a melody (a words-and-music version regenerates as one)."""
        if not song.theme:
            raise UserFacingError("This song has no theme to write from: revise it with some words first.")
        brief = dataclasses.replace(_brief(song), seed=new_seed())
        draft = await self._s.writer.draft(brief, model=await self._model(song.guild_id))
        return await self._store_variation(song, draft, parent=of.parent, seed=brief.seed, like=of)

    async def remix(self, song: Song, of: Version, brief: Brief) -> Delivery:
        """A new AI draft from an edited brief, beside ``of`` (a sibling); the notes say what changed."""
        draft = await self._s.writer.draft(brief, model=await self._model(song.guild_id))
        delivery = await self._store_variation(song, draft, parent=of.parent, seed=brief.seed, like=of, brief=brief)
        changed = brief_changes(_brief(song), brief)
        note = f"Remixed from {of.label}: {changed}." if changed else f"Remixed from {of.label} with the same brief."
        return dataclasses.replace(delivery, notes=(note, *delivery.notes))

    async def vary_section(self, song: Song, of: Version, section_index: int) -> Delivery:
        """A new AI take on one section of ``of`` (every copy of a chorus), keeping the rest, as its child.

        A child, not a sibling: the lines kept from ``of`` keep their writers in the credits.
        """
        if of.lyrics is None or not 0 <= section_index < len(of.lyrics.sections):
            raise UserFacingError("That section no longer exists in this version.")
        brief = dataclasses.replace(_brief(song), seed=new_seed())
        withheld = await self._consent.withheld(song, of)  # the song's words travel with the request
        draft = await self._s.writer.vary_section(
            brief, of.lyrics, section_index, model=await self._model(song.guild_id), withheld=withheld
        )
        if is_identical(of.lyrics, draft.lyrics):
            raise UserFacingError("The AI couldn't find a different take on that section. Try again.")
        return await self._store_variation(song, draft, parent=of.number, seed=brief.seed, like=of, carry=True)

    async def _store_variation(
        self,
        song: Song,
        draft: Draft,
        *,
        parent: int | None,
        seed: int,
        like: Version,
        brief: Brief | None = None,
        carry: bool = False,
    ) -> Delivery:
        """Store an AI variation (a new version, never an overwrite) and say who wrote it.

        A variation of a version with a melody has one too: ``like``'s tune carried to the new words (``carry``, for
        a new take on one section) or a new melody in the song's frame, in ``brief``'s genre when a remix changed it.
        """
        melody, files, notes = None, None, draft.notes
        disclosure = Disclosure(
            Authorship.by_ai(draft.writer), Authorship.by_ai(MELODY_WRITER) if like.melody else None
        )
        if like.melody is not None and carry:
            resetting = await self._s.pool.run(reset_melody, like.melody, like.lyrics, draft.lyrics)
            melody, notes = resetting.melody, (resetting.summary(like.label).capitalize() + ".", *notes)
        elif like.melody is not None:
            genre = brief.genre if brief is not None and brief.genre != _brief(song).genre else None
            settings = MusicOptions().settings(mood=brief.mood if brief else None, genre=genre, frame=like.melody)
            melody, files = await self._compose(draft.lyrics, song.title, settings, new_seed(), disclosure)
        version = await self._s.songs.add_version(
            song.id,
            NewVersion.by_ai(
                VersionKind.AI_VARIATION,
                lyrics=draft.lyrics,
                melody=melody,
                parent=parent,
                writer=draft.writer,
                seed=seed,
            ),
        )
        if melody is not None and files is None:  # a carried tune is its writer's, as the tree now says
            disclosure = version_disclosure(
                version_nodes(await self._s.songs.versions(song.id)), version.number, writer=draft.writer
            )
            files = await self._s.pool.run(render_sketch, melody, draft.lyrics, song.title, disclosure=disclosure)
        notes = notes + (files.notes if files else ())
        return Delivery(song, version, melody, files, notes, disclosure=disclosure)

    async def render(self, song: Song, version: Version, *, lead_sheet: bool = False) -> Delivery:
        """Render a stored version's melody again (for export and sound-off previews), disclosed as its credits say;
        ``lead_sheet`` adds the printable PDF of every page (the export's)."""
        nodes = version_nodes(await self._s.songs.versions(song.id))
        disclosure = version_disclosure(nodes, version.number, writer=version.writer)
        if version.melody is None:
            notes = (unreadable_melody(version.number),) if version.melody_unreadable else ()
            return Delivery(song, version, notes=notes, disclosure=disclosure)
        melody = version.melody
        files = await self._s.pool.run(
            render_sketch, melody, version.lyrics, song.title, disclosure=disclosure, lead_sheet=lead_sheet
        )
        return Delivery(song, version, melody, files, files.notes, disclosure=disclosure)

    async def _model(self, guild_id: int) -> str | None:
        """The server's chosen LLM model, if it picked one."""
        return (await self._s.guild_settings.get(guild_id)).llm_model

    async def _compose(
        self, lyrics: Lyrics | None, title: str, settings: MusicSettings, seed: int, disclosure: Disclosure
    ) -> tuple[Melody, SketchFiles]:
        return await self._s.pool.run(compose_and_render, lyrics, title, settings, seed=seed, disclosure=disclosure)


def frame_version(versions: list[Version], base: Version) -> Version | None:
    """The version whose melody sets the frame (key, mode, tempo, metre, genre) a new melody for ``base`` starts
    from: ``base`` or its nearest ancestor with a melody, else the song's first melody; None when it has none."""
    by_number = {v.number: v for v in versions}
    node: Version | None = base
    while node is not None:
        if node.melody is not None:
            return node
        node = by_number.get(node.parent) if node.parent is not None else None
    return next((v for v in versions if v.melody is not None), None)


def _melody_of(version: Version | None) -> Melody | None:
    return version.melody if version is not None else None


def brief_changes(before: Brief, after: Brief) -> str:
    """What a remix changed in the brief, in words ("mood wistful → defiant, syllables 8 → 6")."""
    names = ("theme", "genre", "mood", "form", "rhyme_scheme", "syllables")
    parts = [
        f"{name.replace('_', ' ')} {getattr(before, name) or '—'} → {getattr(after, name) or '—'}"
        for name in names
        if getattr(before, name) != getattr(after, name)
    ]
    return ", ".join(parts)


def song_brief(song: Song) -> Brief:
    """The brief the song was started with, for a remix form to start from."""
    return _brief(song)


def _brief(song: Song) -> Brief:
    """The brief the song was started with (a song started without one is briefed by its title)."""
    return song.brief or Brief(theme=song.title[:200])
