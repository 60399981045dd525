"""Genre profiles, the free-text lookup, and the settings that carry a genre to the composer."""

from __future__ import annotations

import pytest

from bot.songwriting.genre import Genre
from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import PROFILES, find_genre, profile
from bot.songwriting.music.harmony import chord_pitch_classes, chord_root
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings, SettingsError
from tests.songwriting.songs import NIGHT_TRAIN


def test_every_genre_has_one_profile() -> None:
    """The twelve curated genres each have exactly one profile."""
    assert sorted(p.genre for p in PROFILES) == sorted(Genre)


@pytest.mark.parametrize(
    ("text", "genre"),
    [
        ("folk", Genre.FOLK),
        ("Indie pop", Genre.INDIE),
        ("bluesy", Genre.BLUES),
        ("hip hop", Genre.HIPHOP),
        ("hiphop", Genre.HIPHOP),
        ("rhythm and blues", Genre.RNB),
        ("R&B", Genre.RNB),
        ("neo-soul", Genre.RNB),
        ("synth-pop", Genre.ELECTRONIC),
        ("pop punk", Genre.PUNK),
        ("country waltz", Genre.COUNTRY),
        ("power ballad", Genre.BALLAD),
        ("bebop", Genre.JAZZ),
        ("jaz", Genre.JAZZ),
        ("rokc", Genre.ROCK),
    ],
)
def test_free_text_maps_to_the_nearest_genre(text: str, genre: Genre) -> None:
    """Names, aliases, adjectives and near misspellings find their profile; the longest alias wins."""
    found = find_genre(text)
    assert found is not None
    assert found.genre is genre


@pytest.mark.parametrize("text", [None, "", "purple", "   "])
def test_text_naming_no_genre_has_none(text: str | None) -> None:
    """Text that names no genre gets no profile (the plain accompaniment)."""
    assert find_genre(text) is None


def test_settings_refuse_what_the_composer_cannot_use() -> None:
    """A bad key, metre or tempo fails when the settings are made, with a message for the member."""
    for bad in ({"key": "H major"}, {"meter": "5/3"}, {"tempo": 500}, {"genre": "x" * 61}):
        with pytest.raises(SettingsError):
            MusicSettings(**bad)  # type: ignore[arg-type]
    assert issubclass(SettingsError, ValueError)


def _sketch(genre: str, seed: int = 5, **settings: object) -> Melody:
    return compose(NIGHT_TRAIN, MusicSettings(genre=genre, **settings), seed=seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("genre", list(Genre))
def test_tempo_follows_the_profile(genre: Genre) -> None:
    """Without a tempo from the member, the tempo's felt beat lies in the genre's range."""
    for seed in range(6):
        melody = _sketch(genre.value, seed, meter="4/4")
        slowest, fastest = profile(genre).tempo
        assert slowest <= melody.tempo <= fastest
        assert melody.genre is genre


def test_the_members_choices_win_over_the_genre() -> None:
    """An explicit key, tempo and metre are kept whatever the genre says."""
    melody = _sketch("punk", key="Bb major", tempo=72, meter="3/4")
    assert (melody.tonic, melody.mode, melody.tempo, melody.meter) == ("Bb", "major", 72, "3/4")


def test_blues_is_a_twelve_bar_form_of_dominant_sevenths() -> None:
    """Each blues section is the 12-bar form: I7 ×4 (or the quick change), IV7 IV7 I7 I7, V7 IV7 I7 I7."""
    melody = _sketch("blues", key="A major", meter="4/4")
    key = melody.key
    bars = [melody.chord_at(i * melody.time.bar) for i in range(int(melody.length / melody.time.bar))]
    degrees = {key.scale[d]: d for d in range(7)}
    symbols = [b.symbol for b in bars if b is not None]
    form = [degrees[chord_root(s) or 0] for s in symbols[:12]]
    assert form[4:] == [3, 3, 0, 0, 4, 3, 0, 0]
    assert form[0] == 0
    assert form[2:4] == [0, 0]
    assert all(len(chord_pitch_classes(s)) == 4 and s.endswith("7") for s in symbols)


def test_jazz_cadences_ii_v_i_with_sevenths() -> None:
    """A jazz section ends ii7–V7–I (with sevenths on every chord)."""
    melody = _sketch("jazz", key="F major", meter="4/4")
    symbols = [c.symbol for c in melody.chords]
    assert "Gm7" in symbols
    assert "C7" in symbols
    assert "Fmaj7" in symbols
    assert all(len(chord_pitch_classes(s)) == 4 for s in symbols)


def test_punk_plays_power_chords() -> None:
    """Punk's chord symbols are root-and-fifth power chords."""
    melody = _sketch("punk", key="E major")
    assert all(s.symbol.endswith("5") and len(chord_pitch_classes(s.symbol)) == 2 for s in melody.chords)


def test_stored_genre_round_trips() -> None:
    """The genre is stored with the melody; a melody stored before genres existed reads back without one."""
    melody = _sketch("rock")
    assert Melody.from_dict(melody.to_dict()) == melody
    data = melody.to_dict()
    del data["genre"]
    assert Melody.from_dict(data).genre is None
    assert melody.summary().startswith("rock · ")
