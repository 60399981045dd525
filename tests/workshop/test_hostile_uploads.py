"""Hostile melody uploads through the real revision path: refused before anything is stored, listings intact."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from pathlib import Path

import pytest

from bot.db.songs import NewVersion, Song
from bot.errors import UserFacingError
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.workshop.delivery import Delivery
from bot.workshop.drafts import MusicOptions
from bot.workshop.revising import Revisions, Upload
from bot.workshop.workshop import Workshop
from tests.songwriting.music import hostile
from tests.workshop.songs import ANA, DRAFT, a_song


async def assert_every_listing_answers(services: Services, song: Song) -> None:
    """The song, its history, every diff, credits and export of every version answer."""
    workshop = Workshop(services)
    versions = await workshop.songs.versions(await workshop.songs.by_id(song.guild_id, song.id))
    assert len(await workshop.library.history(song)) == len(versions)
    for version in versions:
        await workshop.library.diff(song, versions[0].number, version.number)
        assert (await workshop.library.credits(song, version)).total
        name, data = await workshop.library.export(song, version)
        assert name.endswith(f"-{version.label}.zip")
        assert "credits.md" in zipfile.ZipFile(io.BytesIO(data)).namelist()


@pytest.mark.parametrize("name", ["musicxml-negative-duration", "musicxml-negative-forward"])
async def test_a_poisoning_file_is_refused_and_the_song_still_lists(services: Services, name: str) -> None:
    """The negative-duration MusicXML that poisoned a song (and a negative <forward>) is refused in a sentence;
    nothing is stored, and every listing of the song still works, before and after a good revision."""
    song = await a_song(services)
    revisions = Revisions(services)
    data = hostile.CORPUS[name][0]()
    with pytest.raises(UserFacingError, match="durations can't be negative"):
        await revisions.submit(
            song,
            ANA,
            text=None,
            upload=Upload("tune.musicxml", len(data), data),
            parent=await revisions.parent_for(song, None),
        )
    assert len(await services.songs.versions(song.id)) == 1
    await assert_every_listing_answers(services, song)
    await revise_a_line(revisions, song)
    await assert_every_listing_answers(services, song)


async def test_every_hostile_file_is_refused_through_the_revision_path(services: Services) -> None:
    """Each attack in the corpus is refused by Revisions.submit with its own sentence, and stores nothing."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    for name, (build, reason) in hostile.CORPUS.items():
        data = build()
        with pytest.raises(UserFacingError, match=reason.replace("(", r"\(")) as refused:
            await revisions.submit(song, ANA, text=None, upload=Upload(f"{name}.mid", len(data), data), parent=parent)
        assert str(refused.value).startswith(f"I couldn't read `{name}.mid`"), name
        assert len(await services.songs.versions(song.id)) == 1
        await assert_every_listing_answers(services, song)


async def test_a_draft_sent_beside_two_hostile_uploads_is_answered_on_time(services: Services) -> None:
    """The two uploads that once held both renderers for minutes are refused, and a song draft sent with them
    is answered well inside the render budget."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    uploads = [hostile.midi_key_signatures(), hostile.huge_metre()]
    started = time.monotonic()
    *refused, draft = await asyncio.gather(
        *(revisions.submit(song, ANA, text=None, upload=Upload("x.mid", len(d), d), parent=parent) for d in uploads),
        Workshop(services).drafts.lyrics(ANA, 2, Brief(theme="rain on the night bus home", seed=7), MusicOptions()),
        return_exceptions=True,
    )
    assert all(isinstance(error, UserFacingError) for error in refused), refused
    assert isinstance(draft, Delivery), draft
    assert draft.files is not None
    assert draft.files.ogg
    assert time.monotonic() - started < services.pool.timeout / 3


async def revise_a_line(revisions: Revisions, song: Song) -> None:
    """Ana changes the second line of the latest version."""
    text = "[Verse 1]\nthe lamps are low tonight\nthe tide turns in the bay"
    await revisions.submit(song, ANA, text=text, upload=None, parent=await revisions.parent_for(song, None))


def pre_fix_upload() -> NewVersion:
    """The version a pre-fix upload of the poisoning file stored, as it stored it."""
    return NewVersion("human-revision", ANA.user_id, ANA.name, DRAFT, hostile.pre_fix_melody(), parent=1)


async def test_an_unreadable_stored_melody_is_listed_as_such_and_the_rest_still_works(services: Services) -> None:
    """A bad melody stored before the fix shows as unreadable in the song, history and export; nothing fails."""
    song = await a_song(services)
    await services.songs.add_version(song.id, pre_fix_upload())
    revisions = Revisions(services)
    await revise_a_line(revisions, song)
    versions = await services.songs.versions(song.id)
    assert [(v.number, v.melody_unreadable) for v in versions] == [(1, False), (2, True), (3, False)]
    assert versions[1].melody is None
    await assert_every_listing_answers(services, song)
    workshop = Workshop(services)
    assert (await workshop.library.history(song))[
        1
    ] == "↳ v2 · human-revision · by Ana · +0 ~0 −0 · ♪ (could not be read)"
    assert (await workshop.drafts.render(song, versions[1])).notes == (
        "v2's melody could not be read, so its files are left out.",
    )
    assert (await workshop.library.credits(song, versions[2])).total == 2


async def test_a_revision_saved_but_not_rendered_says_it_was_saved(tmp_path: Path) -> None:
    """The render of a stored revision runs out of time: the answer says v2 is saved (it is), never "too long"
    alone, and the generation it claimed is given back."""
    pool = RenderPool(1, timeout=0.05)  # a parse keeps its own budget; every render runs out
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=tmp_path / "soundoff.db", SOUNDOFF_COOLDOWN_SECONDS=60)  # type: ignore[call-arg]
    services = await Services.open(settings, pool=pool)
    try:
        song = await a_song(services)
        revisions = Revisions(services)
        abc = hostile.abc("C D E F | G A B c |]")
        delivery = await revisions.submit(
            song,
            ANA,
            text=None,
            upload=Upload("tune.abc", len(abc), abc),
            parent=await revisions.parent_for(song, None),
        )
        assert (delivery.version.number, delivery.files) == (2, None)
        assert delivery.notes[0].startswith(
            "v2 is saved, but its score and audio could not be made: That took too long"
        )
        stored = await services.songs.version(song.id, 2)
        assert stored is not None
        assert stored.melody == delivery.melody
        assert await services.usage.used_today(1) == 0  # the failed render gave its generation back
    finally:
        await services.close()
        pool.shutdown()


async def test_add_melody_on_stored_lyrics_past_the_limit_is_refused_in_a_sentence(services: Services) -> None:
    """Lyrics stored before the line limit (1,999 one-letter lines) get a sentence from Add melody, not minutes of
    rendering, and nothing is stored."""
    song = await a_song(services, Lyrics("Long", (Section("Verse", tuple("a" for _ in range(1999))),)))
    with pytest.raises(UserFacingError, match=r"1,999 lines \(a song may have 100\): too long to set to music"):
        await Workshop(services).drafts.add_melody(song, MusicOptions(seed=1))
    assert len(await services.songs.versions(song.id)) == 1


async def test_add_melody_on_lyrics_with_nothing_to_sing_answers_a_sentence(services: Services) -> None:
    """Lyrics of punctuation alone have no syllable to set: Add melody says so (it once answered 500)."""
    song = await a_song(services, Lyrics("Dots", (Section("Verse", ("...", "— —")),)))
    with pytest.raises(UserFacingError, match="no words to sing"):
        await Workshop(services).drafts.add_melody(song, MusicOptions(seed=1))
    assert len(await services.songs.versions(song.id)) == 1
