"""Score image: verovio engraves the MusicXML to SVG, resvg rasterises it to PNG.

The image is for Discord's inline preview, so it shows the first page only: about four bars per system and a
handful of systems, large enough to read the lyrics without opening it. The whole score, every page, is the
printable ``lead-sheet.pdf`` (``pdf``), engraved by the same functions on paper-sized pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import resvg_py
import verovio

from bot.songwriting.render.fonts import TEXT_FAMILY, font_dir

PREVIEW_OPTIONS: dict[str, object] = {
    "fontTextLiberation": True,
    "smuflTextFont": "none",  # the music font comes from the decoded folder, not embedded woff2
    "pageWidth": 2000,
    "pageHeight": 1200,
    "scale": 55,
    "adjustPageHeight": True,
    "justifyVertically": False,
    "footer": "none",
    "lyricSize": 5.0,
    "lyricWordSpace": 2.5,  # verovio's 1.2 let short words touch ("AndI") at this lyric size
    "pageMarginLeft": 60,
    "pageMarginRight": 60,
    "pageMarginTop": 40,
    "pageMarginBottom": 20,
}
_BETWEEN_TAGS = re.compile(r">\s+<")


@dataclass(frozen=True, slots=True)
class ScoreImage:
    """A PNG of the score's first page and how much of the score it shows."""

    png: bytes
    bars_shown: int
    pages: int


def to_png(musicxml: bytes, *, fonts: Path | None = None) -> ScoreImage:
    """Engrave the first page of a MusicXML score as PNG bytes; raise ValueError when verovio cannot read it."""
    toolkit = _toolkit(musicxml, PREVIEW_OPTIONS)
    svg = toolkit.renderToSVG(1)
    png = rasterise(svg, fonts=fonts)
    return ScoreImage(png=png, bars_shown=svg.count('class="measure'), pages=toolkit.getPageCount())


def engrave_svg(musicxml: bytes, options: dict[str, object] | None = None) -> list[str]:
    """Every page of a MusicXML score as verovio SVG (the preview's layout unless ``options`` say otherwise)."""
    toolkit = _toolkit(musicxml, options or PREVIEW_OPTIONS)
    return [toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1)]


def rasterise(svg: str, *, fonts: Path | None = None, width: int | None = None) -> bytes:
    """One verovio SVG page as PNG bytes (``width`` pixels wide, else the SVG's own size), drawn with the decoded
    engraving fonts only, so it is the same on every machine."""
    # resvg ignores an x position written on a tspan that follows white space inside a <text>; verovio
    # indents its output, which throws the centred title off the page. White space between tags means nothing.
    png = resvg_py.svg_to_bytes(
        svg_string=_BETWEEN_TAGS.sub("><", svg),
        background="white",
        skip_system_fonts=True,
        font_dirs=[str(fonts or font_dir())],
        font_family=TEXT_FAMILY,
        serif_family=TEXT_FAMILY,
        width=width,
    )
    return bytes(png)


def _toolkit(musicxml: bytes, options: dict[str, object]) -> verovio.toolkit:
    toolkit = verovio.toolkit()
    toolkit.setOptions(options)
    if not toolkit.loadData(musicxml.decode("utf-8")):
        raise ValueError("verovio could not read the score")
    return toolkit
