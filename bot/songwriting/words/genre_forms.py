"""Each genre's own lyric forms: what its verses and choruses do, for the offline writer, the LLM prompt and the floor.

One table, read by all three, so the model is asked for the very forms the offline writer writes and the quality
floor checks: the blues' AAB verse (a line, the line again, the answer), hip-hop's longer verse bars with an
internal rhyme under a sung hook, punk's short shouted chorus, the narrative verses of ballads, country and folk.
The brief's syllable target is the sung line; a form scales it per section (a rap bar is half as long again).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.songwriting.music.genres import Genre, find_genre
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.rhyme import FREE, end_word, expand_scheme
from bot.songwriting.words.theme import singular

SYLLABLES_MAX = 16


@dataclass(frozen=True, slots=True)
class LyricForm:
    """How one genre's lyrics are shaped; ``tags`` pick its own line templates (``@blues``, ``@story``)."""

    genre: Genre | None
    tags: tuple[str, ...] = ()
    aab_verses: bool = False
    """Every verse opens with a line sung twice, then the answer (the 12-bar blues stanza)."""
    verse_scale: float = 1.0
    """Verse lines have this many times the brief's syllables (rap bars are longer than sung lines)."""
    internal_rhyme: bool = False
    """Verse lines rhyme inside the bar as well as at its end."""
    chorus_cut: int = 0
    """Chorus lines are this many syllables shorter than the brief's (a shouted punk chorus)."""
    shouted_chorus: bool = False
    story: bool = False
    """Verses tell a story about people: verse 1 sets the scene in the past, verse 2 moves it on."""
    instruction: str = ""
    """What the LLM prompt asks for, in the model's terms."""

    def syllables(self, label: str, target: int) -> int:
        """The syllable target of one section's lines, from the brief's target."""
        if label.startswith("Verse") and self.verse_scale != 1.0:
            return min(SYLLABLES_MAX, round(target * self.verse_scale))
        if label == "Chorus" and self.chorus_cut:
            return max(4, target - self.chorus_cut)
        return target


_STORY = "Verses tell a story with people in it: verse 1 sets the scene in the past tense, verse 2 moves it on."
FORMS: dict[Genre, LyricForm] = {
    Genre.BLUES: LyricForm(
        Genre.BLUES,
        ("blues",),
        aab_verses=True,
        instruction="Every verse is an AAB blues stanza: the first line, the same line sung again, then the answer.",
    ),
    Genre.HIPHOP: LyricForm(
        Genre.HIPHOP,
        ("hiphop",),
        verse_scale=1.5,
        internal_rhyme=True,
        instruction="Verses are rap bars half as long again as the syllable target, each with an internal rhyme "
        "before its end rhyme; the chorus is a sung hook at the syllable target.",
    ),
    Genre.PUNK: LyricForm(
        Genre.PUNK,
        ("punk",),
        chorus_cut=2,
        shouted_chorus=True,
        instruction="The chorus is short and shouted: two syllables under the target, the hook sung twice, "
        "each line ending in an exclamation mark.",
    ),
    Genre.COUNTRY: LyricForm(Genre.COUNTRY, ("country", "story"), story=True, instruction=_STORY),
    Genre.BALLAD: LyricForm(Genre.BALLAD, ("ballad", "story"), story=True, instruction=_STORY),
    Genre.FOLK: LyricForm(Genre.FOLK, ("folk", "story"), story=True, instruction=_STORY),
    Genre.RNB: LyricForm(Genre.RNB, ("rnb",), instruction="Sing to someone: 'you' in every section."),
    Genre.ROCK: LyricForm(Genre.ROCK, ("rock",)),
    Genre.POP: LyricForm(Genre.POP, ("pop",), instruction="The chorus opens on the hook and repeats it."),
    Genre.INDIE: LyricForm(Genre.INDIE, ("indie",), instruction="Small, exact, concrete images over big words."),
    Genre.ELECTRONIC: LyricForm(Genre.ELECTRONIC, ("electronic",)),
    Genre.JAZZ: LyricForm(Genre.JAZZ, ("jazz",)),
}
PLAIN = LyricForm(None)


def lyric_form(genre: str | None) -> LyricForm:
    """The form for a free-text genre ("delta blues" is blues); a genre we do not know has the plain form."""
    found = find_genre(genre)
    return FORMS[found.genre] if found is not None else PLAIN


def verses(lyrics: Lyrics) -> list[tuple[str, ...]]:
    """The lines of each verse (a section named "Verse …")."""
    return [s.lines for s in lyrics.sections if s.label.startswith("Verse")]


def is_aab(lines: tuple[str, ...] | list[str]) -> bool:
    """True when a verse opens with a line sung twice and then answers it with a different line."""
    return len(lines) >= 3 and lines[0].strip().lower() == lines[1].strip().lower() != lines[2].strip().lower()


def self_rhymes(lines: tuple[str, ...] | list[str], scheme: str) -> list[tuple[int, int]]:
    """Pairs of different lines of one rhyme group that end on the same word (raised/raised, dock/docks).

    A whole line sung again (the blues' repeat, a refrain) is repetition, not a rhyme.
    """
    target = expand_scheme(scheme, len(lines))
    found: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        for j in range(i):
            same_group = target[i] == target[j] != FREE
            same_word = singular(end_word(line) or "") == singular(end_word(lines[j]) or "")
            if same_group and same_word and line.strip().lower() != lines[j].strip().lower():
                found.append((j, i))
    return found
