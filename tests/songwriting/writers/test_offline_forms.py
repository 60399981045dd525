"""The offline writer's genre forms and template tells (issue 22): AAB blues, rap bars, punk choruses, no reuse."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest

from bot.songwriting.music.genres import Genre
from bot.songwriting.words import grammar
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.genre_forms import FORMS as GENRE_FORMS
from bot.songwriting.words.genre_forms import is_aab, lyric_form, self_rhymes
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.words.rhyme import rhymes
from bot.songwriting.writers.offline import OPENING_MAX, write
from bot.songwriting.writers.quality import is_title_case

THEMES = ("the pawnshop on fifth street", "the mine closed", "I pawned my guitar", "the coat on the hook")
SCHEMES = ("ABAB", "AABB", "XAXA", "ABCB", "AAAA", "ABABCDCD")


def _drafts(genre: str | None, count: int = 24) -> list[tuple[Brief, object]]:
    forms = list(FORMS)
    found = []
    for seed in range(count):
        brief = Brief(
            THEMES[seed % len(THEMES)],
            genre=genre,
            form=forms[seed % len(forms)],
            rhyme_scheme=SCHEMES[seed % len(SCHEMES)],
            syllables=6 + seed % 5,
            seed=seed,
        )
        found.append((brief, write(brief)))
    return found


def test_every_blues_verse_is_aab() -> None:
    """Each blues verse sings its first line twice, then answers it with a different line."""
    for brief, lyrics in _drafts("blues"):
        verses = [s for s in lyrics.sections if s.label.startswith("Verse")]
        assert verses
        for verse in verses:
            assert is_aab(verse.lines), (brief, verse.lines)


def test_is_aab_rejects_a_verse_that_does_not_repeat() -> None:
    """The AAB check fails a verse whose second line is new, and one that never answers."""
    assert is_aab(("I went down to the river", "I went down to the river", "and the water ran cold"))
    assert not is_aab(("I went down to the river", "the water ran cold", "I went down to the river"))
    assert not is_aab(("I went down", "I went down", "I went down"))


def test_hip_hop_verses_are_longer_bars_under_a_sung_hook() -> None:
    """Rap verse lines aim half as long again as the brief's target; the chorus sings at the target."""
    brief = Brief("the pawnshop on fifth street", genre="hip-hop", syllables=8, seed=4)
    lyrics = write(brief)
    for section in lyrics.sections:
        wanted = 12 if section.label.startswith("Verse") else 8
        assert all(abs(count_syllables(line) - wanted) <= 1 for line in section.lines), section


def test_hip_hop_verses_rhyme_inside_the_bar() -> None:
    """Most rap verses hold a bar whose inner word rhymes with its end word."""
    verses = [s for _, lyrics in _drafts("hip-hop", 12) for s in lyrics.sections if s.label.startswith("Verse")]

    def inner(line: str) -> bool:
        words = [w.strip(",.!?").lower() for w in line.split()]
        return any(w != words[-1] and len(w) > 2 and rhymes(w, words[-1]) for w in words[:-2])

    assert sum(any(inner(line) for line in verse.lines) for verse in verses) * 2 > len(verses)


def test_punk_chorus_is_short_and_shouted() -> None:
    """A punk chorus is two syllables under the target, every line shouted, the hook sung twice."""
    lyrics = write(Brief("the mine closed", genre="punk", syllables=8, seed=2))
    chorus = next(s for s in lyrics.sections if s.label == "Chorus")
    assert all(line.endswith("!") for line in chorus.lines)
    assert all(abs(count_syllables(line) - 6) <= 1 for line in chorus.lines)
    assert chorus.lines[0] == chorus.lines[2]


@pytest.mark.parametrize("genre", [None, *(g.value for g in Genre)])
def test_no_word_rhymes_with_itself(genre: str | None) -> None:
    """No two different lines of one rhyme group end on the same word, in any genre."""
    for brief, lyrics in _drafts(genre, 12):
        for section in lyrics.sections:
            assert self_rhymes(section.lines, brief.section_scheme) == [], (brief, section.lines)


def test_self_rhymes_are_found() -> None:
    """The self-rhyme check finds raised/raised but not a whole line sung again."""
    lines = ("the landlord raised", "we kept the light", "the rent was raised", "all through the night")
    assert self_rhymes(lines, "ABAB") == [(0, 2)]
    assert self_rhymes(("a line", "a line", "the sign", "the end"), "AABB") == []


def test_no_line_is_reused_across_two_themes() -> None:
    """Two unrelated themes, many seeds and genres: not one line sung word for word in both."""
    sung: dict[str, set[str]] = {}
    genres = [g.value for g in Genre]
    for seed in range(12):
        for theme in ("the night shift at the bakery", "my brother's motorcycle"):
            lyrics = write(Brief(theme, genre=genres[seed], seed=seed))
            for line in lyrics.lines:
                sung.setdefault(line.lower(), set()).add(theme)
    assert [line for line, themes in sung.items() if len(themes) > 1] == []


def test_no_opening_is_worn_within_a_song() -> None:
    """No two-word opening starts more than a few (3) distinct lines of one song, even 8-line AAAA sections."""
    for _, lyrics in _drafts(None, 16):
        openings = Counter(" ".join(w.lower().strip(",!?.") for w in line.split()[:2]) for line in set(lyrics.lines))
        assert max(openings.values()) <= OPENING_MAX + 2, openings.most_common(3)


@pytest.mark.parametrize("theme", ["the mine closed", "the pawnshop on fifth street", "my first car"])
def test_titles_are_in_title_case(theme: str) -> None:
    """Titles come from the hook in title case ("The Mine Closed", not "The mine Closed")."""
    for genre in (None, "blues", "folk"):
        title = write(Brief(theme, genre=genre, seed=1)).title
        assert is_title_case(title), title
    assert write(Brief("the mine closed", seed=0)).title == "The Mine Closed"


@pytest.mark.parametrize("genre", [None, "blues", "hip-hop", "punk", "country"])
def test_a_seed_always_writes_the_same_song(genre: str | None) -> None:
    """The same brief and seed give the same lyrics, in every genre form."""
    brief = Brief("the landlord raised the rent", genre=genre, form="verse-chorus-bridge", seed=11)
    assert write(brief) == write(brief)
    assert write(brief) != write(Brief(brief.theme, genre=genre, form=brief.form, seed=12))


def test_every_line_passes_the_grammar_checks() -> None:
    """Lines from typed themes (past clauses, subjectless verb phrases, clock times) pass words.grammar."""
    themes = ("the ferry stopped running", "pawned my guitar for the rent", "4 am diner", "tell me about the war")
    for seed, theme in enumerate(themes * 3):
        lyrics = write(Brief(theme, genre=[g.value for g in Genre][seed % 12], seed=seed))
        assert [line for line in lyrics.lines if grammar.problems(line, theme)] == [], lyrics.lines
        assert not any("for pawned" in line.lower() or "an m" in line.lower() for line in lyrics.lines)


def test_verse_two_moves_on_to_new_images_of_the_theme() -> None:
    """Verse 2 sings things of the theme's own world that verse 1 did not."""
    fields = json.loads(resources.files("bot.songwriting.data").joinpath("fields.json").read_text("utf-8"))
    world = set(fields["fields"]["pawnshop"]["things"])
    lyrics = write(Brief("the pawnshop on fifth street", genre="country", seed=5))
    first, second = (" ".join(s.lines).lower() for s in lyrics.sections if s.label.startswith("Verse"))
    sung_first = {w for w in world if w in first}
    sung_second = {w for w in world if w in second}
    assert sung_second - sung_first


def test_every_genre_has_imagery_and_a_lyric_form() -> None:
    """All 12 genres have their own imagery entry and a lyric form; free text finds them ("delta blues")."""
    imagery = json.loads(resources.files("bot.songwriting.data").joinpath("imagery.json").read_text("utf-8"))
    assert set(imagery["genres"]) == {g.value for g in Genre}
    assert set(GENRE_FORMS) == set(Genre)
    assert lyric_form("delta blues").aab_verses
    assert not lyric_form("purple").aab_verses


def test_places_take_their_own_prepositions() -> None:
    """Lines say "on the shore" and "at the gate", never "in the shore" or "in the gate"."""
    for seed in range(12):
        for theme in ("a picnic by the lake", "the mill town after the mill"):
            for line in write(Brief(theme, seed=seed)).lines:
                assert "in the shore" not in line.lower(), line
                assert "in the gate" not in line.lower(), line


def test_a_word_and_its_plural_are_one_rhyme_word() -> None:
    """ "dock" and "docks" ending two lines of one group is a rhyme with itself."""
    assert self_rhymes(("he worked the docks", "out on the dock", "the tide", "the ride"), "AABB") == [(0, 1)]
