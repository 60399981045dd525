"""The quality floor's pure rules, as tables: cleaning, titles, measuring, deciding."""

from __future__ import annotations

import pytest

from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.writers.llm_http import classify, next_rung, redact
from bot.songwriting.writers.quality import (
    assess_section,
    assess_song,
    clean_line,
    clean_lines,
    clean_song,
    is_label_line,
    song_title,
)

BRIEF = Brief("night drive", form="verse-chorus", rhyme_scheme="AABB", syllables=6)
V1 = ("We drive into the night", "The road is burning bright", "The radio is low", "And nowhere else to go")
CH = ("Oh take the long way home", "Wherever we may roam", "The engine hums along", "We sing a summer song")
V2 = ("The city falls asleep", "The promises we keep", "The highway hums so low", "And still we have to go")
FULL = Lyrics(
    "Night Drive", (Section("Verse 1", V1), Section("Chorus", CH), Section("Verse 2", V2), Section("Chorus", CH))
)


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Chorus:", True),
        ("[Verse 2]", True),
        ("(Bridge)", True),
        ("**Hook**", True),
        ("VERSE 1", True),
        ("Pre-Chorus -", True),
        ("Outro.", True),
        ("(instrumental break)", True),
        ("Verse of the summer, sing it loud", False),
        ("The chorus of the crickets", False),
        ("We drive into the night", False),
    ],
)
def test_label_lines(line: str, label: bool) -> None:
    """Names of sections are recognised; lines that merely mention one are sung."""
    assert is_label_line(line) is label


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  We drive   into the night ", "We drive into the night"),
        ("Chorus: hold on tight", "hold on tight"),
        ("- the road is long", "the road is long"),
        ("1. the road is long", "the road is long"),
        ('"the road is long"', "the road is long"),
        ("**the road** is _long_", "the road is long"),
        ("1999 was the year", "1999 was the year"),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    """Markup, list markers, quotes and label prefixes go; sung words stay."""
    assert clean_line(raw) == clean


def test_clean_lines_drops_label_and_wordless_lines() -> None:
    """A section of labels, blanks and dots has no sung line left."""
    assert clean_lines(["Chorus:", "", " ", "...", "—", "[Verse 1]"]) == ()
    assert clean_lines(["[Chorus]", "Hold on", ""]) == ("Hold on",)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Night Drive", "Night Drive"),
        ("The Long Way Home", "The Long Way Home"),
        ("Your Song Does Not Yet Meet the Brief", "Oh Take the Long Way Home"),
        ("You absolute idiot", "Oh Take the Long Way Home"),
        ("", "Oh Take the Long Way Home"),
        ("A", "Oh Take the Long Way Home"),
        ("Night drive night drive night drive night drive night", "Oh Take the Long Way Home"),
    ],
)
def test_titles_come_from_the_songs_words(raw: str, title: str) -> None:
    """A title is kept only when short and made of the song's or theme's words; else the hook names the song."""
    assert song_title(raw, FULL, "night drive") == title


def test_clean_song_takes_the_forms_labels() -> None:
    """Whatever the model called its sections, they carry the form's labels in order."""
    raw = [("A", V1), ("Chorus:", ("Chorus:", *CH)), ("idiot", V2), ("B", CH)]
    lyrics = clean_song(BRIEF, "Night Drive", raw)
    assert [s.label for s in lyrics.sections] == ["Verse 1", "Chorus", "Verse 2", "Chorus"]
    assert lyrics.sections[1].lines == CH


@pytest.mark.parametrize(
    ("sections", "broken"),
    [
        (FULL.sections, None),
        (FULL.sections[:2], "had 2 of 4 sections"),
        ((*FULL.sections, Section("Extra 1", V1)), "had 5 sections where the form has 4"),
        ((Section("Verse 1", V1[:3]), *FULL.sections[1:]), "had 3 of 4 lines in Verse 1"),
        ((Section("Verse 1", ("a", "b", "a", "b")), *FULL.sections[1:]), "had 4 of 12 lines far from 6 syllables"),
        ((Section("Verse 1", ("We drove and " * 20, *V1[1:])), *FULL.sections[1:]), "had a 60-syllable line"),
        (
            (Section("Verse 1", ("We drive", "the sea", "a cat", "my hat")), *FULL.sections[1:]),
            "had 4 of 12 lines far from 6 syllables",
        ),
    ],
)
def test_the_floor(sections: tuple[Section, ...], broken: str | None) -> None:
    """Form, line counts, syllables: each broken rule is named as members will read it."""
    found = assess_song(BRIEF, Lyrics("Night Drive", tuple(sections)))
    if broken is None:
        assert found.passes, found.broken
    else:
        assert found.broken
        assert found.broken[0].startswith(broken), found.broken


def test_rhyme_must_mostly_hold() -> None:
    """A song whose lines rhyme in under half the scheme's pairs misses the floor."""
    flat = ("We drive into the night", "The road is burning fast", "The radio is low", "And nowhere else to run")
    chorus = ("Oh take the long way home", "Wherever we may drive", "The engine hums along", "We sing a summer tune")
    song = Lyrics(
        "t", (Section("Verse 1", flat), Section("Chorus", chorus), Section("Verse 2", flat), Section("Chorus", chorus))
    )
    assert any(b.startswith("held 0 of 6 rhymes") for b in assess_song(BRIEF, song).broken)


def test_a_full_song_scores_better_than_an_empty_or_partial_one() -> None:
    """Missing lines weigh more than anything a complete song can get wrong."""
    off = Lyrics(
        "t", tuple(Section(s.label, tuple(f"{line} and on and on" for line in s.lines)) for s in FULL.sections)
    )
    empty = Lyrics("t", ())
    partial = Lyrics("t", FULL.sections[:3])
    scores = [assess_song(BRIEF, song).score for song in (FULL, off, partial, empty)]
    assert scores[0] == 0
    assert scores == sorted(scores)
    assert len(set(scores)) == 4


def test_assess_section() -> None:
    """One rewritten section: the line count and emptiness break the floor."""
    assert assess_section(CH, 4, "AABB", 6).passes
    assert assess_section((), 4, "AABB", 6).broken[0] == "had no lines"
    assert assess_section(CH[:2], 4, "AABB", 6).broken[0] == "had 2 of 4 lines"


@pytest.mark.parametrize(
    ("status", "message", "fault"),
    [
        (500, "1 validation error: Input should be 'text' or 'json_object'", "format"),
        (500, "Internal error", "transient"),
        (500, "Input should be a valid dictionary: messages", "permanent"),
        (400, "response_format type 'json_object' is not supported", "format"),
        (400, "'response_format.type' must be 'json_schema' or 'text'", "format"),
        (400, "max_tokens is too large", "permanent"),
        (401, "Incorrect API key provided", "permanent"),
        (404, "The model does not exist", "permanent"),
        (422, "Field required: messages", "permanent"),
        (408, "", "transient"),
        (429, "slow down", "rate_limited"),
        (502, "", "transient"),
        (503, "loading model", "transient"),
        (504, "", "transient"),
    ],
)
def test_classify(status: int, message: str, fault: str) -> None:
    """Each server error is sorted by what helps: retry, wait, report or change format."""
    assert classify(status, message) == fault


def test_the_ladder() -> None:
    """Schema → schema without length keywords only when those were named → json_object → plain text → none."""
    assert next_rung("json_schema", "'maxLength' is not permitted") == "json_schema_lean"
    assert next_rung("json_schema", "Input should be 'text' or 'json_object'") == "json_object"
    assert next_rung("json_schema_lean", "") == "json_object"
    assert next_rung("json_object", "") == "text"
    assert next_rung("text", "") is None


def test_redact() -> None:
    """The configured key and anything shaped like a key are masked."""
    assert redact("bad key abc123secret", ["abc123secret"]) == "bad key [secret]"
    assert redact("Incorrect API key provided: sk-proj-4f2a9cdeadbeef") == "Incorrect API key provided: [secret]"
    assert redact("Authorization: Bearer xyz.abc") == "Authorization: [secret]"
