"""The quality floor checks the genre's forms the prompts ask for (issue 22): AAB blues, rap bars, self-rhymes."""

from __future__ import annotations

from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.writers.quality import assess_song, title_case

A = (
    "I went down to the river",
    "I went down to the river",
    "and the water took my shoes",
    "I had nothing left to lose",
)
B = (
    "The road was long and hollow",
    "The road was long and hollow",
    "and I had no one to follow",
    "so I swallowed all my sorrow",
)
CHORUS = (
    "Oh, the river runs so cold",
    "All the stories left untold",
    "Oh, the river runs so wide",
    "Nothing left for me to hide",
)
NOT_AAB = (
    "I went down to the river",
    "and the water took my shoes",
    "I was standing by the levee",
    "I had nothing left to lose",
)


def _song(verse_1: tuple[str, ...], verse_2: tuple[str, ...]) -> Lyrics:
    sections = (Section("Verse 1", verse_1), Section("Chorus", CHORUS), Section("Verse 2", verse_2))
    return Lyrics("The River", (*sections, Section("Chorus", CHORUS)))


def test_a_blues_draft_without_aab_verses_fails_the_floor() -> None:
    """A blues song whose verses never repeat their first line is sent back, naming the AAB form."""
    brief = Brief("the river", genre="blues", rhyme_scheme="AABB", syllables=7)
    found = assess_song(brief, _song(NOT_AAB, NOT_AAB))
    assert "had no AAB blues verse" in found.broken
    assert any("AAB" in message for message in found.messages)
    assert "had no AAB blues verse" not in assess_song(brief, _song(A, B)).broken


def test_the_same_song_in_another_genre_needs_no_aab() -> None:
    """Only the blues asks for AAB verses."""
    brief = Brief("the river", genre="folk", rhyme_scheme="AABB", syllables=7)
    assert not any("blues verse" in message for message in assess_song(brief, _song(NOT_AAB, NOT_AAB)).messages)


def test_a_word_rhymed_with_itself_is_a_violation() -> None:
    """Two different lines of one rhyme group ending on one word are named for the repair."""
    brief = Brief("rent", rhyme_scheme="ABAB", syllables=7)
    verse = (
        "The landlord raised the rent",
        "I had no place to go",
        "And then the rent was raised",
        "So I just let it go",
    )
    found = assess_song(brief, _song(verse, verse))
    assert any("rhyme a word with itself" in message for message in found.messages)


def test_rap_verses_are_measured_against_their_longer_bars() -> None:
    """Rap bars half as long again as the brief's target meet a hip-hop brief; the same lines in pop are off."""
    bars = (
        "I was counting every dollar on the corner every night",
        "with the siren in the distance and the hunger in my sight",
        "every brother on the block was out there chasing the light",
        "and I held on to the mic until the morning came in bright",
    )
    counts = [count_syllables(bar) for bar in bars]
    target = next(s for s in range(4, 17) if all(abs(round(s * 1.5) - c) <= 1 for c in counts))
    hip_hop = assess_song(Brief("the block", genre="hip-hop", rhyme_scheme="AAAA", syllables=target), _song(bars, bars))
    pop = assess_song(Brief("the block", genre="pop", rhyme_scheme="AAAA", syllables=target), _song(bars, bars))
    assert not any("Verse 1: line" in message and "syllables" in message for message in hip_hop.messages)
    assert any("Verse 1: line" in message and "syllables" in message for message in pop.messages)


def test_title_case_keeps_small_words_small_inside() -> None:
    """'the mine closed' is titled "The Mine Closed"; articles and short prepositions stay small inside."""
    assert title_case("the mine closed") == "The Mine Closed"
    assert title_case("the pawnshop on fifth street") == "The Pawnshop on Fifth Street"
    assert title_case("a song for the road") == "A Song for the Road"
