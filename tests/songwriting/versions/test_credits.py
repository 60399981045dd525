"""Credits: line attribution over a revision tree with edits, reverts, merges, moves and branches.

The tree, checked by hand:
    v1 AI draft
    ├ v2 Ana: rewrites Verse line 1, adds "Hold on" to the chorus
    │ └ v4 Cy: restores the AI's Verse line 1, rewrites line 2, takes Bo's line 3 from the other branch,
    │   │       moves "Hold on" into a new Bridge
    │   ├ v5 Dee: a melody only (lyrics None)
    │   └ v6 Ana (now "Ana B."): repeats the chorus's first line and adds a line of her own
    └ v3 Bo: rewrites Verse line 3
"""

from __future__ import annotations

import re

import pytest

from bot.songwriting.versions.credits import (
    MELODY_WRITER,
    Authorship,
    Credits,
    Disclosure,
    attribute,
    render_credits,
    render_split_sheet,
    version_disclosure,
)
from bot.songwriting.versions.revisions import VersionError, VersionNode
from bot.songwriting.words.lyrics import Lyrics, Section

AI, ANA, BO, CY, DEE = None, 101, 102, 103, 104

VERSE_V1 = [
    "I walked the empty street tonight",
    "The lamps were low and cold",
    "Nobody waiting by the door",
    "A story never told",
]
CHORUS = ["We rise, we rise", "Into the morning light"]


def lyrics(*sections: tuple[str, list[str]]) -> Lyrics:
    return Lyrics("Midnight Streets", tuple(Section(label, tuple(lines)) for label, lines in sections))


V4_VERSE = ["I walked the empty street tonight", "The lamps burned low and gold", "Somebody waiting at the door"]

NODES = [
    VersionNode(1, None, AI, "AI", "ai-draft", lyrics(("Verse", VERSE_V1), ("Chorus", CHORUS)), False),
    VersionNode(
        2,
        1,
        ANA,
        "Ana",
        "human-revision",
        lyrics(("Verse", ["I walk the empty streets tonight", *VERSE_V1[1:]]), ("Chorus", [*CHORUS, "Hold on"])),
        False,
    ),
    VersionNode(
        3,
        1,
        BO,
        "Bo",
        "human-revision",
        lyrics(("Verse", [*VERSE_V1[:2], "Somebody waiting at the door", VERSE_V1[3]]), ("Chorus", CHORUS)),
        False,
    ),
    VersionNode(
        4,
        2,
        CY,
        "Cy",
        "human-revision",
        lyrics(("Verse", [*V4_VERSE, VERSE_V1[3]]), ("Chorus", CHORUS), ("Bridge", ["Hold on"])),
        False,
    ),
    VersionNode(5, 4, DEE, "Dee", "human-revision", None, True),
    VersionNode(
        6,
        4,
        ANA,
        "Ana B.",
        "human-revision",
        lyrics(
            ("Verse", [*V4_VERSE, VERSE_V1[3]]),
            ("Chorus", [*CHORUS, "We rise, we rise"]),
            ("Bridge", ["Hold on", "Till the sun comes"]),
        ),
        False,
    ),
]


def who(credits: Credits) -> list[tuple[str, str, int | None, int]]:
    return [(c.section, c.text, c.author_id, c.version) for c in credits.lines]


def test_first_draft_is_all_the_ais() -> None:
    """Every line of the AI draft is the AI's, and no member is an author."""
    credits = attribute(NODES, 1)
    assert credits.ai_lines == credits.total == 6
    assert credits.authors == ()


def test_edit_and_addition_go_to_the_reviser() -> None:
    """Ana's rewritten line and her new line are hers; untouched lines stay the AI's."""
    assert who(attribute(NODES, 2)) == [
        ("Verse", "I walk the empty streets tonight", ANA, 2),
        ("Verse", "The lamps were low and cold", AI, 1),
        ("Verse", "Nobody waiting by the door", AI, 1),
        ("Verse", "A story never told", AI, 1),
        ("Chorus", "We rise, we rise", AI, 1),
        ("Chorus", "Into the morning light", AI, 1),
        ("Chorus", "Hold on", ANA, 2),
    ]


def test_sibling_branch_is_credited_on_its_own_path() -> None:
    """Bo's branch credits Bo's line only; Ana's edits on the other branch don't leak in."""
    credits = attribute(NODES, 3)
    assert [(a.author_id, a.lines) for a in credits.authors] == [(BO, 1)]
    assert credits.ai_lines == 5


def test_revert_merge_move_and_edit_in_one_revision() -> None:
    """Restored words go back to the AI, a line taken from Bo's branch stays Bo's, a moved line keeps Ana."""
    assert who(attribute(NODES, 4)) == [
        ("Verse", "I walked the empty street tonight", AI, 1),
        ("Verse", "The lamps burned low and gold", CY, 4),
        ("Verse", "Somebody waiting at the door", BO, 3),
        ("Verse", "A story never told", AI, 1),
        ("Chorus", "We rise, we rise", AI, 1),
        ("Chorus", "Into the morning light", AI, 1),
        ("Bridge", "Hold on", ANA, 2),
    ]


def test_totals_and_shares() -> None:
    """Each member's count and share of all lines, and the AI's share, add up."""
    credits = attribute(NODES, 4)
    assert [(a.name, a.lines) for a in credits.authors] == [("Ana", 1), ("Bo", 1), ("Cy", 1)]
    assert credits.ai_lines == 4
    assert sum(a.share for a in credits.authors) + credits.ai_share == pytest.approx(1.0)
    assert credits.writer_split(credits.authors[0]) == pytest.approx(1 / 3)


def test_melody_only_version_changes_no_credits() -> None:
    """Dee's melody-only version carries v4's lines and credits; Dee wrote no line."""
    credits = attribute(NODES, 5)
    assert [(s, t, a) for s, t, a, _ in who(credits)] == [(s, t, a) for s, t, a, _ in who(attribute(NODES, 4))]
    assert DEE not in {a.author_id for a in credits.authors}


def test_copied_line_keeps_its_original_author() -> None:
    """Repeating the AI's chorus line doesn't make Ana its author; her new line is hers."""
    assert who(attribute(NODES, 6))[-3:] == [
        ("Chorus", "We rise, we rise", AI, 1),
        ("Bridge", "Hold on", ANA, 2),
        ("Bridge", "Till the sun comes", ANA, 6),
    ]


def test_member_shows_under_their_latest_name() -> None:
    """Ana renamed herself to "Ana B."; her total uses the newer name."""
    credits = attribute(NODES, 6)
    assert [(a.author_id, a.name, a.lines) for a in credits.authors] == [
        (ANA, "Ana B.", 2),
        (BO, "Bo", 1),
        (CY, "Cy", 1),
    ]


def test_split_sheet_names_a_member_the_same_way_on_every_line() -> None:
    """Lines Ana wrote before and after renaming herself both read "Ana B." in the split sheet."""
    sheet = render_split_sheet(attribute(NODES, 6), "Midnight Streets")
    bridge = sheet[sheet.index("## Bridge") :]
    assert [row[2] for row in _table_rows(bridge, "| # | Line | Written by |")] == ["Ana B. (v2)", "Ana B. (v6)"]


def test_the_ai_is_never_an_author() -> None:
    """No version of the tree lists the AI among its authors."""
    for number in range(1, 7):
        assert all(a.author_id is not None for a in attribute(NODES, number).authors)


def test_unknown_version_is_a_member_readable_error() -> None:
    """Crediting a version the song lacks raises VersionError."""
    with pytest.raises(VersionError, match="no v9"):
        attribute(NODES, 9)


def test_render_credits_lists_members_then_discloses_the_ai() -> None:
    """The Discord message lists members with counts and shares, then the AI's lines; the shares add up to 100 %
    (largest remainder: 1/7 three times and 4/7 are 15 + 14 + 14 + 57, never 99 %)."""
    assert render_credits(attribute(NODES, 4)) == (
        "**Credits · v4** · 7 lines\n"
        "• Ana — 1 line (15 %)\n"
        "• Bo — 1 line (14 %)\n"
        "• Cy — 1 line (14 %)\n"
        "AI-written lines: 4 (57 %) — the AI is disclosed, never listed as an author"
    )


def test_render_credits_for_an_untouched_draft() -> None:
    """With only AI lines, no member is listed and the AI is still disclosed."""
    text = render_credits(attribute(NODES, 1))
    assert "No member has written a line of this version yet." in text
    assert text.endswith("AI-written lines: 6 (100 %) — the AI is disclosed, never listed as an author")


def test_render_credits_escapes_member_names() -> None:
    """A name with markdown and a mention renders inert."""
    nodes = [NODES[0], VersionNode(2, 1, ANA, "**@everyone**", "human-revision", NODES[1].lyrics, False)]
    assert "• \\*\\*@\u200beveryone\\*\\* — 2 lines" in render_credits(attribute(nodes, 2))


def _table_rows(markdown: str, header: str) -> list[list[str]]:
    """Cells of the markdown table under ``header``, split on unescaped pipes."""
    lines = markdown.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_split_sheet_tables_writers_and_discloses_the_ai() -> None:
    """The writers' table holds counts, shares of all lines and the split among writers (which adds up to
    100.0 %, so one writer carries the odd tenth); the AI is no row."""
    sheet = render_split_sheet(attribute(NODES, 4), "Midnight Streets")
    assert sheet.startswith("# Credits — Midnight Streets\n")
    writers = _table_rows(sheet, "| Writer | Discord user ID | Lines | Share of all lines | Split among writers |")
    assert writers == [
        ["Ana", str(ANA), "1", "14.3 %", "33.4 %"],
        ["Bo", str(BO), "1", "14.3 %", "33.3 %"],
        ["Cy", str(CY), "1", "14.3 %", "33.3 %"],
    ]
    assert "AI-written lines: 4 of 7 (57.1 %)" in sheet


def test_split_sheet_attributes_every_line() -> None:
    """Each section has a table naming each line's writer and the version the words come from."""
    sheet = render_split_sheet(attribute(NODES, 4), "Midnight Streets")
    bridge = sheet[sheet.index("## Bridge") :]
    assert _table_rows(bridge, "| # | Line | Written by |") == [["7", "Hold on", "Ana (v2)"]]
    verse = sheet[sheet.index("## Verse") :]
    assert [row[2] for row in _table_rows(verse, "| # | Line | Written by |")] == [
        "AI (v1)",
        "Cy (v4)",
        "Bo (v3)",
        "AI (v1)",
    ]


def test_split_sheet_escapes_pipes_in_lyrics() -> None:
    """A lyric line containing | stays in its cell."""
    nodes = [VersionNode(1, None, AI, "AI", "ai-draft", lyrics(("V", ["this | that"])), False)]
    rows = _table_rows(render_split_sheet(attribute(nodes, 1), "T"), "| # | Line | Written by |")
    assert rows == [["1", "this \\| that", "AI (v1)"]]


def test_an_ai_drafts_disclosure_names_the_writers() -> None:
    """An AI draft's files say the AI wrote the words and the music, and name no author."""
    disclosure = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))
    assert disclosure.line == "Lyrics: AI draft (offline writer); melody: AI draft (melody sketcher), Sound Off"
    assert (disclosure.lyricists, disclosure.composers) == ((), ())
    same = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai("offline writer"))
    assert same.line == "Lyrics and melody: AI draft (offline writer), Sound Off"


def test_a_members_version_names_members_and_the_ais_share_as_the_credits_do() -> None:
    """v5 (Dee's melody on v4's words): the lyricists and shares of /credits, the AI's share apart, Dee's melody."""
    disclosure = version_disclosure(NODES, 5)
    credits = attribute(NODES, 5)
    assert disclosure.lyricists == tuple(a.name for a in credits.authors) == ("Ana", "Bo", "Cy")
    assert disclosure.composers == ("Dee",)
    assert disclosure.line == "Lyrics: Ana 15 %, Bo 14 %, Cy 14 % (AI-written 57 %); melody: Dee, Sound Off"
    assert "Ana — 1 line (15 %)" in render_credits(credits)  # the file header and /credits round alike
    assert "AI" not in disclosure.lyricists + disclosure.composers


def test_an_ai_version_names_its_own_writer_only() -> None:
    """v1 names the writer recorded on it; a melody writer is never named for the words."""
    assert version_disclosure(NODES, 1, writer="offline writer").line == "Lyrics: AI draft (offline writer), Sound Off"
    assert version_disclosure(NODES, 1, writer=MELODY_WRITER).line == "Lyrics: AI draft, Sound Off"


def test_a_disclosure_lists_three_members_then_the_rest() -> None:
    """The line stays one line on the score: three named members, then how many more and their share."""
    members = tuple((name, 0.2) for name in ("Ana", "Bo", "Cy", "Dee", "Eve"))
    line = Disclosure(Authorship(members), None).line
    assert line == "Lyrics: Ana 20 %, Bo 20 %, Cy 20 %, 2 more members 40 %, Sound Off"
    assert Disclosure(Authorship(members), None).lyricists == ("Ana", "Bo", "Cy", "Dee", "Eve")


def test_words_from_outside_the_bot_are_not_the_ais() -> None:
    """The studio's lyrics file: the words are supplied, the melody is the AI's."""
    line = Disclosure(Authorship(), Authorship.by_ai(MELODY_WRITER)).line
    assert line == "Lyrics: supplied by the user; melody: AI draft (melody sketcher), Sound Off"
