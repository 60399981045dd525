"""The genres a song can be in: one vocabulary for its words (the lyric forms) and its music (the profiles).

It sits beneath both, so the offline writer and the composer agree on what "bluesy" or "boom bap" means.
"""

from __future__ import annotations

import difflib
import itertools
import re
from enum import StrEnum


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


ALIASES: dict[Genre, tuple[str, ...]] = {
    Genre.FOLK: (
        "folk",
        "acoustic",
        "singer songwriter",
        "americana",
        "celtic",
        "traditional",
        "shanty",
        "campfire",
    ),
    Genre.POP: ("pop", "mainstream", "top 40", "dance pop", "k pop", "j pop", "bubblegum", "teen pop"),
    Genre.ROCK: (
        "rock",
        "alt rock",
        "alternative",
        "grunge",
        "hard rock",
        "classic rock",
        "garage",
        "rock and roll",
        "metal",
    ),
    Genre.BLUES: ("blues", "delta", "chicago blues", "shuffle", "12 bar", "twelve bar", "blues rock"),
    Genre.COUNTRY: ("country", "bluegrass", "honky tonk", "western", "nashville", "cowboy", "outlaw"),
    Genre.BALLAD: ("ballad", "power ballad", "torch song", "piano ballad", "love song", "slow song"),
    Genre.INDIE: (
        "indie",
        "indie pop",
        "indie rock",
        "dream pop",
        "shoegaze",
        "bedroom pop",
        "lo fi",
        "lofi",
        "britpop",
    ),
    Genre.PUNK: ("punk", "pop punk", "hardcore", "skate punk", "riot grrrl"),
    Genre.RNB: (
        "r&b",
        "rnb",
        "r and b",
        "rhythm and blues",
        "soul",
        "neo soul",
        "motown",
        "funk",
        "gospel",
        "slow jam",
    ),
    Genre.HIPHOP: ("hip hop", "hiphop", "rap", "trap", "boom bap", "drill", "grime"),
    Genre.ELECTRONIC: (
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
    Genre.JAZZ: ("jazz", "swing", "bebop", "big band", "lounge", "standard", "crooner", "bossa"),
}
"""The words members use for each genre, its own name first."""

_WORDS = re.compile(r"[^a-z0-9&]+")


def parse_genre(text: str | None) -> Genre | None:
    """Map free text to the nearest genre: the longest alias found at a word start, else a close spelling.

    "indie pop" is indie (the longer alias wins over "pop"), "bluesy" is blues, "hiphop" and "hip-hop" are hip-hop,
    "rythm and blues" is R&B/soul; text that names no genre ("purple") has none.
    """
    normal = " " + " ".join(_WORDS.sub(" ", (text or "").lower()).split()) + " "
    if not normal.strip():
        return None
    best: tuple[int, int, Genre] | None = None
    for genre, aliases in ALIASES.items():
        for alias in aliases:
            at = normal.find(" " + alias)
            if at >= 0 and (best is None or (len(alias), -at) > best[:2]):
                best = (len(alias), -at, genre)
    if best is not None:
        return best[2]
    by_alias = {alias: genre for genre, aliases in ALIASES.items() for alias in aliases}
    words = normal.split()
    phrases = [*words, *(" ".join(pair) for pair in itertools.pairwise(words))]
    for phrase in phrases:
        close = difflib.get_close_matches(phrase, by_alias, n=1, cutoff=0.75)
        if close:
            return by_alias[close[0]]
    return None
