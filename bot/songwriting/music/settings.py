"""A member's musical choices for a sketch, checked once when they are made.

Every field is optional: what the member leaves out, the genre profile and the mood decide (a genre's tempo
range, metres and progressions; a mood's key and mode). What the member gives always wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.songwriting.music.genres import GenreProfile, find_genre
from bot.songwriting.music.harmony import parse_key
from bot.songwriting.music.melody import Meter
from bot.songwriting.music.voices import RANGES, VoiceRange, parse_voice

TEMPO_RANGE = (40, 240)
TEXT_MAX = 60
_GRID = Fraction(1, 2)  # the composer's placement grid: a metre's bar must hold whole eighths


class SettingsError(ValueError):
    """A musical setting the composer cannot use; the message tells the member what to write instead."""


@dataclass(frozen=True, slots=True)
class MusicSettings:
    """Key (``"A minor"``, ``"F#"``), mode, tempo in bpm, metre (``"6/8"``), mood and genre (free text), and the
    singer's voice (soprano, alto, tenor, baritone: the register, and the key when none is given).

    Construction raises SettingsError for a key, mode, metre or tempo the composer cannot use, so a value of
    this type is always composable.
    """

    key: str | None = None
    mode: str | None = None
    tempo: int | None = None
    meter: str | None = None
    mood: str | None = None
    genre: str | None = None
    voice: str | None = None

    def __post_init__(self) -> None:
        if self.voice is not None:
            try:
                parse_voice(self.voice)
            except ValueError as exc:
                raise SettingsError(str(exc)) from None
        if self.meter is not None:
            try:
                time = Meter.parse(self.meter)
            except ValueError as exc:
                raise SettingsError(str(exc)) from None
            if not (1 <= time.bar <= 8 and (time.bar / _GRID).denominator == 1):
                raise SettingsError(f"meter {time} is not supported; try 4/4, 3/4 or 6/8")
        if self.tempo is not None and not TEMPO_RANGE[0] <= self.tempo <= TEMPO_RANGE[1]:
            raise SettingsError(f"tempo must be between {TEMPO_RANGE[0]} and {TEMPO_RANGE[1]} bpm")
        if self.key or self.mode:
            try:
                parse_key(self.key or "C", self.mode)
            except ValueError as exc:
                raise SettingsError(str(exc)) from None
        for name, text in (("mood", self.mood), ("genre", self.genre)):
            if text is not None and len(text) > TEXT_MAX:
                raise SettingsError(f"the {name} is longer than {TEXT_MAX} characters")

    @property
    def voice_range(self) -> VoiceRange | None:
        """The singer's range when the member named a voice."""
        return None if self.voice is None else RANGES[parse_voice(self.voice)]

    @property
    def profile(self) -> GenreProfile | None:
        """The genre profile nearest the member's genre text, if it names one."""
        return find_genre(self.genre)
