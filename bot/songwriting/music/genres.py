"""Genre profiles: what a folk song, a blues or a punk song does differently, as typed values the composer and
the arranger read.

A member's free text ("indie pop", "bluesy", "boom bap") maps to the nearest profile by name or alias, the way a
mood maps to a key and tempo; text that names no genre gets no profile (the plain lead-sheet arrangement).

Sources for the choices, by field (each profile below adds its own where it departs from these):
- tempo, in felt beats per minute (the dotted quarter in 6/8 and 12/8): the genre ranges that producers' and
  teachers' charts agree on — pop 100–130, rock 110–140, R&B 60–80 (slow jams) to ~100, hip-hop 85–115 (boom bap
  85–95), house 118–135, swing 100–160, jazz ballads 60–90 ("Genres and BPM", music.mmc.school.nz; "BPM ranges
  in different music genres", tapbpm.net). Punk's 150–200 and folk's, country's and ballads' ranges are common
  practice rather than a chart figure: punk is defined by its speed (the Ramones counted off ~170–180).
- progressions: pop's I–V–vi–IV and its rotations vi–IV–I–V and the '50s I–vi–IV–V (the "Axis" four-chord
  songs; Tagg, "Everyday Tonality II", 2014); folk's and country's three chords I–IV–V ("three chords and the
  truth", Harlan Howard; the Nashville Number System); rock's I–bVII–IV double plagal and IV–I motion (Biamonte,
  "Triadic modal and pentatonic patterns in rock music", Music Theory Spectrum 32/2, 2010; de Clercq &
  Temperley, "A corpus analysis of rock harmony", Popular Music 30/1, 2011: I, IV, V, bVII and vi dominate);
  the 12-bar blues I7–I7–I7–I7 / IV7–IV7–I7–I7 / V7–IV7–I7–I7 with dominant sevenths on every chord (Wikipedia,
  "Twelve-bar blues"); jazz's ii7–V7–Imaj7 and the I–vi–ii–V turnaround (Levine, "The Jazz Theory Book", 1995);
  punk's three power chords ("This is a chord, this is another, this is a third: now form a band", Sideburns
  fanzine, 1977); the aeolian loops i–bVI–bIII–bVII and i–bVI–bVII of hip-hop and electronic music (Tagg 2014).
- swing: the long eighth's share of the beat — 0.5 straight, 0.67 a triplet shuffle. Jazz soloists swing about
  2:1 at medium tempo and straighter as the tempo rises (Friberg & Sundström, "Swing ratios and ensemble timing
  in jazz performance", Music Perception 19/3, 2002); drum machines' "swing" of 54–62 % is hip-hop's lazy feel
  (Roger Linn on the MPC's swing settings, Attack Magazine, 2013).
- drums: the rock backbeat (snare on 2 and 4, kick on 1 and 3, eighth-note hi-hat), four-on-the-floor house
  kick with off-beat open hats, the boom-bap kick–snare with swung hats, the jazz ride "spang-a-lang" with the
  hi-hat foot on 2 and 4, the shuffle and the country train beat: the standard grooves of drum method books
  (e.g. Chester, "The New Breed", 1985; Riley, "The Art of Bop Drumming", 1994). Folk has no kit; a ballad's
  band comes in at the chorus.
- instruments: General MIDI Level 1 program numbers (MMA, 1991), zero-based, chosen from the instruments each
  genre's description lists (acoustic guitar for folk and country, overdriven and distorted guitar for rock and
  punk, organ and saxophone for soul, piano and walking bass for jazz, synth pads and leads for electronic music).
- melody: ranges and leap shares are kept inside the human band of the music-stack notes (range 8–16 semitones,
  leaps over five semitones 0–10 %); syncopation and density follow each style's delivery (rap and R&B push
  syllables off the beat and pack them closer, ballads and folk leave room, punk shouts on the beat).
- the voice: registers follow where each style's lead singers sit on record — rock, blues, country and rap
  mostly baritone-to-tenor chest voice (centred near D4–A3, written in the tenor's octave-down treble clef),
  pop and dance leads higher (G#4–A4); melisma is the runs of gospel-rooted R&B and soul singing and the held,
  decorated long notes of ballads and slow blues (a few in jazz); rap verses are spoken in sixteenth-note flow
  on the beat's subdivisions with a sung hook (Adams, "On the metrical techniques of flow in rap music", Music
  Theory Online 15/5, 2009).
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.songwriting.music.harmony import ChordColour


class Genre(StrEnum):
    """The curated genres; the value is what a melody stores."""

    FOLK = "folk"
    POP = "pop"
    ROCK = "rock"
    BLUES = "blues"
    COUNTRY = "country"
    BALLAD = "ballad"
    INDIE = "indie"
    PUNK = "punk"
    RNB = "r&b"
    HIPHOP = "hip-hop"
    ELECTRONIC = "electronic"
    JAZZ = "jazz"


class Comping(StrEnum):
    """How the chord instrument plays each bar."""

    STRUM = "strummed guitar"
    FINGERPICK = "fingerpicked guitar"
    POWER_CHORDS = "power chords"
    PIANO_BLOCK = "piano chords"
    PIANO_ARPEGGIO = "piano arpeggios"
    PIANO_COMP = "piano comping"
    PAD = "sustained pad"


class BassLine(StrEnum):
    """How the bass plays each bar."""

    ROOT = "roots"
    ROOT_FIFTH = "root-fifth"
    EIGHTHS = "driving eighths"
    WALKING = "walking"
    BOOGIE = "boogie"
    SYNCOPATED = "syncopated"


class Groove(StrEnum):
    """The drum pattern on General MIDI channel 10 (NONE: no kit)."""

    NONE = "none"
    BACKBEAT = "backbeat"
    DRIVING = "driving backbeat"
    SHUFFLE = "shuffle"
    TRAIN = "train beat"
    SWING_RIDE = "swing ride"
    BOOM_BAP = "boom bap"
    FOUR_ON_THE_FLOOR = "four on the floor"
    SOUL = "soul groove"
    CHORUS_ONLY = "backbeat in the choruses"


Loop = tuple[int, ...]
"""Chords as scale degrees (0 = tonic), one per bar, laid over a section again and again."""


@dataclass(frozen=True, slots=True)
class SectionLoops:
    """The progression families a genre draws from, by section kind."""

    verse: tuple[Loop, ...]
    chorus: tuple[Loop, ...]
    bridge: tuple[Loop, ...]

    def for_kind(self, kind: str) -> tuple[Loop, ...]:
        return {"chorus": self.chorus, "bridge": self.bridge}.get(kind, self.verse)


@dataclass(frozen=True, slots=True)
class HarmonyStyle:
    """A genre's chords: loops for major-like and minor-like keys, their colour, and how sections cadence.

    ``form`` loops (the 12-bar blues) carry their own cadence, so the composer lays them whole and never
    overwrites their last bars with V–I; ``predominant`` is the degree that prepares the dominant at a cadence.
    """

    major: SectionLoops
    minor: SectionLoops
    colour: ChordColour = ChordColour.TRIAD
    form: bool = False
    predominant: int = 3


@dataclass(frozen=True, slots=True)
class Feel:
    """Timing: ``swing`` is the long eighth's share of the beat (0.5 straight); ``anticipation`` is how often
    the band pushes a chord change an eighth early."""

    swing: float = 0.5
    anticipation: float = 0.0


@dataclass(frozen=True, slots=True)
class Instruments:
    """General MIDI programs (zero-based) for the parts; ``pad`` None means no pad part."""

    melody: int
    chords: int
    bass: int
    pad: int | None = None


@dataclass(frozen=True, slots=True)
class MelodyCharacter:
    """How the tune moves.

    ``window``: scale degrees the melody may span (9 is a ninth, about 14 semitones); ``leaps``: the share of
    notes a leap over five semitones may land on (each resolved by a step back); ``syncopation``: the chance a
    line pushes one stressed syllable an eighth early; ``density``: the share of a line's eighth-note slots its
    syllables may fill before it is given more bars (higher: busier lines, as in rap).

    How the voice sings it (``vocal_style``): ``centre`` is the MIDI pitch the tune's register centres on (66,
    F#4, a middle for any voice; lower where the genre's singers sit lower); ``melisma`` the chance a long syllable
    is sung on two to four notes (R&B and gospel runs); ``flow`` raps the verses in a sixteenth-note speech rhythm
    with the chorus sung.
    """

    window: int = 9
    leaps: float = 0.04
    syncopation: float = 0.25
    density: float = 0.7
    centre: int = 66
    melisma: float = 0.0
    flow: bool = False


@dataclass(frozen=True, slots=True)
class GenreProfile:
    """Everything a genre shapes. ``tempo`` is in felt beats per minute; ``meters`` and ``modes`` repeat an entry
    to weight it; ``tonics`` are the keys its instruments favour (open-string keys for guitars, flat keys for
    horns), used when the member gives none."""

    genre: Genre
    label: str
    aliases: tuple[str, ...]
    tempo: tuple[int, int]
    meters: tuple[str, ...]
    modes: tuple[str, ...]
    tonics: tuple[str, ...]
    harmony: HarmonyStyle
    feel: Feel
    comping: Comping
    bass: BassLine
    drums: Groove
    instruments: Instruments
    melody: MelodyCharacter


_POP_MAJOR = SectionLoops(
    verse=((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (0, 3, 5, 4)),
    chorus=((3, 0, 4, 5), (0, 4, 5, 3), (5, 3, 0, 4), (3, 4, 0, 0)),
    bridge=((5, 3, 0, 4), (1, 4, 0, 5), (3, 4, 5, 5)),
)
_AEOLIAN = SectionLoops(  # i–bVI–bIII–bVII, i–bVI–bVII, i–iv–bVI–bVII
    verse=((0, 5, 2, 6), (0, 5, 6, 0), (0, 3, 5, 6)),
    chorus=((5, 2, 6, 0), (5, 6, 0, 0), (3, 5, 6, 0)),
    bridge=((3, 6, 2, 5), (5, 6, 3, 4)),
)
_THREE_CHORDS = SectionLoops(  # I–IV–V and its orderings
    verse=((0, 3, 0, 4), (0, 0, 3, 4), (0, 3, 4, 0), (0, 4, 3, 0)),
    chorus=((3, 0, 4, 0), (3, 3, 0, 4), (0, 3, 4, 4)),
    bridge=((3, 4, 0, 5), (5, 3, 4, 4)),
)
_MINOR_THREE_CHORDS = SectionLoops(
    verse=((0, 3, 0, 4), (0, 6, 3, 0), (0, 5, 6, 0)),
    chorus=((5, 6, 0, 0), (3, 0, 4, 0), (2, 6, 0, 4)),
    bridge=((3, 4, 0, 0), (5, 6, 3, 4)),
)
_TWELVE_BAR = SectionLoops(  # the 12-bar blues; the chorus takes the quick change to IV in bar 2
    verse=((0, 0, 0, 0, 3, 3, 0, 0, 4, 3, 0, 0),),
    chorus=((0, 3, 0, 0, 3, 3, 0, 0, 4, 3, 0, 0),),
    bridge=((3, 3, 0, 0, 3, 3, 0, 0, 4, 3, 0, 0),),
)
_TWO_FIVE_ONE = SectionLoops(  # ii–V–I, I–vi–ii–V, iii–vi–ii–V
    verse=((1, 4, 0, 0), (0, 5, 1, 4), (2, 5, 1, 4)),
    chorus=((3, 6, 2, 5), (1, 4, 0, 5), (0, 5, 1, 4)),
    bridge=((3, 3, 2, 5), (1, 4, 2, 5)),
)
_MINOR_TWO_FIVE_ONE = SectionLoops(  # iiø–V–i, i–iv–iiø–V
    verse=((1, 4, 0, 0), (0, 3, 1, 4)),
    chorus=((5, 1, 4, 0), (3, 6, 2, 5)),
    bridge=((3, 3, 1, 4), (5, 5, 1, 4)),
)
_SOUL = SectionLoops(  # Imaj7–IVmaj7 vamps, I–iii–IV, IV–iii–ii–I
    verse=((0, 3, 0, 3), (0, 2, 3, 4), (0, 5, 1, 4)),
    chorus=((3, 2, 1, 0), (3, 4, 2, 5), (1, 4, 0, 5)),
    bridge=((3, 2, 1, 4), (5, 1, 3, 4)),
)
_ROCK = SectionLoops(  # I–IV–V, I–bVII–IV–I (in mixolydian), vi–IV–I–V, IV–I–V
    verse=((0, 3, 4, 3), (0, 6, 3, 0), (0, 4, 3, 3), (5, 3, 0, 4)),
    chorus=((3, 0, 4, 4), (0, 6, 3, 0), (3, 4, 0, 0), (0, 4, 5, 3)),
    bridge=((5, 3, 4, 4), (3, 4, 5, 5)),
)
_INDIE = SectionLoops(  # IV–I motion, I–iii–IV, vi–IV–I–V
    verse=((0, 2, 3, 3), (3, 0, 4, 5), (0, 3, 5, 3)),
    chorus=((3, 0, 4, 5), (5, 3, 0, 4), (3, 5, 0, 4)),
    bridge=((1, 3, 5, 4), (5, 4, 3, 3)),
)
_BALLAD = SectionLoops(  # I–vi–IV–V, I–iii–IV–V, vi–IV–I–V
    verse=((0, 5, 3, 4), (0, 2, 3, 4), (0, 4, 5, 3)),
    chorus=((3, 4, 2, 5), (5, 3, 0, 4), (3, 0, 1, 4)),
    bridge=((1, 4, 2, 5), (3, 4, 5, 5)),
)
_GUITAR_KEYS = ("E", "A", "D", "G", "C")
_HORN_KEYS = ("F", "Bb", "Eb", "C", "Ab")

PROFILES: tuple[GenreProfile, ...] = (
    GenreProfile(
        Genre.FOLK,
        "folk",
        ("folk", "acoustic", "singer songwriter", "americana", "celtic", "traditional", "shanty", "campfire"),
        tempo=(80, 116),
        meters=("4/4", "4/4", "3/4", "6/8"),  # waltzes and jigs are folk's other metres
        modes=("major", "major", "minor", "dorian", "mixolydian"),
        tonics=("G", "D", "A", "C", "E"),
        harmony=HarmonyStyle(_THREE_CHORDS, _MINOR_THREE_CHORDS),
        feel=Feel(),
        comping=Comping.FINGERPICK,
        bass=BassLine.ROOT_FIFTH,
        drums=Groove.NONE,
        instruments=Instruments(melody=73, chords=25, bass=32),  # flute, steel-string guitar, acoustic bass
        melody=MelodyCharacter(window=9, leaps=0.03, syncopation=0.15, density=0.65, centre=64),
    ),
    GenreProfile(
        Genre.POP,
        "pop",
        ("pop", "mainstream", "top 40", "dance pop", "k pop", "j pop", "bubblegum", "teen pop"),
        tempo=(100, 128),
        meters=("4/4",),
        modes=("major", "major", "minor"),
        tonics=("C", "G", "D", "A", "F", "E"),
        harmony=HarmonyStyle(_POP_MAJOR, _AEOLIAN),
        feel=Feel(anticipation=0.3),
        comping=Comping.PIANO_BLOCK,
        bass=BassLine.SYNCOPATED,
        drums=Groove.BACKBEAT,
        instruments=Instruments(melody=80, chords=0, bass=33, pad=89),  # square lead, piano, finger bass, warm pad
        melody=MelodyCharacter(window=9, leaps=0.05, syncopation=0.35, density=0.7, centre=68),
    ),
    GenreProfile(
        Genre.ROCK,
        "rock",
        ("rock", "alt rock", "alternative", "grunge", "hard rock", "classic rock", "garage", "rock and roll", "metal"),
        tempo=(110, 140),
        meters=("4/4",),
        modes=("major", "mixolydian", "minor"),
        tonics=_GUITAR_KEYS,
        harmony=HarmonyStyle(_ROCK, _AEOLIAN),
        feel=Feel(anticipation=0.25),
        comping=Comping.STRUM,
        bass=BassLine.EIGHTHS,
        drums=Groove.BACKBEAT,
        # a distortion-guitar lead over the overdriven rhythm guitar (one program for both buried the tune), bass
        instruments=Instruments(melody=30, chords=29, bass=34),
        melody=MelodyCharacter(window=9, leaps=0.05, syncopation=0.25, density=0.7, centre=62),
    ),
    GenreProfile(
        Genre.BLUES,
        "blues",
        ("blues", "delta", "chicago blues", "shuffle", "12 bar", "twelve bar", "blues rock"),
        tempo=(72, 116),
        meters=("4/4", "4/4", "12/8"),  # a shuffle in 4/4, or a slow blues in 12/8
        modes=("major", "major", "minor"),
        tonics=("E", "A", "G", "C", "Bb"),
        harmony=HarmonyStyle(_TWELVE_BAR, _TWELVE_BAR, colour=ChordColour.BLUES, form=True),
        feel=Feel(swing=0.67),
        comping=Comping.PIANO_COMP,
        bass=BassLine.BOOGIE,
        drums=Groove.SHUFFLE,
        instruments=Instruments(melody=22, chords=0, bass=32),  # harmonica, piano, acoustic bass
        melody=MelodyCharacter(window=9, leaps=0.05, syncopation=0.3, density=0.65, centre=60, melisma=0.15),
    ),
    GenreProfile(
        Genre.COUNTRY,
        "country",
        ("country", "bluegrass", "honky tonk", "western", "nashville", "cowboy", "outlaw"),
        tempo=(88, 128),
        meters=("4/4", "4/4", "3/4"),  # the country waltz
        modes=("major",),
        tonics=("G", "D", "A", "E", "C"),
        harmony=HarmonyStyle(_THREE_CHORDS, _MINOR_THREE_CHORDS),
        feel=Feel(anticipation=0.1),
        comping=Comping.STRUM,
        bass=BassLine.ROOT_FIFTH,
        drums=Groove.TRAIN,
        instruments=Instruments(melody=40, chords=25, bass=32),  # fiddle, steel-string guitar, acoustic bass
        melody=MelodyCharacter(window=9, leaps=0.04, syncopation=0.2, density=0.7, centre=63),
    ),
    GenreProfile(
        Genre.BALLAD,
        "ballad",
        ("ballad", "power ballad", "torch song", "piano ballad", "love song", "slow song"),
        tempo=(60, 80),
        meters=("4/4", "4/4", "6/8", "3/4"),
        modes=("major", "major", "minor"),
        tonics=("C", "F", "G", "D", "Eb", "Bb"),
        harmony=HarmonyStyle(_BALLAD, _MINOR_THREE_CHORDS),
        feel=Feel(),
        comping=Comping.PIANO_ARPEGGIO,
        bass=BassLine.ROOT,
        drums=Groove.CHORUS_ONLY,
        instruments=Instruments(melody=71, chords=0, bass=32, pad=48),  # clarinet, piano, bass, strings
        melody=MelodyCharacter(window=10, leaps=0.06, syncopation=0.15, density=0.55, centre=66, melisma=0.3),
    ),
    GenreProfile(
        Genre.INDIE,
        "indie",
        ("indie", "indie pop", "indie rock", "dream pop", "shoegaze", "bedroom pop", "lo fi", "lofi", "britpop"),
        tempo=(96, 132),
        meters=("4/4", "4/4", "3/4", "6/8"),
        modes=("major", "major", "minor", "mixolydian", "dorian"),
        tonics=_GUITAR_KEYS,
        harmony=HarmonyStyle(_INDIE, _AEOLIAN),
        feel=Feel(anticipation=0.2),
        comping=Comping.STRUM,
        bass=BassLine.ROOT,
        drums=Groove.BACKBEAT,
        instruments=Instruments(melody=11, chords=27, bass=33, pad=88),  # vibraphone, clean guitar, bass, pad
        melody=MelodyCharacter(window=9, leaps=0.05, syncopation=0.3, density=0.7, centre=65),
    ),
    GenreProfile(
        Genre.PUNK,
        "punk",
        ("punk", "pop punk", "hardcore", "skate punk", "riot grrrl"),
        tempo=(150, 200),
        meters=("4/4",),
        modes=("major", "major", "minor"),
        tonics=("E", "A", "D", "G", "C"),
        harmony=HarmonyStyle(_THREE_CHORDS, _AEOLIAN, colour=ChordColour.POWER),
        feel=Feel(),
        comping=Comping.POWER_CHORDS,
        bass=BassLine.EIGHTHS,
        drums=Groove.DRIVING,
        instruments=Instruments(melody=29, chords=30, bass=34),  # overdriven lead, distortion guitar, picked bass
        melody=MelodyCharacter(window=8, leaps=0.03, syncopation=0.05, density=0.75, centre=64),
    ),
    GenreProfile(
        Genre.RNB,
        "R&B/soul",
        ("r&b", "rnb", "r and b", "rhythm and blues", "soul", "neo soul", "motown", "funk", "gospel", "slow jam"),
        tempo=(64, 100),
        meters=("4/4", "4/4", "4/4", "12/8"),  # the 12/8 soul ballad
        modes=("major", "minor", "dorian"),
        tonics=_HORN_KEYS,
        harmony=HarmonyStyle(_SOUL, _AEOLIAN, colour=ChordColour.SEVENTH, predominant=1),
        feel=Feel(swing=0.56, anticipation=0.4),
        comping=Comping.PIANO_COMP,
        bass=BassLine.SYNCOPATED,
        drums=Groove.SOUL,
        instruments=Instruments(melody=65, chords=4, bass=33, pad=16),  # alto sax, electric piano, bass, organ
        melody=MelodyCharacter(window=10, leaps=0.06, syncopation=0.45, density=0.7, centre=67, melisma=0.6),
    ),
    GenreProfile(
        Genre.HIPHOP,
        "hip-hop",
        ("hip hop", "hiphop", "rap", "trap", "boom bap", "drill", "grime"),
        tempo=(84, 100),
        meters=("4/4",),
        modes=("minor", "minor", "dorian"),
        tonics=("A", "C", "D", "E", "F", "G"),
        harmony=HarmonyStyle(_POP_MAJOR, _AEOLIAN, colour=ChordColour.SEVENTH),
        feel=Feel(swing=0.58, anticipation=0.2),
        comping=Comping.PAD,
        bass=BassLine.SYNCOPATED,
        drums=Groove.BOOM_BAP,
        instruments=Instruments(melody=11, chords=4, bass=38, pad=89),  # vibraphone, e-piano, synth bass, pad
        melody=MelodyCharacter(window=8, leaps=0.03, syncopation=0.5, density=0.85, centre=58, flow=True),
    ),
    GenreProfile(
        Genre.ELECTRONIC,
        "electronic",
        (
            "electronic",
            "edm",
            "house",
            "techno",
            "synth",
            "synthwave",
            "synth pop",
            "trance",
            "dance",
            "disco",
            "electro",
            "dubstep",
        ),
        tempo=(118, 130),
        meters=("4/4",),
        modes=("minor", "minor", "major"),
        tonics=("A", "C", "D", "E", "F", "G"),
        harmony=HarmonyStyle(_POP_MAJOR, _AEOLIAN),
        feel=Feel(anticipation=0.3),
        comping=Comping.PAD,
        bass=BassLine.SYNCOPATED,
        drums=Groove.FOUR_ON_THE_FLOOR,
        instruments=Instruments(melody=81, chords=90, bass=38, pad=90),  # saw lead, polysynth, synth bass
        melody=MelodyCharacter(window=9, leaps=0.04, syncopation=0.35, density=0.7, centre=69),
    ),
    GenreProfile(
        Genre.JAZZ,
        "jazz",
        ("jazz", "swing", "bebop", "big band", "lounge", "standard", "crooner", "bossa"),
        tempo=(100, 160),
        meters=("4/4", "4/4", "4/4", "3/4"),  # the jazz waltz
        modes=("major", "major", "minor"),
        tonics=_HORN_KEYS,
        harmony=HarmonyStyle(_TWO_FIVE_ONE, _MINOR_TWO_FIVE_ONE, colour=ChordColour.SEVENTH, predominant=1),
        feel=Feel(swing=0.64, anticipation=0.35),
        comping=Comping.PIANO_COMP,
        bass=BassLine.WALKING,
        drums=Groove.SWING_RIDE,
        instruments=Instruments(melody=65, chords=0, bass=32),  # alto sax, piano, acoustic bass
        melody=MelodyCharacter(window=10, leaps=0.07, syncopation=0.4, density=0.65, centre=64, melisma=0.1),
    ),
)
"""The curated profiles, one per Genre."""

_BY_GENRE = {profile.genre: profile for profile in PROFILES}
_WORDS = re.compile(r"[^a-z0-9&]+")


def profile(genre: Genre) -> GenreProfile:
    """Return the profile of a genre."""
    return _BY_GENRE[genre]


def find_genre(text: str | None) -> GenreProfile | None:
    """Map free text to the nearest profile: the longest alias found at a word start, else a close spelling.

    "indie pop" is indie (the longer alias wins over "pop"), "bluesy" is blues, "hiphop" and "hip-hop" are hip-hop,
    "rythm and blues" is R&B/soul; text that names no genre ("purple") has none.
    """
    normal = " " + " ".join(_WORDS.sub(" ", (text or "").lower()).split()) + " "
    if not normal.strip():
        return None
    best: tuple[int, int, GenreProfile] | None = None
    for candidate in PROFILES:
        for alias in candidate.aliases:
            at = normal.find(" " + alias)
            if at >= 0 and (best is None or (len(alias), -at) > best[:2]):
                best = (len(alias), -at, candidate)
    if best is not None:
        return best[2]
    aliases = {alias: candidate for candidate in PROFILES for alias in candidate.aliases}
    words = normal.split()
    phrases = [*words, *(" ".join(pair) for pair in itertools.pairwise(words))]
    for phrase in phrases:
        close = difflib.get_close_matches(phrase, aliases, n=1, cutoff=0.75)
        if close:
            return aliases[close[0]]
    return None
