"""What the adapters show for a version: the stored version, its melody and rendered files, and any notes."""

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

    def change_heading(self, parent: Version) -> str:
        """One line over a revision, in every adapter: who changed what against which parent."""
        parts = [f"{self.version.label} by {self.version.author_name}, from v{parent.number}"]
        if self.diff is not None and self.diff.has_changes:
            parts.append(self.diff.summary())
        if self.melody is not None:
            parts.append("new melody")
        return " · ".join(parts)
