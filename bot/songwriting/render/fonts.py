"""Engraving fonts for the score image, decoded once from the woff2 data that verovio ships.

verovio embeds its music font as woff2 inside the SVG and names "Liberation" for text; rasterisers ignore
embedded web fonts, so the tempo glyph turns into a box and lyrics vanish when no serif font is installed.
Decoding verovio's own Leipzig and Liberation fonts to TrueType (fontTools + brotli) into a cache folder, and
pointing the rasteriser at that folder only, makes the image the same on every machine.
"""

from __future__ import annotations

import base64
import io
import os
import re
import tempfile
from pathlib import Path

import verovio
from fontTools.ttLib import TTFont

TEXT_FAMILY = "Liberation Serif"
_SOURCES = ("Leipzig", "Liberation")
_FACE = re.compile(r"@font-face\s*{.*?base64,([A-Za-z0-9+/=]+)", re.S)


def font_dir(cache_root: Path | None = None) -> Path:
    """Return a folder holding the decoded fonts, decoding them on first use (about 0.3 s)."""
    version = verovio.toolkit().getVersion().split("-")[0]
    folder = (cache_root or _cache_root()) / f"fonts-verovio-{version}"
    marker = folder / "complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    data = Path(verovio.__file__).parent / "data"
    for source in _SOURCES:
        css = (data / f"{source}.css").read_text(encoding="utf-8")
        for index, match in enumerate(_FACE.finditer(css)):
            font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
            font.flavor = None
            _write_atomically(folder / f"{source}-{index}.ttf", font)
    marker.touch()
    return folder


def _write_atomically(path: Path, font: TTFont) -> None:
    # Several worker processes may decode at once: each writes a private file and renames it into place.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as stream:
        font.save(stream)
    os.replace(temporary, path)


def _cache_root() -> Path:
    """The user cache folder when writable (``$XDG_CACHE_HOME`` or ``~/.cache``), else the temp folder."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "soundoff"
    try:
        base.mkdir(parents=True, exist_ok=True)
        probe = base / ".writable"
        probe.touch()
        return base
    except OSError:
        return Path(tempfile.gettempdir()) / f"soundoff-{os.getuid()}"
