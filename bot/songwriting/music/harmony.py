"""Keys, modes, chord symbols and progressions: the harmonic frame a melody is written against.

Spelling is done here by hand (letters walk up the scale) rather than through music21, so composing a
melody needs no heavy import; music21 only enters when a score is written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
}
"""Scale steps above the tonic, in semitones, for each supported mode."""

_MODE_ALIASES = {"maj": "major", "ionian": "major", "min": "minor", "m": "minor", "aeolian": "minor"}
_LETTERS = "CDEFGAB"
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"": 0, "#": 1, "##": 2, "b": -1, "bb": -2}
_KEY_TEXT = re.compile(r"^\s*([A-Ga-g])\s*(##|#|bb|b|♯|♭)?\s*(m(?![a-z])|[A-Za-z]+)?\s*$")
_CHORD = re.compile(r"^([A-G])(##|#|bb|b|-)?(.*)$")
_CHORD_QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7),
    "m": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "7": (0, 4, 7, 10),
    "m7": (0, 3, 7, 10),
    "maj7": (0, 4, 7, 11),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "6": (0, 4, 7, 9),
    "m6": (0, 3, 7, 9),
    "5": (0, 7),
    "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
}


class ChordColour(StrEnum):
    """How a style spells its diatonic chords: plain triads, sevenths (jazz, soul), the blues' dominant sevenths
    on every major chord, or the root-and-fifth power chords of punk."""

    TRIAD = "triad"
    SEVENTH = "seventh"
    BLUES = "blues"
    POWER = "power"


def pitch_class(name: str) -> int:
    """Return the pitch class (0–11) of a note name such as ``"F#"`` or ``"Bb"``."""
    return (_NATURAL[name[0].upper()] + _ACCIDENTALS[name[1:]]) % 12


@dataclass(frozen=True, slots=True)
class Key:
    """A tonic and a mode, e.g. ``Key("A", "minor")``; note names follow the key's own spelling."""

    tonic: str
    mode: str

    @property
    def tonic_pc(self) -> int:
        return pitch_class(self.tonic)

    @property
    def scale(self) -> tuple[int, ...]:
        """The seven pitch classes of the key, tonic first."""
        return tuple((self.tonic_pc + step) % 12 for step in MODES[self.mode])

    @property
    def names(self) -> tuple[str, ...]:
        """The seven note names of the key, one per letter, tonic first."""
        start = _LETTERS.index(self.tonic[0])
        names = []
        for degree, pc in enumerate(self.scale):
            letter = _LETTERS[(start + degree) % 7]
            offset = (pc - _NATURAL[letter] + 6) % 12 - 6
            names.append(letter + {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}[offset])
        return tuple(names)

    @property
    def sharps(self) -> int:
        """The key signature: sharps as a positive count, flats as a negative one."""
        return sum(name.count("#") - name.count("b") for name in self.names)

    def contains(self, pc: int) -> bool:
        return pc % 12 in self.scale

    def spell(self, pc: int) -> str:
        """Name a pitch class as this key would write it (chromatic notes: sharp in sharp keys, else flat)."""
        pc %= 12
        if pc in self.scale:
            return self.names[self.scale.index(pc)]
        below = (pc - 1) % 12
        if below in self.scale and (self.sharps >= 0 or below == self.scale[6]):
            return _alter(self.names[self.scale.index(below)], 1)
        above = (pc + 1) % 12
        if above in self.scale:
            return _alter(self.names[self.scale.index(above)], -1)
        return _alter(self.names[self.scale.index(below)], 1)

    def chord(self, degree: int, colour: ChordColour = ChordColour.TRIAD) -> str:
        """Return the diatonic chord on a scale degree (0 = tonic) as a symbol: a triad unless ``colour`` says."""
        root = self.scale[degree % 7]
        third = (self.scale[(degree + 2) % 7] - root) % 12
        fifth = (self.scale[(degree + 4) % 7] - root) % 12
        quality = {(4, 7): "", (3, 7): "m", (3, 6): "dim", (4, 8): "aug"}[(third, fifth)]
        seventh = (self.scale[(degree + 6) % 7] - root) % 12
        if colour is ChordColour.BLUES and degree % 7 == 4 and quality == "m":
            quality = ""  # a minor blues still turns on a dominant V7 (Gm7–Cm7–D7), never the modal Dm7
        return _coloured(self.names[degree % 7], quality, seventh, colour)

    def dominant(self, colour: ChordColour = ChordColour.TRIAD) -> str:
        """Return the chord that leads home: major V in major and minor, the diatonic one in other modes.

        Coloured with sevenths (or the blues'), a major dominant is always a dominant seventh.
        """
        if self.mode == "minor":
            return _coloured(self.names[4], "", 10, colour)
        if self.mode in ("dorian", "mixolydian", "phrygian"):
            return self.chord(6, colour)
        return self.chord(4, colour)

    def predominant(self, colour: ChordColour = ChordColour.TRIAD, degree: int | None = None) -> str:
        """Return the chord that prepares the dominant: IV (iv), or the bII/II that colours Phrygian and Lydian.

        A style may name its own ``degree`` (jazz prepares V with ii).
        """
        if degree is None or self.mode in ("phrygian", "lydian"):
            degree = 1 if self.mode in ("phrygian", "lydian") else 3
        return self.chord(degree, colour)

    def __str__(self) -> str:
        return f"{self.tonic} {self.mode}"


def _coloured(name: str, quality: str, seventh: int, colour: ChordColour) -> str:
    """Spell a triad (root name, quality) in a colour; ``seventh`` is the diatonic seventh above the root."""
    if colour is ChordColour.POWER:
        return name + "5"
    if colour is ChordColour.BLUES:
        return name + {"": "7", "m": "m7", "dim": "m7b5"}.get(quality, quality)
    if colour is ChordColour.SEVENTH:
        sevenths = {("", 11): "maj7", ("", 10): "7", ("m", 10): "m7", ("m", 11): "m7", ("dim", 10): "m7b5"}
        return name + sevenths.get((quality, seventh), {"dim": "dim7"}.get(quality, quality))
    return name + quality


def _alter(name: str, step: int) -> str:
    value = _ACCIDENTALS[name[1:]] + step
    return name[0] + {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}[value]


def parse_key(text: str, mode: str | None = None) -> Key:
    """Parse ``"A minor"``, ``"F#"``, ``"Bbm"`` or ``"d dorian"``; raise ValueError with a readable reason."""
    match = _KEY_TEXT.match(text.replace("♯", "#").replace("♭", "b"))
    if not match:
        raise ValueError(f"unknown key {text!r}; write it like 'A minor', 'F# major' or 'Bb'")
    letter, accidental, mode_text = match.groups()
    tonic = letter.upper() + (accidental or "")
    chosen = (mode_text or mode or "major").lower() if mode_text != "m" else "minor"
    chosen = _MODE_ALIASES.get(chosen, chosen)
    if chosen not in MODES:
        raise ValueError(f"unknown mode {chosen!r}; choose one of {', '.join(MODES)}")
    key = Key(tonic, chosen)
    if abs(key.sharps) > 7 or "##" in "".join(key.names) or "bb" in "".join(key.names):
        key = Key(_enharmonic(tonic), chosen)
    return key


def _enharmonic(tonic: str) -> str:
    pc = pitch_class(tonic)
    return {1: "Db", 3: "Eb", 6: "F#", 8: "Ab", 10: "Bb", 0: "C", 4: "E", 5: "F", 11: "B"}.get(pc, tonic)


def chord_pitch_classes(symbol: str) -> frozenset[int]:
    """Return the pitch classes of a chord symbol; unknown suffixes fall back to a major or minor triad."""
    match = _CHORD.match(symbol.strip())
    if not match:
        return frozenset()
    letter, accidental, rest = match.groups()
    root = (_NATURAL[letter] + _ACCIDENTALS.get((accidental or "").replace("-", "b"), 0)) % 12
    rest = rest.split("/")[0]
    quality = _CHORD_QUALITIES.get(rest)
    if quality is None:
        minor = rest.startswith(("m", "min")) and not rest.startswith("maj")
        quality = _CHORD_QUALITIES["m" if minor else ""]
    return frozenset((root + step) % 12 for step in quality)


def chord_root(symbol: str) -> int | None:
    """Return the pitch class of a chord symbol's root, or None when it is not a chord symbol."""
    match = _CHORD.match(symbol.strip())
    if not match:
        return None
    return pitch_class(match.group(1) + (match.group(2) or "").replace("-", "b"))


# Progressions as scale degrees (0 = tonic), one chord per bar, looped over a section.
_PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 4, 0), (0, 3, 5, 4), (0, 3, 0, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 6, 2), (0, 5, 3, 4), (0, 6, 5, 6), (0, 3, 0, 4)),
    "dorian": ((0, 3, 0, 6), (0, 6, 3, 0), (0, 2, 3, 6)),
    "mixolydian": ((0, 6, 3, 0), (0, 3, 6, 3), (0, 4, 6, 3)),
    "phrygian": ((0, 1, 0, 6), (0, 1, 2, 1)),
    "lydian": ((0, 1, 0, 4), (0, 1, 5, 4)),
}
_CHORUS_PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((3, 0, 4, 5), (5, 3, 0, 4), (3, 4, 0, 5), (0, 4, 5, 3)),
    "minor": ((5, 2, 6, 0), (5, 6, 0, 0), (3, 6, 2, 5), (5, 3, 0, 6)),
}
_BRIDGE_PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((3, 4, 5, 5), (5, 3, 4, 4), (1, 4, 0, 5)),
    "minor": ((3, 2, 6, 4), (5, 6, 3, 4), (2, 6, 5, 4)),
}


def section_kind(label: str) -> str:
    """Classify a section label as ``verse``, ``chorus`` or ``bridge`` (the only kinds harmony tells apart)."""
    lowered = label.lower()
    if any(word in lowered for word in ("chorus", "refrain", "hook")):
        return "chorus"
    if any(word in lowered for word in ("bridge", "middle", "pre-chorus", "prechorus")):
        return "bridge"
    return "verse"


def progression(
    key: Key, kind: str, rng: random.Random, loops: Sequence[tuple[int, ...]] | None = None
) -> tuple[int, ...]:
    """Pick a chord loop (scale degrees) that suits the key's mode and the section kind.

    A genre passes its own ``loops`` for the kind; without them the mode's four-chord loops are used.
    """
    table = {"chorus": _CHORUS_PROGRESSIONS, "bridge": _BRIDGE_PROGRESSIONS}.get(kind, _PROGRESSIONS)
    options = loops or table.get(key.mode) or _PROGRESSIONS.get(key.mode) or _PROGRESSIONS["major"]
    return tuple(options[rng.randrange(len(options))])


_MOODS: tuple[tuple[tuple[str, ...], str, tuple[int, int]], ...] = (
    (
        ("happy", "joy", "upbeat", "bright", "cheer", "playful", "fun", "sunny", "celebrat", "excit"),
        "major",
        (112, 132),
    ),
    (("energetic", "driving", "party", "dance", "wild", "rock"), "mixolydian", (120, 140)),
    (("sad", "melanchol", "grief", "lonely", "heartbreak", "sorrow", "mourn", "blue"), "minor", (66, 82)),
    (("wistful", "bittersweet", "longing", "yearning"), "minor", (76, 92)),
    (("dark", "brooding", "haunt", "eerie", "ominous"), "minor", (84, 100)),
    (("angry", "fierce", "rage", "aggress", "tense", "urgent"), "minor", (116, 138)),
    (("mysterious", "cool", "smoky", "defiant", "gritty"), "dorian", (88, 104)),
    (("dream", "ethereal", "floating", "magic", "wonder"), "lydian", (76, 92)),
    (("nostalg", "warm", "tender", "gentle", "sweet"), "major", (80, 96)),
    (("calm", "peace", "serene", "lullaby", "quiet", "soft"), "major", (66, 80)),
    (("romantic", "love", "intimate"), "major", (72, 88)),
    (("hope", "uplift", "inspir", "triumph", "anthem", "epic", "proud"), "major", (96, 116)),
)
_SINGABLE_TONICS = {
    "major": ("C", "D", "E", "F", "G", "A", "Bb", "Eb"),
    "minor": ("A", "E", "D", "B", "G", "C", "F#"),
}


def mood_profile(mood: str | None) -> tuple[str, tuple[int, int]] | None:
    """Return the mode and tempo range a free-text mood names, or None when it names none."""
    lowered = (mood or "").lower()
    for stems, mood_mode, tempo_range in _MOODS:
        if any(stem in lowered for stem in stems):
            return mood_mode, tempo_range
    return None


def mood_settings(mood: str | None, rng: random.Random) -> tuple[Key, int]:
    """Choose a key and a tempo that fit a free-text mood (unknown moods get a neutral major)."""
    mode, (slowest, fastest) = mood_profile(mood) or ("major", (92, 112))
    tonics = _SINGABLE_TONICS.get(mode, ("D", "E", "G", "A", "C"))
    tempo = rng.randrange(slowest, fastest + 1, 2)
    return Key(tonics[rng.randrange(len(tonics))], mode), tempo
