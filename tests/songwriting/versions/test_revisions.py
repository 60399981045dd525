"""Revisions: line diffs, identity, version names and the drawn revision tree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.songwriting.versions.revisions import (
    VersionError,
    VersionNode,
    VersionTree,
    diff_lines,
    history_tree,
    is_identical,
    parse_version,
)
from bot.songwriting.words.lyrics import Lyrics, Section, parse_lyrics

V1 = parse_lyrics(
    """Midnight Streets

[Verse]
I walked the empty street tonight
The lamps were low and cold
Nobody waiting by the door
A story never told

[Chorus]
We rise, we rise
Into the morning light
"""
)


def lyrics(*sections: tuple[str, list[str]]) -> Lyrics:
    return Lyrics("Song", tuple(Section(label, tuple(lines)) for label, lines in sections))


def node(
    number: int, parent: int | None, who: str | None, kind: str, text: Lyrics | None, melody: bool = False
) -> VersionNode:
    author_id = None if who is None else sum(map(ord, who))
    return VersionNode(number, parent, author_id, who or "AI", kind, text, melody)


def test_counts_added_changed_and_removed_lines() -> None:
    """One edited line, one new line and one dropped line are counted as such."""
    new = lyrics(
        ("Verse", ["I walk the empty streets tonight", "The lamps were low and cold", "A story never told"]),
        ("Chorus", ["We rise, we rise", "Into the morning light", "Hold on"]),
    )
    diff = diff_lines(V1, new)
    assert (diff.added, diff.changed, diff.removed) == (1, 1, 1)
    assert diff.summary() == "+1 ~1 −1 lines"


def test_identical_lyrics_have_no_changes() -> None:
    """Diffing a version against itself finds nothing."""
    diff = diff_lines(V1, V1)
    assert not diff.has_changes
    assert diff.summary() == "+0 ~0 −0 lines"


def test_first_version_is_all_added() -> None:
    """Against no lyrics, every line is new."""
    assert diff_lines(None, V1).counts() == "+6 ~0 −0"


def test_removing_all_lyrics_removes_every_line() -> None:
    """Against no lyrics on the new side, every line is removed."""
    assert diff_lines(V1, None).counts() == "+0 ~0 −6"


def test_line_rewritten_in_place_at_similar_length_is_changed() -> None:
    """A completely reworded line in the same place counts as one changed line."""
    old = lyrics(("V", ["a", "The night is young and so are we", "c"]))
    diff = diff_lines(old, lyrics(("V", ["a", "We dance until the dawn arrives", "c"])))
    assert diff.counts() == "+0 ~1 −0"


def test_dissimilar_line_of_very_different_length_is_removed_and_added() -> None:
    """A short line replaced by an unrelated long one is a removal plus an addition."""
    diff = diff_lines(lyrics(("V", ["a", "Oh", "c"])), lyrics(("V", ["a", "Everything we ever built came down", "c"])))
    assert diff.counts() == "+1 ~0 −1"


def test_replaced_block_pairs_the_similar_line_whatever_its_position() -> None:
    """Two lines becoming three: the edited one pairs with its new wording, the rest stand alone."""
    old = lyrics(("V", ["start", "Xylophones quietly", "The lamps were low and cold", "end"]))
    new = lyrics(("V", ["start", "Brand new opening words here", "More", "The lamps were low and bold", "end"]))
    diff = diff_lines(old, new)
    changed = [line for line in diff.lines if line.op == "~"]
    assert [(c.old_text, c.new_text) for c in changed] == [
        ("The lamps were low and cold", "The lamps were low and bold")
    ]
    assert diff.counts() == "+2 ~1 −1"


def test_trailing_whitespace_is_not_a_change() -> None:
    """Lines differing only in trailing spaces are equal."""
    assert not diff_lines(lyrics(("V", ["a line  "])), lyrics(("V", ["a line"]))).has_changes


def test_renamed_section_is_a_change_without_changed_lines() -> None:
    """Relabelling a section changes the version but no line."""
    diff = diff_lines(lyrics(("Verse", ["a", "b"])), lyrics(("Verse 1", ["a", "b"])))
    assert diff.has_changes
    assert diff.counts() == "+0 ~0 −0"
    assert "@@ Verse 1 (was Verse) @@" in diff.render()[0]


def test_render_shows_markers_and_section_headers() -> None:
    """Added, removed and changed lines carry their markers under their section's header."""
    new = lyrics(
        ("Verse", ["I walk the empty streets tonight", "The lamps were low and cold", "A story never told"]),
        ("Chorus", ["We rise, we rise", "Into the morning light", "Hold on"]),
    )
    [block] = diff_lines(V1, new).render()
    assert block == (
        "```diff\n"
        "@@ Verse @@\n"
        "~ I walked the empty street tonight\n"
        "→ I walk the empty streets tonight\n"
        "  The lamps were low and cold\n"
        "- Nobody waiting by the door\n"
        "  A story never told\n"
        "@@ Chorus @@\n"
        "  We rise, we rise\n"
        "  Into the morning light\n"
        "+ Hold on\n"
        "```"
    )


def test_render_elides_unchanged_lines_far_from_a_change() -> None:
    """Only context lines around a change are shown; a gap is marked with an ellipsis."""
    old = lyrics(("V", [f"line {i}" for i in range(12)]))
    new = lyrics(("V", ["line 0 changed", *[f"line {i}" for i in range(1, 11)], "line 11 changed"]))
    [block] = diff_lines(old, new).render(context=1)
    assert block.splitlines()[1:-1] == [
        "@@ V @@",
        "~ line 0",
        "→ line 0 changed",
        "  line 1",
        "  …",
        "  line 10",
        "~ line 11",
        "→ line 11 changed",
    ]


def test_render_without_changes_says_so() -> None:
    """An empty diff still renders one readable block."""
    assert diff_lines(V1, V1).render() == ["```diff\n  (no changes)\n```"]


def test_render_splits_into_blocks_that_fit_and_repeat_the_header() -> None:
    """Long diffs split into fenced blocks within the limit; each continuation starts with its section header."""
    new = lyrics(("Chorus", [f"A brand new line number {i} of the chorus" for i in range(60)]))
    blocks = diff_lines(None, new).render(max_chars=300)
    assert len(blocks) > 1
    for block in blocks:
        assert len(block) <= 300
        assert block.startswith("```diff\n@@ Chorus @@\n")
        assert block.endswith("\n```")


def test_render_keeps_a_changed_line_with_its_replacement() -> None:
    """The old and new wording of a changed line never land in different messages."""
    old = lyrics(("V", [f"the old wording of line {i}" for i in range(40)]))
    new = lyrics(("V", [f"the new wording of line {i}" for i in range(40)]))
    for block in diff_lines(old, new).render(max_chars=200):
        rows = block.splitlines()[2:-1]
        assert [r[0] for r in rows] == ["~", "→"] * (len(rows) // 2)


def test_lyric_code_fence_cannot_escape_the_diff_block() -> None:
    """A line containing ``` leaves exactly the two fences of its block."""
    [block] = diff_lines(None, lyrics(("V", ["break ``` out", "```"]))).render()
    assert block.count("```") == 2


def test_overlong_line_is_split_within_the_limit() -> None:
    """A single 5000-character line still renders in blocks under the limit."""
    blocks = diff_lines(None, lyrics(("V", ["la " * 1700]))).render(max_chars=2000)
    assert len(blocks) == 3
    assert all(len(block) <= 2000 for block in blocks)


def test_render_refuses_a_limit_too_small_for_a_header() -> None:
    """A limit below the minimum is a programming error."""
    with pytest.raises(ValueError, match="max_chars"):
        diff_lines(V1, V1).render(max_chars=50)


Song = list[tuple[str, list[str]]]
section_lines = st.lists(st.text(alphabet="ab` @\n", min_size=1, max_size=40), max_size=8)
song = st.lists(st.tuples(st.sampled_from(["Verse", "Chorus", "B" * 50]), section_lines), max_size=4)


@settings(max_examples=60, deadline=None)
@given(song, song, st.integers(min_value=100, max_value=400))
def test_rendered_blocks_always_fit_and_stay_closed(old: Song, new: Song, limit: int) -> None:
    """Whatever the lyrics, every block fits the limit and holds exactly its own two fences."""
    for block in diff_lines(lyrics(*old), lyrics(*new)).render(max_chars=limit):
        assert len(block) <= limit
        assert block.count("```") == 2
        assert block.startswith("```diff\n")
        assert block.endswith("\n```")


def test_is_identical_ignores_trailing_whitespace_and_line_endings() -> None:
    """Trailing spaces and a stray carriage return don't make a revision."""
    assert is_identical(lyrics(("V", ["one", "two"])), lyrics(("V", ["one  ", "two\r"])))


def test_is_identical_ignores_the_title() -> None:
    """The title belongs to the song, not to a revision."""
    assert is_identical(Lyrics("A", V1.sections), Lyrics("B", V1.sections))


def test_is_identical_sees_a_renamed_section() -> None:
    """A relabelled section is a real revision."""
    assert not is_identical(lyrics(("Verse", ["one"])), lyrics(("Chorus", ["one"])))


def test_is_identical_sees_a_changed_line() -> None:
    """A changed word is a real revision."""
    assert not is_identical(lyrics(("V", ["one"])), lyrics(("V", ["won"])))


@pytest.mark.parametrize(("text", "number"), [("v3", 3), ("V12", 12), (" 7 ", 7)])
def test_parse_version_reads_member_input(text: str, number: int) -> None:
    """Version names are read with or without the v."""
    assert parse_version(text) == number


@pytest.mark.parametrize("text", ["v0", "x3", "", "v-1", "version 3"])
def test_parse_version_rejects_non_versions(text: str) -> None:
    """Anything else is a member-readable VersionError."""
    with pytest.raises(VersionError, match="isn't a version name"):
        parse_version(text)


def test_tree_rejects_a_missing_parent() -> None:
    """A parent that isn't an earlier version is refused."""
    with pytest.raises(ValueError, match="parent v5"):
        VersionTree([node(1, None, None, "ai-draft", V1), node(2, 5, "Ana", "human-revision", V1)])


def test_tree_rejects_duplicate_numbers() -> None:
    """Version numbers are unique per song."""
    with pytest.raises(ValueError, match="twice"):
        VersionTree([node(1, None, None, "ai-draft", V1), node(1, None, None, "ai-draft", V1)])


def test_unknown_version_is_a_member_readable_error() -> None:
    """Asking for a version the song lacks says so."""
    with pytest.raises(VersionError, match="no v9"):
        VersionTree([node(1, None, None, "ai-draft", V1)])[9]


def test_tree_path_runs_from_root_to_version() -> None:
    """The path lists ancestors first."""
    tree = VersionTree(
        [
            node(1, None, None, "ai-draft", V1),
            node(2, 1, "Ana", "human-revision", V1),
            node(3, 1, None, "ai-variation", V1),
            node(4, 2, "Bo", "human-revision", V1),
        ]
    )
    assert [n.number for n in tree.path(4)] == [1, 2, 4]


def test_melody_only_version_carries_its_parents_lyrics() -> None:
    """A version with lyrics None shows its parent's lyrics."""
    tree = VersionTree([node(1, None, None, "ai-draft", V1), node(2, 1, "Ana", "human-revision", None, melody=True)])
    assert tree.lyrics_of(2) is V1


def test_history_tree_draws_children_under_parents() -> None:
    """Each version is one line, indented under its parent, with counts against that parent."""
    v2 = lyrics(*[(s.label, list(s.lines)) for s in V1.sections], ("Bridge", ["Hold on"]))
    v4 = lyrics(*[(s.label, list(s.lines)) for s in V1.sections[:1]])
    nodes = [
        node(1, None, None, "ai-draft", V1),
        node(2, 1, "Ana", "human-revision", v2),
        node(3, 1, None, "ai-variation", V1, melody=True),
        node(4, 2, "Bo", "human-revision", v4),
    ]
    assert history_tree(nodes) == [
        "v1 · ai-draft · by AI · +6 ~0 −0",
        "↳ v2 · human-revision · by Ana · +1 ~0 −0",
        "\u2003↳ v4 · human-revision · by Bo · +0 ~0 −3",
        "↳ v3 · ai-variation · by AI · +0 ~0 −0 · ♪",
    ]


def test_history_tree_links_version_labels() -> None:
    """A link turns the version label into a markdown link."""
    lines = history_tree([node(1, None, None, "ai-draft", V1)], links={1: "https://discord.com/channels/1/2/3"})
    assert lines[0].startswith("[v1](https://discord.com/channels/1/2/3) · ai-draft")


def test_history_tree_escapes_member_names_and_always_calls_the_ai_ai() -> None:
    """Markdown and mentions in a name are neutralised; an AI version reads "by AI" whatever its row says."""
    nodes = [
        VersionNode(1, None, None, "GPT-Overlord", "ai-draft", V1, False),
        node(2, 1, "*@everyone*", "human-revision", V1),
    ]
    lines = history_tree(nodes)
    assert "by AI ·" in lines[0]
    assert "by \\*@\u200beveryone\\* ·" in lines[1]


def test_history_tree_of_a_long_chain_caps_indentation_and_names_parents() -> None:
    """A 1500-version chain draws without recursion limits; deep lines stop indenting and name their parent."""
    text = lyrics(("V", ["one line"]))
    nodes = [node(1, None, None, "ai-draft", text)]
    nodes += [node(n, n - 1, "Ana", "human-revision", text) for n in range(2, 1501)]
    lines = history_tree(nodes)
    assert len(lines) == 1500
    assert lines[12] == "\u2003" * 11 + "↳ v13 · human-revision · by Ana · +0 ~0 −0"
    assert lines[-1] == "\u2003" * 11 + "↳ v1500 (from v1499) · human-revision · by Ana · +0 ~0 −0"
