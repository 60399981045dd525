"""Text safety helpers: code blocks, mentions, markdown, length limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.songwriting.words.brief import Brief
from bot.songwriting.words.text import (
    ZWSP,
    UnsafeTextError,
    chunk,
    escape_markdown,
    escape_markdown_block,
    file_stem,
    member_text,
    neutralise_mentions,
    percent,
    percents,
    plural,
    truncate,
)

# Text built from the characters that matter here, so hypothesis hits backtick runs, mentions and newlines.
tricky_text = st.text(alphabet=st.sampled_from(list("`@<>#&!\n abcehnoryv0123456789*_|~[]-")), max_size=300)


def test_code_fence_in_lyrics_cannot_close_the_block() -> None:
    """A ``` inside lyrics no longer reads as a fence."""
    assert "```" not in escape_markdown_block("before ``` after")


def test_escaped_block_text_reads_the_same_without_zero_width_spaces() -> None:
    """Only invisible characters are added."""
    text = "a `` b ```` c `"
    assert escape_markdown_block(text).replace(ZWSP, "") == text


@given(tricky_text)
def test_no_backtick_pair_survives_block_escaping(text: str) -> None:
    """After escaping, no two backticks are adjacent, so no fence of any length can form."""
    assert "``" not in escape_markdown_block(text)


@given(tricky_text)
def test_block_escaping_is_idempotent(text: str) -> None:
    """Escaping twice changes nothing more."""
    once = escape_markdown_block(text)
    assert escape_markdown_block(once) == once


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("hi @everyone", f"hi @{ZWSP}everyone"),
        ("@here now", f"@{ZWSP}here now"),
        ("ping <@123>", f"ping <{ZWSP}@123>"),
        ("ping <@!123>", f"ping <{ZWSP}@!123>"),
        ("role <@&456>", f"role <{ZWSP}@&456>"),
        ("see <#789>", f"see <{ZWSP}#789>"),
    ],
)
def test_mentions_are_broken_by_a_zero_width_space(raw: str, safe: str) -> None:
    """Each mention form gets a zero-width space that stops it parsing."""
    assert neutralise_mentions(raw) == safe


@given(tricky_text)
def test_no_mention_token_survives_neutralising(text: str) -> None:
    """Neither broadcast nor angle-bracket mentions remain, and the visible text is unchanged."""
    safe = neutralise_mentions(text)
    assert not re.search(r"@(everyone|here)|<[@#]", safe, re.IGNORECASE)
    assert safe.replace(ZWSP, "") == text


def test_plain_at_signs_are_left_alone() -> None:
    """An email address or a lone @ is not a mention."""
    assert neutralise_mentions("mail me@example.com @ 5") == "mail me@example.com @ 5"


def test_markdown_escaping_keeps_names_literal() -> None:
    """Bold, spoiler and link markup in a display name is escaped."""
    assert escape_markdown("**Ana** ||x|| [a](b)") == r"\*\*Ana\*\* \|\|x\|\| \[a\](b)"


def test_markdown_escaping_handles_line_start_markers() -> None:
    """Headings, quotes, list items and numbered lists are escaped only at the start of a line."""
    assert escape_markdown("# big\n> quote\n- item\n12. item\nrock-n-roll") == (
        "\\# big\n\\> quote\n\\- item\n12\\. item\nrock-n-roll"
    )


def test_markdown_escaping_also_neutralises_mentions() -> None:
    """A display name of "@everyone" can't ping."""
    assert escape_markdown("@everyone") == f"@{ZWSP}everyone"


def test_short_text_is_not_truncated() -> None:
    """Text within the limit comes back unchanged."""
    assert truncate("hello", 5) == "hello"


def test_truncation_ends_with_the_suffix() -> None:
    """Cut text loses trailing spaces, ends with the suffix and fits the limit."""
    assert truncate("hello world", 7) == "hello…"


def test_truncation_to_less_than_the_suffix_returns_part_of_it() -> None:
    """A limit shorter than the suffix still respects the limit."""
    assert truncate("hello", 2, suffix="...") == ".."


@given(st.text(max_size=300), st.integers(min_value=0, max_value=320), st.text(max_size=5))
def test_truncation_never_exceeds_the_limit(text: str, limit: int, suffix: str) -> None:
    """Output length is at most the limit, and text within the limit is untouched."""
    out = truncate(text, limit, suffix=suffix)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text


def test_chunk_breaks_between_lines() -> None:
    """Lines are packed whole into pieces up to the limit."""
    assert chunk("aaa\nbbb\nccc", 7) == ["aaa\nbbb", "ccc"]


def test_chunk_cuts_a_line_longer_than_the_limit() -> None:
    """An overlong line is cut into limit-sized pieces."""
    assert chunk("abcdefgh", 3) == ["abc", "def", "gh"]


def test_chunk_of_blank_text_is_empty() -> None:
    """Nothing to send means no pieces, never an empty message."""
    assert chunk("\n\n  \n", 10) == []


@given(tricky_text, st.integers(min_value=1, max_value=60))
def test_chunks_respect_the_limit_and_keep_every_visible_character(text: str, limit: int) -> None:
    """Every piece fits and is non-blank; the visible characters survive in order."""
    pieces = chunk(text, limit)
    assert all(0 < len(piece) <= limit and piece.strip() for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=10), min_size=1, max_size=30))
def test_chunks_rejoin_to_the_text_when_lines_fit(lines: list[str]) -> None:
    """With no overlong or blank lines, joining the pieces with newlines restores the text."""
    lines = [line for line in lines if line.strip()] or ["a"]
    text = "\n".join(lines)
    assert "\n".join(chunk(text, 12)) == text


def test_plural_counts_one_and_many() -> None:
    """One line, two lines, zero lines."""
    assert [plural(n, "line") for n in (0, 1, 2)] == ["0 lines", "1 line", "2 lines"]


def test_percent_formats_a_share() -> None:
    """Shares show as rounded percentages with a space before the sign."""
    assert (percent(0.4166), percent(0.4166, 1)) == ("42 %", "41.7 %")


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Rain on the Bus", "rain-on-the-bus"),
        ("Café Noël", "cafe-noel"),
        ("Дождь над автобусом", "dozhd-nad-avtobusom"),
        ("夜のバス", "yenobasu"),
        ("♪ ♫", "song-7"),
        ("", "song-7"),
    ],
)
def test_file_stems_are_ascii(title: str, stem: str) -> None:
    """Discord rewrites non-ASCII file names, breaking attachment:// references: stems are ASCII, else the fallback."""
    assert file_stem(title, "song-7") == stem


@given(st.text(max_size=200))
def test_file_stems_are_always_safe(title: str) -> None:
    """Whatever the title, the stem is short, non-empty lowercase ASCII with single hyphens."""
    stem = file_stem(title, "song-1")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stem)
    assert len(stem) <= 40


def test_member_text_keeps_one_line_fields_to_one_line() -> None:
    """A theme (``lines=False``) refuses a line break; the brief refuses what the sanitiser refuses."""
    assert member_text("rain\ton the bus", "the theme", lines=False) == "rain\ton the bus"
    with pytest.raises(UnsafeTextError, match=r"^The theme must be one line: remove the line break\.$"):
        member_text("rain\r\non the bus", "the theme", lines=False)
    with pytest.raises(ValueError, match=r"^the mood has a control character \(U\+001B\)$"):
        Brief("rain on the bus", mood="\x1b[2Jwistful")


BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
UNSAFE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2030) | st.sampled_from("\ud800\ufffe\uffff")))
def test_member_text_either_refuses_or_returns_only_safe_lines(text: str) -> None:
    """Whatever a member sends: refused, naming the line of the first unsafe character, or returned with every
    line break as ``\\n``, tabs kept, and every other character kept in order."""
    lines = BREAKS.split(text)
    unsafe = next((number for number, line in enumerate(lines, 1) if UNSAFE.search(line)), None)
    if unsafe is not None:
        with pytest.raises(UnsafeTextError) as refused:
            member_text(text, "your lyrics")
        assert refused.value.line == unsafe
        return
    assert member_text(text, "your lyrics") == "\n".join(lines)


def test_percents_add_up_to_the_whole() -> None:
    """Parts rounded together by largest remainder always show 100 %: no 12 % here and 13 % there."""
    assert percents([1 / 8, 7 / 8]) == ["13 %", "87 %"]
    assert percents([1 / 3, 1 / 3, 1 / 3]) == ["34 %", "33 %", "33 %"]
    assert percents([1 / 7, 1 / 7, 1 / 7, 4 / 7], 1) == ["14.3 %", "14.3 %", "14.3 %", "57.1 %"]
    assert percents([0.0, 1.0]) == ["0 %", "100 %"]


@given(st.lists(st.integers(0, 50), min_size=1, max_size=8).filter(lambda xs: sum(xs) > 0), st.sampled_from([0, 1]))
def test_percents_of_any_split_sum_to_100(counts: list[int], digits: int) -> None:
    """Any split of lines into parts shows percentages summing to exactly 100, each within a unit of its share."""
    total = sum(counts)
    shown = [float(text.removesuffix(" %")) for text in percents([c / total for c in counts], digits)]
    assert round(sum(shown), digits) == 100
    unit = 10**-digits
    assert all(abs(value - 100 * c / total) < unit + 1e-9 for value, c in zip(shown, counts, strict=True))
