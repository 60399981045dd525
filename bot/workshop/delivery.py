"""What the cogs show for a version: the stored version, its melody and rendered files, and any notes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.songs import Song, Version
from bot.songwriting.music.melody import Melody
from bot.songwriting.render.sketch import SketchFiles
from bot.songwriting.versions.credits import Disclosure
from bot.songwriting.versions.revisions import LyricDiff


@dataclass(frozen=True, slots=True)
class Delivery:
    song: Song
    version: Version
    melody: Melody | None = None
    files: SketchFiles | None = None
    notes: tuple[str, ...] = ()
    diff: LyricDiff | None = None
    disclosure: Disclosure | None = None
    """Who made the version, as its files say it (lyrics.txt's footer)."""
