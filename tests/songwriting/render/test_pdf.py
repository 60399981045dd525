"""The printable lead sheet: every page of the engraving in one PDF, read back by parsing the PDF itself."""

from __future__ import annotations

import re

from bot.songwriting.music.composer import compose
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.musicxml import to_musicxml
from bot.songwriting.render.pdf import DPI, PRINT_OPTIONS, to_pdf
from bot.songwriting.render.score import engrave_svg, to_png
from bot.songwriting.words.lyrics import Lyrics
from tests.songwriting.songs import NIGHT_TRAIN

LONG = Lyrics(NIGHT_TRAIN.title, NIGHT_TRAIN.sections * 3)  # more than one A4 page
LABELS = tuple(section.label for section in LONG.sections)


def _page_objects(pdf: bytes) -> list[bytes]:
    """The ``/Type /Page`` objects of a PDF (not the ``/Pages`` tree), found the way a reader walks the file."""
    return re.findall(rb"/Type\s*/Page(?![s\w])[^>]*", pdf)


def test_a_long_song_prints_every_page() -> None:
    """The preview image stops at its first page; the PDF holds every page verovio engraves, each A4 with an image
    at the print resolution."""
    melody = compose(LONG, MusicSettings(key="D minor", tempo=90, meter="3/4"), seed=0)
    musicxml = to_musicxml(melody, "Night Train", sections=LABELS)
    printable = to_pdf(musicxml)
    assert printable.pdf.startswith(b"%PDF-")
    assert printable.pdf.rstrip().endswith(b"%%EOF")
    pages = _page_objects(printable.pdf)
    assert printable.pages >= 2
    assert len(pages) == printable.pages
    assert int(re.search(rb"/Count\s+(\d+)", printable.pdf).group(1)) == printable.pages  # type: ignore[union-attr]
    boxes = [[float(v) for v in box.split()] for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", printable.pdf)]
    assert len(boxes) == printable.pages
    for box in boxes:
        assert abs(box[2] - 595.3) < 1.5  # A4 in points
        assert abs(box[3] - 841.9) < 1.5
    widths = [int(w) for w in re.findall(rb"/Width\s+(\d+)", printable.pdf)]
    assert widths == [round(210 / 25.4 * DPI)] * printable.pages
    assert b"/CCITTFaxDecode" in printable.pdf  # lossless one-bit pages
    lengths = [int(n) for n in re.findall(rb"/Filter\s*\[?\s*/CCITTFaxDecode.*?/Length\s+(\d+)", printable.pdf, re.S)]
    assert len(lengths) == printable.pages
    assert min(lengths) > 2000  # ink on every page: a blank A4 page compresses to a few hundred bytes


def test_the_pages_hold_every_bar() -> None:
    """The engraving the PDF is made from holds every bar of the song, where the preview image stops part-way."""
    melody = compose(LONG, MusicSettings(key="D minor", tempo=90, meter="3/4"), seed=0)
    musicxml = to_musicxml(melody, "Night Train", sections=LABELS)
    bars = int(melody.length / melody.time.bar)
    pages = engrave_svg(musicxml, PRINT_OPTIONS)
    assert sum(page.count('class="measure') for page in pages) == bars
    assert to_png(musicxml).bars_shown < bars
    assert to_pdf(musicxml).pages == len(pages)
