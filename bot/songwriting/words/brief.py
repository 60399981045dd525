"""What a member asks the writers for: the brief behind every AI draft."""

from __future__ import annotations

from dataclasses import dataclass

from bot.songwriting.words.text import UnsafeTextError, member_text

THEME_MAX = 200
SECTION_MIN_LINES = 4

FORMS: dict[str, tuple[str, ...]] = {
    "verse-chorus": ("Verse 1", "Chorus", "Verse 2", "Chorus"),
    "verse-chorus-bridge": ("Verse 1", "Chorus", "Verse 2", "Chorus", "Bridge", "Chorus"),
    "aaba": ("Verse 1", "Verse 2", "Bridge", "Verse 3"),
    "verse": ("Verse 1",),
    "strophic": ("Verse 1", "Verse 2", "Verse 3"),
}
"""Song forms by name, as ordered section labels. A repeated label is a repeated section (the chorus)."""


@dataclass(frozen=True, slots=True)
class Brief:
    """The member's request: theme plus optional style choices. ``seed`` makes a draft reproducible."""

    theme: str
    genre: str | None = None
    mood: str | None = None
    form: str = "verse-chorus"
    rhyme_scheme: str = "ABAB"
    syllables: int = 8
    seed: int = 0

    def __post_init__(self) -> None:
        for name, value in (("theme", self.theme), ("genre", self.genre), ("mood", self.mood)):
            try:
                member_text(value or "", f"the {name}", lines=False)
            except UnsafeTextError as exc:
                raise ValueError(f"the {name} has {exc.found} ({exc.code})") from None
        if not self.theme.strip():
            raise ValueError("the theme is empty")
        if len(self.theme) > THEME_MAX:
            raise ValueError(f"the theme is longer than {THEME_MAX} characters")
        if self.form not in FORMS:
            raise ValueError(f"unknown form {self.form!r}; choose one of {', '.join(FORMS)}")
        scheme = self.rhyme_scheme.upper()
        if not (2 <= len(scheme) <= 8 and self.rhyme_scheme.isascii() and scheme.isalpha()):
            raise ValueError("the rhyme scheme is 2–8 letters such as ABAB, AABB or XAXA")
        if not 4 <= self.syllables <= 16:
            raise ValueError("syllables per line must be between 4 and 16")

    @property
    def section_scheme(self) -> str:
        """Return the rhyme scheme of one section: the brief's scheme, repeated to at least four lines.

        "AB" becomes "ABAB" and "ABC" becomes "ABCABC": a section is never shorter than a quatrain.
        """
        scheme = self.rhyme_scheme.upper()
        return scheme * -(-SECTION_MIN_LINES // len(scheme))
