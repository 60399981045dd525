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
    carried: str | None = None
    """How a lyric revision carried its parent's melody ("melody carried from v1; line 3 re-set to the new
    words"); None when the melody is new or there is none."""

    def change_heading(self, parent: Version) -> str:
        """One line over a revision, in every adapter: who changed what against which parent."""
        parts = [f"{self.version.label} by {self.version.author_name}, from v{parent.number}"]
        if self.diff is not None and self.diff.has_changes:
            parts.append(self.diff.summary())
        if self.carried is not None:
            parts.append(f"melody carried from v{parent.number}")
        elif self.melody is not None:
            parts.append("new melody")
        return " · ".join(parts)

    def saved(self) -> str:
        """The member's answer after a revision is stored: its name and, for a carried melody, what was done."""
        return f"Saved as {self.version.label}" + (f" ({self.carried})" if self.carried else "")
