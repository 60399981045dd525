"""``lead-sheet.pdf``: the whole lead sheet on A4 pages, every page, for printing.

verovio engraves the MusicXML on A4-shaped pages (its units are tenths of a millimetre, 2100 × 2970) with the same
options as the preview; each page is rasterised with resvg and the decoded engraving fonts, the way ``score.png``
is, at 200 dpi in black and white, and Pillow writes the pages into one PDF with CCITT G4 compression (lossless
for one-bit images, a few tens of kilobytes a page). A raster PDF needs no new dependency and no system library:
a vector PDF would need cairo (a Debian library and a second font set-up) for text that reads the same, and the
print is the same at 300 dpi.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bot.songwriting.render.score import PREVIEW_OPTIONS, engrave_svg, rasterise

DPI = 200
_A4_MM = (210, 297)
_PIXELS = round(_A4_MM[0] / 25.4 * DPI)
PRINT_OPTIONS: dict[str, object] = {
    **PREVIEW_OPTIONS,
    "pageWidth": _A4_MM[0] * 10,
    "pageHeight": _A4_MM[1] * 10,
    "adjustPageHeight": False,
    "scale": 40,
    "pageMarginLeft": 100,
    "pageMarginRight": 100,
    "pageMarginTop": 100,
    "pageMarginBottom": 100,
}


@dataclass(frozen=True, slots=True)
class LeadSheetPdf:
    """The PDF bytes and how many pages they hold."""

    pdf: bytes
    pages: int


def to_pdf(musicxml: bytes, *, fonts: Path | None = None) -> LeadSheetPdf:
    """Engrave every page of a MusicXML score into one printable PDF; raise ValueError when verovio cannot read it."""
    images = []
    for svg in engrave_svg(musicxml, PRINT_OPTIONS):
        page = Image.open(io.BytesIO(rasterise(svg, fonts=fonts, width=_PIXELS)))
        images.append(page.convert("L").point(lambda v: 255 if v >= 160 else 0, mode="1"))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=DPI, title="Lead sheet")
    return LeadSheetPdf(pdf=buffer.getvalue(), pages=len(images))
