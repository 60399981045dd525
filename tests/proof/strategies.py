"""Hypothesis strategies for what members type: lyrics, names and option values with the characters that bite.

Plain ``st.text()`` rarely produces a ``[Label]`` line, a mention, a code fence or a CRLF; these strategies mix
such tokens with arbitrary Unicode so every test meets them often.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.songwriting.words.lyrics import Lyrics, Section

FUZZ_SCALE = float(os.environ.get("SOUNDOFF_FUZZ_EXAMPLES", "1"))
"""Multiplies every fuzz budget: ``SOUNDOFF_FUZZ_EXAMPLES=20`` is a nightly-sized run, 1 fits CI."""

MENTIONS = (
    "@everyone",
    "@here",
    "@EVERYONE",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&223456789012345678>",
    "<#323456789012345678>",
    "@\u200beveryone",
)
MARKUP = (
    "`" * 32,
    "```",
    "``",
    "`",
    "**",
    "__",
    "~~",
    "||",
    "> ",
    "# ",
    "- ",
    "1. ",
    "\\",
    "[",
    "]",
    "<",
    ">",
    "*",
    "_",
)
ODD = (
    "\r\n",
    "\r",
    "\t",
    "\u200b",
    "\u200f",
    "\u202e",
    "\u2028",
    "\x00",
    "\x0b",
    "\ufeff",
    "é",
    "ß",
    "ﬁ",
    "🎸",
    "👩\u200d👩\u200d👧",
    "日本語",
    "٣",
    "²",
    "Ⅻ",
    "\u0301",
    "'",
    "’",
    '"',
    "-",
    "—",
    "42",
    "1999",
    "3rd",
)
WORDS = ("rain", "the", "night", "bus", "home", "heart", "fire", "a", "love", "I", "don't", "singing", "ocean")
LABELS = ("[Verse 1]", "[Chorus]", "[Bridge]", "[ Verse 2 ]", "[]", "[[x]]", "[" + "x" * 41 + "]", "[@everyone]")

FRAGMENTS = (
    *(word + " " for word in WORDS),
    *MENTIONS,
    *MARKUP,
    *ODD,
    *(f"\n{label}\n" for label in LABELS),
    "\n",
    "\n",
    "\n\n",
    " ",
)
SOUP = "`@<>#&!\n\r\t abcehnoryv0123456789*_|~[]-é🎸²\u200b\u2028"

line = st.lists(st.sampled_from([f for f in FRAGMENTS if "\n" not in f and "\r" not in f]), max_size=10).map("".join)
"""One line as a member might type it (may be blank)."""

lyric_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join),
    st.text(alphabet=st.sampled_from(SOUP), max_size=400),
    st.text(max_size=60),
)
"""A whole lyrics text: words, mentions, markup, odd characters, ``[Label]`` lines and blank lines, or any text."""

display_name = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=32).filter(
    lambda s: s.strip() != ""
)
"""A Discord display name (1–32 characters, not blank, never NUL: Discord refuses it, PostgreSQL text can't hold it)."""

_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))


def _unbracket(text: str) -> str:
    return "x" + text if text.startswith("[") and text.endswith("]") else text


clean_line = st.one_of(line, st.text(_PRINTABLE, max_size=30)).map(str.strip).map(_unbracket).map(lambda s: s or "la")
"""A stored lyric line: what ``parse_lyrics`` keeps (stripped, not blank, not a label)."""

label = st.one_of(st.sampled_from(("Verse 1", "Chorus", "Bridge", "Outro")), st.text(_PRINTABLE, max_size=40)).map(
    lambda s: s.replace("[", "(").replace("]", ")").strip() or "Verse"
)


@st.composite
def lyrics(draw: st.DrawFn, *, max_sections: int = 6, max_lines: int = 8) -> Lyrics:
    """Structured lyrics as a writer (or a revision) produces them."""
    sections = draw(
        st.lists(
            st.builds(
                lambda lb, ls: Section(lb, tuple(ls)), label, st.lists(clean_line, min_size=1, max_size=max_lines)
            ),
            min_size=0,
            max_size=max_sections,
        )
    )
    title = draw(st.one_of(st.just(""), clean_line))
    return Lyrics(title, tuple(sections))


def examples(count: int) -> int:
    """The number of examples for a budget of ``count`` in CI, scaled by ``SOUNDOFF_FUZZ_EXAMPLES``."""
    return max(1, round(count * FUZZ_SCALE))


def fuzz(count: int) -> settings:
    """Hypothesis settings for a fuzz test: ``count`` examples in CI, no per-example deadline.

    Tests that share one database or one running bot across examples (on purpose) suppress the
    function-scoped-fixture health check.
    """
    return settings(
        max_examples=examples(count),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
