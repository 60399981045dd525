"""Score image: verovio engraves the MusicXML to SVG, resvg rasterises it to PNG.

The image is for Discord's inline preview, so it shows the first page only: about four bars per system and a
handful of systems, large enough to read the lyrics without opening it. The full score is the MusicXML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import resvg_py
import verovio

from bot.songwriting.render.fonts import TEXT_FAMILY, font_dir

_OPTIONS = {
    "fontTextLiberation": True,
    "smuflTextFont": "none",  # the music font comes from the decoded folder, not embedded woff2
    "pageWidth": 2000,
    "pageHeight": 1200,
    "scale": 55,
    "adjustPageHeight": True,
    "justifyVertically": False,
    "footer": "none",
    "lyricSize": 5.0,
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
    toolkit = verovio.toolkit()
    toolkit.setOptions(_OPTIONS)
    if not toolkit.loadData(musicxml.decode("utf-8")):
        raise ValueError("verovio could not read the score")
    svg = toolkit.renderToSVG(1)
    # resvg ignores an x position written on a tspan that follows white space inside a <text>; verovio
    # indents its output, which throws the centred title off the page. White space between tags means nothing.
    svg = _BETWEEN_TAGS.sub("><", svg)
    png = resvg_py.svg_to_bytes(
        svg_string=svg,
        background="white",
        skip_system_fonts=True,
        font_dirs=[str(fonts or font_dir())],
        font_family=TEXT_FAMILY,
        serif_family=TEXT_FAMILY,
    )
    return ScoreImage(png=bytes(png), bars_shown=svg.count('class="measure'), pages=toolkit.getPageCount())
