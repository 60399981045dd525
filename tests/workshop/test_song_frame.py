"""The song's frame (key, mode, tempo, metre, genre) is where every new AI melody starts (real database, pool)."""

from __future__ import annotations

from bot.services import Services
from bot.songwriting.music.melody import Melody
from bot.songwriting.words.brief import Brief
from bot.workshop.actors import Actor
from bot.workshop.drafts import Drafts, MusicOptions
from bot.workshop.revising import Revisions

ANA = Actor(guild_id=1, user_id=10, name="Ana")
BEN = Actor(guild_id=1, user_id=11, name="Ben")
BRIEF = Brief(theme="rain on the night bus home", genre="blues", mood="wistful", seed=7)
SONG = MusicOptions(key="E minor", tempo=159, meter="12/8", seed=7)


def _frame(melody: Melody | None) -> tuple[object, ...]:
    assert melody is not None
    return (melody.tonic, melody.mode, melody.tempo, melody.meter, melody.genre)


async def test_new_melody_on_a_revision_keeps_the_songs_frame(services: Services) -> None:
    """The issue's case: a song in E minor, 12/8, ♩. = 106, blues; Ben revises it; a new melody for his version
    comes back in E minor, 12/8, ♩. = 106, blues — a different tune, not another frame."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF, SONG)
    assert _frame(first.melody) == ("E", "minor", 159, "12/8", first.melody and first.melody.genre)
    lyrics = first.version.lyrics
    assert lyrics is not None
    edited = lyrics.to_body().replace(lyrics.sections[0].lines[0], "the driver hums a song he knows", 1)
    revised = await Revisions(services).submit(first.song, BEN, text=edited, upload=None, parent=first.version)
    fresh = await drafts.add_melody(first.song, MusicOptions(), revised.version)
    assert _frame(fresh.melody) == _frame(first.melody)
    assert fresh.melody is not None
    assert revised.melody is not None
    assert [n.pitch for n in fresh.melody.notes] != [n.pitch for n in revised.melody.notes]
    assert fresh.melody.tempo_text() == "♩. = 106"


async def test_a_members_choice_wins_over_the_frame(services: Services) -> None:
    """A key the member picks replaces the song's; the tempo and metre they leave alone stay the song's."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF, SONG)
    fresh = await drafts.add_melody(first.song, MusicOptions(key="D major"), first.version)
    assert _frame(fresh.melody)[:4] == ("D", "major", 159, "12/8")


async def test_add_melody_on_words_only_takes_the_frame_of_the_songs_melody(services: Services) -> None:
    """Regenerated words without music (a song started as lyrics, then given a melody) get music in its frame."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF)
    with_music = await drafts.add_melody(first.song, MusicOptions(key="G major", meter="3/4", tempo=90), first.version)
    again = await drafts.add_melody(first.song, MusicOptions(), first.version)
    assert _frame(again.melody) == _frame(with_music.melody)


async def test_regenerate_a_words_and_music_version_gives_words_and_music(services: Services) -> None:
    """Regenerate on a version with a melody: new words, and a melody for them in the song's frame, rendered."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF, SONG)
    again = await drafts.regenerate(first.song, first.version)
    assert again.version.lyrics != first.version.lyrics
    assert _frame(again.melody) == _frame(first.melody)
    assert again.files is not None
    assert again.files.ogg is not None
    assert again.version.melody == again.melody


async def test_remix_keeps_the_frame_unless_the_brief_changes_the_genre(services: Services) -> None:
    """A remix of a words-and-music draft has music in the song's key, tempo and metre; a new genre is honoured."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF, SONG)
    same = await drafts.remix(first.song, first.version, Brief(theme="the last bus", genre="blues", seed=3))
    assert _frame(same.melody) == _frame(first.melody)
    folk = await drafts.remix(first.song, first.version, Brief(theme="the last bus", genre="folk", seed=3))
    assert folk.melody is not None
    assert _frame(folk.melody)[:4] == _frame(first.melody)[:4]
    assert folk.melody.genre is not None
    assert folk.melody.genre.value == "folk"


async def test_a_new_take_on_a_section_carries_the_rest_of_the_tune(services: Services) -> None:
    """Regenerating one section of a words-and-music version keeps every other section's notes."""
    drafts = Drafts(services)
    first = await drafts.lyrics(ANA, 2, BRIEF, SONG)
    varied = await drafts.vary_section(first.song, first.version, 0)
    assert varied.melody is not None
    assert first.melody is not None
    assert _frame(varied.melody) == _frame(first.melody)
    assert varied.notes[0].startswith("Melody carried from v1")
    assert varied.version.lyrics is not None
    changed = {
        i
        for i, s in enumerate(varied.version.lyrics.sections)
        if first.version.lyrics and s != first.version.lyrics.sections[i]
    }
    untouched = [i for i in range(1, len(varied.version.lyrics.sections)) if i not in changed]
    assert untouched
    for index in untouched:
        old = [(n.pitch, n.duration, n.syllable) for n in first.melody.notes if n.section == index]
        new = [(n.pitch, n.duration, n.syllable) for n in varied.melody.notes if n.section == index]
        assert old == new
