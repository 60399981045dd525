"""The score image: decoded engraving fonts, and PNGs checked pixel by pixel with Pillow."""

from __future__ import annotations

import functools
import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import verovio
from fontTools.ttLib import TTFont
from PIL import Image

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.fonts import font_dir
from bot.songwriting.render.musicxml import to_musicxml
from bot.songwriting.render.score import ScoreImage, to_png
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from tests.songwriting.songs import LANTERN, NIGHT_TRAIN, PAPER_BOATS

METRONOME_QUARTER = 0xECA5  # SMuFL metNoteQuarterUp: the note in "♩ = 92"


@functools.cache
def _short() -> Melody:
    return compose(PAPER_BOATS, MusicSettings(key="G major", tempo=100), seed=1)


def _png(melody: Melody, fonts: Path | None = None) -> ScoreImage:
    return to_png(to_musicxml(melody, "Paper Boats"), fonts=fonts)


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("L")


def _ink(image: Image.Image) -> int:
    return sum(image.point(lambda v: 255 if v < 128 else 0).histogram()[255:])


def test_fonts_are_decoded_to_truetype(tmp_path: Path) -> None:
    """Leipzig (with the metronome glyph) and Liberation Serif are written as fonts fontTools can read."""
    folder = font_dir(tmp_path)
    families = {}
    for path in folder.glob("*.ttf"):
        font = TTFont(path)
        families[font["name"].getDebugName(1)] = font
    assert {"Leipzig", "Liberation Serif"} <= set(families)
    assert METRONOME_QUARTER in families["Leipzig"].getBestCmap()


def test_fonts_are_decoded_once(tmp_path: Path) -> None:
    """A second call finds the cached folder and writes nothing."""
    folder = font_dir(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert font_dir(tmp_path) == folder
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps


def test_png_is_a_readable_page() -> None:
    """The image is a PNG wide enough to read in Discord's preview and not taller than a screen."""
    image = _image(_png(_short()).png)
    assert 900 <= image.width <= 1400
    assert 300 <= image.height <= 1100
    assert _ink(image) > 10_000


def test_title_is_centred_and_on_the_page() -> None:
    """The title's ink sits in the middle of the top band (resvg once drew it half off the page)."""
    image = _image(_png(_short()).png)
    band = image.crop((0, 0, image.width, 60)).point(lambda v: 255 if v < 128 else 0)
    box = band.getbbox()
    assert box is not None
    assert box[0] > 50
    assert abs((box[0] + box[2]) / 2 - image.width / 2) < image.width * 0.05


def test_lyrics_are_drawn() -> None:
    """Lyrics add ink under the staves: the same tune without syllables is visibly lighter."""
    melody = _short()
    silent = replace(melody, notes=tuple(replace(n, syllable=None) for n in melody.notes))
    assert _ink(_image(_png(melody).png)) > _ink(_image(_png(silent).png)) * 1.15


def test_chord_symbols_are_drawn() -> None:
    """Chord symbols put ink between the title and the first staff (right of the tempo mark)."""
    melody = _short()
    with_chords = _above_first_staff(_image(_png(melody).png))
    without = _above_first_staff(_image(_png(replace(melody, chords=())).png))
    assert with_chords > 300
    assert with_chords > 2 * without  # without chords only a stem or a flag pokes above the staff


def _above_first_staff(image: Image.Image) -> int:
    """Ink between the title band and the first staff line, leaving out the left third (clef, tempo)."""
    ink = image.point(lambda v: 255 if v < 128 else 0)
    staff = next(y for y in range(image.height) if _row_ink(ink, y) > image.width * 0.6)
    title = next(y for y in range(image.height) if _row_ink(ink, y))
    below_title = next(y for y in range(title, staff) if not _row_ink(ink, y))
    return _ink(image.crop((image.width // 3, below_title, image.width, staff - 5)))


def _row_ink(ink: Image.Image, y: int) -> int:
    return sum(1 for x in range(ink.width) if ink.getpixel((x, y)))


def test_tempo_glyph_comes_from_the_decoded_music_font(tmp_path: Path) -> None:
    """Without the Leipzig font the metronome note vanishes; with it, the tempo mark has its note."""
    folder = font_dir()
    text_only = tmp_path / "text-only"
    text_only.mkdir()
    for path in folder.glob("Liberation-*.ttf"):
        shutil.copy(path, text_only)
    melody = _short()
    assert _ink(_image(_png(melody, folder).png)) > _ink(_image(_png(melody, text_only).png))


def test_long_song_shows_its_first_page() -> None:
    """A long song's image holds the first systems only and says how many bars it shows."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="D minor", tempo=90, meter="3/4"), seed=0)
    image = _png(melody)
    total = int(melody.length / melody.time.bar)
    assert image.pages > 1
    assert 8 <= image.bars_shown < total
    assert _image(image.png).height <= 1100


def test_compound_metre_engraves() -> None:
    """A 6/8 lead sheet engraves too."""
    melody = compose(LANTERN, MusicSettings(key="E minor", meter="6/8"), seed=3)
    assert _ink(_image(_png(melody).png)) > 10_000


def test_unreadable_score_raises() -> None:
    """Bytes that are not a score raise ValueError."""
    with pytest.raises(ValueError, match="could not read"):
        to_png(b"<nonsense/>")


DISCLOSURE = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))


def test_the_disclosure_is_engraved() -> None:
    """verovio engraves the MusicXML's disclosure credit: its text is in the SVG, under a title that stays."""
    toolkit = verovio.toolkit()
    assert toolkit.loadData(to_musicxml(_short(), "Paper Boats", disclosure=DISCLOSURE).decode("utf-8"))
    svg = toolkit.renderToSVG(1)
    assert DISCLOSURE.line in svg
    assert "Paper Boats" in svg


def test_the_disclosure_is_drawn_under_the_title() -> None:
    """The PNG has the disclosure's ink right of centre between the title and the chord symbols."""
    melody = _short()
    plain = _image(_png(melody).png)
    disclosed = _image(to_png(to_musicxml(melody, "Paper Boats", disclosure=DISCLOSURE)).png)
    band = (plain.width // 2, 40, plain.width, 65)
    assert _ink(disclosed.crop(band)) > _ink(plain.crop(band)) + 1000
    title = disclosed.crop((0, 0, disclosed.width, 40)).point(lambda v: 255 if v < 128 else 0).getbbox()
    assert title is not None
    assert abs((title[0] + title[2]) / 2 - disclosed.width / 2) < disclosed.width * 0.05
