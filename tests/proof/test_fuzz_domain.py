"""Fuzzing the pure domain with what members type: parsers never crash, renderers stay inside Discord's limits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.songwriting.versions.credits import attribute, render_credits
from bot.songwriting.versions.revisions import VersionNode, diff_lines, history_tree
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.lyrics import Lyrics, parse_lyrics, split_footer
from bot.songwriting.words.prosody_report import format_report, prosody_report
from bot.songwriting.words.text import chunk, escape_markdown_block
from tests.proof.strategies import display_name, fuzz, lyric_text, lyrics

DISCORD_MESSAGE_MAX = 2000
LIVE_MENTION = re.compile(r"@(everyone|here)|<@|<#", re.IGNORECASE)
LABEL_LINE = re.compile(r"^\s*\[[^\[\]]{1,40}\]\s*$")


def _typed_lines(text: str) -> list[str]:
    """The lines a member typed, as the lyrics.txt format defines them (CR, LF and CRLF end a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@fuzz(3000)
@given(lyric_text)
def test_parsed_lyrics_keep_every_line_in_order(text: str) -> None:
    """Every non-blank, non-label line a member typed comes back, stripped, in order (title first), but a footer."""
    parsed = parse_lyrics(text)
    typed = _typed_lines(split_footer(text)[0])
    expected = [line.strip() for line in typed if line.strip() and not LABEL_LINE.match(line)]
    assert ([parsed.title] if parsed.title else []) + parsed.lines == expected


@fuzz(1000)
@given(st.one_of(lyric_text.map(parse_lyrics), lyrics(max_sections=3, max_lines=4)))
def test_lyrics_text_round_trips(song: Lyrics) -> None:
    """lyrics.txt written by the bot reads back to the same lyrics."""
    assert parse_lyrics(song.to_text()) == song


@fuzz(1800)
@given(
    theme=st.text(max_size=260),
    form=st.one_of(st.sampled_from(sorted(FORMS)), st.text(max_size=20)),
    rhyme=st.text(max_size=10),
    syllables=st.integers(-3, 30),
)
def test_brief_accepts_or_refuses_with_a_reason(theme: str, form: str, rhyme: str, syllables: int) -> None:
    """A brief from any option values is valid or a ValueError; a valid one has a quatrain-or-longer scheme."""
    try:
        brief = Brief(theme=theme, form=form, rhyme_scheme=rhyme, syllables=syllables)
    except ValueError as error:
        reason = str(error)
    else:
        scheme = brief.section_scheme
        assert len(scheme) >= 4
        assert scheme == rhyme.upper() * (len(scheme) // len(rhyme))
        return
    assert reason


@fuzz(500)
@given(lyric_text)
def test_prosody_view_covers_every_line_and_stays_in_its_block(text: str) -> None:
    """The prosody view reports each line once and, escaped, can never close its code block."""
    song = parse_lyrics(text, title="t")
    report = prosody_report(song)
    assert [line.text for section in report for line in section.lines] == song.lines
    assert all(line.syllables >= 0 and len(line.stresses) == line.syllables for s in report for line in s.lines)
    assert "``" not in escape_markdown_block(format_report(report))


@fuzz(800)
@given(old=lyric_text, new=lyric_text, max_chars=st.integers(100, DISCORD_MESSAGE_MAX))
def test_diff_blocks_fit_and_cannot_be_broken(old: str, new: str, max_chars: int) -> None:
    """Every rendered diff block fits the size asked for and is one unbroken ```diff block."""
    before, after = parse_lyrics(old, title="t"), parse_lyrics(new, title="t")
    changes = diff_lines(before, after)
    assert changes.added - changes.removed == len(after.lines) - len(before.lines)
    blocks = changes.render(max_chars)
    assert blocks
    for block in blocks:
        assert len(block) <= max_chars
        assert block.startswith("```diff\n")
        assert block.endswith("\n```")
        assert "``" not in block[len("```diff\n") : -len("\n```")]


@fuzz(300)
@given(lyric_text)
def test_a_version_diffed_with_itself_has_no_changes(text: str) -> None:
    """Diffing a version against itself finds nothing."""
    song = parse_lyrics(text, title="t")
    assert not diff_lines(song, song).has_changes


@st.composite
def revision_trees(draw: st.DrawFn) -> list[VersionNode]:
    """A song's versions: an AI first draft, then AI or member versions hanging off earlier ones."""
    authors = draw(st.lists(display_name, min_size=1, max_size=4))
    nodes = [VersionNode(1, None, None, "AI", "ai-draft", parse_lyrics(draw(lyric_text), title="t"), False)]
    for number in range(2, draw(st.integers(1, 7)) + 1):
        who = draw(st.integers(-1, len(authors) - 1))
        text = draw(st.one_of(st.none(), lyric_text))
        nodes.append(
            VersionNode(
                number=number,
                parent=draw(st.integers(1, number - 1)),
                author_id=None if who < 0 else 1000 + who,
                author_name="AI" if who < 0 else authors[who],
                kind="ai-variation" if who < 0 else "human-revision",
                lyrics=None if text is None else parse_lyrics(text, title="t"),
                has_melody=text is None,
            )
        )
    return nodes


@fuzz(500)
@given(revision_trees())
def test_credits_add_up_fit_messages_and_never_ping(nodes: list[VersionNode]) -> None:
    """Credits count every line once, split into messages Discord accepts, with every mention inert."""
    latest = nodes[-1].number
    credits = attribute(nodes, latest)
    assert sum(a.lines for a in credits.authors) + credits.ai_lines == credits.total
    pieces = chunk("**Song**\n" + render_credits(credits), DISCORD_MESSAGE_MAX)
    assert all(0 < len(piece) <= DISCORD_MESSAGE_MAX for piece in pieces)
    assert not any(LIVE_MENTION.search(piece) for piece in pieces)


@fuzz(300)
@given(revision_trees())
def test_history_names_every_version_without_live_mentions(nodes: list[VersionNode]) -> None:
    """The history tree has one line per version and no member name in it can ping."""
    lines = history_tree(nodes)
    assert len(lines) == len(nodes)
    assert not any(LIVE_MENTION.search(line) for line in lines)
