"""What the cogs show for a version: the stored version, its melody and rendered files, and any notes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.songs import Song, Version
from bot.songwriting.credits import Disclosure
from bot.songwriting.melody import Melody
from bot.songwriting.revisions import LyricDiff
from bot.songwriting.sketch import SketchFiles


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
