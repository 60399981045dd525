"""AI drafts, quotas and the song library through the workshop (offline writer, real database, render pool)."""

from __future__ import annotations

import io
import json
import zipfile

import mido
import pytest

from bot.errors import RateLimitedError, UserFacingError
from bot.services import Services
from bot.songwriting.words.brief import Brief
from bot.workshop.actors import Actor
from bot.workshop.drafts import Drafts, MusicOptions
from bot.workshop.revising import Revisions
from bot.workshop.workshop import Workshop

ANA = Actor(guild_id=1, user_id=10, name="Ana")
BEN = Actor(guild_id=1, user_id=11, name="Ben")
BRIEF = Brief(theme="rain on the night bus home", form="verse-chorus", rhyme_scheme="ABAB", syllables=8, seed=7)


async def test_lyrics_draft_starts_a_song_with_ai_v1(services: Services) -> None:
    """A lyric draft creates a song owned by the member whose v1 is the AI's, disclosed with its writer."""
    delivery = await Drafts(services).lyrics(ANA, 2, BRIEF)
    assert delivery.song.owner_id == ANA.user_id
    assert delivery.version.number == 1
    assert delivery.version.by_ai
    assert delivery.version.writer == "offline writer"
    assert delivery.version.lyrics is not None
    assert len(delivery.version.lyrics.sections) == 4


async def test_song_draft_has_a_melody_with_one_note_per_syllable(services: Services) -> None:
    """/cowrite song stores lyrics and melody in v1 and renders MIDI that mido reads."""
    delivery = await Drafts(services).lyrics(ANA, 2, BRIEF, MusicOptions(key="A minor", tempo=96, meter="3/4", seed=7))
    assert delivery.melody is not None
    assert (delivery.melody.tonic, delivery.melody.mode, delivery.melody.tempo, delivery.melody.meter) == (
        "A",
        "minor",
        96,
        "3/4",
    )
    assert delivery.files is not None
    assert mido.MidiFile(file=io.BytesIO(delivery.files.midi)).length > 0
    stored = await services.songs.version(delivery.song.id, 1)
    assert stored is not None
    assert stored.melody is not None
    assert stored.melody.to_dict() == delivery.melody.to_dict()


async def test_bad_music_options_are_refused() -> None:
    """An unknown key or metre, or a tempo out of range, is a clear error."""
    for options in (MusicOptions(key="H major"), MusicOptions(meter="5/3"), MusicOptions(tempo=500)):
        with pytest.raises(UserFacingError):
            options.validated()


async def test_quota_and_cooldown_are_enforced(services: Services) -> None:
    """A server with a quota of 2 refuses the third generation with a retry time."""
    await services.guild_settings.update(1, daily_quota=2, cooldown_seconds=0)
    drafts = Drafts(services)
    await drafts.claim(ANA)
    await drafts.claim(BEN)
    with pytest.raises(RateLimitedError) as refused:
        await drafts.claim(ANA)
    assert refused.value.retry_at > 0


async def test_add_melody_and_regenerate_never_overwrite(services: Services) -> None:
    """Add melody and Regenerate append AI versions; v1 is untouched."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF)
    with_melody = await drafts.add_melody(first.song, MusicOptions(seed=3))
    regenerated = await drafts.regenerate(first.song, first.version)
    assert (with_melody.version.number, with_melody.version.parent, with_melody.version.kind) == (2, 1, "ai-variation")
    assert regenerated.version.number == 3
    assert regenerated.version.parent is None  # a sibling of v1: a second root
    assert await services.songs.version(first.song.id, 1) == first.version


async def test_instrumental_then_lyrics_needed_for_melody(services: Services) -> None:
    """An instrumental starts a song without lyrics; Add melody then asks for words first."""
    drafts = Drafts(services)
    delivery = await drafts.instrumental(ANA, 2, MusicOptions(seed=5))
    assert delivery.version.lyrics is None
    assert delivery.melody is not None
    with pytest.raises(UserFacingError, match="no lyrics"):
        await drafts.add_melody(delivery.song, MusicOptions())


async def test_history_diff_credits_and_export(services: Services) -> None:
    """After a member's revision: the tree shows both, the diff counts the change, credits split, export zips."""
    draft = await Drafts(services).lyrics(ANA, 2, BRIEF, MusicOptions(seed=7))
    lyrics = draft.version.lyrics
    assert lyrics is not None
    edited = lyrics.to_body().replace(lyrics.sections[0].lines[0], "the driver hums a song he knows", 1)
    revisions = Revisions(services)
    await revisions.submit(
        draft.song, BEN, text=edited, upload=None, parent=await revisions.parent_for(draft.song, None)
    )
    library = Workshop(services).library
    tree = await library.history(draft.song)
    assert len(tree) == 2
    assert "Ben" in tree[1]
    changes = await library.diff(draft.song, 1, 2)
    assert changes.changed + changes.added >= 1
    v2 = await services.songs.version(draft.song.id, 2)
    assert v2 is not None
    credits = await library.credits(draft.song, v2)
    assert [a.name for a in credits.authors] == ["Ben"]
    assert credits.ai_lines == credits.total - credits.authors[0].lines
    name, data = await library.export(draft.song, await services.songs.version(draft.song.id, 1))  # type: ignore[arg-type]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert name.endswith("-v1.zip")
    assert {"lyrics.txt", "melody.mid", "lead-sheet.musicxml", "credits.md", "song.json"} <= set(archive.namelist())
    assert archive.read("lead-sheet.pdf").startswith(b"%PDF-")  # the whole printable lead sheet, made on demand
    song_json = json.loads(archive.read("song.json"))
    assert song_json["sections"][0]["lines"] == list(lyrics.sections[0].lines)
    assert song_json["measures"]


async def test_songs_start_in_the_chosen_channel(services: Services) -> None:
    """With a co-writing channel set, a song started elsewhere is refused with a pointer to it."""
    drafts = Drafts(services)
    await drafts.ensure_song_channel(ANA, 2)
    await services.guild_settings.update(1, cowrite_channel_id=99)
    with pytest.raises(UserFacingError, match="<#99>"):
        await drafts.ensure_song_channel(ANA, 2)
    await drafts.ensure_song_channel(ANA, 99)


async def test_drafts_and_exports_disclose_the_ai_in_every_file(services: Services) -> None:
    """A song draft's files and its export (lyrics.txt, MIDI, MusicXML, ABC) disclose the AI's words and melody."""
    draft = await Drafts(services).lyrics(ANA, 2, BRIEF, MusicOptions(seed=7))
    line = "Lyrics: AI draft (offline writer); melody: AI draft (melody sketcher), Sound Off"
    assert draft.disclosure is not None
    assert draft.disclosure.line == line
    _, data = await Workshop(services).library.export(draft.song, draft.version)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("lyrics.txt").decode("utf-8").endswith(f"\n--\n{line}\n")
    conductor = mido.MidiFile(file=io.BytesIO(archive.read("melody.mid"))).tracks[0]
    assert line in [m.text for m in conductor if m.type == "copyright"]
    assert f"<rights>{line}</rights>" in archive.read("lead-sheet.musicxml").decode("utf-8")
    assert f"N:{line}" in archive.read("melody.abc").decode("utf-8").splitlines()


async def test_a_melody_on_a_members_words_names_them_and_discloses_the_ai(services: Services) -> None:
    """Add melody after Ben's revision: Ben and the AI's share of the words, the AI's melody."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF)
    lyrics = first.version.lyrics
    assert lyrics is not None
    edited = lyrics.to_body().replace(lyrics.sections[0].lines[0], "the driver hums a song he knows", 1)
    revisions = Revisions(services)
    await revisions.submit(first.song, BEN, text=edited, upload=None, parent=first.version)
    delivery = await drafts.add_melody(first.song, MusicOptions(seed=3))
    assert delivery.disclosure is not None
    assert delivery.disclosure.lyricists == ("Ben",)
    assert delivery.disclosure.line.startswith("Lyrics: Ben ")
    assert delivery.disclosure.line.endswith("%); melody: AI draft (melody sketcher), Sound Off")
    assert delivery.files is not None
    escaped = delivery.disclosure.line.replace("%", "\\%")  # ABC's comment sign
    assert f"N:{escaped}" in delivery.files.abc.splitlines()


async def test_a_song_draft_follows_its_brief_genre(services: Services) -> None:
    """/cowrite song with genre rock: the composer hears the genre (drums on channel 10), the member's key wins."""
    brief = Brief(theme="engines in the rain", genre="rock", seed=3)
    delivery = await Drafts(services).lyrics(ANA, 2, brief, MusicOptions(key="E minor", seed=3))
    assert delivery.melody is not None
    assert delivery.melody.tonic == "E"
    assert delivery.files is not None
    drums = [m for t in mido.MidiFile(file=io.BytesIO(delivery.files.midi)).tracks for m in t if m.type == "note_on"]
    assert any(m.channel == 9 and m.velocity > 0 for m in drums)
