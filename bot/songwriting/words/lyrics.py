"""Lyrics as plain values, and the ``lyrics.txt`` text format members read and write.

A sketch's lyrics.txt ends with a footer: a line of just ``--`` (the e-mail signature mark), then the one line
that says who wrote the words. Reading the format leaves a footer out, so a lyrics.txt fed back in sings no
credits; a ``--`` line with more than one line after it is lyrics like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_LABEL = re.compile(r"^\s*\[(?P<label>[^\[\]]{1,40})\]\s*$")
FOOTER_MARK = "--"

LYRICS_MAX_CHARS = 4000
"""The longest lyrics a member may send (a revision, a studio lyrics file)."""
LYRICS_MAX_LINES = 100
"""Sung lines: each becomes about two bars, and engraving grows faster than the bars (60 lines sketch in about
2 s, 120 in 7 s, 1,999 one-letter lines took 278 s), so a song past this is split into parts."""
LYRICS_MAX_SECTIONS = 30


@dataclass(frozen=True, slots=True)
class Section:
    """One labelled part of a song (Verse 1, Chorus, Bridge…)."""

    label: str
    lines: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "lines": list(self.lines)}


@dataclass(frozen=True, slots=True)
class Lyrics:
    """A titled song text: an ordered tuple of sections."""

    title: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def lines(self) -> list[str]:
        """Every sung line in order, across sections."""
        return [line for section in self.sections for line in section.lines]

    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines)

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "sections": [s.to_dict() for s in self.sections]}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Lyrics:
        raw_sections = data.get("sections", [])
        assert isinstance(raw_sections, list)
        sections = tuple(
            Section(label=str(s["label"]), lines=tuple(str(line) for line in s["lines"])) for s in raw_sections
        )
        return cls(title=str(data.get("title", "")), sections=sections)

    def to_text(self, footer: str | None = None) -> str:
        """Render as ``lyrics.txt``: the title, each section as a ``[Label]`` line and its lines, then the footer."""
        parts = [self.title]
        for section in self.sections:
            parts.append("")
            parts.append(f"[{section.label}]")
            parts.extend(section.lines)
        if footer:
            parts += ["", FOOTER_MARK, " ".join(footer.split())]
        return "\n".join(parts) + "\n"

    def to_body(self) -> str:
        """Render the sections without the title: what a member edits in the revise modal."""
        return self.to_text().split("\n", 1)[1].strip("\n")


def size_problem(lyrics: Lyrics) -> str | None:
    """What makes lyrics too long to set to music ("140 lines (a song may have 100)"), or None.

    The one check wherever lyrics enter: a revision, a studio lyrics file, the composer itself.
    """
    lines, sections = len(lyrics.lines), len(lyrics.sections)
    if lines > LYRICS_MAX_LINES:
        return f"{lines:,} lines (a song may have {LYRICS_MAX_LINES})"
    if sections > LYRICS_MAX_SECTIONS:
        return f"{sections} sections (a song may have {LYRICS_MAX_SECTIONS})"
    return None


def parse_lyrics(text: str, *, title: str | None = None, default_label: str = "Verse") -> Lyrics:
    """Parse the ``lyrics.txt`` format; ``[Label]`` lines are optional.

    When ``title`` is None the first non-blank line is the title, provided a ``[Label]`` line or a blank
    line follows it; otherwise the text has no title line and every line is lyric. Blank lines separate
    unlabelled sections.
    """
    raw = [line.rstrip() for line in _lines(split_footer(text)[0])]
    while raw and not raw[0].strip():
        raw.pop(0)
    if title is None:
        title = ""
        if raw and not _LABEL.match(raw[0]) and (len(raw) == 1 or not raw[1].strip() or _LABEL.match(raw[1])):
            title = raw.pop(0).strip()
    sections: list[Section] = []
    label: str | None = None
    current: list[str] = []

    def close() -> None:
        nonlocal current
        if current:
            sections.append(Section(label or _numbered(default_label, sections), tuple(current)))
        current = []

    for line in raw:
        match = _LABEL.match(line)
        if match:
            close()
            label = match.group("label").strip()
        elif not line.strip():
            if current and label is None:
                close()
            elif current:
                close()
                label = None
        else:
            current.append(line.strip())
    close()
    return Lyrics(title=title, sections=tuple(sections))


def split_footer(text: str) -> tuple[str, str | None]:
    """Split ``lyrics.txt`` text into the lyrics and the footer line, if it ends with one.

    A footer is a blank line, ``--`` and one last line. ``to_text`` follows a blank line with a ``[Label]``, so
    lyrics it wrote never look like one.
    """
    lines = _lines(text)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    mark = filled[-2] if len(filled) >= 2 else 0
    if mark > 0 and lines[mark].strip() == FOOTER_MARK and not lines[mark - 1].strip():
        return "\n".join(lines[:mark]), lines[filled[-1]].strip()
    return text, None


def _lines(text: str) -> list[str]:
    """The lines of a text as the format defines them: CR, LF and CRLF each end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _numbered(base: str, existing: Iterable[Section]) -> str:
    count = sum(1 for s in existing if s.label.startswith(base))
    return f"{base} {count + 1}"
