"""The lead sheet's markings, read back with music21 and the XML itself: feel, sections, chord kinds, tempo,
and lyric spacing measured on verovio's engraving with the font's own glyph widths."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont
from music21 import converter, expressions, harmony, stream

from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import PROFILES, Genre, GenreProfile
from bot.songwriting.music.melody import ChordSpan, Melody, Note
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.abc import to_abc
from bot.songwriting.render.fonts import font_dir
from bot.songwriting.render.musicxml import to_musicxml
from bot.songwriting.render.score import engrave_svg
from tests.songwriting.songs import NIGHT_TRAIN

LABELS = tuple(section.label for section in NIGHT_TRAIN.sections)


def _song(genre: Genre, meter: str = "4/4", seed: int = 3) -> Melody:
    return compose(NIGHT_TRAIN, MusicSettings(genre=genre.value, meter=meter), seed=seed)


def _parse(data: bytes) -> stream.Score:
    score = converter.parseData(data.decode("utf-8"), format="musicxml")
    assert isinstance(score, stream.Score)
    return score


def _first_bar_words(data: bytes) -> tuple[list[str], list[ElementTree.Element]]:
    bar = ElementTree.fromstring(data).find("part/measure")
    assert bar is not None
    words = [w.text or "" for w in bar.iterfind("direction/direction-type/words")]
    return words, list(bar.iterfind("direction/sound/swing"))


@pytest.mark.parametrize("style", PROFILES, ids=lambda p: p.genre.value)
def test_every_swung_genre_is_marked_and_no_straight_one_is(style: GenreProfile) -> None:
    """A genre the band swings says so twice in 4/4 (a "Swing"/"Shuffle" word and <swing> with the band's ratio);
    a straight genre carries neither."""
    data = to_musicxml(_song(style.genre), "t", sections=LABELS)
    words, swings = _first_bar_words(data)
    if style.feel.swing > 0.5:
        assert any(w in ("Swing", "Shuffle", "Light swing") for w in words), words
        assert len(swings) == 1
        first, second = (int(swings[0].findtext(tag) or 0) for tag in ("first", "second"))
        assert first / (first + second) == pytest.approx(style.feel.swing, abs=0.02)
        assert swings[0].findtext("swing-type") == "eighth"
    else:
        assert not swings
        assert not any("wing" in w or "huffle" in w for w in words)


def test_the_blues_shuffle_is_a_shuffle_at_two_to_one() -> None:
    words, swings = _first_bar_words(to_musicxml(_song(Genre.BLUES), "t"))
    assert "Shuffle" in words
    assert (swings[0].findtext("first"), swings[0].findtext("second")) == ("2", "1")


def test_a_compound_metre_is_not_marked_swung() -> None:
    """12/8 is ternary already: a swing mark there would tell players to swing the triplets."""
    words, swings = _first_bar_words(to_musicxml(_song(Genre.BLUES, "12/8"), "t"))
    assert not swings
    assert "Shuffle" not in words


def test_every_section_gets_a_rehearsal_mark_with_its_label() -> None:
    """music21 reads a rehearsal mark at the start of every lyric section, in order, with the lyric's label."""
    melody = _song(Genre.POP)
    score = _parse(to_musicxml(melody, "t", sections=LABELS))
    marks = [
        (Fraction(m.getOffsetInHierarchy(score)), m.content)
        for m in score.recurse().getElementsByClass(expressions.RehearsalMark)
    ]
    assert [label for _, label in marks] == list(LABELS)
    bar = melody.time.bar
    for (at, _), section in zip(marks, range(len(LABELS)), strict=True):
        first = min(n.start for n in melody.notes if n.section == section)
        assert first // bar * bar <= at <= first  # on its first bar line, or on a pickup sharing the bar


def test_an_instrumental_gets_letters() -> None:
    melody = compose(None, MusicSettings(genre="rock"), seed=2, bars=16)
    score = _parse(to_musicxml(melody, "t"))
    marks = [m.content for m in score.recurse().getElementsByClass(expressions.RehearsalMark)]
    assert len(marks) >= 2
    assert marks == [chr(ord("A") + i) for i in range(len(marks))]


@pytest.mark.parametrize(
    ("symbol", "kind", "degrees"),
    [
        ("Bm7b5", "half-diminished", []),
        ("Gsus4", "suspended-fourth", []),
        ("Gsus2", "suspended-second", []),
        ("Dsus", "suspended-fourth", []),
        ("C6/9", "major-sixth", [("9", "0", "add")]),
        ("F7", "dominant", []),
        ("Bbmaj7", "major-seventh", []),
        ("Ebm7", "minor-seventh", []),
        ("A5", "power", []),
        ("C#dim7", "diminished-seventh", []),
    ],
)
def test_chord_kinds_are_musicxml_kinds(symbol: str, kind: str, degrees: list[tuple[str, str, str]]) -> None:
    """m7b5 is half-diminished (it was a minor seventh with an added flat fifth), sus and 6/9 are named too, and
    music21 reads the chord's pitches back."""
    melody = Melody(
        (Note(64, Fraction(0), Fraction(4), None, 0, 0),),
        (ChordSpan(symbol, Fraction(0), Fraction(4)),),
        "C",
        "major",
        100,
        "4/4",
        0,
    )
    data = to_musicxml(melody, "t")
    element = ElementTree.fromstring(data).find("part/measure/harmony")
    assert element is not None
    assert element.findtext("kind") == kind
    found = [
        (d.findtext("degree-value"), d.findtext("degree-alter"), d.findtext("degree-type"))
        for d in element.iterfind("degree")
    ]
    assert found == degrees
    read = next(iter(_parse(data).recurse().getElementsByClass(harmony.ChordSymbol)))
    expected = {"half-diminished": 4, "major-sixth": 5, "power": 2}.get(kind)
    if expected is not None:
        assert len(read.pitches) == expected


@pytest.mark.parametrize(
    ("meter", "tempo", "field"),
    [("12/8", 108, "Q:3/8=72"), ("6/8", 90, "Q:3/8=60"), ("4/4", 96, "Q:1/4=96"), ("3/4", 120, "Q:1/4=120")],
)
def test_abc_tempo_is_in_the_metres_beat(meter: str, tempo: int, field: str) -> None:
    """A 12/8 tempo is written per dotted quarter (it was Q:1/4=159), and music21 reads the same speed back."""
    melody = Melody((Note(67, Fraction(0), Fraction(3), "la", 0, 0),), (), "G", "major", tempo, meter, 0)
    text = to_abc(melody, "t")
    assert field in text.splitlines()
    score = converter.parseData(text, format="abc")
    mark = next(iter(score.recurse().getElementsByClass("MetronomeMark")))
    assert mark.getQuarterBPM() == pytest.approx(tempo)


def test_the_tempo_mark_starts_right_of_the_time_signature() -> None:
    """verovio put the opening tempo over the clef and metre, touching a 12/8; it now starts over the first note
    or rest, right of the signature's glyphs."""
    svg = engrave_svg(to_musicxml(_song(Genre.BLUES, "12/8"), "t", sections=LABELS))[0]
    tempo = re.search(r'class="tempo">\s*<text x="(\d+)"', svg)
    metre = re.search(r'class="meterSig">(.*?)</g>\s*<g[^>]*class="layer">.*?translate\((\d+),', svg, re.S)
    assert tempo is not None
    assert metre is not None
    digits = [int(x) for x in re.findall(r"translate\((\d+),", metre.group(1))]
    first_event = int(metre.group(2))
    assert max(digits) < first_event
    assert int(tempo.group(1)) >= first_event - 10


@pytest.mark.parametrize("genre", [Genre.BLUES, Genre.JAZZ, Genre.HIPHOP, Genre.FOLK])
def test_sung_words_never_touch(genre: Genre) -> None:
    """On every page, the space between one word's last letter and the next word is at least a thin space,
    measured with the Liberation Serif advance widths verovio lays the lyrics out with."""
    font = TTFont(next(font_dir().glob("Liberation-0.ttf")))
    widths, scale = font.getBestCmap(), font["head"].unitsPerEm
    metrics = font["hmtx"]
    for page in engrave_svg(to_musicxml(_song(genre, seed=5), "t", sections=LABELS)):
        syllables = re.findall(
            r'class="syl">\s*<text x="(\d+)" y="(\d+)".*?<tspan font-size="(\d+)px">([^<]*)<', page, re.S
        )
        for (x1, y1, size, text), (x2, y2, _, following) in itertools.pairwise(syllables):
            if y1 != y2 or int(x2) < int(x1) or not text.strip():
                continue
            advance = sum(metrics[widths[ord(c)]][0] for c in text.strip() if ord(c) in widths)
            right = int(x1) + advance * int(size) / scale
            assert int(x2) - right >= int(size) * 0.2, (text, following)
